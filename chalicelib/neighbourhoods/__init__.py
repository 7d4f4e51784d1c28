"""Neighbourhoods: named sets of H3 res-9 cells inside one commune, drawn or proposed, then published."""
