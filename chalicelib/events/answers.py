"""Answers to an event: going, maybe or not going, with extra people (family), per occurrence of a series.

An occurrence's answers are one item (`OccurrenceAnswersItem`): the counts, each resident's answer, the waiting
list and the places held. An answer reads it, decides in code and writes it back on condition that its `version`
is still the one read (one conditional PutItem); a concurrent answer makes it read again and decide anew; the
week's counters are ADDed right after. So a capacity is never passed, whatever the number of simultaneous answers:
past it an answer goes on the waiting list, in the order the writes landed. Nobody passes the line: a newcomer
takes a place only when nobody waits.

A place freed (an answer changed to maybe or not going, fewer extra people, a larger capacity: `offer_places`)
is offered, in the same write, to the first in line while they fit: it is held for them (state `offered`, counted
against the capacity) for 24 hours (`HOLD`, at most until the occurrence starts) and they are told by email
(chalicelib/alerts.py `event_place`). They confirm by answering going, or decline by answering maybe or not going;
a hold that runs out passes to the next in line (the resident who missed it is marked not going, `missed`). Holds
that ran out are passed on by the next write of the occurrence, by the next read of its answers (a write then,
conditional on the version as any other) and by the hourly job (`pass_on_offers`, chalicelib/notifications/
event_reminders.py): while a place is held, the item is on the generic index (gsi1pk `EVENTOFFERS`, gsi1sk the
earliest hold's end), so the job finds them with one Query. Each pass is a conditional write on the version: it
happens once, whoever gets there first; a retried job finds nothing left to pass on.

Residents see counts and the names of the neighbours who chose to be shown (`show_name`, off by default, as
the answer is sent each time); the organisers see who answered, with the names residents see. Answering an occurrence
that has started, or a cancelled event or occurrence, is refused (409).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any, Callable

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
from chalicelib.events.reminders import EventReminderItem, public as reminder_public
from chalicelib.events.calendar import stamp
from chalicelib.events.service import no_such_event, visible_event
from chalicelib.observability import logger
from chalicelib.policy import Principal, authorize_in
from chalicelib.store.table import condition_failed, read_items, transaction

ATTEMPTS = 60  # simultaneous answers to one occurrence each read again after a lost race
MAX_ANSWERS = 1500  # one item holds them (DynamoDB's 400 KB): about 130 bytes each
ORDER = {"going": 0, "offered": 1, "waiting": 2, "maybe": 3, "not_going": 4}
HOLD = timedelta(hours=24)  # a freed place is held this long for the first in line (at most until the start)
HOLDS = "EVENTOFFERS"  # gsi1pk of the occurrences' answers holding a place for someone


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
    before: dict[str, Any] | None = None
    going_before = 0

    def decide(item: OccurrenceAnswersItem) -> list[str]:
        nonlocal before, going_before
        before = dict(item.answers or {}).get(principal.user_id)  # type: ignore[arg-type]
        going_before = int(item.going or 0)
        return _decide(item, principal.user_id, request, name, capacity, found.start, now())  # type: ignore[arg-type]

    written = _write_again_until_first(event_id, occurrence_id, decide)
    if written is None:
        raise Conflict("Many neighbours answer at this moment: try again.", {"answer": "busy"},
                       headers={"Retry-After": "1"})
    item, offered = written
    if before is None or before.get("answer") != request.answer:
        # What they answered, for "your data" (export, erasure) and their "my events" (`my_events`)
        EventLink(*EventLink.answered(principal.user_id, event_id, occurrence_id), event_id=event_id,  # type: ignore[arg-type]
                  occurrence_id=occurrence_id, answer=request.answer).save()
    # The week's counters right after (not in one transaction: every answer of a busy occurrence would then
    # conflict on the week's item as well as on its own; a failure here loses a count, never a place).
    deltas = {"event_going": int(item.going) - going_before, "event_answers": 1 if before is None else 0}
    deltas = {counter: delta for counter, delta in deltas.items() if delta}
    if deltas:
        with transaction() as t:
            count_in_week(t, event.neighbourhood_id, to_local(found.start, event.zone), **deltas)
    _tell(event_id, occurrence_id, item, offered)
    logger.info("event answered", event_id=event_id, answer=request.answer,
                state=item.answers[principal.user_id]["state"], offered=len(offered))  # type: ignore[index]
    return _public(event, occurrence_id, item, principal)


def answers(principal: Principal, event_id: str, occurrence_id: str) -> Answers:
    """One BatchGetItem: the event (who may read it, who organises it) and the occurrence's answers (and, for its
    organisers, the occurrence's reminder: chalicelib/events/reminders.py). A hold that ran out is passed on first
    (a conditional write, then only)."""
    event_key, answers_key = EventItem.key(event_id), OccurrenceAnswersItem.key(event_id, occurrence_id)
    reminder_key = EventReminderItem.key(event_id, occurrence_id)
    found = read_items([event_key, answers_key, reminder_key])
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
    if _ran_out(item, now()):
        item = pass_on(event, occurrence_id) or item
    shown = _public(event, occurrence_id, item, principal)
    if shown.people is not None and reminder_key in found:  # its organisers: the reminder asked, sent or not
        shown.reminder = reminder_public(EventReminderItem.from_raw_data(found[reminder_key]), event.zone)
    return shown


def offer_places(event_id: str) -> None:
    """After an organiser changed the capacity: each coming occurrence with a waiting list offers the places now
    left to the first in line (one conditional write each, read again on a lost race), who are told by email."""
    event = EventItem.get(*EventItem.key(event_id), consistent_read=True)
    for stored in OccurrenceAnswersItem.query(f"EVENT#{event_id}", OccurrenceAnswersItem.sk.startswith("OCC#"),
                                              consistent_read=True):
        if stored.queue:
            pass_on(event, stored.sk.removeprefix("OCC#"))


def pass_on(event: EventItem, occurrence_id: str, at: datetime | None = None) -> OccurrenceAnswersItem | None:
    """Pass on the holds of an occurrence that ran out and offer the places left to the first in line (one
    conditional write on the version, read again on a lost race); the item as written, or None when nothing was
    left to do (someone else did it: exactly once). No new offer for an occurrence started, over or cancelled."""
    capacity = int(event.capacity) if event.capacity is not None else None
    found = calendar.happening(calendar.expansion(event), occurrence_id)
    moment = at or now()
    open_ = found is not None and not found.cancelled and event.status != "cancelled" and found.start > moment
    going_before, expired = 0, []

    def pass_(item: OccurrenceAnswersItem) -> list[str] | None:
        nonlocal going_before, expired
        going_before = int(item.going or 0)
        expired = _expire(item, moment)
        places = _places_free(item, capacity) if open_ and item.queue else False
        if not item.version or not (expired or places):
            return None
        return _offer(item, capacity, found.start if found else moment, moment, open_)

    written = _write_again_until_first(event.event_id, occurrence_id, pass_)
    if written is None:
        return None
    item, offered = written
    if found is not None and int(item.going) != going_before:
        with transaction() as t:
            count_in_week(t, event.neighbourhood_id, to_local(found.start, event.zone),
                          event_going=int(item.going) - going_before)
    _tell(event.event_id, occurrence_id, item, offered)
    logger.info("event places passed on", event_id=event.event_id, expired=len(expired), offered=len(offered))
    return item


def pass_on_offers(moment: datetime | None = None) -> int:
    """The hourly job's part (chalicelib/notifications/event_reminders.py): every occurrence with a hold run out
    by `moment` (one Query of the index, one BatchGetItem of their events) passes it on; answers how many."""
    moment = moment or now()
    due = list(OccurrenceAnswersItem.by_hold.query(HOLDS, OccurrenceAnswersItem.gsi1sk <= f"{stamp(moment)}~"))
    ids = sorted({item.pk.removeprefix("EVENT#") for item in due})
    events: dict[str, EventItem] = {}
    for start in range(0, len(ids), 100):
        events.update({e.event_id: e for e in EventItem.batch_get([EventItem.key(i) for i in ids[start:start + 100]])})
    passed = 0
    for item in due:
        event = events.get(item.pk.removeprefix("EVENT#"))
        try:
            if event is None:  # the event is gone: its answers leave the index
                item.update(actions=[OccurrenceAnswersItem.gsi1pk.remove(), OccurrenceAnswersItem.gsi1sk.remove()])
            elif pass_on(event, item.sk.removeprefix("OCC#"), moment) is not None:
                passed += 1
        except Exception:  # noqa: BLE001 — one occurrence's failure waits for the next run
            logger.exception("event places not passed on", event_id=item.pk, occurrence_id=item.sk)
    logger.info("event holds", due=len(due), passed=passed)
    return passed


def withdraw(user_id: str, event_id: str, occurrence_id: str) -> None:
    """Take a resident's answer off an occurrence (their account is erased): their place is offered to the first
    in line."""
    try:
        event = EventItem.get(*EventItem.key(event_id), consistent_read=True)
    except DoesNotExist:
        return
    capacity = int(event.capacity) if event.capacity is not None else None
    found = calendar.happening(calendar.expansion(event), occurrence_id)
    open_ = found is not None and not found.cancelled and event.status != "cancelled" and found.start > now()

    def leave(item: OccurrenceAnswersItem) -> list[str] | None:
        if user_id not in (item.answers or {}):
            return None
        moment = now()
        _expire(item, moment)
        item.answers = {user: entry for user, entry in (item.answers or {}).items() if user != user_id}
        item.queue = [user for user in (item.queue or []) if user != user_id]
        return _offer(item, capacity, found.start if found else moment, moment, open_)

    written = _write_again_until_first(event_id, occurrence_id, leave)
    if written is not None:
        _tell(event_id, occurrence_id, *written)


# --- inside ---------------------------------------------------------------------------------

def _write_again_until_first(event_id: str, occurrence_id: str, change: Callable[[OccurrenceAnswersItem], Any]
                             ) -> tuple[OccurrenceAnswersItem, Any] | None:
    """Read the occurrence's answers (consistent), let `change` decide on them in code, write them back on condition
    that their version is still the one read (or that there are none yet); on a lost race read again and decide
    anew, up to ATTEMPTS times. Answers the item as written and what `change` answered; None when `change` answers
    None (nothing to write) or every attempt lost."""
    for attempt in range(ATTEMPTS):
        item = _read(event_id, occurrence_id)
        seen = int(item.version or 0)
        result = change(item)
        if result is None:
            return None
        try:
            item.save(condition=OccurrenceAnswersItem.version == seen if seen
                      else OccurrenceAnswersItem.pk.does_not_exist())
        except PutError as error:
            if condition_failed(error):  # another write landed first: read again, decide anew
                time.sleep(random.uniform(0, 0.004 * min(attempt + 1, 10)))
                continue
            raise
        return item, result
    return None


def _read(event_id: str, occurrence_id: str) -> OccurrenceAnswersItem:
    try:
        return OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(event_id, occurrence_id), consistent_read=True)
    except DoesNotExist:
        return OccurrenceAnswersItem(*OccurrenceAnswersItem.key(event_id, occurrence_id), version=0, going=0,
                                     maybe=0, not_going=0, waiting=0, offered=0, answers={}, queue=[])


def _people(entry: dict[str, Any]) -> int:
    return 1 + int(entry.get("extra") or 0)


def _taken(everyone: dict[str, dict[str, Any]], but: str | None = None) -> int:
    """The places taken: people going and places held for someone (but one resident's)."""
    return sum(_people(e) for user, e in everyone.items() if e["state"] in ("going", "offered") and user != but)


def _ran_out(item: OccurrenceAnswersItem, moment: datetime) -> bool:
    return any(e["state"] == "offered" and datetime.fromisoformat(e["until"]) <= moment
               for e in (item.answers or {}).values())


def _places_free(item: OccurrenceAnswersItem, capacity: int | None) -> bool:
    """Does the first in line fit in the places left?"""
    everyone = dict(item.answers or {})
    first = everyone.get((item.queue or [""])[0])
    return first is not None and (capacity is None or _taken(everyone) + _people(first) <= capacity)


def _expire(item: OccurrenceAnswersItem, moment: datetime) -> list[str]:
    """The holds run out by `moment` (in memory): their residents are not going (they missed it)."""
    everyone, expired = dict(item.answers or {}), []
    for user_id, entry in everyone.items():
        if entry["state"] == "offered" and datetime.fromisoformat(entry["until"]) <= moment:
            everyone[user_id] = {**{k: v for k, v in entry.items() if k != "until"}, "answer": "not_going",
                                 "state": "not_going", "extra": 0, "missed": True, "at": moment.isoformat()}
            expired.append(user_id)
    item.answers = everyone
    return expired


def _decide(item: OccurrenceAnswersItem, user_id: str, request: AnswerRequest, name: str | None,
            capacity: int | None, start: datetime, moment: datetime) -> list[str]:
    """Apply one resident's answer to the item (in memory), holds run out passed on first; the users offered a
    freed place, first in line first."""
    _expire(item, moment)
    everyone: dict[str, dict[str, Any]] = dict(item.answers or {})
    queue = [waiting for waiting in (item.queue or []) if waiting != user_id]
    old = everyone.get(user_id)
    if old is None and len(everyone) >= MAX_ANSWERS:
        raise Conflict("This occurrence has all the answers it can hold.", {"answer": "too many answers"})
    people = 1 + request.extra
    taken = _taken(everyone, but=user_id)
    state = request.answer
    if request.answer == "going":
        if capacity is None:
            fits = True
        elif old and old["state"] in ("going", "offered"):  # going or held: fewer people always fit, more only past nobody
            fits = taken + people <= capacity and (people <= _people(old) or not queue)
            if not fits:
                places = max(0, capacity - taken - 1)
                raise Conflict(f"Only {places} more places are left.", {"extra": "more than the places left"})
        else:
            fits = not queue and taken + people <= capacity
        state = "going" if fits else "waiting"
    keep_turn = old is not None and old["state"] == "waiting" and state == "waiting"
    everyone[user_id] = {"answer": request.answer, "extra": request.extra, "state": state, "name": name,
                         "show": request.show_name, "at": (old or {}).get("at") if keep_turn else moment.isoformat()}
    if state == "waiting":
        if keep_turn:
            queue = list(item.queue or [])  # keeps the turn it had
        else:
            queue.append(user_id)
    item.answers, item.queue = everyone, queue
    return [user for user in _offer(item, capacity, start, moment, True) if user != user_id]


def _offer(item: OccurrenceAnswersItem, capacity: int | None, start: datetime, moment: datetime,
           open_: bool) -> list[str]:
    """Hold the places left for the first in line while they fit (nobody passes the line), until `HOLD` from now
    (at most the start); without a capacity (any more) everyone waiting goes. Then count again, and index the item
    by its earliest hold. The users offered a place."""
    everyone, queue, offered = dict(item.answers or {}), list(item.queue or []), []
    taken = _taken(everyone)
    until = min(moment + HOLD, start).isoformat()
    while queue and open_:
        first = dict(everyone[queue[0]])
        if capacity is not None and taken + _people(first) > capacity:
            break
        first["state"] = "going" if capacity is None else "offered"
        if capacity is not None:
            first["until"] = until
            offered.append(queue[0])
        everyone[queue.pop(0)] = first
        taken += _people(first)
    item.answers, item.queue = everyone, queue
    count = {state: sum(_people(e) for e in everyone.values() if e["state"] == state)
             for state in ("going", "offered", "waiting", "maybe")}
    item.going, item.offered, item.waiting, item.maybe = (count["going"], count["offered"], count["waiting"],
                                                          count["maybe"])
    item.not_going = sum(1 for e in everyone.values() if e["state"] == "not_going")
    holds = sorted(e["until"] for e in everyone.values() if e["state"] == "offered")
    if holds:
        event_id, occurrence_id = item.pk.removeprefix("EVENT#"), item.sk.removeprefix("OCC#")
        item.gsi1pk = HOLDS
        item.gsi1sk = f"{stamp(datetime.fromisoformat(holds[0]))}#{event_id}#{occurrence_id}"
    else:
        item.gsi1pk = item.gsi1sk = None
    item.version = int(item.version or 0) + 1
    return offered


def _tell(event_id: str, occurrence_id: str, item: OccurrenceAnswersItem, offered: list[str]) -> None:
    for user_id in offered:
        alerts.event_place(event_id, occurrence_id, user_id, int(item.version), item.answers[user_id]["until"])


def _public(event: EventItem, occurrence_id: str, item: OccurrenceAnswersItem, principal: Principal) -> Answers:
    everyone: dict[str, dict[str, Any]] = dict(item.answers or {})
    queue = list(item.queue or [])
    capacity = int(event.capacity) if event.capacity is not None else None
    going, offered = int(item.going or 0), int(item.offered or 0)
    mine = everyone.get(principal.user_id or "")
    my_answer = None
    if mine:
        position = queue.index(principal.user_id) + 1 if principal.user_id in queue else None
        until = to_local(datetime.fromisoformat(mine["until"]), event.zone) if mine.get("until") else None
        my_answer = MyAnswer(answer=mine["answer"], extra=int(mine["extra"]), state=mine["state"], position=position,
                             show_name=bool(mine.get("show")), until=until, missed=bool(mine.get("missed")))
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
                   offered=offered, places_left=max(0, capacity - going - offered) if capacity is not None else None,
                   mine=my_answer, people=people, shown=shown)
