"""Identifiers: time-ordered and random (ULID layout: 48 bits of milliseconds, 80 random bits)."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import secrets
from contextvars import ContextVar
from typing import Iterator

from chalicelib.adapters.clock import now

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Inside `replayable(seed)`: the random bits come from the seed, so a retried request makes the same ids.
_seeded: ContextVar[tuple[bytes, itertools.count] | None] = ContextVar("seeded_ids", default=None)


def new_id() -> str:
    """26 characters that sort by creation time."""
    seeded = _seeded.get()
    if seeded is None:
        bits = secrets.randbits(80)
    else:
        seed, counter = seeded
        bits = int.from_bytes(hashlib.sha256(seed + next(counter).to_bytes(4, "big")).digest()[:10], "big")
    value = (int(now().timestamp() * 1000) << 80) | bits
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


@contextlib.contextmanager
def replayable(seed: bytes) -> Iterator[None]:
    """The ids made inside follow from `seed` (with the clock held still, the same ids each time): a
    retried request (chalicelib/store/idempotency.py) writes and answers what its first attempt did."""
    token = _seeded.set((seed, itertools.count()))
    try:
        yield
    finally:
        _seeded.reset(token)
