"""Marking a resident verified, whichever way (letter code, two neighbours vouching, commune staff).

One transaction sets the account verified and writes the verification record beside it
(`chalicelib.verification.models.VerificationItem`, the audit trail) and counts one member more on
the neighbourhood's item, on the condition that the
resident is still pending at the same address: two ways finishing at the same moment verify
once, and the loser is told (`Conflict`). The copy in the commune's index of pending residents goes in the same
transaction. The resident is then emailed (chalicelib/notifications/moments.py).
"""

from __future__ import annotations

import time
from typing import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import alerts
from chalicelib.accounts.models import UserItem
from chalicelib.accounts.pending import claimed_as_read, pending_entry
from chalicelib.accounts.signin import keep_sessions_in_step
from chalicelib.adapters.clock import now
from chalicelib.content.once import resident_verified
from chalicelib.errors import Conflict, NoperError
from chalicelib.neighbourhoods.models import count_household, count_member
from chalicelib.observability import logger
from chalicelib.store.table import transaction
from chalicelib.verification.models import VerificationItem

METHODS = ("letter", "vouches", "staff")
TRIES = 6  # transactions refused for colliding with another (TransactionConflict) are retried


def verify_resident(user: UserItem, method: str, by: str, *, also: Callable[[TransactWrite], None] | None = None,
                    also_refused: NoperError | None = None) -> None:
    """Verify `user`'s pending residence (as loaded). Conflict when it is no longer pending there.

    `also` adds writes to the same transaction (a letter code counts its use); when one of them is
    refused on its condition, `also_refused` is raised. Transactions that collide are retried."""
    if method not in METHODS:
        raise ValueError(f"unknown verification method {method!r}")
    counted = True  # the neighbourhood's member count, in the same transaction (third write)
    for attempt in range(TRIES):
        try:
            _verify_once(user, method, by, also, counted)
            return
        except TransactWriteError as error:
            reasons = [getattr(reason, "code", None) for reason in error.cancellation_reasons or []]
            if "TransactionConflict" in reasons and attempt + 1 < TRIES:
                time.sleep(0.02 * (attempt + 1))
                continue
            if counted and reasons[2:3] == ["ConditionalCheckFailed"] and attempt + 1 < TRIES:
                counted = False  # the neighbourhood is no longer published: nothing to count
                continue
            if also_refused is not None and "ConditionalCheckFailed" in reasons[2 + counted:]:
                raise also_refused from error
            raise Conflict("This resident is no longer pending at this address.", {"user_id": "not pending"}) from error


def _verify_once(user: UserItem, method: str, by: str, also: Callable[[TransactWrite], None] | None,
                 counted: bool) -> None:
    stamp = now()
    record = VerificationItem(
        *VerificationItem.key(user.user_id, stamp.isoformat()),
        gsi1pk=VerificationItem.commune_key(user.lau2 or "-"), gsi1sk=f"{stamp.isoformat()}#{user.user_id}",
        user_id=user.user_id, lau2=user.lau2 or "", neighbourhood_id=user.neighbourhood_id or "",
        address_id=user.address_id or "", decision="approved", method=method, by=by, at=stamp,
    )
    with transaction() as writes:
        writes.update(
            user,
            actions=[
                UserItem.residence_status.set("verified"),
                UserItem.residence_method.set(method),
                UserItem.verified_at.set(stamp),
                UserItem.gsi1sk.set(f"verified#{user.user_id}"),
            ],
            condition=(UserItem.residence_status == "pending")
            & (UserItem.neighbourhood_id == (user.neighbourhood_id or "-"))
            & (UserItem.address_id == (user.address_id or "-")) & claimed_as_read(user),
        )
        writes.save(record, condition=VerificationItem.pk.does_not_exist())
        if counted:
            count_member(writes, user.lau2 or "-", user.neighbourhood_id or "-", 1)
        if also:
            also(writes)
        writes.delete(pending_entry(user))  # out of the commune's index of pending residents
        if counted:
            resident_verified(writes, user.user_id, user.neighbourhood_id or "-", stamp)  # last: updates only
    if counted:
        count_household(user.lau2 or "-", user.neighbourhood_id or "-", user.address_id, 1)
    user.residence_status, user.residence_method, user.verified_at = "verified", method, stamp
    user.gsi1sk = f"verified#{user.user_id}"
    keep_sessions_in_step(user.user_id)
    logger.info("resident verified", user_id=user.user_id, method=method, neighbourhood_id=user.neighbourhood_id)

    alerts.residence_decided(user.user_id, stamp.isoformat())
