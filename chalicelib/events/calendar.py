"""A neighbourhood's calendar: the occurrences of its events (and of nearby events reaching it) in a window,
one Query a page.

Key design (docs/data-model.md, Event). Each event writes a copy of what expanding it needs into the calendar
partition `NBH#<id>#CAL` of its neighbourhood and of each nearby one it reaches:
- a single event one entry, sk `<UTC start>#<event id>`;
- a series one entry per month in which one of its occurrences starts, sk `<first instant of that month,
  UTC>#<event id>` (at most 25 for two years); that entry gives the occurrences starting in its month only.
One occurrence lasts at most 7 days (MAX_DURATION), so an occurrence overlapping a window [from, to) starts
in [from − 7 days, to) and its entry's sort key lies in [first instant of the month of (from − 7 days), to):
the window is that one key range, read by pages. It reads no event that cannot have an occurrence there but
those starting in the few weeks before `from − 7 days` within the same month (bounded: at most 37 days of
single events). A window spans at most 92 days.

The entries are copies kept by every write of the event (`write_entries`, after the event's own conditional
write; they are derived and rewritten whole at each change, as a post's feed entries are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from chalicelib.events.models import MAX_DURATION, CalendarEntryItem, CalendarPage, EventItem, Occurrence
from chalicelib.events.recurrence import from_occurrence_id, occurrence_id, parse, starts, to_local
from chalicelib.policy import commune_of
from chalicelib.store.pages import decode_cursor, encode_cursor
from chalicelib.store.table import table_connection

PAGE = 100  # entries a page
ENTRY_SK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z#[0-9A-Z]{26}$")


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(timezone.utc)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Happening:
    """One occurrence of an event: `original` names it (the rule's start), `start`/`end` are where it is now."""

    original: datetime
    start: datetime
    end: datetime
    cancelled: bool
    moved: bool

    @property
    def id(self) -> str:
        return occurrence_id(self.original)


def expansion(event: EventItem) -> dict[str, Any]:
    """What expanding an event needs, as its calendar entries copy it."""
    return {"id": event.event_id, "neighbourhood_id": event.neighbourhood_id, "title": event.title,
            "category": event.category, "place": event.place, "start_local": event.start_local, "zone": event.zone,
            "starts_at": stamp(event.starts_at), "ends_at": stamp(event.ends_at), "rrule": event.rrule,
            "exceptions": dict(event.exceptions or {}), "status": event.status, "hidden": bool(event.hidden),
            "organisers": list(event.organisers), "description": event.description, "sequence": int(event.sequence or 0),
            "updated_at": event.updated_at.isoformat(), "commune_wide": bool(event.targets),
            "publisher_name": event.publisher_name}


def happenings(data: dict[str, Any]) -> list[Happening]:
    """Every occurrence of an event (its expansion data), exceptions applied, in original order."""
    first = datetime.fromisoformat(data["starts_at"].replace("Z", "+00:00"))
    duration = datetime.fromisoformat(data["ends_at"].replace("Z", "+00:00")) - first
    if data.get("rrule"):
        originals = starts(parse(data["rrule"]), datetime.fromisoformat(data["start_local"]), data["zone"])
    else:
        originals = [first]
    found = []
    for original in originals:
        change = (data.get("exceptions") or {}).get(occurrence_id(original)) or {}
        if change.get("start"):
            start = datetime.fromisoformat(change["start"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(change["end"].replace("Z", "+00:00"))
        else:
            start, end = original, original + duration
        found.append(Happening(original=original, start=start, end=end, cancelled=bool(change.get("cancelled")),
                               moved=bool(change.get("start"))))
    return found


def happening(data: dict[str, Any], occurrence: str) -> Happening | None:
    try:
        original = from_occurrence_id(occurrence)
    except ValueError:  # the pattern's shape but no such time (month 13): names no occurrence
        return None
    return next((h for h in happenings(data) if h.original == original), None)


def entries(event: EventItem) -> list[CalendarEntryItem]:
    data = expansion(event)
    if event.rrule:
        sort_keys = sorted({f"{stamp(month_start(h.start))}#{event.event_id}" for h in happenings(data)})
    else:  # where its one occurrence is now (moved, it may be elsewhere than `starts_at`)
        sort_keys = [f"{stamp(happenings(data)[0].start)}#{event.event_id}"]
    return [CalendarEntryItem(CalendarEntryItem.partition(nbh), sk, event=data, nearby=nbh != event.neighbourhood_id)
            for nbh in reached(event) for sk in sort_keys]


def reached(event: EventItem) -> list[str]:
    """The calendars an event shows in: its neighbourhood's, the nearby ones it reaches, those the commune's
    decision adds (`targets`), and the commune's public calendar when public (chalicelib/events/publishing.py)."""
    public = [public_calendar(commune_of(event.neighbourhood_id))] if event.public else []
    return list(dict.fromkeys([event.neighbourhood_id, *event.reaches, *(event.targets or []), *public]))


def public_calendar(lau2: str) -> str:
    """The calendar partition of a commune's public events (no resident lives in it: only the public routes read
    it), `NBH#<lau2>-public#CAL`."""
    return f"{lau2}-public"


def write_entries(event: EventItem, before: list[str]) -> list[str]:
    """Put the event's entries and delete those it no longer has (`before`: their "<pk>|<sk>"); the new keys."""
    new = entries(event)
    keys = [f"{entry.pk}|{entry.sk}" for entry in new]
    with CalendarEntryItem.batch_write() as batch:
        for entry in new:
            batch.save(entry)
        for gone in set(before) - set(keys):
            pk, sk = gone.split("|", 1)
            batch.delete(CalendarEntryItem(pk, sk))
    return keys


def window(neighbourhood_id: str, start: datetime, end: datetime, viewer_id: str | None,
           cursor: str | None = None) -> CalendarPage:
    """The occurrences overlapping [start, end) of the entries of one page (one Query), by start."""
    partition = CalendarEntryItem.partition(neighbourhood_id)
    low = stamp(month_start(start - MAX_DURATION))
    high = stamp(end)  # entries starting before the window's end: "<stamp>#" sorts after "<stamp>" alone
    exclusive = decode_cursor(cursor, partition=partition, sort_pattern=ENTRY_SK, what="calendar") if cursor else None
    answer = table_connection().query(partition, CalendarEntryItem.sk.between(low, high),
                                      limit=PAGE, exclusive_start_key=exclusive)
    found: list[Occurrence] = []
    for raw in answer.get("Items", []):
        entry = CalendarEntryItem.from_raw_data(raw)
        data = entry.event
        if data.get("hidden") and viewer_id not in data.get("organisers", []):
            continue  # hidden by a moderator: its organisers' only
        bucket = entry.sk.split("#", 1)[0]
        for h in happenings(data):
            if data.get("rrule") and stamp(month_start(h.start)) != bucket:
                continue  # another month's entry gives it
            if h.end <= start or h.start >= end:
                continue
            found.append(_occurrence(data, h, bool(entry.nearby)))
    found.sort(key=lambda o: (o.start, o.event_id))
    last = answer.get("LastEvaluatedKey")
    return CalendarPage(occurrences=found, cursor=encode_cursor(last) if last else None)


def _occurrence(data: dict[str, Any], h: Happening, nearby: bool) -> Occurrence:
    return Occurrence(event_id=data["id"], occurrence_id=h.id, neighbourhood_id=data["neighbourhood_id"],
                      nearby=nearby, title=data["title"], category=data["category"], place=data.get("place"),
                      start=to_local(h.start, data["zone"]), end=to_local(h.end, data["zone"]),
                      status="cancelled" if h.cancelled or data["status"] == "cancelled" else "scheduled",
                      moved=h.moved, recurring=bool(data.get("rrule")), commune_wide=bool(data.get("commune_wide")),
                      publisher_name=data.get("publisher_name"))


def last_end(event: EventItem) -> datetime:
    return max(h.end for h in happenings(expansion(event)))
