"""Calls for volunteers (issue #12): published by a verified resident in their neighbourhood (or by the commune's
services and partners through a publisher link: publishing.py), read by the verified residents of the
neighbourhoods it reaches; its organisers (the resident, or the link's publisher) cancel it, cancel or move a shift
(the volunteers signed up are emailed per their `volunteering` choice) and see who signed up, with the names
residents see.

A call is content of the kernel (kind `call`): neighbours comment on it and report it, moderators hide it (then only
its organisers see it). The head of its comments' thread is written with the call and again with each change of who
reads it, so the first page of its comments is one Query.

A call, its shifts and its sign-ups share one partition (`VCALL#<id>`): the call with its shifts is one Query
(`sk` from `CALL` to `SHIFT#~`); a neighbourhood's open calls are copies (`CallEntryItem`), one Query a page.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import alerts
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.comments.service import thread_head
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week
from chalicelib.content.hiding import hidden_fields, in_place
from chalicelib.content.kinds import Change, Content, ContentKind, Known
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.events import service as events
from chalicelib.events.models import EventItem
from chalicelib.events.recurrence import ZONE, to_instant, to_local
from chalicelib.i18n import DEFAULT
from chalicelib.observability import logger
from chalicelib.policy import Principal, authorize_in, commune_of
from chalicelib.store.pages import decode_cursor, encode_cursor
from chalicelib.store.table import condition_failed, table_connection, transaction
from chalicelib.volunteering import ledger
from chalicelib.volunteering.models import (
    MAX_AHEAD, CallEntryItem, CallItem, CallListQuery, CallPage, CallPublic, CallRequest, CallSignUps, CallSummary,
    OrganisedCalls, PublishedCall, ShiftItem, ShiftMove, ShiftPublic, ShiftSignUps, SignUpItem, Volunteer,
)

READ = "volunteering.neighbourhood"
KIND = "call"
SHIFTS_SK = ("CALL", "SHIFT#~")  # a call and its shifts: one Query of its partition, sign-ups left out
UNREACHED = ("pending", "refused", "withdrawn")  # a partner's call the commune has not approved: read by nobody
MAX_ORGANISED = 100  # my calls, newest first


def no_such_call() -> NotFound:
    return NotFound("No such call for volunteers.", {"call_id": "not found"})


def no_such_shift() -> NotFound:
    return NotFound("The call has no such shift.", {"shift_id": "not one of its shifts"})


# --- writing --------------------------------------------------------------------------------

def create_call(principal: Principal, neighbourhood_id: str, request: CallRequest) -> CallPublic:
    """A verified resident's call in their neighbourhood (the policy checked where they live)."""
    if request.event_id:
        event = events.visible_event(principal, request.event_id)
        if event.neighbourhood_id != neighbourhood_id:
            raise NotFound("The event is not one of your neighbourhood's.", {"event_id": "not of this neighbourhood"})
    call = new_call(principal, request, neighbourhood_id, author_id=principal.user_id)
    call.reaches = [neighbourhood_id]
    call.gsi1pk, call.gsi1sk = CallItem.author_key(principal.user_id), f"{call.created_at.isoformat()}#{call.call_id}"  # type: ignore[arg-type]
    shifts = new_shifts(call, request)
    save_new(call, shifts, counted_in=neighbourhood_id)
    logger.info("volunteer call published", call_id=call.call_id, nbh=neighbourhood_id, shifts=len(shifts))
    return public_call(call, shifts, principal)


def new_call(principal: Principal, request: CallRequest, neighbourhood_id: str, author_id: str | None) -> CallItem:
    stamp, call_id = now(), new_id()
    call = CallItem(*CallItem.key(call_id), call_id=call_id, lau2=commune_of(neighbourhood_id),
                    neighbourhood_id=neighbourhood_id, author_id=author_id,
                    organisers=[author_id] if author_id else [], title=request.title, what=request.what or None,
                    why=request.why or None, event_id=request.event_id, skills=list(request.skills),
                    min_age_note=request.min_age_note, pairing=request.pairing, status="open",
                    created_at=stamp, updated_at=stamp)
    # The place as an event takes it: words, a register address of the commune, a point kept as its cell
    events._set_place(call, principal, request.place, request.address_id, request.point, "neighbourhood")  # type: ignore[arg-type]
    return call


def new_shifts(call: CallItem, request: CallRequest) -> list[ShiftItem]:
    shifts = []
    for index, shift in enumerate(request.shifts):
        starts_at, ends_at = to_instant(shift.start, ZONE), to_instant(shift.end, ZONE)
        _check_start(starts_at, f"shifts.{index}.start")
        shift_id = f"{index + 1:02d}"
        shifts.append(ShiftItem(*ShiftItem.key(call.call_id, shift_id), call_id=call.call_id, shift_id=shift_id,
                                role=shift.role, starts_at=starts_at, ends_at=ends_at, zone=ZONE,
                                needed=shift.needed, status="scheduled", moved=False, gsi1pk=ShiftItem.REMINDERS,
                                gsi1sk=ShiftItem.reminder_key(starts_at, call.call_id, shift_id)))
    call.first_start = min(s.starts_at for s in shifts)
    call.last_end = max(s.ends_at for s in shifts)
    call.shift_count, call.needed = len(shifts), sum(int(s.needed) for s in shifts)
    return shifts


def save_new(call: CallItem, shifts: list[ShiftItem], counted_in: str | None, review: Any = None) -> None:
    """The call, its shifts and its thread's head in one transaction (the week's `calls` count too, when counted;
    a partner's call waiting for the commune: its review, approval.py); then its copies in the lists of the
    neighbourhoods it reaches."""
    with transaction() as t:
        t.save(call, condition=CallItem.pk.does_not_exist())
        if review is not None:
            t.save(review)
        for shift in shifts:
            t.save(shift)
        t.save(thread_head_of(call))
        if counted_in:
            count_in_week(t, counted_in, calls=1)
    write_entries(call)


def cancel_call(principal: Principal, call_id: str) -> CallPublic:
    call, shifts = organised(principal, call_id)
    try:
        call.update(actions=[CallItem.status.set("cancelled"), CallItem.updated_at.set(now())],
                    condition=CallItem.status != "cancelled")
    except UpdateError as error:
        if condition_failed(error):
            raise Conflict("The call is cancelled already.", {"call_id": "cancelled"}) from None
        raise
    call.status = "cancelled"
    write_entries(call)
    cancel_coming_shifts(call_id, shifts)
    logger.info("volunteer call cancelled", call_id=call_id)
    return public_call(call, shifts, principal)


def cancel_coming_shifts(call_id: str, shifts: list[ShiftItem]) -> None:
    """Every shift of a call that goes away is cancelled; the volunteers of those still to come are told."""
    for shift in shifts:
        if shift.status == "cancelled":
            continue
        shift.update(actions=[ShiftItem.status.set("cancelled"), ShiftItem.gsi1pk.remove(), ShiftItem.gsi1sk.remove()])
        if shift.ends_at > now():  # those still to come are told
            _mark_signups(call_id, shift.shift_id, cancelled=True)
            alerts.volunteer_shift_changed(call_id, shift.shift_id, "cancelled")


def cancel_shift(principal: Principal, call_id: str, shift_id: str) -> CallPublic:
    call, shifts = organised(principal, call_id)
    shift = coming_shift(shifts, shift_id)
    _update_shift(shift, [ShiftItem.status.set("cancelled"), ShiftItem.gsi1pk.remove(), ShiftItem.gsi1sk.remove()])
    shift.status = "cancelled"
    _mark_signups(call_id, shift_id, cancelled=True)
    alerts.volunteer_shift_changed(call_id, shift_id, "cancelled")
    return public_call(call, shifts, principal)


def move_shift(principal: Principal, call_id: str, shift_id: str, move: ShiftMove) -> CallPublic:
    call, shifts = organised(principal, call_id)
    shift = coming_shift(shifts, shift_id)
    starts_at, ends_at = to_instant(move.start, ZONE), to_instant(move.end, ZONE)
    _check_start(starts_at, "start")
    # Its reminder follows the new start (again if it went for the old one)
    actions = [ShiftItem.starts_at.set(starts_at), ShiftItem.ends_at.set(ends_at), ShiftItem.moved.set(True),
               ShiftItem.reminded.remove(), ShiftItem.gsi1pk.set(ShiftItem.REMINDERS),
               ShiftItem.gsi1sk.set(ShiftItem.reminder_key(starts_at, call_id, shift_id))]
    _update_shift(shift, actions)
    shift.starts_at, shift.ends_at, shift.moved = starts_at, ends_at, True
    call.first_start, call.last_end = min(s.starts_at for s in shifts), max(s.ends_at for s in shifts)
    call.update(actions=[CallItem.first_start.set(call.first_start), CallItem.last_end.set(call.last_end),
                         CallItem.updated_at.set(now())])
    write_entries(call)
    for signup in _signups(call_id, shift_id):
        signup.update(actions=[SignUpItem.starts_at.set(starts_at), SignUpItem.ends_at.set(ends_at),
                               SignUpItem.gsi1sk.set(ShiftItem.reminder_key(starts_at, call_id, shift_id))])
        ledger.rewrite(signup.user_id, ledger.moved(call_id, shift_id, starts_at, ends_at))
    alerts.volunteer_shift_changed(call_id, shift_id, f"moved-{starts_at.strftime('%Y%m%dT%H%M%SZ')}")
    return public_call(call, shifts, principal)


# --- reading --------------------------------------------------------------------------------

def load(call_id: str, consistent: bool = False) -> tuple[CallItem, list[ShiftItem]]:
    """The call and its shifts: one Query of its partition (`sk` from `CALL` to `SHIFT#~`: sign-ups left out)."""
    call, shifts, _ = _query(call_id, consistent, with_signups=False)
    return call, shifts


def load_with_signups(call_id: str) -> tuple[CallItem, list[ShiftItem], list[SignUpItem]]:
    """The call, its shifts and its sign-ups: the whole partition, one Query (more pages only past 1 MB)."""
    return _query(call_id, True, with_signups=True)


def _query(call_id: str, consistent: bool, with_signups: bool) -> tuple[CallItem, list[ShiftItem], list[SignUpItem]]:
    call, shifts, people = None, [], []
    connection = table_connection()
    condition = "pk = :pk" if with_signups else "pk = :pk AND sk BETWEEN :a AND :b"
    values = {":pk": {"S": f"VCALL#{call_id}"}}
    if not with_signups:
        values.update({":a": {"S": SHIFTS_SK[0]}, ":b": {"S": SHIFTS_SK[1]}})
    arguments: dict[str, Any] = {"TableName": connection.table_name, "ConsistentRead": consistent,
                                 "KeyConditionExpression": condition, "ExpressionAttributeValues": values}
    while True:
        answer = connection.connection.client.query(**arguments)
        for raw in answer.get("Items", []):
            sk = raw["sk"]["S"]
            if sk == "CALL":
                call = CallItem.from_raw_data(raw)
            elif sk.startswith("SHIFT#"):
                shifts.append(ShiftItem.from_raw_data(raw))
            elif sk.startswith("SIGNUP#"):
                people.append(SignUpItem.from_raw_data(raw))
        if "LastEvaluatedKey" not in answer:
            break
        arguments["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    if call is None:
        raise no_such_call()
    return call, sorted(shifts, key=lambda s: s.shift_id), people


def visible(principal: Principal, call_id: str, consistent: bool = False) -> tuple[CallItem, list[ShiftItem]]:
    call, shifts = load(call_id, consistent)
    check_visible(principal, call)
    return call, shifts


def check_visible(principal: Principal, call: CallItem) -> None:
    """To a verified resident of a neighbourhood it reaches (hidden: its organisers only); anyone else: 404."""
    if principal.publisher_link is not None and not principal.signed_in:
        if not _publisher_owns(principal, call):
            raise no_such_call()
        return
    authorize_in(READ, principal, list(call.reaches or []), no_such_call())
    if call.status in UNREACHED or (call.hidden and principal.user_id not in (call.organisers or [])):
        raise no_such_call()  # a partner's call waiting for the commune reaches nobody yet


def get_call(principal: Principal, call_id: str, language: str = DEFAULT) -> CallPublic:
    call, shifts = visible(principal, call_id)
    return public_call(call, shifts, principal, language)


def neighbourhood_calls(principal: Principal, neighbourhood_id: str, query: CallListQuery) -> CallPage:
    """Open calls reaching the neighbourhood, ending soonest first: one Query a page of its copies."""
    partition = CallEntryItem.partition(neighbourhood_id)
    start = None
    if query.cursor:
        start = decode_cursor(query.cursor, partition=partition, sort_pattern=_ENTRY_SK, what="list of calls")
    connection = table_connection()
    arguments: dict[str, Any] = {
        "TableName": connection.table_name, "Limit": query.limit,
        "KeyConditionExpression": "pk = :pk AND sk > :now",
        "ExpressionAttributeValues": {":pk": {"S": partition}, ":now": {"S": _stamp(now())}}}
    if start:
        arguments["ExclusiveStartKey"] = start
    answer = connection.connection.client.query(**arguments)
    calls = []
    for raw in answer.get("Items", []):
        summary = json.loads(raw["call"]["S"])
        organisers = summary.pop("organisers", [])
        mine = principal.user_id in organisers
        if raw.get("hidden", {}).get("BOOL") and not mine:
            continue
        home = summary.pop("neighbourhood_id", None)
        calls.append(CallSummary(**summary, mine=mine, nearby=home != neighbourhood_id))
    last = answer.get("LastEvaluatedKey")
    return CallPage(calls=calls, cursor=encode_cursor(last) if last else None)


def organised_calls(principal: Principal) -> OrganisedCalls:
    """The calls I published as a resident, newest first, ended ones included (their page is where I confirm who
    came): one Query of the owners' index, whose items are the calls themselves."""
    moment = now()
    return OrganisedCalls(calls=[listed(call, moment) for call in CallItem.by_owner.query(
        CallItem.author_key(principal.user_id), scan_index_forward=False, limit=MAX_ORGANISED)])  # type: ignore[arg-type]


def listed(call: CallItem, moment: datetime) -> PublishedCall:
    """A call in its organisers' list, from its item alone (its `taken` kept by the sign-ups' transactions)."""
    stage = "over" if call.last_end <= moment else "under_way" if call.first_start <= moment else "coming"
    return PublishedCall(
        id=call.call_id, title=call.title, status=call.status, hidden=bool(call.hidden),  # type: ignore[arg-type]
        reaches=list(call.reaches or []), start=to_local(call.first_start, ZONE), end=to_local(call.last_end, ZONE),
        shifts=int(call.shift_count or 0), needed=int(call.needed or 0), taken=int(call.taken or 0),
        created_at=call.created_at, stage=stage)  # type: ignore[arg-type]


def signups(principal: Principal, call_id: str) -> CallSignUps:
    """Who signed up for each shift, with the names residents see, and what the organiser confirmed (no-shows
    included: private to the organisers)."""
    call, shifts, people = load_with_signups(call_id)
    check_organiser(principal, call, allow_cancelled=True)
    by_shift: dict[str, list[Volunteer]] = {s.shift_id: [] for s in shifts}
    for signup in people:
        by_shift.setdefault(signup.shift_id, []).append(Volunteer(
            user_id=signup.user_id, name=signup.name, signed_up_at=signup.signed_up_at,
            attendance=signup.attendance, hours=float(signup.hours) if signup.hours is not None else None))  # type: ignore[arg-type]
    return CallSignUps(call_id=call_id, shifts=[
        ShiftSignUps(shift_id=s.shift_id, role=s.role, start=to_local(s.starts_at, s.zone),
                     end=to_local(s.ends_at, s.zone), needed=int(s.needed), status=s.status,  # type: ignore[arg-type]
                     moved=bool(s.moved), volunteers=sorted(by_shift[s.shift_id], key=lambda v: v.signed_up_at))
        for s in shifts])


def public_call(call: CallItem, shifts: list[ShiftItem], principal: Principal, language: str = DEFAULT) -> CallPublic:
    mine_ids = {s.shift_id for s in shifts if principal.user_id and principal.user_id in (s.people or set())}
    mine_times = [(s.starts_at, s.ends_at) for s in shifts if s.shift_id in mine_ids and s.status != "cancelled"]
    moment = now()
    public_shifts = []
    for shift in shifts:
        taken = len(shift.people or ())
        public_shifts.append(ShiftPublic(
            shift_id=shift.shift_id, role=shift.role, start=to_local(shift.starts_at, shift.zone),
            end=to_local(shift.ends_at, shift.zone), needed=int(shift.needed), taken=taken,
            places_left=max(int(shift.needed) - taken, 0), status=shift.status, moved=bool(shift.moved),  # type: ignore[arg-type]
            mine=my_state(call, shift, shift.shift_id in mine_ids, mine_times, moment)))
    return CallPublic(
        id=call.call_id, neighbourhood_id=call.neighbourhood_id, reaches=list(call.reaches or []),
        organisers=list(call.organisers or []), publisher_name=call.publisher_name,
        mine=bool(principal.user_id) and principal.user_id in (call.organisers or []), title=call.title,
        what=call.what or "", why=call.why or "", place=call.place, address_id=call.address_id,
        address=call.address_label, place_cell=call.place_cell, event_id=call.event_id, skills=list(call.skills or []),
        min_age_note=call.min_age_note, pairing=call.pairing, status=call.status,  # type: ignore[arg-type]
        start=to_local(call.first_start, ZONE), end=to_local(call.last_end, ZONE), shifts=public_shifts,
        created_at=call.created_at, comment_count=int(call.comment_count or 0),
        contact=call.author_id, **hidden_fields(call, language))


def my_state(call: CallItem, shift: ShiftItem, signed_up: bool, mine_times: list[tuple[datetime, datetime]],
             moment: datetime) -> str:
    """What I may do with a shift, or why not (the same order sign_up refuses in)."""
    if call.status == "cancelled" or shift.status == "cancelled":
        return "cancelled"
    if shift.ends_at <= moment:
        return "ended"
    if shift.starts_at <= moment:
        return "started"
    if signed_up:
        return "signed_up"
    if len(shift.people or ()) >= int(shift.needed):
        return "full"
    if any(start < shift.ends_at and shift.starts_at < end for start, end in mine_times):
        return "clash"
    return "can_sign_up"


# --- inside ---------------------------------------------------------------------------------

def organised(principal: Principal, call_id: str, allow_cancelled: bool = False) -> tuple[CallItem, list[ShiftItem]]:
    """The call, for one of its organisers: its resident organisers, or the bearer of its publisher's link within
    the link's scope (else 403); anyone who may not read it: 404."""
    call, shifts = load(call_id, consistent=True)
    check_organiser(principal, call, allow_cancelled)
    return call, shifts


def check_organiser(principal: Principal, call: CallItem, allow_cancelled: bool = False) -> None:
    if principal.publisher_link is not None and not principal.signed_in:
        link = principal.publisher_link
        if call.publisher_id != link.publisher_id or call.lau2 != link.lau2:
            raise no_such_call()  # another publisher's, or a resident's: not this link's to know
        if not _publisher_owns(principal, call):
            raise Forbidden("This link may not organise this call.", {"call_id": "outside this link's scope"})
    else:
        check_visible(principal, call)
        if principal.user_id not in (call.organisers or []):
            raise Forbidden("Only its organisers do this.", {"call_id": "not an organiser"})
    if call.status == "cancelled" and not allow_cancelled:
        raise Conflict("The call is cancelled.", {"call_id": "cancelled"})


def _publisher_owns(principal: Principal, call: CallItem) -> bool:
    link = principal.publisher_link
    return (link is not None and call.publisher_id == link.publisher_id and call.lau2 == link.lau2
            and (link.neighbourhoods is None or set(call.reaches or []) <= link.neighbourhoods))


def find_shift(shifts: list[ShiftItem], shift_id: str) -> ShiftItem:
    for shift in shifts:
        if shift.shift_id == shift_id:
            return shift
    raise no_such_shift()


def coming_shift(shifts: list[ShiftItem], shift_id: str) -> ShiftItem:
    shift = find_shift(shifts, shift_id)
    if shift.status == "cancelled":
        raise Conflict("This shift is cancelled.", {"shift_id": "cancelled"})
    if shift.starts_at <= now():
        raise Conflict("This shift has started.", {"shift_id": "started"})
    return shift


def _update_shift(shift: ShiftItem, actions: list[Any]) -> None:
    try:
        shift.update(actions=actions, condition=(ShiftItem.status == "scheduled") & (ShiftItem.starts_at == shift.starts_at))
    except UpdateError as error:
        if condition_failed(error):
            raise Conflict("The shift changed meanwhile; read it again.", {"shift_id": "changed meanwhile"}) from None
        raise


def _check_start(start: datetime, field_name: str) -> None:
    if start < now() - timedelta(minutes=5):
        raise InvalidInput("A shift cannot start in the past.", {field_name: "in the past"})
    if start > now() + MAX_AHEAD:
        raise InvalidInput("A shift starts at most a year ahead.", {field_name: "more than a year ahead"})


def _signups(call_id: str, shift_id: str | None = None) -> list[SignUpItem]:
    prefix = f"SIGNUP#{shift_id}#" if shift_id else "SIGNUP#"
    return list(SignUpItem.query(f"VCALL#{call_id}", SignUpItem.sk.startswith(prefix), consistent_read=True))


def _mark_signups(call_id: str, shift_id: str, cancelled: bool) -> None:
    """The shift's sign-ups say it is cancelled; it leaves its volunteers' ledgers (no clash any more)."""
    for signup in _signups(call_id, shift_id):
        signup.update(actions=[SignUpItem.cancelled.set(cancelled)])
        ledger.rewrite(signup.user_id, ledger.without(call_id, shift_id))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


_ENTRY_SK = re.compile(r"^\d{8}T\d{6}Z#[0-9A-Z]{26}$")


def _entry_sk(call: CallItem) -> str:
    return f"{_stamp(call.last_end)}#{call.call_id}"


def summary_of(call: CallItem) -> dict[str, Any]:
    return {"id": call.call_id, "title": call.title, "pairing": call.pairing, "skills": list(call.skills or []),
            "start": to_local(call.first_start, ZONE).isoformat(), "end": to_local(call.last_end, ZONE).isoformat(),
            "shifts": int(call.shift_count or 0), "needed": int(call.needed or 0), "place": call.place,
            "publisher_name": call.publisher_name, "neighbourhood_id": call.neighbourhood_id,
            "organisers": list(call.organisers or [])}


def write_entries(call: CallItem) -> None:
    """The call's copies in the lists of the neighbourhoods it reaches, under its current last end (none once
    cancelled or while pending); the copies it had (`listed_sk`, the sort key they were written under) go first."""
    sk = _entry_sk(call) if call.status == "open" else None
    with CallEntryItem.batch_write() as batch:
        if call.listed_sk and call.listed_sk != sk:
            for nbh in call.reaches or []:
                batch.delete(CallEntryItem(CallEntryItem.partition(nbh), call.listed_sk))
        if sk:
            for nbh in call.reaches or []:
                batch.save(CallEntryItem(CallEntryItem.partition(nbh), sk, call=json.dumps(summary_of(call)),
                                         hidden=bool(call.hidden) or None))
    if call.listed_sk != sk:
        call.update(actions=[CallItem.listed_sk.set(sk) if sk else CallItem.listed_sk.remove()])
        call.listed_sk = sk
    show_on_event(call)


def show_on_event(call: CallItem) -> None:
    """The event the call hangs on lists it while it is open and shown ("Volunteers wanted" on the event's page)."""
    if not call.event_id:
        return
    link = {f"{call.call_id}#{call.title}"}
    shown = call.status == "open" and not call.hidden
    try:
        EventItem(*EventItem.key(call.event_id)).update(
            actions=[EventItem.volunteer_calls.add(link) if shown else EventItem.volunteer_calls.delete(link)],
            condition=EventItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise  # the event is gone: nothing to show it on


def show_calls_on_events(lau2: str) -> int:
    """Upgrade step (`./noper show-calls-on-events`): the open calls attached to an event before events listed them
    are listed on it. One Query of each neighbourhood's open calls, each call read once; idempotent (a set's ADD).
    Answers how many events were written."""
    from chalicelib.neighbourhoods.service import list_published

    seen: set[str] = set()
    written = 0
    for nbh in list_published(lau2).neighbourhoods:
        for entry in CallEntryItem.query(CallEntryItem.partition(nbh.id)):
            call_id = entry.sk.partition("#")[2]
            if call_id in seen:
                continue
            seen.add(call_id)
            call, _ = load(call_id)
            if call.event_id:
                show_on_event(call)
                written += 1
    return written


def count_sign_ups() -> int:
    """Upgrade step (`./noper count-call-sign-ups`): each call written before calls counted their sign-ups gets its
    `taken`, the people in its shifts. A Scan of the calls; per call a consistent GetItem, then the Query of its
    shifts, written on condition that `taken` is still as read: a sign-up or withdrawal meanwhile (which ADDs to it
    in its transaction) makes it read again. Idempotent; answers how many calls were written."""
    written = 0
    calls = CallItem.pk.startswith("VCALL#") & (CallItem.sk == "CALL")
    for found in CallItem.scan(calls, attributes_to_get=["pk", "sk"]):
        call_id = found.pk.partition("#")[2]
        for _ in range(5):
            try:
                call = CallItem.get(*CallItem.key(call_id), consistent_read=True)
            except CallItem.DoesNotExist:
                break  # gone meanwhile (an erased organiser's)
            _, shifts = load(call_id, consistent=True)
            taken = sum(len(s.people or ()) for s in shifts)
            if call.taken is not None and int(call.taken) == taken:
                break
            was = CallItem.taken.does_not_exist() if call.taken is None else CallItem.taken == call.taken
            try:
                call.update(actions=[CallItem.taken.set(taken)], condition=CallItem.pk.exists() & was)
            except UpdateError as error:
                if condition_failed(error):
                    continue  # signed up or withdrawn meanwhile: counted again
                raise
            written += 1
            break
    return written


# --- a call is content of the kernel ----------------------------------------------------------

def thread_head_of(call: CallItem, hidden: bool | None = None) -> Any:
    """Who reads the call's comments, as `check_visible` decides: residents of where it reaches; while hidden, its
    organisers only (a publisher's has none: nobody)."""
    hidden = bool(call.hidden) if hidden is None else hidden
    return thread_head(KIND, call.call_id, list(call.reaches or []) if call.status not in UNREACHED else [],
                       only_among=list(call.organisers or []) if hidden else None)


def thread_readable(principal: Principal, head: Any) -> None:
    authorize_in(READ, principal, list(head.neighbourhood_ids), no_such_call())
    if head.only_among is not None and principal.user_id not in head.only_among:
        raise no_such_call()


def _content(call: CallItem) -> Content:
    return Content(kind=KIND, id=call.call_id, neighbourhood_id=call.neighbourhood_id, author_id=call.author_id,
                   item=call, hidden=bool(call.hidden), hidden_reason=call.hidden_reason, hidden_by=call.hidden_by,
                   created_at=call.created_at, title=call.title, text=call.what or None,
                   thanks_count=int(call.thanks_count or 0), where={"call_id": call.call_id})


def _load_content(call_id: str, known: Known | None = None) -> Content | None:
    try:
        return _content(load(call_id, consistent=True)[0])
    except NotFound:
        return None


_hide_in_place = in_place(CallItem, also=lambda t, content, change: t.save(thread_head_of(content.item,
                                                                                         hidden=change.hide)))


def _hide(content: Content, change: Change, audit: Any) -> None:
    """Hide or show the call, then its copies in the lists (hidden: its organisers' only)."""
    _hide_in_place(content, change, audit)
    write_entries(load(content.id, consistent=True)[0])


def _count(t: Any, content: Content, **deltas: int) -> None:
    t.update(CallItem(*CallItem.key(content.id)),
             actions=[getattr(CallItem, name).add(delta) for name, delta in deltas.items()],
             condition=CallItem.pk.exists())


def _readable(principal: Principal, call_id: str) -> Content:
    call, _ = visible(principal, call_id)
    return _content(call)


kinds.register(ContentKind(name=KIND, load=_load_content, readable=_readable, hide=_hide, count=_count,
                           thread_readable=thread_readable,
                           stored=lambda call_id, known: (CallItem.key(call_id),
                                                          lambda raw: _content(CallItem.from_raw_data(raw)))))

