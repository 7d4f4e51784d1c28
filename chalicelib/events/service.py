"""Neighbourhood events by residents: created by a verified resident in their neighbourhood, read by its
verified residents (and those of the nearby neighbourhoods it reaches), changed and cancelled by an organiser
(its creator or a co-organiser); one occurrence of a series cancelled or moved. A cancelled event stays
visible, marked cancelled; cancelling (the event or one occurrence) emails everyone who answered going or maybe or
waits on the list (chalicelib/alerts.py `event_cancelled`, their `events` choice).

An event is content of the kernel (kind `event`): neighbours comment on it and report it, the neighbourhood's
moderators hide it (then only its organisers see it) or show it again. The head of its comments' thread
(`comments.models.ThreadHeadItem`: where it shows, and its organisers while hidden) is written with the event and
again with each change and each hiding, in the same transaction, so the first page of its comments is one Query.

Every change is one conditional update on the event (its `sequence`, which grows with each change as
iCalendar's SEQUENCE does, must be the one read: a concurrent change answers 409), then the calendar's copies
are rewritten (chalicelib/events/calendar.py). docs/data-model.md lists the keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import h3
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import alerts
from chalicelib.accounts.service import verified_neighbourhood
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.addresses.service import get_address
from chalicelib.comments.service import thread_head, write_missing_heads
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week, iso_week
from chalicelib.content.hiding import hidden_fields, in_place
from chalicelib.content.kinds import Change, Content, ContentKind, Known
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.events import calendar
from chalicelib.events.models import (
    MAX_AHEAD, MAX_DURATION, MAX_WINDOW, CalendarPage, CalendarQuery, EventCreate, EventItem, EventLink, EventPublic,
    EventUpdate, MyAnswered, MyEvents, OccurrenceChange, OccurrenceMove, VolunteerCallLink,
)
from chalicelib.events.recurrence import (
    ZONE, RuleError, check, occurrence_id, parse, to_instant, to_local, wall_clock,
)
from chalicelib.i18n import DEFAULT
from chalicelib.neighbourhoods.models import Point
from chalicelib.neighbourhoods.service import WITHIN_ABOUT_1_KM, neighbourhoods_near
from chalicelib.observability import logger
from chalicelib.photos.service import check_attachable, share_photo
from chalicelib.policy import Principal, authorize_in, commune_of
from chalicelib.store.table import refused_conditions, transaction

READ = "events.neighbourhood"
# What a change of an event writes (never its counters nor its hidden_* attributes: their own writes keep them).
CHANGING = ("title", "description", "category", "starts_at", "ends_at", "start_local", "rrule", "exceptions",
            "place", "address_id", "address_label", "address_cell", "place_cell", "photo_id", "capacity", "reach",
            "reaches", "organisers", "last_end", "status", "sequence", "updated_at", "calendar_keys", "targets", "public")
CELL_RESOLUTION = 9
IN_THE_COMMUNE = 1  # grid steps from a point's cell to the nearest cell of the commune's neighbourhoods


def no_such_event() -> NotFound:
    return NotFound("No such event.", {"event_id": "not found"})


# --- writing --------------------------------------------------------------------------------

def create_event(principal: Principal, neighbourhood_id: str, request: EventCreate) -> EventPublic:
    check_attachable(principal, request.photo_id, neighbourhood_id, "event")
    stamp, event_id = now(), new_id()
    event = EventItem(*EventItem.key(event_id), event_id=event_id, neighbourhood_id=neighbourhood_id,
                      author_id=principal.user_id, organisers=[principal.user_id], title=request.title,
                      description=request.description or None, category=request.category, zone=ZONE,
                      reach=request.reach, status="scheduled", sequence=0, exceptions={}, created_at=stamp,
                      updated_at=stamp)
    _set_times(event, request.start, request.end, request.rrule)
    _set_place(event, principal, request.place, request.address_id, request.point, request.reach)
    event.capacity, event.photo_id = request.capacity, request.photo_id
    event.organisers = [principal.user_id, *_co_organisers(principal.user_id, neighbourhood_id,  # type: ignore[arg-type]
                                                           request.co_organisers)]
    event.last_end = calendar.last_end(event)
    with transaction() as t:
        t.save(event, condition=EventItem.pk.does_not_exist())
        t.save(thread_head_of(event))
        count_in_week(t, neighbourhood_id, to_local(event.starts_at, ZONE), events=1)
        for organiser in event.organisers:
            t.save(EventLink(*EventLink.organised(organiser, event_id), event_id=event_id))
    event.calendar_keys = calendar.write_entries(event, [])
    event.update(actions=[EventItem.calendar_keys.set(event.calendar_keys)])
    share_photo(event.photo_id, photo_reach(event))
    logger.info("event created", event_id=event_id, nbh=neighbourhood_id, recurring=bool(event.rrule),
                reach=len(event.reaches))
    return public_event(event, principal)


def update_event(principal: Principal, event_id: str, change: EventUpdate) -> EventPublic:
    return change_event(principal, _organised(principal, event_id), change)


def change_event(principal: Principal, event: EventItem, change: EventUpdate, counted: bool = True) -> EventPublic:
    """The fields sent changed, by whoever may (an organiser; a publisher's link for its events: publishing.py,
    whose events are not in a neighbourhood's week counts: `counted` False)."""
    event_id = event.event_id
    sent = change.model_dump(exclude_unset=True)
    if not sent:
        return public_event(event, principal)
    seen, first_start = int(event.sequence or 0), event.starts_at
    for name in ("title", "category"):
        if sent.get(name) is not None:
            setattr(event, name, sent[name])
    if "description" in sent:
        event.description = sent["description"] or None
    if "capacity" in sent:
        event.capacity = sent["capacity"]
    if "photo_id" in sent:  # another photo of the organiser's, or none
        if sent["photo_id"] != event.photo_id:
            check_attachable(principal, sent["photo_id"], event.neighbourhood_id, "event")
        event.photo_id = sent["photo_id"]
    if {"start", "end", "rrule"} & set(sent):
        start = change.start if change.start is not None else to_local(event.starts_at, event.zone)
        try:
            end = change.end if change.end is not None else (
                to_local(event.ends_at, event.zone) if change.start is None
                else start + (event.ends_at - event.starts_at))
        except OverflowError:  # year 9999
            raise InvalidInput("An event starts at most two years ahead.", {"start": "more than two years ahead"}) from None
        if (start.tzinfo is None) != (end.tzinfo is None):
            start, end = to_local(to_instant(start, event.zone), event.zone), to_local(to_instant(end, event.zone),
                                                                                      event.zone)
        if end <= start:
            raise InvalidInput("The end is not after the start.", {"end": "not after start"})
        if end - start > MAX_DURATION:
            raise InvalidInput("An event lasts at most 7 days.", {"end": "more than 7 days after start"})
        rule = sent["rrule"] if "rrule" in sent else event.rrule
        # A new start must lie ahead; a series already begun may change its end or rule from its first start
        _set_times(event, start, end, rule, new_start=change.start is not None)
        event.exceptions = {}  # other times: the occurrences the exceptions named are gone
    if {"place", "address_id", "point", "reach"} & set(sent):
        point = change.point if "point" in sent else None
        _set_place(event, principal, sent.get("place", event.place), sent.get("address_id", event.address_id),
                   point, sent.get("reach") or event.reach, keep_cell=None if "point" in sent else event.place_cell)
    organisers_before = list(event.organisers)
    if "co_organisers" in sent and sent["co_organisers"] is not None:
        creator = event.organisers[0]
        event.organisers = [creator, *_co_organisers(creator, event.neighbourhood_id, sent["co_organisers"])]
    event.last_end = calendar.last_end(event)
    _save_change(event, seen)
    if counted:
        _recount(event, first_start, counted_before=True)
    if event.organisers != organisers_before:
        with EventLink.batch_write() as batch:
            for added in set(event.organisers) - set(organisers_before):
                batch.save(EventLink(*EventLink.organised(added, event_id), event_id=event_id))
            for removed in set(organisers_before) - set(event.organisers):
                batch.delete(EventLink(*EventLink.organised(removed, event_id)))
    logger.info("event changed", event_id=event_id, nbh=event.neighbourhood_id)
    return public_event(event, principal)


def cancel_event(principal: Principal, event_id: str) -> EventPublic:
    event = _organised(principal, event_id)
    seen = int(event.sequence or 0)
    event.status = "cancelled"
    _save_change(event, seen)
    _recount(event, event.starts_at, counted_before=True)  # not held: no longer counted
    alerts.event_cancelled(event_id, None, int(event.sequence))  # everyone who answered a coming occurrence
    logger.info("event cancelled", event_id=event_id, nbh=event.neighbourhood_id)
    return public_event(event, principal)


def cancel_occurrence(principal: Principal, event_id: str, occurrence: str) -> EventPublic:
    event = _organised(principal, event_id)
    found = _future_occurrence(event, occurrence)
    if found.cancelled:
        raise Conflict("This occurrence is cancelled already.", {"occurrence_id": "cancelled already"})
    seen = int(event.sequence or 0)
    event.exceptions = {**(event.exceptions or {}), occurrence: {"cancelled": True}}
    _save_change(event, seen)
    alerts.event_cancelled(event_id, occurrence, int(event.sequence))  # everyone who answered it
    return public_event(event, principal)


def move_occurrence(principal: Principal, event_id: str, occurrence: str, move: OccurrenceMove) -> EventPublic:
    event = _organised(principal, event_id)
    found = _future_occurrence(event, occurrence)
    if found.cancelled:
        raise Conflict("This occurrence is cancelled.", {"occurrence_id": "cancelled"})
    start, end = to_instant(move.start, event.zone), to_instant(move.end, event.zone)
    _check_start(start)
    seen = int(event.sequence or 0)
    event.exceptions = {**(event.exceptions or {}), occurrence: {"start": calendar.stamp(start),
                                                                  "end": calendar.stamp(end)}}
    event.last_end = calendar.last_end(event)
    _save_change(event, seen)
    return public_event(event, principal)


# --- reading --------------------------------------------------------------------------------

EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


def neighbourhood_calendar(principal: Principal, neighbourhood_id: str, query: CalendarQuery) -> CalendarPage:
    start = to_instant(query.from_, ZONE) if query.from_ else now()
    if query.to is None and start >= LATEST:
        return CalendarPage(occurrences=[], cursor=None)  # a month from a start beyond every event: nothing
    end = to_instant(query.to, ZONE) if query.to else start + timedelta(days=31)
    if end <= start:
        raise InvalidInput("The window's end is not after its start.", {"to": "not after from"})
    if end - start > MAX_WINDOW:
        raise InvalidInput("A window spans at most 92 days.", {"to": "more than 92 days after from"})
    start, end = max(start, EARLIEST), min(end, LATEST)  # no event lies beyond: spares the date arithmetic
    if end <= start:
        return CalendarPage(occurrences=[], cursor=None)
    return calendar.window(neighbourhood_id, start, end, principal.user_id, query.cursor)


def my_events(principal: Principal) -> MyEvents:
    """The events I organise and the occurrences I answered (not "not going"), for the calendar's "my events"
    filter: one Query of my own links (`USER#<id>`, `EVENTS#...`: EventLink); the calendar's occurrences already
    say which events I organise (`mine`), this adds what I answered."""
    organised, answered = [], []
    for link in EventLink.query(f"USER#{principal.user_id}", EventLink.sk.startswith(EventLink.PREFIX)):
        if link.occurrence_id is None:
            organised.append(link.event_id)
        elif link.answer != "not_going":
            answered.append(MyAnswered(event_id=link.event_id, occurrence_id=link.occurrence_id,
                                       answer=link.answer))  # type: ignore[arg-type]
    return MyEvents(organised=organised, answered=answered)


def load_event(event_id: str, consistent: bool = False) -> EventItem:
    try:
        return EventItem.get(*EventItem.key(event_id), consistent_read=consistent)
    except DoesNotExist:
        raise no_such_event() from None


def visible_event(principal: Principal, event_id: str, consistent: bool = False) -> EventItem:
    """The event, to a verified resident of its neighbourhood or of a nearby one it reaches (once hidden by a
    moderator, to its organisers only); to anyone else it does not exist."""
    return check_visible(principal, load_event(event_id, consistent))


def check_visible(principal: Principal, event: EventItem) -> EventItem:
    authorize_in(READ, principal, [event.neighbourhood_id, *event.reaches, *(event.targets or [])], no_such_event())
    if event.hidden and principal.user_id not in event.organisers:
        raise no_such_event()
    return event


def public_event(event: EventItem, principal: Principal, language: str = DEFAULT) -> EventPublic:
    exceptions = []
    for name, change in sorted((event.exceptions or {}).items()):
        exceptions.append(OccurrenceChange(
            occurrence_id=name, cancelled=bool(change.get("cancelled")),
            start=to_local(datetime.fromisoformat(change["start"].replace("Z", "+00:00")), event.zone)
            if change.get("start") else None,
            end=to_local(datetime.fromisoformat(change["end"].replace("Z", "+00:00")), event.zone)
            if change.get("end") else None))
    return EventPublic(
        id=event.event_id, neighbourhood_id=event.neighbourhood_id, organisers=list(event.organisers),
        mine=principal.user_id in event.organisers, title=event.title, description=event.description or "",
        category=event.category, start=to_local(event.starts_at, event.zone),  # type: ignore[arg-type]
        end=to_local(event.ends_at, event.zone), occurrence_id=occurrence_id(event.starts_at), zone=event.zone, place=event.place, address_id=event.address_id,
        address=event.address_label, place_centre=place_centre(event), photo_id=event.photo_id,
        place_cell=event.place_cell, capacity=int(event.capacity) if event.capacity is not None else None,
        reach=event.reach, reaches=list(event.reaches or []),  # type: ignore[arg-type]
        nearby=principal.neighbourhood_id != event.neighbourhood_id, rrule=event.rrule, exceptions=exceptions,
        status=event.status, sequence=int(event.sequence or 0), created_at=event.created_at,  # type: ignore[arg-type]
        updated_at=event.updated_at, comment_count=int(event.comment_count or 0),
        commune_wide=bool(event.targets), publisher_name=event.publisher_name, public=bool(event.public),
        volunteer_calls=[VolunteerCallLink(id=one.partition("#")[0], title=one.partition("#")[2])
                         for one in sorted(event.volunteer_calls or ())],
        **hidden_fields(event, language))


# --- inside ---------------------------------------------------------------------------------

def place_centre(event: EventItem) -> Point | None:
    """Where its map shows the event: the centre of its point's cell, else of its address's cell (never the point
    itself, which is not stored)."""
    cell = event.place_cell or event.address_cell
    if not cell:
        return None
    lat, lon = h3.cell_to_latlng(cell)
    return Point.model_construct(lat=round(lat, 6), lon=round(lon, 6))


def photo_reach(event: EventItem) -> list[str]:
    """Those the photo shows to beyond its own neighbourhood: the nearby neighbourhoods and commune's targets."""
    return sorted({*(event.reaches or []), *(event.targets or [])} - {event.neighbourhood_id})


def _organised(principal: Principal, event_id: str) -> EventItem:
    event = visible_event(principal, event_id, consistent=True)
    if principal.user_id not in event.organisers:
        raise Forbidden("Only its organisers change or cancel an event.", {"event_id": "not an organiser"})
    if event.status == "cancelled":
        raise Conflict("The event is cancelled.", {"event_id": "cancelled"})
    return event


def _check_start(start: datetime) -> None:
    if start < now() - timedelta(minutes=5):
        raise InvalidInput("The start is in the past.", {"start": "in the past"})
    if start > now() + MAX_AHEAD:
        raise InvalidInput("An event starts at most two years ahead.", {"start": "more than two years ahead"})


def _set_times(event: EventItem, start: datetime, end: datetime, rule: str | None, new_start: bool = True) -> None:
    starts_at, ends_at = to_instant(start, ZONE), to_instant(end, ZONE)
    if new_start:
        _check_start(starts_at)
    event.start_local = wall_clock(start, ZONE).isoformat()
    if rule:
        try:
            check(parse(rule), datetime.fromisoformat(event.start_local), ZONE)
        except RuleError as error:
            raise InvalidInput(f"The repetition is outside what Noper takes: {error}.", {"rrule": str(error)}) from None
    event.starts_at, event.ends_at, event.rrule = starts_at, ends_at, rule or None


def _set_place(event: EventItem, principal: Principal, place: str | None, address_id: str | None, point: Any,
               reach: str, keep_cell: str | None = None) -> None:
    lau2 = commune_of(event.neighbourhood_id)
    cell = keep_cell
    if point is not None:
        cell = h3.latlng_to_cell(point.lat, point.lon, CELL_RESOLUTION)  # the point itself is never stored
        # In the commune: its cell, or one touching it (a square, a field by the houses), is one of the cells of
        # the commune's published neighbourhoods (one BatchGetItem of 7 cells)
        if not any(ref.lau2 == lau2 for ref in neighbourhoods_near(cell, IN_THE_COMMUNE)):
            raise InvalidInput("The point on the map is outside the commune.", {"point": "outside the commune"})
    if address_id:
        try:
            address = get_address(address_id)
        except NotFound:
            raise NotFound("No such address in the register.", {"address_id": "unknown address"}) from None
        if address.lau2 != lau2:
            raise InvalidInput("The place is outside the commune.", {"address_id": "outside the commune"})
        if address_id != event.address_id or not event.address_label:
            event.address_label, event.address_cell = address.label, address.cell
    else:
        event.address_label = event.address_cell = None
    where = cell or (address.cell if address_id else None)
    if reach == "nearby" and where is None:
        raise InvalidInput("Reaching nearby neighbourhoods needs a place: an address or a point on the map.",
                           {"reach": "needs address_id or point"})
    event.place, event.address_id, event.place_cell, event.reach = place, address_id, cell, reach
    event.reaches = ([ref.id for ref in neighbourhoods_near(where, WITHIN_ABOUT_1_KM)  # type: ignore[arg-type]
                      if ref.id != event.neighbourhood_id and ref.lau2 == lau2]
                     if reach == "nearby" else [])


def _co_organisers(creator: str, neighbourhood_id: str, user_ids: list[str]) -> list[str]:
    """The co-organisers named (the creator is first anyway): verified residents of the neighbourhood, else 404."""
    chosen = [user_id for user_id in dict.fromkeys(user_ids) if user_id != creator]
    for user_id in chosen:
        if verified_neighbourhood(user_id) != neighbourhood_id:
            raise NotFound("Co-organisers are verified residents of the neighbourhood.",
                           {"co_organisers": f"{user_id} is not a neighbour"})
    return chosen


def _future_occurrence(event: EventItem, occurrence: str) -> calendar.Happening:
    found = calendar.happening(calendar.expansion(event), occurrence)
    if found is None:
        raise NotFound("The event has no such occurrence.", {"occurrence_id": "not one of its occurrences"})
    if found.end <= now():
        raise Conflict("This occurrence is over.", {"occurrence_id": "past"})
    return found


def _recount(event: EventItem, first_start: datetime, counted_before: bool) -> None:
    """The week's `events` count follows the event: out of the week it left (or when cancelled), into its new one."""
    before = iso_week(to_local(first_start, event.zone)) if counted_before else None
    after = iso_week(to_local(event.starts_at, event.zone)) if event.status != "cancelled" else None
    if before == after:
        return
    with transaction() as t:
        if before:
            count_in_week(t, event.neighbourhood_id, to_local(first_start, event.zone), events=-1)
        if after:
            count_in_week(t, event.neighbourhood_id, to_local(event.starts_at, event.zone), events=1)


def _save_change(event: EventItem, seen: int) -> None:
    """One conditional write of the whole event (its sequence and its hiding still as read) with its thread's head
    (who reads its comments: where it shows now), one transaction; then the calendar's copies."""
    event.sequence, event.updated_at = seen + 1, now()
    before = list(event.calendar_keys or [])
    event.calendar_keys = [f"{entry.pk}|{entry.sk}" for entry in calendar.entries(event)]
    actions = []
    for name in CHANGING:
        value = getattr(event, name)
        attribute = getattr(EventItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    try:  # the fields an edit changes only: comments' counters and hiding are kept by their own writes
        with transaction() as t:
            t.update(event, actions=actions,
                     condition=EventItem.pk.exists() & (EventItem.sequence == seen) & _hidden_is(bool(event.hidden)))
            t.save(thread_head_of(event))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("The event changed meanwhile; read it again.", {"event_id": "changed meanwhile"}) from None
        raise
    calendar.write_entries(event, before)
    share_photo(event.photo_id, photo_reach(event))  # the photo shows where the event now does


def _hidden_is(hidden: bool) -> Any:
    if hidden:
        return EventItem.hidden == True  # noqa: E712
    return EventItem.hidden.does_not_exist() | (EventItem.hidden == False)  # noqa: E712


# --- an event is content of the kernel ------------------------------------------------------

def thread_head_of(event: EventItem, hidden: bool | None = None) -> Any:
    """Who reads the event's comments (#16), as `visible_event` decides: residents of where it shows (its
    neighbourhood, the nearby ones it reaches, the commune's it was approved for or a publisher targets); while a
    moderator hides it, its organisers only (a partner's event has none: nobody)."""
    hidden = bool(event.hidden) if hidden is None else hidden
    return thread_head("event", event.event_id,
                       [event.neighbourhood_id, *(event.reaches or []), *(event.targets or [])],
                       only_among=list(event.organisers or []) if hidden else None)


def thread_readable(principal: Principal, head: Any) -> None:
    authorize_in(READ, principal, list(head.neighbourhood_ids), no_such_event())
    if head.only_among is not None and principal.user_id not in head.only_among:
        raise no_such_event()


def head_threads() -> int:
    """Once, after upgrading to events' thread heads (`./noper head-threads`, with the posts' and items'): the head
    of every event's comments that has none (idempotent). A Scan: an operator's one-off. Answers how many it wrote."""
    events = EventItem.scan(EventItem.pk.startswith("EVENT#") & (EventItem.sk == EventItem.key("-")[1]))
    return write_missing_heads(thread_head_of(event) for event in events)


def _content(event: EventItem) -> Content:
    return Content(kind="event", id=event.event_id, neighbourhood_id=event.neighbourhood_id,
                   author_id=event.author_id, item=event, hidden=bool(event.hidden),
                   hidden_reason=event.hidden_reason, hidden_by=event.hidden_by, created_at=event.created_at,
                   title=event.title, text=event.description or None, thanks_count=int(event.thanks_count or 0),
                   where={"event_id": event.event_id})


def _load_content(event_id: str, known: Known | None = None) -> Content | None:
    try:
        return _content(load_event(event_id, consistent=True))
    except NotFound:
        return None


# Hiding writes the head too, from the event as read: its sequence unchanged, or a change meanwhile answers 409.
_hide_in_place = in_place(EventItem, also=lambda t, content, change: t.save(thread_head_of(content.item, hidden=change.hide)),
                          unchanged=lambda content: EventItem.sequence == int(content.item.sequence or 0))


def _hide(content: Content, change: Change, audit: Any) -> None:
    """Hide or show the event, then its calendar copies (hidden: its organisers' only)."""
    _hide_in_place(content, change, audit)
    event = load_event(content.id, consistent=True)
    calendar.write_entries(event, list(event.calendar_keys or []))


def _count(t: Any, content: Content, **deltas: int) -> None:
    t.update(EventItem(*EventItem.key(content.id)),
             actions=[getattr(EventItem, name).add(delta) for name, delta in deltas.items()],
             condition=EventItem.pk.exists())


kinds.register(ContentKind(name="event", load=_load_content,
                           readable=lambda principal, event_id: _content(visible_event(principal, event_id)),
                           hide=_hide, count=_count, thread_readable=thread_readable,
                           stored=lambda event_id, known: (EventItem.key(event_id),
                                                           lambda raw: _content(EventItem.from_raw_data(raw)))))

