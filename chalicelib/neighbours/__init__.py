"""Neighbours: a neighbourhood seen from inside, its members, and residents vouching for newcomers."""
