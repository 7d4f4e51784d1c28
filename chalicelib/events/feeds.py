"""iCalendar (RFC 5545) of events, made with the `icalendar` library: one event's `.ics`, and a resident's
personal feed URL that a phone calendar subscribes to.

What phone calendars need (the pitfalls other projects met):
- a VTIMEZONE for Europe/Luxembourg written with RRULEs (the EU rule: last Sunday of March and of October),
  not one RDATE per year, since some clients ignore RDATE-style zones and Outlook shifts by an hour without one;
- a series keeps its RRULE, a cancelled occurrence is an EXDATE at DTSTART's exact local time and zone, a moved
  one a VEVENT with the same UID and a RECURRENCE-ID in the series' zone; a cancelled event STATUS:CANCELLED;
- a stable UID, a SEQUENCE that grows with every change, LAST-MODIFIED and DTSTAMP, REFRESH-INTERVAL and
  X-PUBLISHED-TTL (clients poll every 12–24 h otherwise); long texts folded and escaped (the library does it);
- `text/calendar; charset=utf-8` with `Content-Disposition: inline`, so phones subscribe instead of downloading.
Feeds carry no email address and no resident's name (no ORGANIZER, no ATTENDEE).

A personal feed is a revocable secret, like a session: the URL holds a random token, the table only its keyed
hash (`CalendarFeedItem`, pk `CALFEED#<hash>`); listed and revoked by its owner; 404 once revoked. It serves the
resident's neighbourhood's calendar (nearby events reaching it included): the events with an occurrence ending after
30 days ago and starting within 365 days (a series whole, with its RRULE), as
the neighbourhood's calendar Query reads it (chalicelib/events/calendar.py); someone no longer a verified
resident gets an empty calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.secrets import keyed_hash, token
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.errors import NotFound
from chalicelib.events import calendar
from chalicelib.events.models import (
    CalendarEntryItem, CalendarFeed, CalendarFeedCreated, CalendarFeedItem, CalendarFeedList,
)
from chalicelib.events.recurrence import ZONE, to_local
from chalicelib.events.service import visible_event
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import table_connection

MEDIA_TYPE = "text/calendar; charset=utf-8"
REFRESH = timedelta(hours=6)
FEED_BACK, FEED_AHEAD = timedelta(days=30), timedelta(days=365)  # events ending after a month ago, starting within a year (series whole)
PRODID = "-//Noper//Neighbourhood events//EN"
MAX_FEEDS = 10  # a phone, a tablet, a work calendar… each revocable on its own


def no_such_feed() -> NotFound:
    return NotFound("No such calendar feed.", {"token": "not found"})


# --- one event ------------------------------------------------------------------------------

def event_ics(principal: Principal, event_id: str) -> bytes:
    event = visible_event(principal, event_id)
    return _calendar([calendar.expansion(event)], f"{event.title}").to_ical()


# --- personal feeds -------------------------------------------------------------------------

def create_feed(principal: Principal, site: str) -> CalendarFeedCreated:
    existing = list(CalendarFeedItem.by_user.query(CalendarFeedItem.user_key(principal.user_id)))  # type: ignore[arg-type]
    if len(existing) >= MAX_FEEDS:
        from chalicelib.errors import Conflict

        raise Conflict(f"At most {MAX_FEEDS} calendar feeds: revoke one first.", {"feeds": "too many"})
    secret, feed_id, stamp = token(), new_id(), now()
    CalendarFeedItem(*CalendarFeedItem.key(keyed_hash("calendar-feed", secret)), feed_id=feed_id,
                     user_id=principal.user_id, created_at=stamp, gsi1pk=CalendarFeedItem.user_key(principal.user_id),  # type: ignore[arg-type]
                     gsi1sk=f"{stamp.isoformat()}#{feed_id}").save(condition=CalendarFeedItem.pk.does_not_exist())
    logger.info("calendar feed created", user_id=principal.user_id)
    return CalendarFeedCreated(id=feed_id, created_at=stamp, url=f"{site}{feed_path(secret)}")


def feeds_of(principal: Principal) -> CalendarFeedList:
    items = CalendarFeedItem.by_user.query(CalendarFeedItem.user_key(principal.user_id))  # type: ignore[arg-type]
    return CalendarFeedList(feeds=[CalendarFeed(id=item.feed_id, created_at=item.created_at) for item in items])


def revoke_feed(principal: Principal, feed_id: str) -> None:
    for item in CalendarFeedItem.by_user.query(CalendarFeedItem.user_key(principal.user_id)):  # type: ignore[arg-type]
        if item.feed_id == feed_id:
            item.delete()
            logger.info("calendar feed revoked", user_id=principal.user_id)
            return
    raise NotFound("No such calendar feed.", {"feed_id": "not found"})


def feed_path(secret: str) -> str:
    return f"/api/v1/calendar-feeds/{secret}/calendar.ics"


def personal_feed(secret: str) -> bytes:
    """The calendar of the feed's owner's neighbourhood: GetItem the feed, GetItem its owner, Query the calendar."""
    try:
        feed = CalendarFeedItem.get(*CalendarFeedItem.key(keyed_hash("calendar-feed", secret)))
        user = UserItem.get(*UserItem.key(feed.user_id))
    except DoesNotExist:
        raise no_such_feed() from None
    events: dict[str, dict[str, Any]] = {}
    if user.residence_status == "verified" and user.neighbourhood_id:
        moment = now()
        for data in _entries(user.neighbourhood_id, moment - FEED_BACK, moment + FEED_AHEAD):
            if data.get("hidden") and feed.user_id not in data.get("organisers", []):
                continue
            events[data["id"]] = data
    return _calendar(list(events.values()), "Noper").to_ical()


def _entries(neighbourhood_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    partition = CalendarEntryItem.partition(neighbourhood_id)
    low, high = calendar.stamp(calendar.day_start(start)), calendar.stamp(end)
    found, exclusive = [], None
    while True:
        answer = table_connection().query(partition, CalendarEntryItem.sk.between(low, high),
                                          exclusive_start_key=exclusive)
        found += [CalendarEntryItem.from_raw_data(raw).event for raw in answer.get("Items", [])]
        exclusive = answer.get("LastEvaluatedKey")
        if not exclusive:
            return found


# --- the iCalendar ----------------------------------------------------------------------------

def _calendar(events: list[dict[str, Any]], name: str):
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", ZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    cal.add_component(_luxembourg())
    stamp = now()
    for data in sorted(events, key=lambda d: (d["starts_at"], d["id"])):
        for component in _vevents(data, stamp):
            cal.add_component(component)
    return cal


def _luxembourg():
    """VTIMEZONE for Europe/Luxembourg with RRULE transitions (EU summer time, as since 1996)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", ZONE)
    zone.add("x-lic-location", ZONE)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _local(moment: datetime, zone: str) -> datetime:
    """A wall-clock time with TZID (the library writes `DTSTART;TZID=Europe/Luxembourg:...`)."""
    return to_local(moment, zone)


def _vevents(data: dict[str, Any], stamp: datetime) -> list[Any]:
    from icalendar import Event, vRecur

    zone = data["zone"]
    first = datetime.fromisoformat(data["starts_at"].replace("Z", "+00:00"))
    last = datetime.fromisoformat(data["ends_at"].replace("Z", "+00:00"))
    uid = f"{data['id']}@noper"
    sequence = int(data.get("sequence") or 0)
    modified = datetime.fromisoformat(data["updated_at"]) if data.get("updated_at") else stamp

    def base(event: Any) -> None:
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("last-modified", modified)
        event.add("sequence", sequence)
        event.add("summary", data["title"])
        if data.get("description"):
            event.add("description", data["description"])
        if data.get("place"):
            event.add("location", data["place"])
        event.add("categories", [data["category"].upper()])
        event.add("status", "CANCELLED" if data["status"] == "cancelled" else "CONFIRMED")
        event.add("transp", "OPAQUE")

    series = Event()
    base(series)
    components = [series]
    if not data.get("rrule"):  # a single event, where it is now
        only = calendar.happenings(data)[0]
        series.add("dtstart", _local(only.start, zone))
        series.add("dtend", _local(only.end, zone))
        if only.cancelled and data["status"] != "cancelled":
            series["status"] = "CANCELLED"
        return components
    series.add("dtstart", _local(first, zone))
    series.add("dtend", _local(last, zone))
    series.add("rrule", vRecur.from_ical(data["rrule"]))
    happenings = calendar.happenings(data)
    cancelled = [_local(h.original, zone) for h in happenings if h.cancelled]
    if cancelled:  # at DTSTART's local time and zone, or clients ignore it across summer time
        series.add("exdate", cancelled)
    for h in happenings:
        if h.moved and not h.cancelled:  # the same UID, RECURRENCE-ID in the series' zone
            moved = Event()
            base(moved)
            moved.add("recurrence-id", _local(h.original, zone))
            moved.add("dtstart", _local(h.start, zone))
            moved.add("dtend", _local(h.end, zone))
            components.append(moved)
    return components
