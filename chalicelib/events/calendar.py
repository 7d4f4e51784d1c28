"""A neighbourhood's calendar: the occurrences of its events (and of nearby events reaching it) in a window,
one Query a page.

Key design (docs/data-model.md, Event). Each event writes a copy of what expanding it needs into the calendar
partition `NBH#<id>#CAL` of its neighbourhood and of each nearby one it reaches, one entry per local day
(Europe/Luxembourg) on which one of its occurrences takes place, sk `<key>#<event id>`. An occurrence's keys are
its start and each local midnight strictly inside it (at most 7, MAX_DURATION); a day's entry has the smallest
key of that day (a single event: its start, then the midnights of its further days; a series: one entry per day
holding one of its occurrences, at most one per occurrence and day, 200 occurrences at most) and gives the
occurrences with a key in that day.
A window [from, to) is the key range [the local midnight starting from's day, to): an occurrence overlapping it
starts in that range, or began before it and so has that midnight as a key. The range reads nothing that
cannot have an occurrence in the window but what starts and ends within the hours of from's day before `from`
(none when `from` is a midnight, as the agenda's and month view's windows are). Each occurrence comes from one
entry only: the day of its first key in the range (`_first_key`). A window spans at most 92 days.

The entries are copies kept by every write of the event (`write_entries`, after the event's own conditional
write; they are derived and rewritten whole at each change, as a post's feed entries are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from chalicelib.events.models import CalendarEntryItem, CalendarPage, EventItem, Occurrence
from chalicelib.events.recurrence import ZONE, from_occurrence_id, occurrence_id, parse, starts, to_instant, to_local
from chalicelib.policy import commune_of
from chalicelib.store.pages import decode_cursor, encode_cursor
from chalicelib.store.table import table_connection

PAGE = 100  # entries a page
ENTRY_SK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z#[0-9A-Z]{26}$")


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(moment: datetime, zone_name: str = ZONE) -> datetime:
    """The local midnight (Europe/Luxembourg) starting the day of an instant, as a UTC instant."""
    local = to_local(moment.astimezone(timezone.utc), zone_name)
    return to_instant(datetime.combine(local.date(), time()), zone_name)


def next_day(midnight: datetime, zone_name: str = ZONE) -> datetime:
    local = to_local(midnight, zone_name)
    return to_instant(datetime.combine(local.date() + timedelta(days=1), time()), zone_name)


def keys(h: Happening, zone_name: str = ZONE) -> list[datetime]:
    """An occurrence's calendar keys: its start, then each local midnight strictly inside it."""
    found, midnight = [h.start], next_day(day_start(h.start, zone_name), zone_name)
    while midnight < h.end:
        found.append(midnight)
        midnight = next_day(midnight, zone_name)
    return found


def _first_key(h: Happening, low: datetime) -> datetime | None:
    """The first of an occurrence's keys in a key range starting at `low` (None: it ended before)."""
    return next((k for k in keys(h) if k >= low), None)


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
            "publisher_name": event.publisher_name, "photo_id": event.photo_id}


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
    """One entry a local day on which one of its occurrences takes place (where they are now: moved, elsewhere
    than the rule says), keyed by the smallest of their keys in that day."""
    data = expansion(event)
    first: dict[datetime, datetime] = {}
    for h in happenings(data):
        for k in keys(h):
            day = day_start(k)
            first[day] = min(first.get(day, k), k)
    sort_keys = [f"{stamp(k)}#{event.event_id}" for k in sorted(first.values())]
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
    low = day_start(start)
    high = stamp(end)  # entries starting before the window's end: "<stamp>#" sorts after "<stamp>" alone
    exclusive = decode_cursor(cursor, partition=partition, sort_pattern=ENTRY_SK, what="calendar") if cursor else None
    answer = table_connection().query(partition, CalendarEntryItem.sk.between(stamp(low), high),
                                      limit=PAGE, exclusive_start_key=exclusive)
    found: list[Occurrence] = []
    for raw in answer.get("Items", []):
        entry = CalendarEntryItem.from_raw_data(raw)
        data = entry.event
        if data.get("hidden") and viewer_id not in data.get("organisers", []):
            continue  # hidden by a moderator: its organisers' only
        day = day_start(datetime.fromisoformat(entry.sk.split("#", 1)[0].replace("Z", "+00:00")))
        for h in happenings(data):
            if h.end <= start or h.start >= end:
                continue
            first = _first_key(h, low)
            if first is None or day_start(first) != day:
                continue  # another day's entry gives it
            found.append(_occurrence(data, h, bool(entry.nearby), viewer_id))
    found.sort(key=lambda o: (o.start, o.event_id))
    last = answer.get("LastEvaluatedKey")
    return CalendarPage(occurrences=found, cursor=encode_cursor(last) if last else None)


def _occurrence(data: dict[str, Any], h: Happening, nearby: bool, viewer_id: str | None) -> Occurrence:
    return Occurrence(event_id=data["id"], occurrence_id=h.id, neighbourhood_id=data["neighbourhood_id"],
                      nearby=nearby, title=data["title"], category=data["category"], place=data.get("place"),
                      start=to_local(h.start, data["zone"]), end=to_local(h.end, data["zone"]),
                      status="cancelled" if h.cancelled or data["status"] == "cancelled" else "scheduled",
                      moved=h.moved, recurring=bool(data.get("rrule")), commune_wide=bool(data.get("commune_wide")),
                      publisher_name=data.get("publisher_name"), photo_id=data.get("photo_id"),
                      mine=viewer_id is not None and viewer_id in data.get("organisers", []))


def last_end(event: EventItem) -> datetime:
    return max(h.end for h in happenings(expansion(event)))


def rekey_calendars() -> int:
    """Once, after upgrading to calendar entries by day (`./noper calendar-days`): rewrite every event's calendar
    entries in the day layout and delete its month entries (idempotent: an event already in it is left alone).
    A Scan: an operator's one-off. An event changed meanwhile was rewritten by its change; answers how many."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.store.table import condition_failed

    rekeyed = 0
    for event in EventItem.scan(EventItem.sk == "EVENT"):
        before = list(event.calendar_keys or [])
        if not before:
            continue  # waiting for the commune's approval: no entries yet
        keys = [f"{entry.pk}|{entry.sk}" for entry in entries(event)]
        if sorted(keys) == sorted(before):
            continue
        write_entries(event, before)
        try:
            event.update(actions=[EventItem.calendar_keys.set(keys)],
                         condition=EventItem.pk.exists() & (EventItem.sequence == (event.sequence or 0)))
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        rekeyed += 1
    return rekeyed
