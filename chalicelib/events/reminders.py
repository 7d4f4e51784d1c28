"""An organiser's reminder to those going (issue #11, point 5): asked once per occurrence (a conditional write),
sent the day before by the hourly job (chalicelib/notifications/event_reminders.py), which reads the event again
first: a moved occurrence is announced at its new time and its reminder waits for its new eve; a cancelled one is
not announced at all.

A waiting reminder is on the generic index under one partition (`gsi1pk=EVENTREMINDERS`, `gsi1sk=<due UTC>#<event
id>#<occurrence id>`, due 24 hours before the occurrence's start as it was when asked or last rescheduled), so the
job reads the coming week's reminders in one Query; sent or dropped, its index keys are removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError

from chalicelib.adapters.clock import now
from chalicelib.errors import Conflict
from chalicelib.events import calendar, service
from chalicelib.events.models import ReminderPublic
from chalicelib.events.recurrence import to_local
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import Entity, Gsi1, condition_failed

BEFORE = timedelta(hours=24)  # sent from this long before the occurrence's start
WAITING = "EVENTREMINDERS"


class ReminderRequest(Model):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(
        "", description="a few words from the organisers, in the email (where to park, what to bring)")


class EventReminderItem(Entity):
    """pk `EVENT#<event id>`, sk `REMINDER#<occurrence id>`; while waiting gsi1pk `EVENTREMINDERS`,
    gsi1sk `<due UTC>#<event id>#<occurrence id>`."""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_due = Gsi1()
    event_id = UnicodeAttribute()
    occurrence_id = UnicodeAttribute()
    status = UnicodeAttribute(default="waiting")
    note = UnicodeAttribute(null=True)
    asked_by = UnicodeAttribute()
    asked_at = UTCDateTimeAttribute()
    due = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(event_id: str, occurrence_id: str) -> tuple[str, str]:
        return f"EVENT#{event_id}", f"REMINDER#{occurrence_id}"

    @staticmethod
    def due_key(due: datetime, event_id: str, occurrence_id: str) -> str:
        return f"{calendar.stamp(due)}#{event_id}#{occurrence_id}"


def ask_reminder(principal: Principal, event_id: str, occurrence_id: str, request: ReminderRequest) -> ReminderPublic:
    """One reminder per occurrence, asked by one of its organisers before it starts (409 the second time)."""
    event = service._organised(principal, event_id)
    found = service._future_occurrence(event, occurrence_id)
    if found.cancelled:
        raise Conflict("This occurrence is cancelled.", {"occurrence_id": "cancelled"})
    if found.start <= now():
        raise Conflict("This occurrence has started.", {"occurrence_id": "started"})
    due = found.start - BEFORE
    item = EventReminderItem(*EventReminderItem.key(event_id, occurrence_id), event_id=event_id,
                             occurrence_id=occurrence_id, status="waiting", note=request.note or None,
                             asked_by=principal.user_id or "", asked_at=now(), due=due, gsi1pk=WAITING,
                             gsi1sk=EventReminderItem.due_key(due, event_id, occurrence_id))
    try:
        item.save(condition=EventReminderItem.pk.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            raise Conflict("A reminder of this occurrence was asked already.",
                           {"occurrence_id": "reminder asked already"}) from None
        raise
    logger.info("event reminder asked", event_id=event_id, occurrence_id=occurrence_id)
    return public(item, event.zone)


def public(item: EventReminderItem, zone: str) -> ReminderPublic:
    return ReminderPublic(event_id=item.event_id, occurrence_id=item.occurrence_id, status=item.status,  # type: ignore[arg-type]
                          due=to_local(item.due, zone), sent_at=to_local(item.sent_at, zone) if item.sent_at else None)
