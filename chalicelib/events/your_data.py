"""Events' part of "your data": export what a resident organises and answered; on erasure remove or anonymise it.

Erasure: their answers are taken off either way (a name and a presence are theirs; the place goes to the first in
line); the events they created are removed ("remove": with their calendar entries, answers, comments and
reports) or kept without them ("anonymise": no author, off the organisers, as an anonymised post); they leave the
organisers of the events they co-organise either way.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.comments.service import remove_all
from chalicelib.content import kinds
from chalicelib.events import calendar
from chalicelib.events.answers import withdraw
from chalicelib.events.models import EventItem, EventLink, OccurrenceAnswersItem
from chalicelib.events.service import public_event, thread_head_of
from chalicelib.moderation.service import forget_reports
from chalicelib.observability import logger
from chalicelib.policy import Principal


def _links(user_id: str) -> list[EventLink]:
    return list(EventLink.query(f"USER#{user_id}", EventLink.sk.startswith(EventLink.PREFIX)))


def export_events(user_id: str) -> dict[str, Any]:
    me, links = Principal(user_id=user_id), _links(user_id)
    organised = EventItem.batch_get([EventItem.key(link.event_id) for link in links if link.occurrence_id is None])
    answers = []
    for link in links:
        if link.occurrence_id is None:
            continue
        try:
            item = OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(link.event_id, link.occurrence_id))
        except DoesNotExist:
            continue
        entry = (item.answers or {}).get(user_id)
        if entry:
            answers.append({"event_id": link.event_id, "occurrence_id": link.occurrence_id, "answer": entry["answer"],
                            "extra": entry["extra"], "state": entry["state"], "at": entry.get("at")})
    return {"organised": [public_event(event, me).model_dump(mode="json") for event in organised], "answers": answers}


def erase_events(user_id: str, choice: ContentChoice) -> None:
    for link in _links(user_id):
        if link.occurrence_id is not None:
            withdraw(user_id, link.event_id, link.occurrence_id)
        else:
            _leave(user_id, link.event_id, choice)
        link.delete()


def _leave(user_id: str, event_id: str, choice: ContentChoice) -> None:
    try:
        event = EventItem.get(*EventItem.key(event_id), consistent_read=True)
    except DoesNotExist:
        return
    if choice == "remove" and event.author_id == user_id:
        for entry in event.calendar_keys or []:
            pk, sk = entry.split("|", 1)
            calendar.CalendarEntryItem(pk, sk).delete()
        for answers in OccurrenceAnswersItem.query(f"EVENT#{event_id}", OccurrenceAnswersItem.sk.startswith("OCC#")):
            answers.delete()
        for organiser in event.organisers:
            EventLink(*EventLink.organised(organiser, event_id)).delete()
        event.delete()
        comment_ids = remove_all("event", event_id)
        forget_reports([("event", event_id), *(("comment", comment_id) for comment_id in comment_ids)])
        logger.info("event removed with its organiser's account", event_id=event_id)
        return
    actions = [EventItem.organisers.set([o for o in event.organisers if o != user_id])]
    if event.author_id == user_id:
        actions.append(EventItem.author_id.remove())
    event.update(actions=actions)
    event.refresh(consistent_read=True)
    calendar.write_entries(event, list(event.calendar_keys or []))
    thread_head_of(event).save()  # its organisers, while hidden
    kinds.changed("event", event_id)  # its open reports show it authorless


register_content_owner(ContentOwner(name="events", export=export_events, erase=erase_events))
