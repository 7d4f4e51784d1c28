"""The hourly job that sends organisers' reminders to those going, the day before (chalicelib/events/reminders.py).

Each run: one Query of the reminders waiting with a due time within the coming week (`gsi1pk=EVENTREMINDERS`),
one BatchGetItem of their events, then for each reminder the occurrence as it is now (exceptions applied):
- cancelled (the occurrence or the event), over, or gone: dropped, nobody told;
- moved so that its eve is still ahead: rescheduled (its due time and index key follow the new start), so a
  moved occurrence is never announced at its old time;
- its eve reached (24 hours before the current start, or later when asked late): the residents going (its
  answers' item, read consistently) get one email each at the current time and place (markers
  `EVENTREMINDER#<event>#<occurrence>#<user>`: a retried run never sends twice), then it is marked sent.
Hidden by a moderator: left waiting (only its organisers see it), dropped once over.
About what they answered (going): no notification choice turns it off.

Each run also passes on the freed places held for the first on a waiting list whose 24 hours ran out
(chalicelib/events/answers.py `pass_on_offers`: one Query of the index, one conditional write each), so a hold
ends even when nobody opens the event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.events import calendar
from chalicelib.events.answers import pass_on_offers
from chalicelib.events.models import EventItem, OccurrenceAnswersItem
from chalicelib.events.reminders import BEFORE, WAITING, EventReminderItem
from chalicelib.notifications import emails
from chalicelib.observability import logger
from chalicelib.store.table import condition_failed
from chalicelib.web.site import site

HORIZON = timedelta(days=7)  # reminders due this far ahead are read again: an occurrence moved earlier is caught
BATCH = 100


def hourly(moment: datetime | None = None) -> None:
    """The whole hourly run (app.py `event_reminders`, `./noper reminders`): the events' reminders, then the
    volunteers' reminders and the organisers' asks to confirm who came (volunteer_reminders.py), each whatever
    happened to the one before."""
    from chalicelib.notifications import volunteer_reminders

    moment = moment or now()
    try:
        remind_events(moment)
    finally:
        try:
            volunteer_reminders.remind_volunteers(moment)
        finally:
            volunteer_reminders.ask_organisers(moment)


def remind_events(moment: datetime | None = None) -> int:
    """The hourly job; returns how many emails this run sent."""
    moment = moment or now()
    try:
        pass_on_offers(moment)
    except Exception:  # noqa: BLE001 — the holds wait for the next run; the reminders go anyway
        logger.exception("event holds not passed on")
    waiting = list(EventReminderItem.by_due.query(
        WAITING, EventReminderItem.gsi1sk <= f"{calendar.stamp(moment + HORIZON)}~"))
    events: dict[str, EventItem] = {}
    ids = sorted({r.event_id for r in waiting})
    for start in range(0, len(ids), BATCH):
        events.update({e.event_id: e for e in EventItem.batch_get([EventItem.key(i) for i in ids[start:start + BATCH]])})
    sent = 0
    for reminder in waiting:
        try:
            sent += _one(reminder, events.get(reminder.event_id), moment)
        except Exception:  # noqa: BLE001 — one reminder's failure leaves it waiting for the next run
            logger.exception("event reminder failed", event_id=reminder.event_id, occurrence_id=reminder.occurrence_id)
    logger.info("event reminders", waiting=len(waiting), sent=sent)
    return sent


def _one(reminder: EventReminderItem, event: EventItem | None, moment: datetime) -> int:
    found = calendar.happening(calendar.expansion(event), reminder.occurrence_id) if event is not None else None
    if event is None or found is None or found.cancelled or event.status == "cancelled" or found.start <= moment:
        _close(reminder, "dropped")
        return 0
    if event.hidden:
        return 0
    due = found.start - BEFORE
    if due > moment:
        if due != reminder.due:  # moved: its eve follows the new start
            reminder.update(actions=[EventReminderItem.due.set(due), EventReminderItem.gsi1sk.set(
                EventReminderItem.due_key(due, reminder.event_id, reminder.occurrence_id))],
                condition=EventReminderItem.status == "waiting")
        return 0
    try:
        answers = OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(event.event_id, reminder.occurrence_id),
                                            consistent_read=True).answers or {}
    except DoesNotExist:
        answers = {}
    sent = 0
    for user_id, answer in answers.items():
        if answer.get("state") == "going":
            sent += int(_email(event, reminder, found.start, user_id))
    _close(reminder, "sent", moment)
    logger.info("event reminder sent", event_id=event.event_id, occurrence_id=reminder.occurrence_id, sent=sent)
    return sent


def _email(event: EventItem, reminder: EventReminderItem, start: datetime, user_id: str) -> bool:
    marker = f"EVENTREMINDER#{event.event_id}#{reminder.occurrence_id}#{user_id}"
    if emails.already_sent(marker):
        return False
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        return False  # the account was erased
    context = {"title": event.title, "start": start, "place": event.place or "", "note": reminder.note or "",
               "open_url": f"{site()}/events/{event.event_id}"}
    message = emails.render("event_reminder", emails.language_of(user), context, user_id=user_id, topic=None,
                            to=user.email)
    return emails.send_once(marker, message)


def _close(reminder: EventReminderItem, status: str, at: datetime | None = None) -> None:
    actions = [EventReminderItem.status.set(status), EventReminderItem.gsi1pk.remove(),
               EventReminderItem.gsi1sk.remove()]
    if at is not None:
        actions.append(EventReminderItem.sent_at.set(at))
    try:
        reminder.update(actions=actions, condition=EventReminderItem.status == "waiting")
    except UpdateError as error:
        if not condition_failed(error):
            raise
