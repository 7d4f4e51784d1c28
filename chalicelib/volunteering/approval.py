"""A partner's call for volunteers waits for the commune's staff when its announcements do (publishing.py,
`needs_approval`), as a partner's event does (chalicelib/events/approval.py, whose queue and decisions this follows).

One review item per call, listed by status on the generic index (gsi1pk `COMMUNE#<lau2>#CALLREVIEW#<status>`,
newest first). A decision is one transaction: the review's update conditional on it still being pending (a second
decision answers 409), the call's status, the commune's audit entry (`call_approved`, `call_refused`,
`call_withdrawn`) and, approved, the call's thread head and the week's `calls` count; then the call's copies in the
lists of the neighbourhoods it reaches. Nobody decides their own case (`policy.not_own_case`): not the staff member
who issued the publisher link, nor the one who registered the publisher.

Approved, the call is listed in the neighbourhoods it reaches (chosen when published). Refused, it reaches nobody;
its publisher sees it `refused` through the link. Staff may withdraw an approval (from `approved` only, with a
reason): the call reaches nobody again (`withdrawn`) and the volunteers of its shifts still to come are told they
are cancelled. As for a partner's event, no email goes to the publisher: its link shows the call's status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError, TransactWriteError

from chalicelib.adapters.clock import now
from chalicelib.communes import audit
from chalicelib.communes.models import Lau2
from chalicelib.content.counters import count_in_week
from chalicelib.errors import Conflict, NotFound
from chalicelib.events.approval import ReviewQuery, ReviewStatus, review_to_decide  # the events' queue's
from chalicelib.events.recurrence import ZONE, to_local
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import Entity, Gsi1, condition_failed, refused_conditions, transaction
from chalicelib.volunteering import service
from chalicelib.volunteering.models import CallId, CallItem

QUEUE_PAGE = 100
CALL_STATUS = {"approved": "open", "refused": "refused", "withdrawn": "withdrawn"}


# --- requests and answers -------------------------------------------------------------------

class CallDecision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "refuse", "withdraw"] = Field(
        description="approve or refuse a pending call; withdraw an approval (it reaches nobody again)")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(
        "", description="kept in the commune's audit log and shown to the publisher's link")


class CommuneCallPath(Model):
    lau2: Lau2
    call_id: CallId


class CallReview(Model):
    call_id: str
    lau2: str
    status: ReviewStatus
    title: str
    what: str
    publisher_name: str | None
    start: datetime
    end: datetime
    place: str | None
    shifts: int
    needed: int
    pairing: str
    target_names: list[str] = Field(description="the neighbourhoods it would reach; empty: the whole commune")
    asked_at: datetime
    decided_at: datetime | None
    reason: str | None


class CallReviewList(Model):
    reviews: list[CallReview]


# --- stored ---------------------------------------------------------------------------------

class CallReviewItem(Entity):
    """A partner's call waiting for (or decided by) the commune: pk `VCALL#<id>`, sk `APPROVAL` (before `CALL`:
    outside the call-and-shifts Query); gsi1pk `COMMUNE#<lau2>#CALLREVIEW#<status>`, gsi1sk `<asked_at>#<id>`."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_status = Gsi1()
    call_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    status = UnicodeAttribute()
    target_names = ListAttribute(of=UnicodeAttribute, default=list)
    subjects = ListAttribute(of=UnicodeAttribute, default=list)  # whose own case it is (policy.not_own_case)
    # What staff are shown, copied when asked (the queue is one Query): title, what, publisher_name, start, end
    # (local, ISO), place, shifts, needed, pairing.
    card = JSONAttribute(default=dict)
    asked_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)

    @staticmethod
    def key(call_id: str) -> tuple[str, str]:
        return f"VCALL#{call_id}", "APPROVAL"

    @staticmethod
    def status_key(lau2: str, status: str) -> str:
        return f"COMMUNE#{lau2}#CALLREVIEW#{status}"


def _no_such_review() -> NotFound:
    return NotFound("No such call waiting for the commune.", {"call_id": "not found"})


def new_review(call: CallItem, subjects: list[str | None], target_names: list[str]) -> CallReviewItem:
    """The review of a partner's call, saved with it (service.save_new)."""
    stamp = now()
    card = {"title": call.title, "what": call.what or "", "publisher_name": call.publisher_name,
            "start": to_local(call.first_start, ZONE).isoformat(), "end": to_local(call.last_end, ZONE).isoformat(),
            "place": call.place, "shifts": int(call.shift_count or 0), "needed": int(call.needed or 0),
            "pairing": call.pairing}
    return CallReviewItem(*CallReviewItem.key(call.call_id), call_id=call.call_id, lau2=call.lau2, status="pending",
                          target_names=target_names, subjects=[s for s in subjects if s], card=card, asked_at=stamp,
                          gsi1pk=CallReviewItem.status_key(call.lau2, "pending"),
                          gsi1sk=f"{stamp.isoformat()}#{call.call_id}")


def queue_pending_calls(lau2: str) -> int:
    """Upgrade step (`./noper queue-pending-calls`): partners' calls saved `pending` before the staff's queue existed
    get their review, so that staff decide them. One Query a publisher of the commune; idempotent (a review is
    written only where none is). Answers how many were queued."""
    from chalicelib.neighbourhoods.service import list_published
    from chalicelib.publishers.service import list_publishers, sponsors

    names = {n.id: n.name for n in list_published(lau2).neighbourhoods}
    queued = 0
    for publisher in list_publishers(lau2).publishers:
        for call in CallItem.by_owner.query(CallItem.publisher_key(lau2, publisher.id)):
            if call.status != "pending":
                continue
            reaches = set(call.reaches or [])
            chosen = [] if reaches >= set(names) else sorted(names[n] for n in reaches if n in names)
            review = new_review(call, sponsors(lau2, call.link_id or "", publisher.id), chosen)
            review.asked_at, review.gsi1sk = call.created_at, f"{call.created_at.isoformat()}#{call.call_id}"
            try:
                review.save(condition=CallReviewItem.pk.does_not_exist())
                queued += 1
            except PutError as error:
                if not condition_failed(error):
                    raise
    return queued


# --- staff: the queue and decisions ---------------------------------------------------------

def review_list(lau2: str, query: ReviewQuery) -> CallReviewList:
    """The commune's partners' calls by review status, newest first: one Query (each review holds what staff see)."""
    reviews = CallReviewItem.by_status.query(CallReviewItem.status_key(lau2, query.status),
                                             scan_index_forward=False, limit=QUEUE_PAGE)
    return CallReviewList(reviews=[present(r) for r in reviews])


def decide(principal: Principal, lau2: str, call_id: str, decision: CallDecision) -> CallReview:
    review, after = review_to_decide(CallReviewItem, call_id, lau2, decision.decision, principal, "volunteering.review",
                                     _no_such_review(), "call")
    before = review.status  # what the decision's write is conditional on
    call, shifts = service.load(call_id, consistent=True)
    if call.status == "cancelled":  # its publisher cancelled it meanwhile: nothing left to decide
        raise Conflict("The call is cancelled.", {"decision": "call is cancelled"})
    was = call.status
    call.status = CALL_STATUS[after]
    stamp = now()
    try:
        with transaction() as t:
            t.update(review, actions=[CallReviewItem.status.set(after),
                                      CallReviewItem.gsi1pk.set(CallReviewItem.status_key(lau2, after)),
                                      CallReviewItem.decided_at.set(stamp),
                                      CallReviewItem.decided_by.set(principal.user_id or ""),
                                      CallReviewItem.reason.set(decision.reason or None)],
                     condition=CallReviewItem.status == before)
            t.update(call, actions=[CallItem.status.set(call.status), CallItem.updated_at.set(stamp)],
                     condition=CallItem.status == was)
            t.save(service.thread_head_of(call))  # who reads its comments: where it reaches now
            if after == "approved":
                count_in_week(t, call.neighbourhood_id, calls=1)  # published at last: counted as a call
            t.save(audit.entry(lau2, f"call_{after}", principal.user_id, "call", call_id, decision.reason))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("Someone else decided first.", {"decision": "already decided"}) from None
        raise
    service.write_entries(call)
    if after == "withdrawn":
        service.cancel_coming_shifts(call_id, shifts)
    review.status, review.decided_at, review.reason = after, stamp, decision.reason or None
    logger.info("volunteer call reviewed", call_id=call_id, lau2=lau2, decision=after)
    return present(review)


def present(review: CallReviewItem) -> CallReview:
    card = review.card or {}
    return CallReview(call_id=review.call_id, lau2=review.lau2, status=review.status,  # type: ignore[arg-type]
                      title=card["title"], what=card.get("what", ""), publisher_name=card.get("publisher_name"),
                      start=datetime.fromisoformat(card["start"]), end=datetime.fromisoformat(card["end"]),
                      place=card.get("place"), shifts=int(card.get("shifts", 0)), needed=int(card.get("needed", 0)),
                      pairing=card.get("pairing", "none"), target_names=list(review.target_names or []),
                      asked_at=review.asked_at, decided_at=review.decided_at, reason=review.reason)
