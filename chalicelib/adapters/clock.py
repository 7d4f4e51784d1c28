"""The one clock of the app, so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
