"""Asking for an urgent email: what a concern calls when something happened that someone waits to hear of.

An emergency published, a lost pet posted, an address verified or refused, a loan requested or answered, a
resident moved into another neighbourhood by redrawn boundaries, a resident's data to prepare for download:
the concern enqueues one small job naming the item on `noper-alerts` and returns; the request never waits
on the emails. chalicelib/notifications/alert_queue.py reads the jobs and sends (app.py `urgent_alerts`).
Notifications build on every concern that asks, so the concerns ask here, one layer down, and the queue
finds the reader by name (`RUNNER`) when it runs jobs in-process on the local and test stages.
"""

from __future__ import annotations

from chalicelib.adapters import queue
from chalicelib.observability import MetricUnit, logger, metrics

# Chalice needs the queue's name when it packages the app; infra/template.py creates it by this name.
QUEUE = "noper-alerts"
# Counted when an enqueue is refused; infra/template.py alarms on it (the request middleware flushes it).
NOT_ENQUEUED_METRIC = "AlertsNotEnqueued"
# Who reads the jobs (in-process on the local and test stages; app.py's SQS handler in AWS).
RUNNER = "chalicelib.notifications.alert_queue:run_job"


def emergency(announcement_id: str) -> None:
    """An emergency announcement went live: enqueue its emails."""
    _enqueue({"kind": "emergency", "announcement_id": announcement_id})


def lost_pet(post_id: str) -> None:
    """A lost pet was posted: enqueue its alerts."""
    _enqueue({"kind": "lost_pet", "post_id": post_id})


def residence_decided(user_id: str, at: str) -> None:
    """A decision on a resident's address was recorded at `at`: enqueue their email (notifications/moments.py)."""
    _enqueue({"kind": "residence", "user_id": user_id, "at": at})


def resident_moved(user_id: str, at: str) -> None:
    """A redraw of the boundaries moved a resident into another neighbourhood at `at`: enqueue their email."""
    _enqueue({"kind": "moved", "user_id": user_id, "at": at})


def loan_changed(loan_id: str, state: str) -> None:
    """A loan was requested, accepted or declined: enqueue the email to whoever waits for it."""
    _enqueue({"kind": "loan", "loan_id": loan_id, "state": state})


def event_place(event_id: str, occurrence_id: str, user_id: str, version: int, until: str) -> None:
    """A freed place of an event's occurrence is held for the first on its waiting list until `until` (ISO; the
    answers' `version`): tell them, so that they confirm it."""
    _enqueue({"kind": "event_place", "event_id": event_id, "occurrence_id": occurrence_id, "user_id": user_id,
              "version": str(version), "until": until})


def buddy_offered(newcomer_id: str, pair_id: str) -> None:
    """A welcome buddy was offered to a newcomer (chalicelib/volunteering/buddies.py): tell both."""
    _enqueue({"kind": "buddy", "user_id": newcomer_id, "pair_id": pair_id})


def event_reviewed(event_id: str, at: str) -> None:
    """The commune decided (at `at`) whether a resident's event reaches the whole commune: tell its organisers."""
    _enqueue({"kind": "event_review", "event_id": event_id, "at": at})


def event_cancelled(event_id: str, occurrence_id: str | None, sequence: int) -> None:
    """An organiser cancelled an event (`occurrence_id` None) or one of its occurrences, as change `sequence`:
    tell everyone who answered going, maybe or waits on the list."""
    _enqueue({"kind": "event_cancelled", "event_id": event_id, "occurrence_id": occurrence_id or "",
              "sequence": str(sequence)})


def volunteer_shift_changed(call_id: str, shift_id: str, change: str) -> None:
    """Organisers cancelled a shift (or its whole call: `change` "cancelled") or moved it (`moved-<new start UTC>`):
    tell the volunteers signed up for it."""
    _enqueue({"kind": "shift_changed", "call_id": call_id, "shift_id": shift_id, "change": change})


def cover_wanted(call_id: str, shift_id: str, stamp: str) -> None:
    """Organisers asked Noper to find cover for a shift (chalicelib/volunteering/cover.py, the ask made at `stamp`):
    email the neighbours it chose."""
    _enqueue({"kind": "cover", "call_id": call_id, "shift_id": shift_id, "stamp": stamp})


def budget_reviewed(edition_id: str, proposal_id: str, version: int) -> None:
    """The commune decided on a participatory budget proposal (feasible, not feasible, merged) as its `version`:
    tell its proposer (chalicelib/budget/review.py)."""
    _enqueue({"kind": "budget_review", "edition_id": edition_id, "proposal_id": proposal_id, "version": str(version)})


def budget_results(edition_id: str) -> None:
    """A participatory budget's vote closed: compute its results outside the request (chalicelib/budget/results.py)."""
    _enqueue({"kind": "budget_results", "edition_id": edition_id})


def export_requested(user_id: str, export_id: str) -> None:
    """A resident asked for their data: enqueue its preparation and the email that it is ready
    (chalicelib/accounts/exports.py)."""
    _enqueue({"kind": "export", "user_id": user_id, "export_id": export_id})


def _enqueue(job: dict[str, str]) -> None:
    """Never fails the request that published: the item is written; a refused enqueue is logged as an
    error and counted (`AlertsNotEnqueued` alarms; an operator re-sends with the job in the log, see
    docs/operations.md)."""
    try:
        queue.enqueue(QUEUE, [job], RUNNER)
    except Exception:  # noqa: BLE001
        logger.exception("urgent alerts not enqueued", **job)
        metrics.add_metric(name=NOT_ENQUEUED_METRIC, unit=MetricUnit.Count, value=1)
