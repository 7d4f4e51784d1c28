"""Operator and developer tooling: the local stack, the CLI, demo data. Not deployed."""
