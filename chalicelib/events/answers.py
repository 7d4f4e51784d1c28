"""Answers to an event: going, maybe or not going, with extra people (family), per occurrence of a series.

An occurrence's answers are one item (`OccurrenceAnswersItem`): the counts, each resident's answer and the
waiting list. An answer reads it, decides in code and writes it back on condition that its `version` is still
the one read (one conditional PutItem); a concurrent answer makes it read again and decide anew; the week's
counters are ADDed right after. So a capacity is never passed, whatever the number of simultaneous answers:
past it an answer goes on the waiting list, in the order the writes landed; a place freed (an answer changed to
maybe or not going, fewer extra people) goes in the same write to the first in line while they fit, who is told
by email (chalicelib/alerts.py `event_place`). Nobody passes the line: a newcomer takes a place only when nobody
waits. A larger capacity set by an organiser gives its places the same way (`offer_places`).

Residents see counts and the names of the neighbours who chose to be shown (`show_name`, off by default, as
the answer is sent each time); the organisers see who answered, with the names residents see. Answering an occurrence
that has started, or a cancelled event or occurrence, is refused (409).
"""

from __future__ import annotations

import random
import time
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib import alerts
from chalicelib.accounts.service import author_name
from chalicelib.adapters.clock import now
from chalicelib.content.counters import count_in_week
from chalicelib.errors import Conflict, NotFound
from chalicelib.events import calendar
from chalicelib.events.models import (
    AnswerRequest, Answerer, Answers, EventItem, EventLink, MyAnswer, OccurrenceAnswersItem, ShownNeighbour,
)
from chalicelib.events.recurrence import to_local
from chalicelib.events.service import no_such_event, visible_event
from chalicelib.observability import logger
from chalicelib.policy import Principal, authorize_in
from chalicelib.store.table import condition_failed, read_items, transaction

ATTEMPTS = 60  # simultaneous answers to one occurrence each read again after a lost race
MAX_ANSWERS = 1500  # one item holds them (DynamoDB's 400 KB): about 130 bytes each
ORDER = {"going": 0, "waiting": 1, "maybe": 2, "not_going": 3}


def answer(principal: Principal, event_id: str, occurrence_id: str, request: AnswerRequest) -> Answers:
    event = visible_event(principal, event_id, consistent=True)
    found = calendar.happening(calendar.expansion(event), occurrence_id)
    if found is None:
        raise NotFound("The event has no such occurrence.", {"occurrence_id": "not one of its occurrences"})
    if event.status == "cancelled" or found.cancelled:
        raise Conflict("This event is cancelled.", {"occurrence_id": "cancelled"})
    if found.start <= now():
        raise Conflict("This occurrence has started or is over.", {"occurrence_id": "past"})
    name = author_name(principal.user_id)  # type: ignore[arg-type]
    capacity = int(event.capacity) if event.capacity is not None else None
    for attempt in range(ATTEMPTS):
        item = _read(event_id, occurrence_id)
        seen = int(item.version or 0)
        before = dict(item.answers or {}).get(principal.user_id)  # type: ignore[arg-type]
        going_before = int(item.going or 0)
        promoted = _decide(item, principal.user_id, request, name, capacity)  # type: ignore[arg-type]
        try:
            item.save(condition=OccurrenceAnswersItem.version == seen if seen
                      else OccurrenceAnswersItem.pk.does_not_exist())
        except PutError as error:
            if condition_failed(error):  # another answer landed first: read again, decide anew
                time.sleep(random.uniform(0, 0.004 * min(attempt + 1, 10)))
                continue
            raise
        break
    else:
        raise Conflict("Many neighbours answer at this moment: try again.", {"answer": "busy"},
                       headers={"Retry-After": "1"})
    if before is None:  # for "your data": what they answered (export, erasure)
        EventLink(*EventLink.answered(principal.user_id, event_id, occurrence_id), event_id=event_id,  # type: ignore[arg-type]
                  occurrence_id=occurrence_id).save()
    # The week's counters right after (not in one transaction: every answer of a busy occurrence would then
    # conflict on the week's item as well as on its own; a failure here loses a count, never a place).
    deltas = {"event_going": int(item.going) - going_before, "event_answers": 1 if before is None else 0}
    deltas = {counter: delta for counter, delta in deltas.items() if delta}
    if deltas:
        with transaction() as t:
            count_in_week(t, event.neighbourhood_id, to_local(found.start, event.zone), **deltas)
    for user_id in promoted:
        alerts.event_place(event_id, occurrence_id, user_id, int(item.version))
    logger.info("event answered", event_id=event_id, answer=request.answer,
                state=item.answers[principal.user_id]["state"], promoted=len(promoted))  # type: ignore[index]
    return _public(event, occurrence_id, item, principal)


def answers(principal: Principal, event_id: str, occurrence_id: str) -> Answers:
    """One BatchGetItem: the event (who may read it, who organises it) and the occurrence's answers."""
    event_key, answers_key = EventItem.key(event_id), OccurrenceAnswersItem.key(event_id, occurrence_id)
    found = read_items([event_key, answers_key])
    if event_key not in found:
        raise no_such_event()
    event = EventItem.from_raw_data(found[event_key])
    authorize_in("events.neighbourhood", principal, [event.neighbourhood_id, *event.reaches, *(event.targets or [])],
                 no_such_event())
    if event.hidden and principal.user_id not in event.organisers:
        raise no_such_event()
    if calendar.happening(calendar.expansion(event), occurrence_id) is None:
        raise NotFound("The event has no such occurrence.", {"occurrence_id": "not one of its occurrences"})
    item = (OccurrenceAnswersItem.from_raw_data(found[answers_key]) if answers_key in found
            else OccurrenceAnswersItem(*answers_key))
    return _public(event, occurrence_id, item, principal)


def offer_places(event_id: str) -> None:
    """After an organiser changed the capacity: each coming occurrence with a waiting list gives the places now
    left to the first in line (one conditional write each, read again on a lost race), who are told by email."""
    event = EventItem.get(*EventItem.key(event_id), consistent_read=True)
    capacity = int(event.capacity) if event.capacity is not None else None
    for stored in OccurrenceAnswersItem.query(f"EVENT#{event_id}", OccurrenceAnswersItem.sk.startswith("OCC#"),
                                              consistent_read=True):
        occurrence_id = stored.sk.removeprefix("OCC#")
        found = calendar.happening(calendar.expansion(event), occurrence_id)
        if not stored.queue or found is None or found.start <= now() or found.cancelled:
            continue
        for attempt in range(ATTEMPTS):
            item = _read(event_id, occurrence_id)
            seen, going_before = int(item.version or 0), int(item.going or 0)
            promoted = _promote(item, capacity)
            if not promoted:
                break
            try:
                item.save(condition=OccurrenceAnswersItem.version == seen)
            except PutError as error:
                if condition_failed(error):
                    time.sleep(random.uniform(0, 0.004 * min(attempt + 1, 10)))
                    continue
                raise
            with transaction() as t:
                count_in_week(t, event.neighbourhood_id, to_local(found.start, event.zone),
                              event_going=int(item.going) - going_before)
            for user_id in promoted:
                alerts.event_place(event_id, occurrence_id, user_id, int(item.version))
            break


def withdraw(user_id: str, event_id: str, occurrence_id: str) -> None:
    """Take a resident's answer off an occurrence (their account is erased): their place goes to the first in line."""
    try:
        event = EventItem.get(*EventItem.key(event_id), consistent_read=True)
    except DoesNotExist:
        return
    capacity = int(event.capacity) if event.capacity is not None else None
    for attempt in range(ATTEMPTS):
        item = _read(event_id, occurrence_id)
        if user_id not in (item.answers or {}):
            return
        seen = int(item.version or 0)
        item.answers = {user: entry for user, entry in (item.answers or {}).items() if user != user_id}
        item.queue = [user for user in (item.queue or []) if user != user_id]
        promoted = _promote(item, capacity)
        try:
            item.save(condition=OccurrenceAnswersItem.version == seen)
        except PutError as error:
            if condition_failed(error):
                time.sleep(random.uniform(0, 0.004 * min(attempt + 1, 10)))
                continue
            raise
        found = calendar.happening(calendar.expansion(event), occurrence_id)
        for promoted_user in promoted if found is not None and found.start > now() else []:
            alerts.event_place(event_id, occurrence_id, promoted_user, int(item.version))
        return


# --- inside ---------------------------------------------------------------------------------

def _read(event_id: str, occurrence_id: str) -> OccurrenceAnswersItem:
    try:
        return OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(event_id, occurrence_id), consistent_read=True)
    except DoesNotExist:
        return OccurrenceAnswersItem(*OccurrenceAnswersItem.key(event_id, occurrence_id), version=0, going=0,
                                     maybe=0, not_going=0, waiting=0, answers={}, queue=[])


def _people(entry: dict[str, Any]) -> int:
    return 1 + int(entry.get("extra") or 0)


def _decide(item: OccurrenceAnswersItem, user_id: str, request: AnswerRequest, name: str | None,
            capacity: int | None) -> list[str]:
    """Apply one resident's answer to the item (in memory); the users given a freed place, first in line first."""
    everyone: dict[str, dict[str, Any]] = dict(item.answers or {})
    queue = [waiting for waiting in (item.queue or []) if waiting != user_id]
    old = everyone.get(user_id)
    if old is None and len(everyone) >= MAX_ANSWERS:
        raise Conflict("This occurrence has all the answers it can hold.", {"answer": "too many answers"})
    people = 1 + request.extra
    going = int(item.going or 0) - (_people(old) if old and old["state"] == "going" else 0)
    state = request.answer
    if request.answer == "going":
        if capacity is None:
            fits = True
        elif old and old["state"] == "going":  # going already: fewer people always fit, more only past nobody
            fits = going + people <= capacity and (people <= _people(old) or not queue)
            if not fits:
                places = max(0, capacity - going - 1)
                raise Conflict(f"Only {places} more places are left.", {"extra": "more than the places left"})
        else:
            fits = not queue and going + people <= capacity
        state = "going" if fits else "waiting"
    keep_turn = old is not None and old["state"] == "waiting" and state == "waiting"
    everyone[user_id] = {"answer": request.answer, "extra": request.extra, "state": state, "name": name,
                         "show": request.show_name, "at": (old or {}).get("at") if keep_turn else now().isoformat()}
    if state == "waiting":
        if keep_turn:
            queue = list(item.queue or [])  # keeps the turn it had
        else:
            queue.append(user_id)
    item.answers, item.queue = everyone, queue
    return [user for user in _promote(item, capacity) if user != user_id]


def _promote(item: OccurrenceAnswersItem, capacity: int | None) -> list[str]:
    """Give the places left to the first in line while they fit (nobody passes the line), then count again."""
    everyone, queue, promoted = dict(item.answers or {}), list(item.queue or []), []
    going_now = sum(_people(e) for e in everyone.values() if e["state"] == "going")
    while queue:  # no capacity (any more): everyone waiting goes
        first = everyone[queue[0]]
        if capacity is not None and going_now + _people(first) > capacity:
            break
        first["state"] = "going"
        going_now += _people(first)
        promoted.append(queue.pop(0))
    item.answers, item.queue = everyone, queue
    item.going = sum(_people(e) for e in everyone.values() if e["state"] == "going")
    item.waiting = sum(_people(e) for e in everyone.values() if e["state"] == "waiting")
    item.maybe = sum(_people(e) for e in everyone.values() if e["state"] == "maybe")
    item.not_going = sum(1 for e in everyone.values() if e["state"] == "not_going")
    item.version = int(item.version or 0) + 1
    return promoted


def _public(event: EventItem, occurrence_id: str, item: OccurrenceAnswersItem, principal: Principal) -> Answers:
    everyone: dict[str, dict[str, Any]] = dict(item.answers or {})
    queue = list(item.queue or [])
    capacity = int(event.capacity) if event.capacity is not None else None
    going = int(item.going or 0)
    mine = everyone.get(principal.user_id or "")
    my_answer = None
    if mine:
        position = queue.index(principal.user_id) + 1 if principal.user_id in queue else None
        my_answer = MyAnswer(answer=mine["answer"], extra=int(mine["extra"]), state=mine["state"], position=position,
                             show_name=bool(mine.get("show")))
    people = None
    turn = {user_id: index for index, user_id in enumerate(queue)}
    ordered = sorted(everyone.items(), key=lambda pair: (ORDER[pair[1]["state"]], turn.get(pair[0], 0),
                                                          pair[1].get("at") or "", pair[0]))
    if principal.user_id in event.organisers:
        people = [Answerer(user_id=user_id, name=entry.get("name"), answer=entry["answer"], extra=int(entry["extra"]),
                           state=entry["state"], show_name=bool(entry.get("show"))) for user_id, entry in ordered]
    # Residents see the counts and the names of the neighbours who chose to be shown (no ids: names only)
    shown = [ShownNeighbour(name=entry["name"], state=entry["state"], extra=int(entry["extra"]))
             for _, entry in ordered if entry.get("show") and entry.get("name") and entry["state"] != "not_going"]
    return Answers(event_id=event.event_id, occurrence_id=occurrence_id, capacity=capacity, going=going,
                   maybe=int(item.maybe or 0), not_going=int(item.not_going or 0), waiting=int(item.waiting or 0),
                   places_left=max(0, capacity - going) if capacity is not None else None, mine=my_answer,
                   people=people, shown=shown)
