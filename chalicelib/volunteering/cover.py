"""Find cover (issue #12, "what volunteers and organisers ask for elsewhere"): the organisers of a call (its resident
organisers, or its publisher through the link) ask Noper to find people for a coming shift short of people (one
signed up fewer than needed, someone withdrew). Noper picks, among the residents of the neighbourhoods the call
reaches, those who offer a skill the call wants (any skill when it wants none: they said they are glad to help),
who are not signed up for it, whom no block stands between with a resident organiser (either way), who have no
shift of theirs at that time (their sign-up ledger, ledger.py) and who want emails about volunteering; at most
`MAX_CONTACTED` of them, the call's own neighbourhood first, then in a random order. Each gets one email with the
shift and a link to sign up (a `noper-alerts` job `cover`: chalicelib/notifications/moments.py `cover_wanted`, marker
`VCOVER#<call>#<shift>#<asked>#<user>`).

It cannot spam: once per shift per `EVERY` (a conditional write of the shift's `cover_asked_at`; asked again too
soon: 409 `cover_asked_recently`; an ask that finds nobody writes nothing), at most `PER_HOUR` asks per organiser or link (429), and nobody is asked twice
for the same shift. The organisers learn a count only: whom Noper wrote to stays in the `CoverItem`, never shown.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Callable

from pydantic import Field
from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError

from chalicelib import alerts
from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.errors import Refused
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.ratelimit import limit
from chalicelib.store.table import Entity, read_items, refused_conditions, transaction
from chalicelib.volunteering import ledger, service
from chalicelib.volunteering.models import CallItem, ShiftItem
from chalicelib.volunteering.offers import HelperItem

EVERY = timedelta(hours=24)  # one ask per shift in this time
MAX_CONTACTED = 15  # people written to per ask
PER_HOUR = 10  # asks per organiser (or link) an hour, over every call
MAX_LOOKED_AT = 200  # candidates of one neighbourhood looked at, at most
CHUNK = 25  # candidates whose time and choices are read at once
KEPT = timedelta(days=400)  # a shift starts at most a year ahead


class CoverAsked(Model):
    contacted: int = Field(description="how many neighbours Noper wrote to (never who)")
    again_after: datetime = Field(description="when cover may be asked again for this shift")


class CoverItem(Entity):
    """One ask for cover: pk `VCALL#<call id>`, sk `VCOVER#<shift id>#<asked UTC>` (after the call's shifts and
    sign-ups: outside their Queries). `people`: whom Noper writes to (read by the job, never shown)."""

    call_id = UnicodeAttribute()
    shift_id = UnicodeAttribute()
    asked_at = UTCDateTimeAttribute()
    people = UnicodeSetAttribute(null=True)

    @staticmethod
    def key(call_id: str, shift_id: str, stamp: str) -> tuple[str, str]:
        return f"VCALL#{call_id}", f"VCOVER#{shift_id}#{stamp}"


def find_cover(principal: Principal, call_id: str, shift_id: str, wants_emails: Callable[[UserItem], bool]) -> CoverAsked:
    """`wants_emails`: does a resident want emails about volunteering (their notification choices: app.py passes
    chalicelib/notifications/settings.py's, a concern above this one)."""
    call, shifts = service.organised(principal, call_id)
    shift = service.coming_shift(shifts, shift_id)
    if call.status != "open":
        raise Refused("call_not_open", "The call is not open to volunteers.", {"call_id": call.status})
    if len(shift.people or ()) >= int(shift.needed):
        raise Refused("shift_full", "This shift has all the people it needs.", {"shift_id": "full"})
    moment = now()
    if shift.cover_asked_at is not None and shift.cover_asked_at > moment - EVERY:
        raise _too_soon(shift.cover_asked_at)
    who = principal.user_id or (principal.publisher_link.link_id if principal.publisher_link else "-")
    limit("volunteering.cover", who, PER_HOUR, window_seconds=3600)
    people = _candidates(call, shift, _asked_before(call_id, shift_id), wants_emails)
    if not people:  # nobody to write to: nothing asked, the organisers may try again once neighbours offer more
        logger.info("cover asked, nobody found", call_id=call_id, shift_id=shift_id)
        return CoverAsked(contacted=0, again_after=moment)
    stamp = moment.strftime(ledger.STAMP)
    try:
        with transaction() as t:
            t.update(shift, actions=[ShiftItem.cover_asked_at.set(moment)],
                     condition=ShiftItem.cover_asked_at.does_not_exist() | (ShiftItem.cover_asked_at <= moment - EVERY))
            t.save(CoverItem(*CoverItem.key(call_id, shift_id, stamp), call_id=call_id, shift_id=shift_id,
                             asked_at=moment, people=set(people), ttl=moment + KEPT))
    except TransactWriteError as error:
        if refused_conditions(error):
            fresh = ShiftItem.get(*ShiftItem.key(call_id, shift_id), consistent_read=True)
            raise _too_soon(fresh.cover_asked_at or moment) from None
        raise
    alerts.cover_wanted(call_id, shift_id, stamp)
    logger.info("cover asked", call_id=call_id, shift_id=shift_id, contacted=len(people))
    return CoverAsked(contacted=len(people), again_after=moment + EVERY)


def _too_soon(asked_at: datetime) -> Refused:
    return Refused("cover_asked_recently",
                   f"Cover was asked for this shift less than 24 hours ago; ask again after {(asked_at + EVERY).isoformat()}.",
                   {"shift_id": "cover asked less than 24 hours ago"})


def _asked_before(call_id: str, shift_id: str) -> set[str]:
    """Whom earlier asks for this shift wrote to: nobody twice."""
    found: set[str] = set()
    for item in CoverItem.query(f"VCALL#{call_id}", CoverItem.sk.startswith(f"VCOVER#{shift_id}#")):
        found |= set(item.people or ())
    return found


def _candidates(call: CallItem, shift: ShiftItem, asked_before: set[str],
                wants_emails: Callable[[UserItem], bool]) -> list[str]:
    """Whom to write to, at most MAX_CONTACTED (see the module)."""
    wanted = set(call.skills or ())
    organisers = set(call.organisers or ())
    left_out = set(shift.people or ()) | organisers | asked_before
    home = [call.neighbourhood_id] if call.neighbourhood_id in (call.reaches or []) else []
    others = [n for n in call.reaches or [] if n not in home]
    random.shuffle(others)
    picked: list[str] = []
    for neighbourhood_id in home + others:
        found = _helpers(neighbourhood_id, wanted, organisers, left_out)
        random.shuffle(found)
        left_out |= set(found)
        picked += _free_and_willing(found, shift, MAX_CONTACTED - len(picked), wants_emails)
        if len(picked) >= MAX_CONTACTED:
            break
    return picked


def _helpers(neighbourhood_id: str, wanted: set[str], organisers: set[str], left_out: set[str]) -> list[str]:
    """The neighbourhood's directory (one Query; the wanted skills' entries only when there are few)."""
    found: dict[str, None] = {}
    if wanted and len(wanted) <= 3:
        queries = [HelperItem.sk.startswith(f"{skill}#") for skill in sorted(wanted)]
    else:
        queries = [None]
    for condition in queries:
        for item in HelperItem.query(HelperItem.partition(neighbourhood_id), condition, limit=MAX_LOOKED_AT):
            if wanted and item.skill not in wanted:
                continue
            if item.user_id in left_out or organisers & set(item.blocked_with or ()):
                continue
            found[item.user_id] = None
    return list(found)[:MAX_LOOKED_AT]


def _free_and_willing(people: list[str], shift: ShiftItem, room: int,
                      wants_emails: Callable[[UserItem], bool]) -> list[str]:
    """Those with no shift at that time who want emails about volunteering: their ledgers and profiles, a BatchGetItem
    of `CHUNK` people at a time, until `room` are found."""
    chosen: list[str] = []
    for start in range(0, len(people) if room > 0 else 0, CHUNK):
        some = people[start:start + CHUNK]
        found = read_items([ledger.SignUpLedgerItem.key(p) for p in some] + [UserItem.key(p) for p in some],
                           consistent=True)
        for person in some:
            raw_user = found.get(UserItem.key(person))
            if raw_user is None or not wants_emails(UserItem.from_raw_data(raw_user)):
                continue
            raw_ledger = found.get(ledger.SignUpLedgerItem.key(person))
            spans = (set(ledger.SignUpLedgerItem.from_raw_data(raw_ledger).spans or ()) if raw_ledger is not None
                     else ledger.read(person)[1])  # none made yet: from their sign-ups
            if ledger.clash_in(spans, shift.starts_at, shift.ends_at) is not None:
                continue
            chosen.append(person)
            if len(chosen) == room:
                return chosen
    return chosen
