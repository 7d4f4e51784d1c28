"""Communes: the public bodies that offer Noper to their residents, keyed by LAU2 code."""
