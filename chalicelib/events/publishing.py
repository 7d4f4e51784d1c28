"""Events by the commune and its partners (issue #11, point 2), published through the publisher link that sends
announcements: the same fields as a resident's event, targeted as announcements are (the whole commune, chosen
neighbourhoods, a circle on the map: chalicelib/publishers/targeting.py, within the link's scope, else 403);
a link whose categories leave out `event` publishes none (403); a partner's event waits for the commune's staff
when its announcements do (chalicelib/events/approval.py). Through the same link, a publisher changes and cancels
its own events once published (those of its publisher, within the link's scope, else 403); the commune's staff
(admins, editors) cancel a publisher's event of their commune. Cancelled, an event stays visible as cancelled.
A public event also shows in the commune's public calendar, read by anyone (`public_calendar`) and as iCalendar
(`public_ics`, the personal feeds' writer, chalicelib/events/feeds.py).

A publisher's event belongs to no neighbourhood: its `neighbourhood_id` is the commune's own calendar,
`<lau2>-commune` (no resident lives there, so nobody reads it through that name), and the neighbourhoods it
reaches are its `targets`; its calendar copies go into each of them (and into `<lau2>-public` when public), so a
resident's calendar window stays one Query. A neighbourhood drawn after it was published does not get it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, ValidationInfo, field_validator
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib import alerts
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.communes.models import CommuneItem
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.events import calendar, feeds, service
from chalicelib.events.approval import new_review
from chalicelib.events.models import CalendarPage, CalendarQuery, EventCreate, EventItem, EventPublic, EventUpdate
from chalicelib.events.recurrence import ZONE
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.photos import service as photos
from chalicelib.photos.models import PhotoPublic, PhotoUploadRequest, PhotoUploadStarted
from chalicelib.policy import ANONYMOUS, Principal
from chalicelib.publishers.service import load as load_publisher, needs_approval, sponsors
from chalicelib.publishers.targeting import Target, resolve
from chalicelib.ratelimit import limit
from chalicelib.store.table import condition_failed, transaction

EVENTS_PER_HOUR = 30  # per publisher link: a leaked link cannot flood the calendars


class PublisherEventRequest(EventCreate):
    """A resident's event's fields (co-organisers and `reach` aside: a publisher targets instead), plus whom it
    reaches and whether it is public."""

    target: Target = Field(description="the whole commune, chosen neighbourhoods or a circle, within the link's scope")
    public: StrictBool = Field(False, description="also on the commune's public page and public calendar")

    @field_validator("co_organisers")
    @classmethod
    def _no_co_organisers(cls, value: list[str]) -> list[str]:
        if value:
            raise ValueError("a publisher's event has no co-organisers")
        return value

    @field_validator("reach")
    @classmethod
    def _no_reach(cls, value: str, info: ValidationInfo) -> str:
        if value != "neighbourhood":
            raise ValueError("a publisher's event reaches its `target`")
        return value


class PublisherEventUpdate(EventUpdate):
    """A resident's event's changes (co-organisers and `reach` aside); whom it reaches stays as published."""

    @field_validator("co_organisers")
    @classmethod
    def _no_co_organisers(cls, value: list[str] | None) -> list[str] | None:
        if value:
            raise ValueError("a publisher's event has no co-organisers")
        return value

    @field_validator("reach")
    @classmethod
    def _no_reach(cls, value: str | None) -> str | None:
        if value not in (None, "neighbourhood"):
            raise ValueError("a publisher's event reaches its `target`")
        return value


class PublishedEvent(EventPublic):
    review: Literal["published", "pending"] = Field(description="pending: a partner's event waits for the commune "
                                                                "(or was refused by it)")


class PublishedEvents(Model):
    events: list[PublishedEvent] = Field(description="the publisher's events, newest first")


def commune_calendar(lau2: str) -> str:
    """The name a publisher's event has for its neighbourhood: the commune's own calendar."""
    return f"{lau2}-commune"


def publish_event(principal: Principal, request: PublisherEventRequest) -> PublishedEvent:
    link = principal.publisher_link
    assert link is not None
    limit("events.publish", link.link_id, EVENTS_PER_HOUR, window_seconds=3600)
    if "event" not in link.categories:  # the link's categories are its announcements' and its events' scope
        raise Forbidden("This link may not publish events.", {"category": "events not allowed by this link"})
    chosen, names = resolve(link.lau2, request.target, link)
    publisher = load_publisher(link.lau2, link.publisher_id)
    pending = needs_approval(publisher)
    stamp, event_id = now(), new_id()
    event = EventItem(*EventItem.key(event_id), event_id=event_id, neighbourhood_id=commune_calendar(link.lau2),
                      author_id=None, organisers=[], title=request.title, description=request.description or None,
                      category=request.category, zone=ZONE, reach="neighbourhood", status="scheduled", sequence=0,
                      exceptions={}, created_at=stamp, updated_at=stamp, publisher_id=publisher.publisher_id,
                      publisher_name=publisher.name, link_id=link.link_id, targets=[], public=False,
                      gsi1pk=EventItem.publisher_key(link.lau2, publisher.publisher_id),
                      gsi1sk=f"{stamp.isoformat()}#{event_id}")
    service._set_times(event, request.start, request.end, request.rrule)
    service._set_place(event, principal, request.place, request.address_id, request.point, "neighbourhood")
    photos.check_attachable(principal, request.photo_id, event.neighbourhood_id, "event")
    event.capacity, event.photo_id = request.capacity, request.photo_id
    event.last_end = calendar.last_end(event)
    targets = chosen if chosen is not None else sorted(names)
    if pending:  # nobody sees it until approved: no calendar entries yet
        review = new_review(event, link.lau2, "publisher", sponsors(link.lau2, link.link_id, publisher.publisher_id),
                            targets=chosen, target_names=sorted(names[n] for n in chosen) if chosen else [],
                            public=request.public)
        with transaction() as t:
            t.save(event, condition=EventItem.pk.does_not_exist())
            t.save(review)
            t.save(service.thread_head_of(event))  # reaches nobody yet: its comments neither
    else:
        event.targets, event.public = targets, request.public
        event.calendar_keys = [f"{entry.pk}|{entry.sk}" for entry in calendar.entries(event)]
        with transaction() as t:
            t.save(event, condition=EventItem.pk.does_not_exist())
            t.save(service.thread_head_of(event))  # who reads its comments: the neighbourhoods it reaches
        calendar.write_entries(event, [])
        photos.share_photo(event.photo_id, service.photo_reach(event))  # a pending one's: once approved (_save_change)
    logger.info("publisher event", event_id=event_id, lau2=link.lau2, pending=pending, neighbourhoods=len(targets),
                public=request.public)
    return PublishedEvent(**service.public_event(event, principal).model_dump(),
                          review="pending" if pending else "published")


def start_photo_upload(principal: Principal, request: PhotoUploadRequest) -> PhotoUploadStarted:
    """A photo for the link's publisher's events, stored in the commune's calendar as its events are (residents
    read it where the event reaches: `share_photo`)."""
    link = principal.publisher_link
    assert link is not None
    if "event" not in link.categories:
        raise Forbidden("This link may not publish events.", {"category": "events not allowed by this link"})
    if request.purpose != "event":
        raise InvalidInput("A publisher link uploads photos of events.", {"purpose": "event only"})
    limit("events.photos", link.link_id, EVENTS_PER_HOUR, window_seconds=3600)
    return photos.start_upload(principal, request, neighbourhood_id=commune_calendar(link.lau2))


def photo_state(principal: Principal, photo_id: str) -> PhotoPublic:
    """One of the link's publisher's photos: its state and, once ready, its links."""
    return photos.own_photo(principal, photo_id)


MAX_LISTED = 100


def published_events(principal: Principal) -> PublishedEvents:
    """The link's publisher's events, newest first (one Query of the index): the link's list, to change or cancel
    them; those outside the link's neighbourhoods are left out (another link of the publisher changes them)."""
    link = principal.publisher_link
    assert link is not None
    if "event" not in link.categories:
        return PublishedEvents(events=[])
    found = []
    for event in EventItem.by_publisher.query(EventItem.publisher_key(link.lau2, link.publisher_id),
                                              scan_index_forward=False, limit=MAX_LISTED):
        if link.neighbourhoods is not None and event.targets and not set(event.targets) <= link.neighbourhoods:
            continue
        found.append(PublishedEvent(**service.public_event(event, principal).model_dump(),
                                    review="published" if event.targets else "pending"))
    return PublishedEvents(events=found)


def index_publisher_events() -> int:
    """Once, after upgrading to the publisher's list of its events (`./noper list-publisher-events`): give every
    publisher's event its index keys (a Scan: an operator's one-off; idempotent). Answers how many."""
    listed = 0
    for event in EventItem.scan(EventItem.sk == "EVENT"):
        if not event.publisher_id or event.gsi1pk:
            continue
        lau2 = event.neighbourhood_id.removesuffix("-commune")
        try:
            event.update(actions=[EventItem.gsi1pk.set(EventItem.publisher_key(lau2, event.publisher_id)),
                                  EventItem.gsi1sk.set(f"{event.created_at.isoformat()}#{event.event_id}")],
                         condition=EventItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        listed += 1
    return listed


# --- changed and cancelled ------------------------------------------------------------------

def _of_commune(event_id: str, lau2: str) -> EventItem:
    """A publisher's event of the commune, published (not waiting for or refused by its staff) and not cancelled;
    any other event is none of theirs (404)."""
    event = service.load_event(event_id, consistent=True)
    if event.neighbourhood_id != commune_calendar(lau2) or not event.publisher_id:
        raise service.no_such_event()
    if not event.targets:
        raise Conflict("The event is not published: it waits for the commune's decision or was refused.",
                       {"event_id": "not published"})
    if event.status == "cancelled":
        raise Conflict("The event is cancelled.", {"event_id": "cancelled"})
    return event


def _published(principal: Principal, event_id: str) -> EventItem:
    """One of the link's publisher's events within the link's scope (its neighbourhoods, events allowed), else 403."""
    link = principal.publisher_link
    assert link is not None
    event = _of_commune(event_id, link.lau2)
    if ("event" not in link.categories or event.publisher_id != link.publisher_id
            or (link.neighbourhoods is not None and not set(event.targets) <= link.neighbourhoods)):
        raise Forbidden("This event is outside this link's scope.", {"event_id": "outside the link's scope"})
    return event


def change_published_event(principal: Principal, event_id: str, change: PublisherEventUpdate) -> PublishedEvent:
    """The fields sent changed, as an organiser changes a resident's event (`service.change_event`); whom it
    reaches (`targets`, `public`) stays."""
    link = principal.publisher_link
    assert link is not None
    event = _published(principal, event_id)
    limit("events.publish", link.link_id, EVENTS_PER_HOUR, window_seconds=3600)  # a change counts as a publication
    changed = service.change_event(principal, event, change, counted=False)
    return PublishedEvent(**changed.model_dump(), review="published")


def cancel_published_event(principal: Principal, event_id: str) -> PublishedEvent:
    event = _published(principal, event_id)
    _cancel(event)
    return PublishedEvent(**service.public_event(event, principal).model_dump(), review="published")


def cancel_commune_event(principal: Principal, lau2: str, event_id: str) -> EventPublic:
    """The commune's staff cancel a publisher's event of their commune (a resident's event is its organisers')."""
    event = _of_commune(event_id, lau2)
    _cancel(event)
    logger.info("publisher event cancelled by staff", event_id=event_id, lau2=lau2, by=principal.user_id)
    return service.public_event(event, principal)


def _cancel(event: EventItem) -> None:
    """Cancelled as an organiser cancels: kept, shown as cancelled (the calendar's copies rewritten), those who
    answered told. Not in a neighbourhood's week counts: nothing to recount."""
    seen = int(event.sequence or 0)
    event.status = "cancelled"
    service._save_change(event, seen)
    alerts.event_cancelled(event.event_id, None, int(event.sequence))  # everyone who answered a coming occurrence
    logger.info("publisher event cancelled", event_id=event.event_id, publisher_id=event.publisher_id)


# --- the commune's public events ------------------------------------------------------------

def public_calendar(lau2: str, query: CalendarQuery) -> CalendarPage:
    """The commune's public events in a window, as a neighbourhood's calendar is read (one Query a page)."""
    return service.neighbourhood_calendar(ANONYMOUS, calendar.public_calendar(lau2), query)


PUBLIC_BACK, PUBLIC_AHEAD = feeds.FEED_BACK, feeds.FEED_AHEAD


def public_ics(lau2: str) -> bytes:
    """The commune's public events as iCalendar, for anyone to subscribe to: GetItem the commune (its name; 404
    when unknown), then its public calendar's entries from a month back to a year ahead, one VEVENT per event."""
    try:
        commune = CommuneItem.get(*CommuneItem.key(lau2))
    except DoesNotExist:
        raise NotFound(f"No commune {lau2} on Noper.", {"lau2": "unknown commune"}) from None
    moment = now()
    events = {data["id"]: data for data in feeds._entries(calendar.public_calendar(lau2), moment - PUBLIC_BACK,
                                                          moment + PUBLIC_AHEAD) if not data.get("hidden")}
    return feeds._calendar(list(events.values()), f"{commune.name} — Noper").to_ical()
