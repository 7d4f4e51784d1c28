"""The volunteers' reminder the day before their shift, run by the hourly job that sends events' reminders
(app.py `event_reminders_schedule`).

Each run: one Query of the shifts whose reminder has not gone, starting within the coming 24 hours
(`gsi1pk=VSHIFTS`, gsi1sk up to now + 24 h: a moved shift's index key follows its new start, so the reminder
reads the shift's current start); for each, its sign-ups (one Query), one email each per their `volunteering` choice
(markers `VSHIFTREMINDER#<call>#<shift>#<start>#<user>`: a retried run never sends twice, a shift moved after its
reminder gets one for its new start), then the shift leaves the index. A shift already started leaves it unsent;
a cancelled one left it when cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.notifications import emails
from chalicelib.observability import logger
from chalicelib.store.table import condition_failed
from chalicelib.volunteering.models import CallItem, ShiftItem, SignUpItem
from chalicelib.web.site import site

BEFORE = timedelta(hours=24)
TOPIC = "volunteering"


def remind_volunteers(moment: datetime | None = None) -> int:
    """Returns how many emails this run sent."""
    moment = moment or now()
    due = list(ShiftItem.by_start.query(ShiftItem.REMINDERS, ShiftItem.gsi1sk <= f"{(moment + BEFORE).strftime('%Y%m%dT%H%M%SZ')}~"))
    sent = 0
    for shift in due:
        try:
            sent += _one(shift, moment)
        except Exception:  # noqa: BLE001 — one shift's failure leaves it for the next run
            logger.exception("volunteer reminder failed", call_id=shift.call_id, shift_id=shift.shift_id)
    logger.info("volunteer reminders", due=len(due), sent=sent)
    return sent


def _one(shift: ShiftItem, moment: datetime) -> int:
    if shift.starts_at <= moment or shift.status != "scheduled":
        _close(shift, reminded=False)
        return 0
    try:
        call = CallItem.get(*CallItem.key(shift.call_id))
    except DoesNotExist:
        _close(shift, reminded=False)
        return 0
    stamp = shift.starts_at.strftime("%Y%m%dT%H%M%SZ")
    sent = 0
    for signup in SignUpItem.query(f"VCALL#{shift.call_id}", SignUpItem.sk.startswith(f"SIGNUP#{shift.shift_id}#"),
                                   consistent_read=True):
        sent += int(emails.email_resident(
            signup.user_id, TOPIC, f"VSHIFTREMINDER#{shift.call_id}#{shift.shift_id}#{stamp}#{signup.user_id}",
            "volunteer_reminder",
            lambda: {"title": call.title, "role": shift.role, "start": shift.starts_at, "place": call.place or "",
                     "open_url": f"{site()}/volunteering/{shift.call_id}"}))
    _close(shift, reminded=True)
    return sent


def _close(shift: ShiftItem, reminded: bool) -> None:
    """Off the index, on the condition that the shift was not moved meanwhile (a move puts it back at its new start)."""
    actions = [ShiftItem.gsi1pk.remove(), ShiftItem.gsi1sk.remove()]
    if reminded:
        actions.append(ShiftItem.reminded.set(True))
    try:
        shift.update(actions=actions, condition=ShiftItem.starts_at == shift.starts_at)
    except UpdateError as error:
        if not condition_failed(error):
            raise
