"""Events that reach the whole commune wait for its staff (issue #11, points 1 and 2): a resident's event
asked for the whole commune, and a partner's event sent through its publisher link when partners need approval
(the same rule as their announcements, chalicelib/publishers/service.py `needs_approval`).

The review queue works as the announcements' does (chalicelib/announcements/service.py): one review item per
event, listed by status on the generic index (gsi1pk `COMMUNE#<lau2>#EVENTREVIEW#<status>`, newest first);
a decision is one transaction, the review's update conditional on it still being pending (a second decision
answers 409) with the commune's audit entry; nobody decides their own case (`policy.not_own_case`): not an
organiser of the event, not the staff member who issued the publisher link or registered the publisher.

Until approved, a resident's event stays in its neighbourhood (and the nearby ones it reaches) and a partner's
event reaches nobody. Approved, the event's `targets` name the neighbourhoods it reaches (every published one
of the commune for a resident's event, those the publisher chose otherwise): one conditional change of the event
(its `sequence` grows: subscribed calendars see it) which rewrites its calendar copies. The organisers are told
the decision by email (chalicelib/alerts.py `event_reviewed`, five languages).

An approval holds while the organisers edit the event (title, description, place, times: nothing asks the commune
again). Staff may withdraw it (decision `withdraw`, same route, from `approved` only, with a reason): the event goes
back to its neighbourhood (a partner's reaches nobody), the organisers are told, and they may ask again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import BooleanAttribute, JSONAttribute, ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib import alerts, policy
from chalicelib.adapters.clock import now
from chalicelib.communes import audit
from chalicelib.communes.models import Lau2
from chalicelib.errors import Conflict, NotFound
from chalicelib.events import service
from chalicelib.events.models import Category, EventId, EventItem, EventPublic, ReviewState
from chalicelib.events.recurrence import to_local
from chalicelib.models import Model
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import Entity, Gsi1, condition_failed, read_items, refused_conditions, transaction

ReviewStatus = Literal["pending", "approved", "refused", "withdrawn"]
ReviewKind = Literal["resident", "publisher"]
QUEUE_PAGE = 100
ATTEMPTS = 3  # applying a decision races an organiser's edit: read again, at most this often


# --- requests and answers -------------------------------------------------------------------

class ReviewQuery(Model):
    model_config = ConfigDict(extra="forbid")
    status: ReviewStatus = "pending"


class EventDecision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "refuse", "withdraw"] = Field(
        description="approve or refuse a pending event; withdraw an approval (back to its neighbourhood)")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(
        "", description="told to the organisers (and kept in the commune's audit log)")


class CommuneEventPath(Model):
    lau2: Lau2
    event_id: EventId


class EventReview(Model):
    event_id: str
    lau2: str
    kind: ReviewKind = Field(description="resident: asked for the whole commune; publisher: a partner's event")
    status: ReviewStatus
    title: str
    description: str
    category: Category
    start: datetime
    end: datetime
    place: str | None
    recurring: bool
    neighbourhood_name: str | None = Field(description="a resident's event: its neighbourhood")
    publisher_name: str | None
    target_names: list[str] = Field(description="the neighbourhoods it would reach; empty: the whole commune")
    public: bool
    asked_at: datetime
    decided_at: datetime | None
    reason: str | None


class EventReviewList(Model):
    reviews: list[EventReview]


# --- stored ---------------------------------------------------------------------------------

class EventReviewItem(Entity):
    """An event's request to reach beyond its neighbourhood: pk `EVENT#<id>`, sk `REVIEW`;
    gsi1pk `COMMUNE#<lau2>#EVENTREVIEW#<status>`, gsi1sk `<asked_at>#<id>` (staff's queue by status)."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_status = Gsi1()
    event_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    targets = ListAttribute(of=UnicodeAttribute, null=True)  # a publisher's chosen neighbourhoods; None: all
    target_names = ListAttribute(of=UnicodeAttribute, default=list)
    public = BooleanAttribute(default=False)
    subjects = ListAttribute(of=UnicodeAttribute, default=list)  # whose own case it is (policy.not_own_case)
    neighbourhood_name = UnicodeAttribute(null=True)
    # What staff are shown, copied when asked (the queue is one Query): title, description, category, start, end
    # (local, ISO), place, recurring, publisher_name.
    card = JSONAttribute(default=dict)
    asked_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"EVENT#{event_id}", "REVIEW"

    @staticmethod
    def status_key(lau2: str, status: str) -> str:
        return f"COMMUNE#{lau2}#EVENTREVIEW#{status}"


def _no_such_review() -> NotFound:
    return NotFound("No such event waiting for the commune.", {"event_id": "not found"})


# --- asking ---------------------------------------------------------------------------------

def ask_whole_commune(principal: Principal, event_id: str) -> EventReview:
    """An organiser asks for their event to reach the whole commune: queued for its staff; meanwhile it stays in
    its neighbourhood. Asked again only after a refusal or a withdrawal."""
    event = service._organised(principal, event_id)
    if event.targets:
        raise Conflict("The event reaches the whole commune already.", {"event_id": "reaches the commune already"})
    lau2 = policy.commune_of(event.neighbourhood_id)
    names = {n.id: n.name for n in list_published(lau2).neighbourhoods}
    review = new_review(event, lau2, "resident", subjects=list(event.organisers), targets=None,
                        neighbourhood_name=names.get(event.neighbourhood_id))
    try:
        review.save(condition=EventReviewItem.pk.does_not_exist() | EventReviewItem.status.is_in("refused", "withdrawn"))
    except PutError as error:
        if condition_failed(error):
            raise Conflict("The commune has this event already.", {"event_id": "asked already"}) from None
        raise
    logger.info("event asked for the commune", event_id=event_id, lau2=lau2)
    return present(review)


def new_review(event: EventItem, lau2: str, kind: str, subjects: list[str | None], targets: list[str] | None,
               target_names: list[str] | None = None, public: bool = False,
               neighbourhood_name: str | None = None) -> EventReviewItem:
    stamp = now()
    card = {"title": event.title, "description": event.description or "", "category": event.category,
            "start": to_local(event.starts_at, event.zone).isoformat(),
            "end": to_local(event.ends_at, event.zone).isoformat(), "place": event.place,
            "recurring": bool(event.rrule), "publisher_name": event.publisher_name}
    return EventReviewItem(*EventReviewItem.key(event.event_id), event_id=event.event_id, lau2=lau2, kind=kind,
                           card=card,
                           status="pending", targets=targets, target_names=target_names or [], public=public,
                           subjects=[s for s in subjects if s], neighbourhood_name=neighbourhood_name,
                           asked_at=stamp, gsi1pk=EventReviewItem.status_key(lau2, "pending"),
                           gsi1sk=f"{stamp.isoformat()}#{event.event_id}")


# --- staff: the queue and decisions ---------------------------------------------------------

def review_list(lau2: str, query: ReviewQuery) -> EventReviewList:
    """The commune's events by review status, newest first: one Query (each review holds what staff are shown)."""
    reviews = EventReviewItem.by_status.query(EventReviewItem.status_key(lau2, query.status),
                                              scan_index_forward=False, limit=QUEUE_PAGE)
    return EventReviewList(reviews=[present(r) for r in reviews])


def review_to_decide(item_class: Any, review_id: str, lau2: str, decision: str, principal: Principal, action: str,
                     missing: NotFound, what: str) -> tuple[Any, str]:
    """The review a staff decision is about (events' and partners' calls' queues), read consistently: of this commune
    (else `missing`), in the state the decision moves from (else 409), not the decider's own case (403). Answers it
    with the status the decision moves it to."""
    try:
        review = item_class.get(*item_class.key(review_id), consistent_read=True)
    except DoesNotExist:
        raise missing from None
    if review.lau2 != lau2:
        raise missing
    before = "approved" if decision == "withdraw" else "pending"
    if review.status != before:
        raise Conflict(f"The {what} is {review.status}.", {"decision": f"{what} is {review.status}"})
    policy.not_own_case(action, principal, review.subjects)
    return review, {"approve": "approved", "refuse": "refused", "withdraw": "withdrawn"}[decision]


def decide(principal: Principal, lau2: str, event_id: str, decision: EventDecision) -> EventReview:
    review, after = review_to_decide(EventReviewItem, event_id, lau2, decision.decision, principal, "events.review",
                                     _no_such_review(), "event")
    before = review.status  # what the decision's write is conditional on
    stamp = now()
    try:
        with transaction() as t:
            t.update(review, actions=[EventReviewItem.status.set(after),
                                      EventReviewItem.gsi1pk.set(EventReviewItem.status_key(lau2, after)),
                                      EventReviewItem.decided_at.set(stamp),
                                      EventReviewItem.decided_by.set(principal.user_id or ""),
                                      EventReviewItem.reason.set(decision.reason or None)],
                     condition=EventReviewItem.status == before)
            t.save(audit.entry(lau2, f"event_{after}", principal.user_id, "event", event_id, decision.reason))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("Someone else decided first.", {"decision": "already decided"}) from None
        raise
    review.status, review.decided_at, review.reason = after, stamp, decision.reason or None
    if after in ("approved", "withdrawn"):
        _apply(review)
    logger.info("event reviewed", event_id=event_id, lau2=lau2, decision=after, kind=review.kind)
    if review.kind == "resident":
        alerts.event_reviewed(event_id, stamp.isoformat())
    return present(review)


def _apply(review: EventReviewItem) -> EventItem:
    """The event reaches what was approved, or (withdrawn) its neighbourhood again: one conditional change (its
    sequence), read again if an organiser changed it meanwhile."""
    approved = review.status == "approved"
    targets = (list(review.targets) if review.targets is not None else [
        n.id for n in list_published(review.lau2).neighbourhoods]) if approved else None
    for attempt in range(ATTEMPTS):
        event = service.load_event(review.event_id, consistent=True)
        event.targets, event.public = targets, bool(review.public) and approved
        try:
            service._save_change(event, int(event.sequence or 0))
            return event
        except Conflict:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def event_with_review(principal: Principal, event_id: str, language: str) -> EventPublic:
    """One event as `GET /api/v1/events/{id}` gives it: to its organisers with where their request to reach the whole
    commune stands (so that the page shows it after a reload). One BatchGetItem of the event and its review."""
    event_key, review_key = EventItem.key(event_id), EventReviewItem.key(event_id)
    found = read_items([event_key, review_key])
    if event_key not in found:
        raise service.no_such_event()
    event = service.check_visible(principal, EventItem.from_raw_data(found[event_key]))
    shown = service.public_event(event, principal, language)
    if shown.mine and review_key in found:
        review = EventReviewItem.from_raw_data(found[review_key])
        shown.commune_review = ReviewState(status=review.status, reason=review.reason, asked_at=review.asked_at,  # type: ignore[arg-type]
                                   decided_at=review.decided_at)
    return shown


def review_of(event_id: str) -> EventReviewItem | None:
    try:
        return EventReviewItem.get(*EventReviewItem.key(event_id))
    except DoesNotExist:
        return None


def present(review: EventReviewItem) -> EventReview:
    card = review.card or {}
    return EventReview(event_id=review.event_id, lau2=review.lau2, kind=review.kind,  # type: ignore[arg-type]
                       status=review.status, title=card["title"], description=card["description"],  # type: ignore[arg-type]
                       category=card["category"], start=datetime.fromisoformat(card["start"]),
                       end=datetime.fromisoformat(card["end"]), place=card.get("place"),
                       recurring=bool(card.get("recurring")), neighbourhood_name=review.neighbourhood_name,
                       publisher_name=card.get("publisher_name"),
                       target_names=list(review.target_names or []), public=bool(review.public),
                       asked_at=review.asked_at, decided_at=review.decided_at, reason=review.reason)
