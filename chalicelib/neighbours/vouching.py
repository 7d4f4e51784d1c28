"""Two neighbours vouching: verified residents of two different households (address ids) who vouch
for a pending resident of their neighbourhood verify them (method "vouches").

Each vouch is one transaction: the voucher's monthly counter (atomic ADD, at most
VOUCHES_PER_MONTH) and the vouch item (attribute_not_exists: once per voucher). Then the
resident's vouches are read (strongly consistent) and, with two households, `verify_resident`
verifies on condition the resident is still pending: two concurrent vouches verify exactly once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.service import load_user
from chalicelib.accounts.signin import keep_sessions_in_step
from chalicelib.accounts.verification import verify_resident
from chalicelib.adapters.clock import LUXEMBOURG, now
from chalicelib.addresses.store import address_key
from chalicelib.communes.service import fold
from chalicelib.errors import Conflict, NotFound, RateLimited
from chalicelib.neighbours.models import (
    PendingList, PendingNeighbour, VouchCounterItem, VouchItem, VouchResult,
)
from chalicelib.neighbours.service import residents
from chalicelib.observability import logger
from chalicelib.policy import Principal, not_own_case
from chalicelib.store.table import condition_failed, read_items, transaction

VOUCHES_PER_MONTH = 5
HOUSEHOLDS_NEEDED = 2


def pending_neighbours(principal: Principal, neighbourhood_id: str) -> PendingList:
    """Pending residents as a verified neighbour may see them: name and street, no number, no email.
    One Query of the pending residents: each says who vouched for it, my month's vouches come with my session
    (who I am and my household too). Read besides, in one BatchGetItem, only what older items lack: the
    addresses of residents who claimed before the street came with them, my vouch for candidates without
    `vouchers` (claimed before accounts listed them), my month's counter for a session without the count."""
    me = principal.user_id or "-"
    pending = residents(neighbourhood_id, "pending")
    month = _month(now())[0]
    counted = _given_on_session(principal, month)
    counter = VouchCounterItem.key(me, month)
    addresses = {user.address_id: address_key(user.address_id) for user in pending if user.address_id and user.street is None}
    keys = [*((a["pk"]["S"], a["sk"]["S"]) for a in addresses.values()),
            *(VouchItem.key(user.user_id, me) for user in pending if not _lists_vouchers(user))]
    if counted is None:
        keys.append(counter)
    found = read_items(keys) if keys else {}
    streets = {address_id: found[(key["pk"]["S"], key["sk"]["S"])]["street"]["S"]
               for address_id, key in addresses.items() if (key["pk"]["S"], key["sk"]["S"]) in found}
    given = counted if counted is not None else \
        int(found[counter]["given"]["N"]) if counter in found and "given" in found[counter] else 0
    listed = [
        PendingNeighbour(
            id=user.user_id, display_name=user.shown_name(),
            street=user.street if user.street is not None else streets.get(user.address_id or "", ""),
            vouched_by_me=me in (user.vouchers or ()) if _lists_vouchers(user) else VouchItem.key(user.user_id, me) in found,
            same_household=user.address_id == principal.address_id,
        )
        for user in pending
    ]
    return PendingList(pending=sorted(listed, key=lambda p: (fold(p.display_name), p.id)),
                       vouches_left_this_month=max(0, VOUCHES_PER_MONTH - given))


def _lists_vouchers(user: UserItem) -> bool:
    """Whether the account says who vouched for it: it claimed since accounts do, or was given them."""
    return user.vouchers is not None or bool(user.vouchers_listed)


def _given_on_session(principal: Principal, month: str) -> int | None:
    """My vouches this month as my session carries them (kept in step by each vouch); None: not carried."""
    session = principal.session
    if session is None or getattr(session, "synced_at", None) is None:
        return None
    if getattr(session, "vouches_month", None) != month:
        return 0  # none this month (or none since vouches were counted on the account: `./noper copy-vouches`)
    return int(session.vouches_in_month or 0)


def vouch(principal: Principal, neighbourhood_id: str, candidate_id: str) -> VouchResult:
    voucher = load_user(principal.user_id)
    if voucher.residence_status != "verified" or voucher.neighbourhood_id != neighbourhood_id:
        raise NotFound("No such neighbourhood content.", {"neighbourhood_id": "not found"})
    # Nobody vouches for themselves nor for their own household (the voucher's address as stored now).
    not_own_case("neighbourhood.vouch", replace(principal, address_id=voucher.address_id), [candidate_id])
    candidate = _pending_in(neighbourhood_id, candidate_id)
    not_own_case("neighbourhood.vouch", replace(principal, address_id=voucher.address_id), [],
                 household=candidate.address_id)
    stamp = now()
    month, month_end = _month(stamp)
    counter = VouchCounterItem(*VouchCounterItem.key(voucher.user_id, month))
    item = VouchItem(
        *VouchItem.key(candidate.user_id, voucher.user_id),
        gsi1pk=VouchItem.given_key(voucher.user_id), gsi1sk=stamp.isoformat(),
        candidate_id=candidate.user_id, candidate_address_id=candidate.address_id or "",
        voucher_id=voucher.user_id, household=voucher.address_id or "", neighbourhood_id=neighbourhood_id,
        created_at=stamp,
    )
    if voucher.vouches_month == month:
        mine = ([UserItem.vouches_in_month.add(1)], UserItem.vouches_month == month)
    else:
        mine = ([UserItem.vouches_month.set(month), UserItem.vouches_in_month.set(1)],
                UserItem.vouches_month.does_not_exist() | (UserItem.vouches_month != month))
    try:
        with transaction() as writes:
            writes.update(
                counter,
                actions=[VouchCounterItem.given.add(1), VouchCounterItem.ttl.set(month_end + timedelta(days=35))],
                condition=VouchCounterItem.given.does_not_exist() | (VouchCounterItem.given < VOUCHES_PER_MONTH),
            )
            writes.save(item, condition=VouchItem.pk.does_not_exist())
            writes.update(voucher, actions=mine[0], condition=mine[1])  # my month's count, for my sessions
            writes.update(candidate, actions=[UserItem.vouchers.add({voucher.user_id})],  # on the pending list
                          condition=(UserItem.residence_status == "pending")
                          & (UserItem.neighbourhood_id == neighbourhood_id)
                          & (UserItem.address_id == (candidate.address_id or "-")))
    except TransactWriteError as error:
        # PynamoDB sends condition checks, deletes, puts, then updates: [vouch put, counter, voucher, candidate].
        failed = [getattr(reason, "code", None) == "ConditionalCheckFailed" for reason in error.cancellation_reasons or ()]
        if len(failed) == 4 and failed[0]:
            raise Conflict("You already vouched for this neighbour.", {"user_id": "already vouched"}) from None
        if len(failed) == 4 and failed[3]:
            raise NotFound("No pending neighbour with this id here.", {"user_id": "not pending here"}) from None
        if len(failed) == 4 and failed[2]:
            raise Conflict("Another vouch of yours is being recorded: try again.", {"user_id": "busy"}) from None
        if len(failed) == 4 and failed[1]:
            raise RateLimited(f"You can vouch {VOUCHES_PER_MONTH} times a month.",
                              retry_after=max(1, int((month_end - stamp).total_seconds()))) from None
        if any(getattr(reason, "code", None) == "TransactionConflict" for reason in error.cancellation_reasons or ()):
            raise Conflict("Another vouch of yours is being recorded: try again.", {"user_id": "busy"}) from None
        raise
    keep_sessions_in_step(voucher.user_id)  # my month's count on each of my sessions
    logger.info("vouched", candidate_id=candidate.user_id, neighbourhood_id=neighbourhood_id)
    return _verify_if_vouched(candidate.user_id)


def copy_vouches_onto_accounts() -> int:
    """Once, after upgrading (#16, `./noper copy-vouches`): each pending candidate's vouchers (vouches at their
    present address) and each voucher's count of this month onto their accounts, then onto the voucher's
    sessions. A Scan: an operator's one-off; idempotent. Answers how many accounts it wrote."""
    month, written = _month(now())[0], 0
    for vouch in VouchItem.scan(VouchItem.sk.startswith(VouchItem.PREFIX) & VouchItem.voucher_id.exists()):
        try:
            UserItem(*UserItem.key(vouch.candidate_id)).update(
                actions=[UserItem.vouchers.add({vouch.voucher_id})],
                condition=(UserItem.residence_status == "pending") & (UserItem.address_id == vouch.candidate_address_id))
            written += 1
        except UpdateError as error:
            if not condition_failed(error):
                raise
    for user in UserItem.scan((UserItem.sk == "PROFILE") & (UserItem.residence_status == "pending")
                              & UserItem.vouchers_listed.does_not_exist()):
        try:  # its vouchers, if any, were copied above
            user.update(actions=[UserItem.vouchers_listed.set(True)], condition=UserItem.residence_status == "pending")
            written += 1
        except UpdateError as error:
            if not condition_failed(error):
                raise
    for counter in VouchCounterItem.scan(VouchCounterItem.sk == VouchCounterItem.key("-", month)[1]):
        voucher_id = counter.pk.split("#", 1)[1]
        try:
            UserItem(*UserItem.key(voucher_id)).update(
                actions=[UserItem.vouches_month.set(month), UserItem.vouches_in_month.set(int(counter.given))],
                condition=UserItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        keep_sessions_in_step(voucher_id)
        written += 1
    return written


def vouches_given(user_id: str) -> list[VouchItem]:
    return list(VouchItem.by_voucher.query(VouchItem.given_key(user_id)))


def vouches_received(user_id: str, consistent: bool = False) -> list[VouchItem]:
    return list(VouchItem.query(f"USER#{user_id}", VouchItem.sk.startswith(VouchItem.PREFIX), consistent_read=consistent))


def _verify_if_vouched(candidate_id: str) -> VouchResult:
    households: set[str] = set()
    for _ in range(3):  # a lost race is retried on fresh reads
        try:
            candidate = UserItem.get(*UserItem.key(candidate_id), consistent_read=True)
        except DoesNotExist:
            raise NotFound("No such pending neighbour.", {"user_id": "not pending here"}) from None
        if candidate.residence_status != "pending":
            status = "verified" if candidate.residence_status == "verified" else "pending"
            return VouchResult(user_id=candidate_id, status=status, households_vouching=len(households))
        valid = [
            v for v in vouches_received(candidate_id, consistent=True)
            if v.voucher_id and v.neighbourhood_id == candidate.neighbourhood_id
            and v.candidate_address_id == candidate.address_id and v.household != candidate.address_id
        ]
        households = {v.household for v in valid}
        if len(households) < HOUSEHOLDS_NEEDED:
            return VouchResult(user_id=candidate_id, status="pending", households_vouching=len(households))
        try:
            verify_resident(candidate, "vouches", ",".join(sorted(v.voucher_id for v in valid)))  # type: ignore[misc]
            return VouchResult(user_id=candidate_id, status="verified", households_vouching=len(households))
        except Conflict:
            continue
    raise Conflict("The neighbour's residence changed meanwhile: try again.", {"user_id": "changed"})


def _pending_in(neighbourhood_id: str, candidate_id: str) -> UserItem:
    try:
        candidate = UserItem.get(*UserItem.key(candidate_id))
    except DoesNotExist:
        candidate = None
    if candidate is None or candidate.residence_status != "pending" or candidate.neighbourhood_id != neighbourhood_id:
        raise NotFound("No pending neighbour with this id here.", {"user_id": "not pending here"})
    return candidate


def _month(stamp: datetime) -> tuple[str, datetime]:
    """The Luxembourg calendar month of a moment ("2025-03") and when it ends."""
    local = stamp.astimezone(LUXEMBOURG)
    first_of_next = (local.replace(day=28) + timedelta(days=4)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return local.strftime("%Y-%m"), first_of_next
