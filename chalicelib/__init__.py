"""Noper: the closed neighbourhood network of a commune. Deployed code lives here and in app.py."""

__version__ = "0.1.0"
