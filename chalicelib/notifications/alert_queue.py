"""The urgent alerts' queue (`noper-alerts`): emergencies and lost pets leave the API request at once.

The request enqueues one small job naming the item — `{"kind": "emergency", "announcement_id": ...}`
when an emergency is published (at once or on approval), `{"kind": "lost_pet", "post_id": ...}` when a
lost pet is posted — never content or addresses. app.py `urgent_alerts` (`@app.on_sqs_message`) runs
each message with `run_job`:

- a job without `neighbourhood_id` is split: one job per neighbourhood it reaches (the announcement's
  targets, every published one for the whole commune; the lost pet's own and those within reach),
  enqueued again, so no invocation grows with the commune;
- a job with `neighbourhood_id` sends to that neighbourhood's verified residents who want the alert,
  once per (item, resident) (`emails.send_once` markers) and under the daily cap
  (chalicelib/notifications/alerts.py). A failed send for one resident raises `AlertsIncomplete`
  after the others were sent; SQS delivers the message again (five times, then the dead-letter queue)
  and the markers keep the others from a second email.

The same queue carries the emails of moments a resident waits on (chalicelib/notifications/moments.py):
`{"kind": "residence", "user_id", "at"}` when their address is verified or refused, `{"kind": "moved",
"user_id", "at"}` when redrawn boundaries moved them into another neighbourhood, `{"kind": "loan",
"loan_id", "state"}` when a loan is requested, accepted or declined, `{"kind": "event_place", "event_id",
"occurrence_id", "user_id", "version", "until"}` when a freed place of an event is held for the first on its waiting list, `{"kind": "event_review", "event_id",
"at"}` when the commune decided whether a resident's event reaches the whole commune, `{"kind": "event_cancelled",
"event_id", "occurrence_id" ("" for the whole event), "sequence"}` when an organiser cancelled an event or one
occurrence (one job, emailing everyone who answered it, not split), `{"kind": "shift_changed", "call_id", "shift_id",
"change"}` when organisers cancelled or moved a shift of a call for volunteers (one job, emailing its volunteers), `{"kind": "cover", "call_id", "shift_id", "stamp"}` when
organisers asked Noper to find cover for a shift (one job, emailing the neighbours chosen), `{"kind": "export", "user_id", "export_id"}` when
a resident asked for their data (prepared into S3, then one email: chalicelib/accounts/exports.py);
each is one email, not split. `{"kind": "budget_review", "edition_id", "proposal_id", "version"}` tells a proposer the
commune's decision on their participatory budget proposal; `{"kind": "budget_results", "edition_id"}` is no email:
it computes a participatory budget's results once its vote closed (chalicelib/budget/results.py).

The concerns enqueue through chalicelib/alerts.py. The queue itself is chalicelib/adapters/queue.py: SQS in AWS, in-process on the local and test stages
(so `make run` writes the emails to .local/outbox at once).
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters import queue
from chalicelib.observability import logger

# The jobs' producers, the queue's name and the metric of a refused enqueue are in chalicelib/alerts.py.
from chalicelib.alerts import NOT_ENQUEUED_METRIC, QUEUE, emergency, lost_pet, _enqueue  # noqa: E402,F401


def handle_message(body: str) -> int:
    """What app.py's SQS handler calls for each message."""
    return run_job(queue.job_of(body))


def run_job(job: dict[str, Any]) -> int:
    """Split a job into one per neighbourhood, or send one neighbourhood's alerts; returns emails sent."""
    from chalicelib.announcements.emergency import emergency_neighbourhoods, send_emergency
    from chalicelib.notifications.alerts import lost_pet_job, lost_pet_neighbourhoods

    kind = job["kind"]
    if kind in ("residence", "loan", "moved", "event_place", "event_review", "event_cancelled", "export",
                "shift_changed", "buddy", "cover",
                "budget_review"):  # not split
        from chalicelib.notifications import moments

        return moments.run_job(job)
    if kind == "budget_results":  # a participatory budget's results: computed here, outside the API request
        from chalicelib.budget import results

        return results.run_job(job)
    if kind == "emergency":
        subject = {"announcement_id": job["announcement_id"]}
    elif kind == "lost_pet":
        subject = {"post_id": job["post_id"]}
    else:
        raise ValueError(f"unknown alert job kind {kind!r}")
    neighbourhood_id = job.get("neighbourhood_id")
    if neighbourhood_id is None:
        neighbourhoods = (emergency_neighbourhoods(job["announcement_id"]) if kind == "emergency"
                          else lost_pet_neighbourhoods(job["post_id"]))
        queue.enqueue(QUEUE, [{"kind": kind, **subject, "neighbourhood_id": n} for n in neighbourhoods], run_job)
        logger.info("urgent alerts split", kind=kind, neighbourhoods=len(neighbourhoods), **subject)
        return 0
    if kind == "emergency":
        return send_emergency(job["announcement_id"], neighbourhood_id)
    return lost_pet_job({"post_id": job["post_id"], "neighbourhood_id": neighbourhood_id})
