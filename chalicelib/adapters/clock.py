"""The one clock of the app, so tests can move time instead of sleeping, and Luxembourg's time zone,
whose calendar days the app keeps (loans, daily caps, digests, vouching limits)."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

LUXEMBOURG = ZoneInfo("Europe/Luxembourg")
_still: ContextVar[datetime | None] = ContextVar("still_clock", default=None)


def now() -> datetime:
    return _still.get() or datetime.now(timezone.utc)


@contextlib.contextmanager
def still_at(moment: datetime) -> Iterator[None]:
    """The clock shows `moment` inside: a retried request replays its first attempt's time (idempotency)."""
    token = _still.set(moment)
    try:
        yield
    finally:
        _still.reset(token)
