"""Signing up for a shift, withdrawing, and the organiser confirming who came (issue #12, points 2 and 6).

A sign-up is one transaction: a conditional ADD of the volunteer to the shift's `people` (scheduled, not started,
fewer than `needed`, not already in it) with the sign-up item (not there yet). So a shift never takes more people
than it needs, whatever arrives at once; transactions that collide on the shift are tried again a few times.
A refusal is a 409 whose code says why: `shift_full`, `shift_clash` (another shift of mine overlaps),
`shift_started`, `shift_ended`, `shift_cancelled`, `already_signed_up`. The clash is checked in the database: the
transaction also writes my sign-up ledger (ledger.py) on condition of the version read, so of two sign-ups of mine
to overlapping shifts sent at the same instant one commits and the other reads my ledger again and is refused.

After a shift ends its organisers confirm who came and the hours (0.5–24): each participation confirmed is one
conditional write on its sign-up (`attendance` not set yet) in the same transaction as the ADD of
`volunteer_actions` 1 and `volunteer_hours` to the weekly counters of the volunteer's neighbourhood, in the shift's
week: a retried confirmation counts nothing twice. Who did not come stays with the organisers.
`shifts_filled` counts a shift once, when its sign-ups first reach the number needed.
"""

from __future__ import annotations

import random
import time
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import size

from chalicelib.accounts.service import author_name
from chalicelib.adapters.clock import now
from chalicelib.communes.service import get_commune
from chalicelib.content.counters import count_in_week
from chalicelib.errors import InvalidInput, NotFound, Refused
from chalicelib.events.recurrence import to_local
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import refused_conditions, step_back, transaction
from chalicelib.volunteering import service
from chalicelib.volunteering.ledger import changed_since, clash_in, read as ledger_of, span, without
from chalicelib.volunteering.ledger import write as write_ledger
from chalicelib.volunteering.models import (
    ActivityTotal, AttendanceRequest, CallItem, CallSignUps, MyShift, MyShifts, RecordEntry, ShiftItem, SignUpItem,
    VolunteeringRecord,
)

ATTEMPTS = 8  # transactions that collide on a busy shift are tried again


def sign_up(principal: Principal, call_id: str, shift_id: str) -> MyShift:
    call, shifts = service.visible(principal, call_id, consistent=True)
    shift = service.find_shift(shifts, shift_id)
    user_id = principal.user_id
    assert user_id is not None and principal.neighbourhood_id is not None
    _refuse_if_closed(call, shift, user_id, before=True)
    organiser = call.publisher_name or (author_name(call.author_id) if call.author_id else None)
    commune = _commune_name(call.lau2)
    moment = now()
    signup = SignUpItem(*SignUpItem.key(call_id, shift_id, user_id), call_id=call_id, shift_id=shift_id,
                        user_id=user_id, name=author_name(user_id), neighbourhood_id=principal.neighbourhood_id,
                        title=call.title, organiser=organiser, commune=commune, role=shift.role, starts_at=shift.starts_at,
                        ends_at=shift.ends_at, signed_up_at=moment, gsi1pk=SignUpItem.user_key(user_id),
                        gsi1sk=ShiftItem.reminder_key(shift.starts_at, call_id, shift_id))
    needed = int(shift.needed)
    condition = ((ShiftItem.status == "scheduled") & (ShiftItem.starts_at > moment)
                 & (ShiftItem.people.does_not_exist() | ((size(ShiftItem.people) < needed)
                                                         & ~ShiftItem.people.contains(user_id))))
    for attempt in range(ATTEMPTS):
        ledger, spans = ledger_of(user_id)
        _refuse_clash(user_id, spans, shift)
        try:
            with transaction() as t:
                t.update(ShiftItem(*ShiftItem.key(call_id, shift_id)), actions=[ShiftItem.people.add({user_id})],
                         condition=ShiftItem.pk.exists() & condition)
                t.save(signup, condition=SignUpItem.pk.does_not_exist())
                count_taken(t, call_id, 1)
                write_ledger(t, user_id, ledger, spans | {span(call_id, shift_id, shift.starts_at, shift.ends_at)})
            break
        except TransactWriteError as error:
            if refused_conditions(error):
                step_back()  # nothing written: the idempotent request may be corrected and sent again
                if attempt < ATTEMPTS - 1 and changed_since(user_id, ledger):
                    continue  # another sign-up or withdrawal of mine meanwhile: read my shifts again, check again
                fresh = ShiftItem.get(*ShiftItem.key(call_id, shift_id), consistent_read=True)
                _refuse_if_closed(call, fresh, user_id)
                raise Refused("shift_full", "This shift has all the people it needs.",
                              {"shift_id": "full"}) from None
            if attempt == ATTEMPTS - 1 or not _collided(error):
                raise
            step_back()
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
    _count_filled(call, call_id, shift_id)
    logger.info("volunteer signed up", call_id=call_id, shift_id=shift_id)
    return my_shift(signup, moment)


def _refuse_clash(user_id: str, spans: set[str], shift: ShiftItem) -> None:
    other = clash_in(spans, shift.starts_at, shift.ends_at, skip=(shift.call_id, shift.shift_id))
    if other is None:
        return
    try:
        clashing = SignUpItem.get(*SignUpItem.key(*other.split("#"), user_id))
        what = f"{clashing.role} ({clashing.title})"
    except Exception:  # noqa: BLE001 — DoesNotExist: the message names it less precisely
        what = "another call"
    raise Refused("shift_clash", f"This shift clashes with another of yours: {what}.",
                  {"shift_id": "clashes with another shift of yours"})


def withdraw(principal: Principal, call_id: str, shift_id: str) -> None:
    """Until the shift starts; a sign-up already confirmed stays."""
    user_id = principal.user_id
    assert user_id is not None
    try:
        signup = SignUpItem.get(*SignUpItem.key(call_id, shift_id, user_id), consistent_read=True)
    except Exception:  # noqa: BLE001 — DoesNotExist, as for anyone not signed up
        raise NotFound("You are not signed up for this shift.", {"shift_id": "not signed up"}) from None
    moment = now()
    if signup.starts_at <= moment:
        raise Refused("shift_started", "The shift has started: it is too late to withdraw.", {"shift_id": "started"})
    for attempt in range(ATTEMPTS):
        ledger, spans = ledger_of(user_id)
        try:
            with transaction() as t:
                t.delete(signup, condition=SignUpItem.pk.exists() & SignUpItem.attendance.does_not_exist())
                t.update(ShiftItem(*ShiftItem.key(call_id, shift_id)), actions=[ShiftItem.people.delete({user_id})],
                         condition=ShiftItem.pk.exists() & (ShiftItem.starts_at > moment))
                count_taken(t, call_id, -1)
                write_ledger(t, user_id, ledger, without(call_id, shift_id)(spans))
            break
        except TransactWriteError as error:
            if refused_conditions(error):
                if attempt < ATTEMPTS - 1 and changed_since(user_id, ledger):
                    step_back()
                    continue  # my ledger moved on meanwhile: written again on the one read now
                raise Refused("shift_started", "The shift has started: it is too late to withdraw.",
                              {"shift_id": "started"}) from None
            if attempt == ATTEMPTS - 1 or not _collided(error):
                raise
            step_back()
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
    logger.info("volunteer withdrew", call_id=call_id, shift_id=shift_id)


def confirm_attendance(principal: Principal, call_id: str, shift_id: str, request: AttendanceRequest) -> CallSignUps:
    call, shifts = service.organised(principal, call_id)
    shift = service.find_shift(shifts, shift_id)
    if shift.status == "cancelled":
        raise Refused("shift_cancelled", "This shift is cancelled.", {"shift_id": "cancelled"})
    if shift.ends_at > now():
        raise Refused("shift_not_ended", "Attendance is confirmed once the shift has ended.",
                      {"shift_id": "not ended yet"})
    signed = {s.user_id: s for s in service._signups(call_id, shift_id)}
    seen: set[str] = set()
    for index, person in enumerate(request.people):
        if person.user_id in seen:
            raise InvalidInput("Each volunteer once.", {f"people.{index}.user_id": "named twice"})
        seen.add(person.user_id)
        if person.user_id not in signed:
            raise InvalidInput("Only people who signed up for the shift are confirmed.",
                               {f"people.{index}.user_id": "did not sign up for this shift"})
        before = signed[person.user_id]
        if before.attendance is not None and not _same(before, person.came, person.hours):
            raise Refused("already_confirmed", "This volunteer's attendance was confirmed already.",
                          {f"people.{index}.user_id": "confirmed already"})
    for person in request.people:
        before = signed[person.user_id]
        if before.attendance is not None:
            continue  # the same confirmation again (a retried request): counted once
        _confirm(before, shift, person.came, person.hours)
    logger.info("attendance confirmed", call_id=call_id, shift_id=shift_id, people=len(request.people))
    return service.signups(principal, call_id)


def my_shifts(principal: Principal) -> MyShifts:
    """My sign-ups, soonest first: one Query of the index."""
    moment = now()
    found = SignUpItem.by_user.query(SignUpItem.user_key(principal.user_id))  # type: ignore[arg-type]
    return MyShifts(shifts=[my_shift(signup, moment) for signup in found])


def record(principal: Principal) -> VolunteeringRecord:
    """My confirmed participations (what a certificate needs): one Query of the index."""
    entries, totals, name, commune = [], {}, "", None
    for signup in SignUpItem.by_user.query(SignUpItem.user_key(principal.user_id)):  # type: ignore[arg-type]
        name = signup.name or name  # as neighbours saw it when signing up: no other read
        commune = signup.commune or commune
        if signup.attendance != "came":
            continue
        hours = float(signup.hours or 0)
        start = to_local(signup.starts_at, "Europe/Luxembourg")
        entries.append(RecordEntry(call_id=signup.call_id, title=signup.title, organiser=signup.organiser or "",
                                   role=signup.role, date=start.date().isoformat(), start=start,
                                   end=to_local(signup.ends_at, "Europe/Luxembourg"), hours=hours))
        total = totals.setdefault(signup.call_id, ActivityTotal(title=signup.title, organiser=signup.organiser or "",
                                                                hours=0, actions=0))
        total.hours += hours
        total.actions += 1
    return VolunteeringRecord(name=name, commune=commune, entries=entries,
                              activities=list(totals.values()), total_hours=sum(e.hours for e in entries),
                              total_actions=len(entries))


def my_shift(signup: SignUpItem, moment: datetime) -> MyShift:
    if signup.attendance == "came":
        status = "confirmed"
    elif signup.cancelled:
        status = "cancelled"
    elif signup.ends_at <= moment:
        status = "ended"  # waiting for the organiser, or not confirmed: a no-show is not told here
    elif signup.starts_at <= moment:
        status = "started"
    else:
        status = "coming"
    return MyShift(call_id=signup.call_id, shift_id=signup.shift_id, title=signup.title, role=signup.role,
                   start=to_local(signup.starts_at, "Europe/Luxembourg"),
                   end=to_local(signup.ends_at, "Europe/Luxembourg"), status=status,  # type: ignore[arg-type]
                   hours=float(signup.hours) if signup.attendance == "came" and signup.hours is not None else None)


def count_taken(t: Any, call_id: str, delta: int) -> None:
    """In the transaction that adds someone to a shift's `people` or takes them out: the call's `taken` follows, so
    the publisher's list reads no shift (its shift or call cancelled since: still counted, as its `needed` is)."""
    t.update(CallItem(*CallItem.key(call_id)), actions=[CallItem.taken.add(delta)], condition=CallItem.pk.exists())


# --- inside ---------------------------------------------------------------------------------

def _commune_name(lau2: str) -> str | None:
    """Copied onto the sign-up so that the certificate prints it without another read (issue #16)."""
    try:
        return get_commune(lau2).name
    except NotFound:
        return None


def _refuse_if_closed(call: CallItem, shift: ShiftItem, user_id: str, before: bool = False) -> None:
    """Why a sign-up is refused, in the order a volunteer would want to hear it. `before` the transaction, someone
    already in the shift is left to it: a retried request whose first attempt signed them up (its answer lost) skips
    its committed transaction and answers the same, where a second sign-up is refused by the transaction's condition."""
    moment = now()
    if call.status != "open" or shift.status == "cancelled":
        raise Refused("shift_cancelled", "This shift is cancelled.", {"shift_id": "cancelled"})
    if shift.ends_at <= moment:
        raise Refused("shift_ended", "This shift has ended.", {"shift_id": "ended"})
    if shift.starts_at <= moment:
        raise Refused("shift_started", "This shift has started.", {"shift_id": "started"})
    if user_id in (shift.people or set()):
        if before:
            return
        raise Refused("already_signed_up", "You are signed up for this shift already.",
                      {"shift_id": "signed up already"})
    if len(shift.people or ()) >= int(shift.needed):
        raise Refused("shift_full", "This shift has all the people it needs.", {"shift_id": "full"})


def _collided(error: Exception) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "TransactionConflict" for reason in reasons) or \
        getattr(error, "cause_response_code", None) == "TransactionConflictException"


def _same(signup: SignUpItem, came: bool, hours: float | None) -> bool:
    if came:
        return signup.attendance == "came" and float(signup.hours or 0) == float(hours or 0)
    return signup.attendance == "absent"


def _confirm(signup: SignUpItem, shift: ShiftItem, came: bool, hours: float | None) -> None:
    moment = now()
    actions = [SignUpItem.attendance.set("came" if came else "absent"), SignUpItem.confirmed_at.set(moment)]
    if came:
        actions.append(SignUpItem.hours.set(hours))
    try:
        with transaction() as t:
            t.update(signup, actions=actions, condition=SignUpItem.pk.exists() & SignUpItem.attendance.does_not_exist())
            if came:
                count_in_week(t, signup.neighbourhood_id, to_local(shift.starts_at, shift.zone),
                              volunteer_actions=1, volunteer_hours=hours)  # type: ignore[arg-type]
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise  # confirmed meanwhile by the same request retried: counted once


def _count_filled(call: CallItem, call_id: str, shift_id: str) -> None:
    """Once the shift has all it needs for the first time: `shifts_filled` 1 in the call's week counts."""
    shift = ShiftItem.get(*ShiftItem.key(call_id, shift_id), consistent_read=True)
    if shift.filled or len(shift.people or ()) < int(shift.needed):
        return
    try:
        with transaction() as t:
            t.update(shift, actions=[ShiftItem.filled.set(True)], condition=ShiftItem.filled.does_not_exist())
            count_in_week(t, call.neighbourhood_id, to_local(shift.starts_at, shift.zone), shifts_filled=1)
    except TransactWriteError as error:
        if not refused_conditions(error) and not _collided(error):
            raise

