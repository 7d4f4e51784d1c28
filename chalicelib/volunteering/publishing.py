"""Calls for volunteers by the commune's services and partners, through the publisher link that sends their
announcements and events (a link whose categories include `event`; else 403): the same fields as a resident's call,
targeted as announcements are (the whole commune, chosen neighbourhoods, a circle on the map:
chalicelib/publishers/targeting.py, within the link's scope, else 403). A partner's call waits for the commune when
its announcements do (`pending`: listed nowhere, read by nobody, until its staff approve it: approval.py). The link's bearer then
organises its publisher's calls: sees who signed up, cancels them or cancels or moves a shift, confirms attendance
(service.organised: within the link's scope, else 403).

A publisher's call belongs to no neighbourhood: its `neighbourhood_id` is the commune's own name `<lau2>-commune`
(as a publisher's event), where its `calls` and `shifts_filled` are counted; its `reaches` are its targets.
"""

from __future__ import annotations

from pydantic import Field

from chalicelib.adapters.clock import now
from chalicelib.errors import Forbidden, NotFound
from chalicelib.events.models import EventItem
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.publishers.service import load as load_publisher, needs_approval, sponsors
from chalicelib.publishers.targeting import resolve
from chalicelib.ratelimit import limit
from chalicelib.volunteering import approval, service
from chalicelib.volunteering.models import CallItem, CallPublic, PublishedCall, PublisherCallRequest

CALLS_PER_HOUR = 30  # per publisher link: a leaked link cannot flood the lists
MAX_LISTED = 100


class PublishedCalls(Model):
    calls: list[PublishedCall] = Field(description="the link's publisher's calls within its scope, newest first (at "
                                                   "most 100); a call's shifts and sign-ups: its sign-ups route")


def commune_name(lau2: str) -> str:
    return f"{lau2}-commune"


def publish_call(principal: Principal, request: PublisherCallRequest) -> CallPublic:
    link = principal.publisher_link
    assert link is not None
    limit("volunteering.publish", link.link_id, CALLS_PER_HOUR, window_seconds=3600)
    if "event" not in link.categories:  # the link's categories are what it may publish: calls go with events
        raise Forbidden("This link may not publish calls for volunteers.", {"category": "events not allowed by this link"})
    chosen, names = resolve(link.lau2, request.target, link)
    publisher = load_publisher(link.lau2, link.publisher_id)
    if request.event_id:
        try:
            event = EventItem.get(*EventItem.key(request.event_id))
        except Exception:  # noqa: BLE001 — DoesNotExist: the same answer as another publisher's event
            event = None
        if event is None or event.publisher_id != publisher.publisher_id:
            raise NotFound("The event is not one of this publisher's.", {"event_id": "not found"})
    nbh = commune_name(link.lau2)
    call = service.new_call(principal, request, nbh, author_id=None)
    call.publisher_id, call.publisher_name, call.link_id = publisher.publisher_id, publisher.name, link.link_id
    call.gsi1pk = CallItem.publisher_key(link.lau2, publisher.publisher_id)
    call.gsi1sk = f"{call.created_at.isoformat()}#{call.call_id}"
    call.reaches = chosen if chosen is not None else sorted(names)
    shifts = service.new_shifts(call, request)
    review = None
    if needs_approval(publisher):
        call.status = "pending"
        review = approval.new_review(call, sponsors(link.lau2, link.link_id, publisher.publisher_id),
                                     sorted(names[n] for n in chosen) if chosen else [])
    service.save_new(call, shifts, counted_in=nbh if call.status == "open" else None, review=review)
    logger.info("publisher volunteer call", call_id=call.call_id, lau2=link.lau2, pending=call.status == "pending",
                neighbourhoods=len(call.reaches))
    return service.public_call(call, shifts, principal)


def published_calls(principal: Principal) -> PublishedCalls:
    """The link's publisher's calls, newest first, those within the link's scope: one Query of the owners' index,
    whose items are the calls themselves (their `needed` and `taken` count every shift: no shift is read)."""
    link = principal.publisher_link
    assert link is not None
    found, moment = [], now()
    for call in CallItem.by_owner.query(CallItem.publisher_key(link.lau2, link.publisher_id),
                                            scan_index_forward=False, limit=MAX_LISTED):
        if link.neighbourhoods is not None and not set(call.reaches or []) <= link.neighbourhoods:
            continue
        found.append(service.listed(call, moment))
    return PublishedCalls(calls=found)
