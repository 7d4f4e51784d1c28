"""Your data (GDPR articles 15, 17, 20): everything Noper holds about a resident, as JSON (prepared in the
background and downloaded from S3: chalicelib/accounts/exports.py), and erasing the account.

Erasing removes personal data at once: the account, its email → account item and sign-in code,
every item of its `USER#<id>` partition (verification records, vouches received, vouch
counters, letter codes kept there), its sessions; vouches the resident gave stay (they verified
someone) but lose the voucher's id. What the resident wrote is removed or anonymised, as they
chose, by each registered content owner. A staff member's name leaves the commune's audit log (its
entries keep the account's id: chalicelib/communes/audit.py). The email may sign up again as a new account.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ConfigDict
from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import exports, signin
from chalicelib.accounts.content_owners import ContentChoice, content_owners
from chalicelib.accounts.models import EmailItem, Profile, SessionPublic, SignInCodeItem, UserItem
from chalicelib.accounts.pending import claimed_as_read, pending_entry
from chalicelib.accounts.service import load_user, profile_of
from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.communes.audit import forget_actor
from chalicelib.config import get_settings
from chalicelib.content.once import resident_left
from chalicelib.errors import Conflict
from chalicelib.neighbourhoods.models import count_household, count_member
from chalicelib.models import Model
from chalicelib.neighbours.models import VouchCounterItem, VouchItem
from chalicelib.neighbours.vouching import vouches_given, vouches_received
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.verification.models import VerificationItem
from chalicelib.store.table import condition_failed, refused_conditions, transaction


class ErasureQuery(Model):
    model_config = ConfigDict(extra="forbid")
    content: ContentChoice


class ExportedResidence(Model):
    address_id: str | None
    lau2: str | None
    neighbourhood_id: str | None
    status: str
    method: str | None
    verified_at: str | None


class ExportedVerification(Model):
    decision: str
    method: str
    by: str | None
    reason: str | None
    neighbourhood_id: str
    address_id: str
    at: str


class ExportedVouch(Model):
    neighbourhood_id: str
    created_at: str
    for_user_id: str | None = None  # vouches given: whom you vouched for


class AccountExport(Model):
    exported_at: str
    profile: Profile
    created_at: str
    residence: ExportedResidence
    verifications: list[ExportedVerification]
    sessions: list[SessionPublic]
    vouches_given: list[ExportedVouch]
    vouches_received: list[ExportedVouch]
    vouches_given_per_month: dict[str, int]
    content: dict[str, Any]


def export_my_data(user_id: str, current_session_id: str | None = None) -> AccountExport:
    """The whole document; `current_session_id` is the session that asked (its `current` is true). Assembled by
    the export's background job (chalicelib/accounts/exports.py), never in a request: it reads every concern."""
    user = load_user(user_id)
    partition = f"USER#{user.user_id}"
    return AccountExport(
        exported_at=now().isoformat(),
        profile=profile_of(user),
        created_at=user.created_at.isoformat(),
        residence=ExportedResidence(
            address_id=user.address_id, lau2=user.lau2, neighbourhood_id=user.neighbourhood_id,
            status=user.residence_status, method=user.residence_method,
            verified_at=user.verified_at.isoformat() if user.verified_at else None,
        ),
        verifications=[
            ExportedVerification(
                decision=v.decision, method=v.method, reason=v.reason, neighbourhood_id=v.neighbourhood_id,
                address_id=v.address_id, at=v.at.isoformat(),
                # neighbours who vouched are their own data: say how many, not who
                by=f"{len(v.by.split(','))} neighbours" if v.method == "vouches" and v.by else v.by,
            )
            for v in VerificationItem.query(partition, VerificationItem.sk.startswith(VerificationItem.PREFIX))
        ],
        sessions=[
            SessionPublic(id=s.session_id, device=s.device, created_at=s.created_at.isoformat(),
                          last_seen_at=s.last_seen_at.isoformat(), current=s.session_id == current_session_id)
            for s in signin.sessions_of(user.user_id)
        ],
        vouches_given=[
            ExportedVouch(neighbourhood_id=v.neighbourhood_id, created_at=v.created_at.isoformat(), for_user_id=v.candidate_id)
            for v in vouches_given(user.user_id)
        ],
        vouches_received=[
            ExportedVouch(neighbourhood_id=v.neighbourhood_id, created_at=v.created_at.isoformat())
            for v in vouches_received(user.user_id)
        ],
        vouches_given_per_month={
            c.sk.removeprefix("VOUCHCOUNT#"): int(c.given)
            for c in VouchCounterItem.query(partition, VouchCounterItem.sk.startswith("VOUCHCOUNT#"))
        },
        content={owner.name: owner.export(user.user_id) for owner in content_owners()},
    )


def prepare_export(user_id: str, export_id: str) -> bool:
    """The export queue's job (chalicelib/accounts/exports.py): this document as JSON, stored in S3, the export
    marked ready. False when there is nothing (more) to do: the account was erased or asked again since.
    Idempotent: a retried job finds it ready and answers True (its email is sent once, by marker)."""
    item = exports.pending_export(user_id, export_id)
    if item is None:
        return False
    if item.status == "ready":
        return True
    body = json.dumps(export_my_data(user_id, item.session_id).model_dump(mode="json"), ensure_ascii=False,
                      indent=2).encode()
    key = exports.object_key(user_id, export_id)
    exports.store(key, body)
    prepared = exports.mark_ready(item, key, len(body))
    logger.info("data export prepared", user_id=user_id, size=len(body), prepared=prepared)
    return prepared


def erase_my_account(principal: Principal, content: ContentChoice) -> None:
    user = load_user(principal.user_id)
    for owner in content_owners():  # first, while the account still exists: a failure can be retried
        owner.erase(user.user_id, content)
    for given in vouches_given(user.user_id):
        try:  # never recreate a vouch its pending neighbour's own erasure removed meanwhile
            given.update(actions=[VouchItem.voucher_id.remove(), VouchItem.gsi1pk.remove(), VouchItem.gsi1sk.remove()],
                         condition=VouchItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
    signin.close_all_sessions(user.user_id)
    forget_actor(user.user_id)  # their name on the commune's audit log; again below, for a decision in flight
    exports.erase_exports(user.user_id)  # the objects; the export's item goes with the partition
    _delete_partition(f"USER#{user.user_id}", keep="PROFILE")
    SignInCodeItem(*SignInCodeItem.key(user.email)).delete()
    _delete_account(user)
    forget_actor(user.user_id)  # an entry written meanwhile read the account's name before it went
    logger.info("account erased", user_id=user.user_id, content=content)


def _delete_account(user: UserItem) -> None:
    """The account and its email together (the email may sign up afresh); a verified resident's neighbourhood
    counts one member fewer, a pending resident leaves the commune's index of pending residents, in the same
    transaction, on the condition that they are still what was read."""
    counted = True
    for _attempt in range(6):
        verified = user.residence_status == "verified" and bool(user.lau2 and user.neighbourhood_id)
        pending = user.residence_status == "pending"
        condition = None
        if verified:
            condition = (UserItem.residence_status == user.residence_status) \
                & (UserItem.neighbourhood_id == (user.neighbourhood_id or "-"))
        elif pending:
            condition = (UserItem.residence_status == "pending") & claimed_as_read(user)
        try:
            with transaction() as writes:
                writes.delete(EmailItem(*EmailItem.key(user.email)))
                writes.delete(user, condition=condition)
                if verified and counted:  # refused only when the neighbourhood is no longer published
                    count_member(writes, user.lau2 or "-", user.neighbourhood_id or "-", -1)
                if pending:
                    writes.delete(pending_entry(user))
                if verified and counted:
                    resident_left(writes, user.neighbourhood_id or "-")  # last: an update
            if verified and counted:
                count_household(user.lau2 or "-", user.neighbourhood_id or "-", user.address_id, -1)
            return
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if not refused:
                raise
            if 1 in refused:  # verified, moved or claimed meanwhile: read again
                user = load_user(user.user_id)
            else:
                counted = False
    raise Conflict("Your account changed meanwhile: try again.", {"user_id": "changed meanwhile"})


def _delete_partition(pk: str, keep: str) -> None:
    dynamodb, table = client("dynamodb"), get_settings().table_name
    keys = [
        key
        for page in dynamodb.get_paginator("query").paginate(
            TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}},
            ProjectionExpression="pk, sk", ConsistentRead=True)
        for key in page["Items"] if key["sk"]["S"] != keep
    ]
    for start in range(0, len(keys), 25):
        request = {table: [{"DeleteRequest": {"Key": key}} for key in keys[start:start + 25]]}
        while request:
            request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems") or None
