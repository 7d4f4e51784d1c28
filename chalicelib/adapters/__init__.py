"""Adapters to the world outside the domain: AWS clients, mail, clock, ids."""
