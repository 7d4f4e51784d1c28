"""Emails for the moments a resident waits on: their address verified or refused (by staff, a letter code
or two neighbours vouching), a loan request to the item's owner, and the owner's answer to the borrower;
a move into another neighbourhood when the commune redraws its boundaries; the resident's data prepared for
download (marker `EXPORT#<export_id>`, essential: they asked for it); and a freed place of an event held for the
first on its waiting list until they confirm it (marker `EVENTPLACE#<event>#<occurrence>#<user>#<answers' version>`, essential:
they asked for the place).

The request that made the moment only enqueues a small job naming it (chalicelib/notifications/alert_queue.py
`residence_decided`, `loan_changed`; queue `noper-alerts`), so a slow or failing SES never fails the
decision; the queue's handler calls `run_job`, which reads what happened and emails one person in their
language, exactly once (`emails.send_once` markers `RESIDENCE#<user_id>#<at>`, `LOAN#<loan_id>#<state>`).

The verification outcome and a move (marker `MOVED#<user_id>#<at>`) are essential (about the resident's own account: no choice turns it off, no
unsubscribe link); loan emails follow the `loan_reminders` choice ("Loans" in the profile).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.moves import ResidentMoveItem
from chalicelib.events.models import EventItem
from chalicelib.lending.models import LoanItem
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.notifications import emails
from chalicelib.observability import logger
from chalicelib.verification.models import VerificationItem
from chalicelib.volunteering import buddies, offers
from chalicelib.web.site import site

RESIDENCE, LOAN, MOVED, EVENT_PLACE, EVENT_REVIEW = "residence", "loan", "moved", "event_place", "event_review"
EVENT_CANCELLED, EXPORT, SHIFT_CHANGED, BUDDY = "event_cancelled", "export", "shift_changed", "buddy"
COVER = "cover"
BUDGET_REVIEW = "budget_review"
KINDS = (RESIDENCE, LOAN, MOVED, EVENT_PLACE, EVENT_REVIEW, EVENT_CANCELLED, EXPORT, SHIFT_CHANGED, BUDDY, COVER,
         BUDGET_REVIEW)
VOLUNTEERING_TOPIC = "volunteering"
# Welcome buddy offers (chalicelib/volunteering/buddies.py) follow the "messages" choice: a neighbour to meet.
BUDDY_TOPIC = "messages"
# Who hears that an event they answered is cancelled: not those who said they would not come.
TOLD_OF_CANCELLING = frozenset({"going", "offered", "maybe", "waiting"})
EVENTS_TOPIC = "events"
# A loan's states that someone waits to hear about, and who hears it.
LOAN_RECIPIENT = {"requested": "owner", "accepted": "borrower", "declined": "borrower"}
LOAN_TOPIC = "loan_reminders"


def run_job(job: dict[str, Any]) -> int:
    """One moment's email; returns how many were sent (0 or 1)."""
    if job["kind"] == RESIDENCE:
        return int(residence_decided(job["user_id"], job["at"]))
    if job["kind"] == MOVED:
        return int(resident_moved(job["user_id"], job["at"]))
    if job["kind"] == EVENT_PLACE:
        return int(event_place(job["event_id"], job["occurrence_id"], job["user_id"], job["version"],
                               job.get("until")))
    if job["kind"] == EVENT_REVIEW:
        return event_reviewed(job["event_id"], job["at"])
    if job["kind"] == EVENT_CANCELLED:
        return event_cancelled(job["event_id"], job["occurrence_id"] or None, job["sequence"])
    if job["kind"] == SHIFT_CHANGED:
        return shift_changed(job["call_id"], job["shift_id"], job["change"])
    if job["kind"] == EXPORT:
        return int(export_ready(job["user_id"], job["export_id"]))
    if job["kind"] == BUDDY:
        return buddy_offered(job["user_id"], job["pair_id"])
    if job["kind"] == COVER:
        return cover_wanted(job["call_id"], job["shift_id"], job["stamp"])
    if job["kind"] == BUDGET_REVIEW:
        return int(budget_reviewed(job["edition_id"], job["proposal_id"], job["version"]))
    return int(loan_changed(job["loan_id"], job["state"]))


def residence_decided(user_id: str, at: str) -> bool:
    """Tell a resident the decision on their address (the verification record written at `at`)."""
    try:
        record = VerificationItem.get(*VerificationItem.key(user_id, at))
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        return False  # the account was erased meanwhile
    marker = f"RESIDENCE#{user_id}#{at}"
    if emails.already_sent(marker):
        return False
    approved = record.decision == "approved"
    context = {
        "approved": approved,
        "method": record.method,
        "reason": record.reason or "",
        "neighbourhood": _neighbourhood_name(record.lau2, record.neighbourhood_id),
        "open_url": f"{site()}/neighbourhoods/{record.neighbourhood_id}/posts" if approved else f"{site()}/join",
    }
    message = emails.render("residence_decided", emails.language_of(user), context, user_id=user_id, topic=None,
                            to=user.email)
    sent = emails.send_once(marker, message)
    logger.info("residence decision emailed", user_id=user_id, decision=record.decision, sent=sent)
    offers.residence_changed(user_id)  # what they offer neighbours follows them (or waits while not verified)
    if approved:  # a newly verified resident is offered a welcome buddy (none fits: nothing; they may ask later)
        pair = buddies.offer_buddy(user_id)
        if pair is not None:
            buddy_offered(user_id, pair.pair_id)
    return sent


def buddy_offered(newcomer_id: str, pair_id: str) -> int:
    """Tell the newcomer and the buddy that they are offered to each other (each per their "messages" choice;
    the pair is made only if both accept, on Noper). Returns how many emails went."""
    try:
        pair = buddies.PairItem.get(*buddies.PairItem.key(newcomer_id, pair_id))
    except DoesNotExist:
        return 0
    sent = 0
    for role, user_id, other_name in (("newcomer", pair.newcomer_id, pair.buddy_name),
                                      ("buddy", pair.buddy_id, pair.newcomer_name)):
        sent += int(emails.email_resident(
            user_id, BUDDY_TOPIC, f"BUDDY#{pair_id}#{role}", "buddy_offered",
            lambda role=role, other_name=other_name: {
                "role": role, "name": other_name or "—", "open_url": f"{site()}/me#buddy",
                "why_key": "notifications.email.why.buddy"}))
    logger.info("buddy offer emailed", pair_id=pair_id, sent=sent)
    return sent


def resident_moved(user_id: str, at: str) -> bool:
    """Tell a resident that redrawn boundaries moved them into another neighbourhood (the move recorded at `at`):
    its name and a link to it. Essential (where they read and write changed): no choice turns it off."""
    try:
        move = ResidentMoveItem.get(f"USER#{user_id}", f"MOVED#{at}")
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        return False  # the account was erased meanwhile
    offers.residence_changed(user_id)  # their offer to neighbours moves with them
    marker = f"MOVED#{user_id}#{at}"
    if emails.already_sent(marker):
        return False
    context = {
        "neighbourhood": move.new_neighbourhood_name,
        "verified": user.residence_status == "verified",
        "open_url": f"{site()}/neighbourhoods/{move.new_neighbourhood_id}",
    }
    message = emails.render("neighbourhood_moved", emails.language_of(user), context, user_id=user_id, topic=None,
                            to=user.email)
    sent = emails.send_once(marker, message)
    logger.info("move emailed", user_id=user_id, sent=sent)
    return sent


def loan_changed(loan_id: str, state: str) -> bool:
    """Tell the owner of a loan request, or the borrower the owner's answer."""
    role = LOAN_RECIPIENT.get(state)
    if role is None:
        return False
    try:
        loan = LoanItem.get(*LoanItem.key(loan_id))
    except DoesNotExist:
        return False
    recipient, other = (loan.owner_id, loan.borrower_id) if role == "owner" else (loan.borrower_id, loan.owner_id)
    return emails.email_resident(
        recipient, LOAN_TOPIC, f"LOAN#{loan_id}#{state}", "loan_moment",
        lambda: {"state": state, "item": loan.item_name, "name": emails.display_name(other),
                 "start": date.fromisoformat(loan.start), "end": date.fromisoformat(loan.end),
                 "item_url": f"{site()}/items/{loan.item_id}", "why_key": "notifications.email.why.loans"})


def event_place(event_id: str, occurrence_id: str, user_id: str, version: str, until: str | None = None) -> bool:
    """Tell the first on an event's waiting list that a place freed up and is held for them until `until` (ISO),
    to confirm or decline on the event's page. About what they asked for (answering "going" past capacity): no
    choice turns it off."""
    try:
        event = EventItem.get(*EventItem.key(event_id))
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        return False  # the event or the account is gone
    marker = f"EVENTPLACE#{event_id}#{occurrence_id}#{user_id}#{version}"
    if emails.already_sent(marker):
        return False
    start = datetime.strptime(occurrence_id, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    moved = (event.exceptions or {}).get(occurrence_id) or {}
    if moved.get("start"):
        start = datetime.fromisoformat(moved["start"].replace("Z", "+00:00"))
    held = datetime.fromisoformat(until) if until else start
    context = {"title": event.title, "start": start, "until": held,
               "open_url": f"{site()}/events/{event_id}?occurrence={occurrence_id}"}
    message = emails.render("event_place", emails.language_of(user), context, user_id=user_id, topic=None,
                            to=user.email)
    sent = emails.send_once(marker, message)
    logger.info("event place emailed", event_id=event_id, user_id=user_id, sent=sent)
    return sent


def event_reviewed(event_id: str, at: str) -> int:
    """Tell an event's organisers whether the commune lets it reach the whole commune, or took that back (the decision
    at `at`: approved, refused or withdrawn), with the reason given. About what they asked for: no choice turns it off. Markers `EVENTREVIEW#<event>#<at>#<user>`."""
    from chalicelib.events.approval import review_of

    review = review_of(event_id)
    try:
        event = EventItem.get(*EventItem.key(event_id))
    except DoesNotExist:
        return 0
    if review is None or review.decided_at is None or review.decided_at.isoformat() != at:
        return 0  # decided again since: that decision's job tells
    sent = 0
    for user_id in event.organisers:
        try:
            user = UserItem.get(*UserItem.key(user_id))
        except DoesNotExist:
            continue  # the account was erased
        marker = f"EVENTREVIEW#{event_id}#{at}#{user_id}"
        if emails.already_sent(marker):
            continue
        context = {"title": event.title, "outcome": review.status, "reason": review.reason or "",
                   "open_url": f"{site()}/events/{event_id}"}
        message = emails.render("event_reviewed", emails.language_of(user), context, user_id=user_id, topic=None,
                                to=user.email)
        sent += int(emails.send_once(marker, message))
    logger.info("event review emailed", event_id=event_id, decision=review.status, sent=sent)
    return sent


def event_cancelled(event_id: str, occurrence_id: str | None, sequence: str) -> int:
    """Tell everyone who answered going or maybe, or waits on the list, that an organiser cancelled the event (every
    occurrence still ahead: each resident once) or one occurrence; per their `events` choice ("Events I answered"
    in the profile, on by default). Markers `EVENTCANCELLED#<event>#<occurrence or ALL>#<sequence>#<user>`."""
    from chalicelib.adapters.clock import now
    from chalicelib.events import calendar
    from chalicelib.events.models import OccurrenceAnswersItem
    from chalicelib.events.recurrence import occurrence_id as id_of

    try:
        event = EventItem.get(*EventItem.key(event_id))
    except DoesNotExist:
        return 0
    # Where each occurrence is now; cancelling the whole event leaves out those cancelled (and told) before
    at = {id_of(h.original): h.start for h in calendar.happenings(calendar.expansion(event))
          if occurrence_id is not None or not h.cancelled}
    prefix = f"OCC#{occurrence_id}" if occurrence_id is not None else "OCC#"
    stored = OccurrenceAnswersItem.query(f"EVENT#{event_id}", OccurrenceAnswersItem.sk.startswith(prefix))
    told: dict[str, datetime] = {}  # resident -> the start of the (first) occurrence they answered
    for item in stored:
        found = at.get(item.sk.removeprefix("OCC#"))
        if found is None or found <= now():
            continue  # over, or no longer one of its occurrences: nothing to tell
        for user_id, answer in (item.answers or {}).items():
            if answer.get("state") in TOLD_OF_CANCELLING:
                told[user_id] = min(told.get(user_id, found), found)
    sent = 0
    for user_id, start in sorted(told.items()):
        sent += int(emails.email_resident(
            user_id, EVENTS_TOPIC, f"EVENTCANCELLED#{event_id}#{occurrence_id or 'ALL'}#{sequence}#{user_id}",
            "event_cancelled",
            lambda start=start: {"title": event.title, "start": start, "series": occurrence_id is None and bool(event.rrule),  # type: ignore[misc]
                                 "open_url": f"{site()}/events/{event_id}"}))
    logger.info("event cancelling emailed", event_id=event_id, occurrence_id=occurrence_id, told=len(told), sent=sent)
    return sent


def shift_changed(call_id: str, shift_id: str, change: str) -> int:
    """Tell the volunteers signed up for a shift that its organisers cancelled it (or its call) or moved it, per their
    `volunteering` choice. Markers `VSHIFT#<call>#<shift>#<change>#<user>` (a move names its new start)."""
    from chalicelib.volunteering.models import CallItem, ShiftItem, SignUpItem

    try:
        call = CallItem.get(*CallItem.key(call_id))
        shift = ShiftItem.get(*ShiftItem.key(call_id, shift_id), consistent_read=True)
    except DoesNotExist:
        return 0
    cancelled = change == "cancelled"
    sent = 0
    for signup in SignUpItem.query(f"VCALL#{call_id}", SignUpItem.sk.startswith(f"SIGNUP#{shift_id}#"),
                                   consistent_read=True):
        sent += int(emails.email_resident(
            signup.user_id, VOLUNTEERING_TOPIC, f"VSHIFT#{call_id}#{shift_id}#{change}#{signup.user_id}",
            "volunteer_shift_changed",
            lambda: {"title": call.title, "role": shift.role, "start": shift.starts_at, "cancelled": cancelled,
                     "open_url": f"{site()}/volunteering/{call_id}"}))
    logger.info("volunteer shift change emailed", call_id=call_id, shift_id=shift_id, change=change, sent=sent)
    return sent


def cover_wanted(call_id: str, shift_id: str, stamp: str) -> int:
    """Organisers asked Noper to find cover for a shift (chalicelib/volunteering/cover.py): email each neighbour the
    ask chose, once, per their `volunteering` choice, while the shift is still to come and they are not on it.
    Markers `VCOVER#<call>#<shift>#<asked>#<user>`."""
    from chalicelib.adapters.clock import now
    from chalicelib.volunteering.cover import CoverItem
    from chalicelib.volunteering.models import CallItem, ShiftItem

    try:
        item = CoverItem.get(*CoverItem.key(call_id, shift_id, stamp))
        call = CallItem.get(*CallItem.key(call_id))
        shift = ShiftItem.get(*ShiftItem.key(call_id, shift_id), consistent_read=True)
    except DoesNotExist:
        return 0
    if call.status != "open" or shift.status != "scheduled" or shift.starts_at <= now():
        return 0
    organiser = call.publisher_name or emails.display_name(call.author_id)
    sent = 0
    for person in sorted(set(item.people or ()) - set(shift.people or ())):
        sent += int(emails.email_resident(
            person, VOLUNTEERING_TOPIC, f"VCOVER#{call_id}#{shift_id}#{stamp}#{person}", "volunteer_cover",
            lambda: {"title": call.title, "role": shift.role, "start": shift.starts_at, "place": call.place or "",
                     "organiser": organiser, "open_url": f"{site()}/volunteering/{call_id}",
                     "why_key": "notifications.email.why.volunteering_cover"}))
    logger.info("cover emailed", call_id=call_id, shift_id=shift_id, sent=sent)
    return sent


def budget_reviewed(edition_id: str, proposal_id: str, version: str) -> bool:
    """Tell a proposer the commune's decision on their participatory budget proposal (feasible with its cost, not
    feasible, merged), with the reason shown to residents. Marker `BUDGETREVIEW#<proposal>#<version>`."""
    from chalicelib.budget.models import EditionItem, ProposalItem

    try:
        proposal = ProposalItem.get(*ProposalItem.key(edition_id, proposal_id), consistent_read=True)
        edition = EditionItem.get(*EditionItem.key(edition_id))
        user = UserItem.get(*UserItem.key(proposal.author_id or "-"))
    except DoesNotExist:
        return False  # the account was erased meanwhile
    if str(proposal.version) != version:
        return False  # decided again since: that decision's job tells
    marker = f"BUDGETREVIEW#{proposal_id}#{version}"
    if emails.already_sent(marker):
        return False
    context = {"title": proposal.title, "outcome": proposal.status, "reason": proposal.reason or "",
               "cost": f"{(proposal.final_cents or 0) / 100:,.2f}",
               "open_url": f"{site()}/communes/{edition.lau2}/budgets/{edition_id}/proposals/{proposal_id}"}
    message = emails.render("budget_reviewed", emails.language_of(user), context, user_id=user.user_id, topic=None,
                            to=user.email)
    return emails.send_once(marker, message)


def export_ready(user_id: str, export_id: str) -> bool:
    """Prepare the resident's data (chalicelib/accounts/your_data.py `prepare_export`), then tell them it is ready to
    download from their profile until it expires. Essential (they asked for it; GDPR): no choice turns it off.
    Marker `EXPORT#<export_id>`: a retried job prepares nothing twice and emails once."""
    from chalicelib.accounts.exports import ExportItem
    from chalicelib.accounts.your_data import prepare_export

    if not prepare_export(user_id, export_id):
        return False  # the account was erased, or a newer export replaced this one
    marker = f"EXPORT#{export_id}"
    if emails.already_sent(marker):
        return False
    try:
        user = UserItem.get(*UserItem.key(user_id))
        export = ExportItem.get(*ExportItem.key(user_id))
    except DoesNotExist:
        return False
    context = {"expires": datetime.fromisoformat(export.expires_at or ""), "open_url": f"{site()}/me#your-data"}
    message = emails.render("export_ready", emails.language_of(user), context, user_id=user_id, topic=None,
                            to=user.email)
    sent = emails.send_once(marker, message)
    logger.info("data export emailed", user_id=user_id, sent=sent)
    return sent


def _neighbourhood_name(lau2: str, neighbourhood_id: str) -> str:
    try:
        return NeighbourhoodItem.get(*NeighbourhoodItem.key(lau2, neighbourhood_id), attributes_to_get=["name"]).name
    except (DoesNotExist, TypeError):
        return ""
