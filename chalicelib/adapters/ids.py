"""Identifiers: time-ordered and random (ULID layout: 48 bits of milliseconds, 80 random bits)."""

from __future__ import annotations

import secrets

from chalicelib.adapters.clock import now

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """26 characters that sort by creation time."""
    value = (int(now().timestamp() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))
