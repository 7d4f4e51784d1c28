"""ISO weeks in Luxembourg time, and when the weekly digest is due.

EventBridge schedules are in UTC, so the digest is scheduled at 05:00 and 06:00 UTC on Mondays and
runs only in the one of the two that is 07:00 in Luxembourg (06:00 UTC in winter, 05:00 in summer).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from chalicelib.adapters.clock import LUXEMBOURG
from chalicelib.errors import InvalidInput

DIGEST_HOUR = 7  # Monday, Luxembourg time
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def is_digest_time(moment: datetime) -> bool:
    """Is this UTC moment (a scheduled run's time) Monday 07:xx in Luxembourg?"""
    local = moment.astimezone(LUXEMBOURG)
    return local.weekday() == 0 and local.hour == DIGEST_HOUR


def week_of(moment: datetime) -> str:
    year, week, _ = moment.astimezone(LUXEMBOURG).isocalendar()
    return f"{year}-W{week:02d}"


def week_before(moment: datetime) -> str:
    """The ISO week that ended before this moment's week: the one a Monday digest tells about."""
    return week_of(moment.astimezone(LUXEMBOURG) - timedelta(days=7))


def week_bounds(week: str, field: str = "week") -> tuple[datetime, datetime]:
    """Monday 00:00 and the next Monday 00:00, Luxembourg time (as aware datetimes)."""
    match = WEEK.match(week or "")
    if not match:
        raise InvalidInput("A week is written 2026-W48.", {field: "expected YYYY-Www"})
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidInput("No such ISO week.", {field: "no such week"}) from None
    start = datetime.combine(monday, time(0), LUXEMBOURG)
    return start, datetime.combine(monday + timedelta(days=7), time(0), LUXEMBOURG)
