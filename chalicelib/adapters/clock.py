"""The one clock of the app, so tests can move time instead of sleeping, and Luxembourg's time zone,
whose calendar days the app keeps (loans, daily caps, digests, vouching limits)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LUXEMBOURG = ZoneInfo("Europe/Luxembourg")


def now() -> datetime:
    return datetime.now(timezone.utc)
