"""Local times and recurrence rules of events: the wall-clock time an organiser gives in the event's zone
(Europe/Luxembourg), the UTC instant stored, and a series' occurrences expanded on read with
python-dateutil's rrule — never stored one by one, never computed by hand.

A series is expanded in local wall-clock time and each occurrence is then placed in the zone, so a weekly
walk at 19:00 stays at 19:00 across a change of summer time. A local time the clocks skip (02:30 on the last
Sunday of March) is read as RFC 5545 says: with the offset before the gap, i.e. 03:30 summer time; a time
they show twice (02:30 on the last Sunday of October) is its first passage, summer time (`fold=0`).

The rule is a subset of RFC 5545's RRULE: FREQ (DAILY, WEEKLY, MONTHLY), INTERVAL, BYDAY, and UNTIL or COUNT
(one of them: a series ends). At most MAX_OCCURRENCES occurrences, the last starting at most MAX_SPAN after
the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule as du

ZONE = "Europe/Luxembourg"
MAX_OCCURRENCES = 200
MAX_SPAN = timedelta(days=731)  # two years
FREQUENCIES = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}
DAYS = {"MO": du.MO, "TU": du.TU, "WE": du.WE, "TH": du.TH, "FR": du.FR, "SA": du.SA, "SU": du.SU}
BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
UNTIL = re.compile(r"^(\d{8})(T\d{6}Z?)?$")
# What the request's `rrule` field admits before it is read part by part (the document shows it).
RULE_PATTERN = r"^(RRULE:)?[A-Z]+=[A-Z0-9,+-]+(;[A-Z]+=[A-Z0-9,+-]+){0,5}$"


class RuleError(ValueError):
    """A rule outside the subset or the limits: the message says which part."""


@dataclass(frozen=True)
class Rule:
    """A parsed rule, as stored (`text`, RFC 5545 form without the `RRULE:` prefix) and as dateutil reads it."""

    text: str
    freq: str
    interval: int
    byday: tuple[str, ...]
    until: str | None
    count: int | None


def zone(name: str = ZONE) -> ZoneInfo:
    return ZoneInfo(name)


def to_instant(local: datetime, zone_name: str = ZONE) -> datetime:
    """The UTC instant of a wall-clock time in the zone (an aware time keeps its own offset). At the ends of
    Python's calendar (year 1, year 9999) where UTC falls outside it: its first or last instant."""
    try:
        if local.tzinfo is not None:
            return local.astimezone(timezone.utc)
        return local.replace(tzinfo=zone(zone_name), fold=0).astimezone(timezone.utc)
    except OverflowError:
        return (datetime.min if local.year < 5000 else datetime.max).replace(tzinfo=timezone.utc)


def to_local(instant: datetime, zone_name: str = ZONE) -> datetime:
    return instant.astimezone(zone(zone_name))


def wall_clock(local: datetime, zone_name: str = ZONE) -> datetime:
    """The naive wall-clock time an organiser meant (an aware time is first moved into the zone)."""
    if local.tzinfo is not None:
        return local.astimezone(zone(zone_name)).replace(tzinfo=None)
    return local.replace(tzinfo=None)


def parse(text: str) -> Rule:
    """Read a rule of the subset; RuleError naming the part otherwise (the limits are checked by `check`)."""
    text = text.strip().upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        if not value:
            raise RuleError(f"{part!r} is not NAME=VALUE")
        if name in parts:
            raise RuleError(f"{name} is given twice")
        parts[name] = value
    unknown = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}
    if unknown:
        raise RuleError(f"{', '.join(sorted(unknown))} not supported (FREQ, INTERVAL, BYDAY, UNTIL, COUNT)")
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise RuleError("FREQ is DAILY, WEEKLY or MONTHLY")
    interval_text = parts.get("INTERVAL", "1")
    if not interval_text.isdigit() or not 1 <= int(interval_text) <= 99:
        raise RuleError("INTERVAL is a whole number from 1 to 99")
    byday = tuple(parts["BYDAY"].split(",")) if "BYDAY" in parts else ()
    for day in byday:
        found = BYDAY.match(day)
        if not found:
            raise RuleError(f"BYDAY {day!r} is not a day (MO..SU, in a month e.g. 1SA or -1FR)")
        if found.group(1) and freq != "MONTHLY":
            raise RuleError("BYDAY takes a position (1SA, -1FR) only with FREQ=MONTHLY")
    if len(byday) > 7:
        raise RuleError("BYDAY names at most 7 days")
    until, count = parts.get("UNTIL"), parts.get("COUNT")
    if (until is None) == (count is None):
        raise RuleError("give UNTIL or COUNT (one of them): a series ends")
    if until is not None and not UNTIL.match(until):
        raise RuleError("UNTIL is a date (YYYYMMDD) or a UTC time (YYYYMMDDTHHMMSSZ)")
    if count is not None and (not count.isdigit() or not 1 <= int(count) <= MAX_OCCURRENCES):
        raise RuleError(f"COUNT is a whole number from 1 to {MAX_OCCURRENCES}")
    canonical = [f"FREQ={freq}"]
    if int(interval_text) != 1:
        canonical.append(f"INTERVAL={int(interval_text)}")
    if byday:
        canonical.append(f"BYDAY={','.join(byday)}")
    canonical.append(f"UNTIL={until}" if until else f"COUNT={int(count)}")  # type: ignore[arg-type]
    return Rule(text=";".join(canonical), freq=freq, interval=int(interval_text), byday=byday, until=until,
                count=int(count) if count else None)


def _until_local(rule: Rule, zone_name: str) -> datetime | None:
    """UNTIL as the naive wall-clock time dateutil compares with (a date: the end of that local day)."""
    if rule.until is None:
        return None
    if "T" not in rule.until:
        return datetime.strptime(rule.until, "%Y%m%d").replace(hour=23, minute=59, second=59)
    moment = datetime.strptime(rule.until.rstrip("Z"), "%Y%m%dT%H%M%S")
    if rule.until.endswith("Z"):
        return moment.replace(tzinfo=timezone.utc).astimezone(zone(zone_name)).replace(tzinfo=None)
    return moment


def _dateutil_rule(rule: Rule, first_local: datetime, zone_name: str) -> du.rrule:
    byweekday = None
    if rule.byday:
        byweekday = []
        for day in rule.byday:
            position, name = BYDAY.match(day).groups()  # type: ignore[union-attr]
            byweekday.append(DAYS[name](int(position)) if position else DAYS[name])
    return du.rrule(FREQUENCIES[rule.freq], dtstart=first_local, interval=rule.interval, wkst=du.MO,
                    byweekday=byweekday, until=_until_local(rule, zone_name), count=rule.count, cache=False)


def starts(rule: Rule, first_local: datetime, zone_name: str = ZONE) -> list[datetime]:
    """Every occurrence's start as a UTC instant (at most MAX_OCCURRENCES + 1: `check` refuses more)."""
    walls = islice(_dateutil_rule(rule, first_local, zone_name), MAX_OCCURRENCES + 1)
    return [to_instant(wall, zone_name) for wall in walls]


def check(rule: Rule, first_local: datetime, zone_name: str = ZONE) -> list[datetime]:
    """The occurrences' starts, or RuleError when the series has none or passes the limits."""
    found = starts(rule, first_local, zone_name)
    if not found:
        raise RuleError("the rule gives no occurrence from the start on")
    if found[0] != to_instant(first_local, zone_name):
        raise RuleError("the start must be the first occurrence (one of the rule's days)")
    if len(found) > MAX_OCCURRENCES:
        raise RuleError(f"at most {MAX_OCCURRENCES} occurrences")
    if found[-1] - found[0] > MAX_SPAN:
        raise RuleError("a series lasts at most two years")
    return found


def occurrence_id(original_start: datetime) -> str:
    """An occurrence's name: its original start in UTC, as iCalendar writes it (`20270328T013000Z`)."""
    return original_start.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def from_occurrence_id(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
