"""Verifying residents' addresses: letter codes (printed letters), commune staff decisions, and the
verification record every method leaves (who, how, when)."""
