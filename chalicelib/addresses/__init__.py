"""Addresses: the commune's address register (BD-Adresses), imported, searched and mapped to H3 cells."""
