"""Your data, prepared (GDPR articles 15 and 20): the export is assembled in the background, stored in S3
and downloaded from there, as large platforms do, so that no request reads everything a resident has.

1. `request_export` (POST /me/exports) writes the resident's export item by condition — one export at a
   time: while one asked for less than `COOLDOWN` ago exists (being prepared or ready), the request answers
   that one — and enqueues `{"kind": "export", "user_id", "export_id"}` on the urgent alerts' queue
   (chalicelib/alerts.py: the moments a resident waits on; in-process on the local and test stages).
2. The queue's reader (chalicelib/notifications/moments.py `export_ready`) calls your_data.py
   `prepare_export`: the document of `export_my_data`, unchanged, as JSON at
   `exports/<user_id>/<export_id>.json` (the id is 128 random bits: nobody guesses the key), the item marked
   ready until `KEPT_DAYS` later, the resident's earlier exports' objects deleted; then the email.
3. `latest_export` (GET /me/exports/latest) reads the item (one GetItem) and, when ready, signs a GET of the
   object valid `VIEW_SECONDS`: the browser downloads straight from S3.

The bucket's lifecycle rule `ExpireExports` (infra/template.py) deletes the objects after `KEPT_DAYS`; the
item says "expired" from then on and DynamoDB removes it `FORGET_DAYS` later. Erasing the account
(`erase_exports`) deletes the objects; the item goes with the `USER#` partition.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib import alerts
from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.config import get_settings
from chalicelib.errors import NotFound
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import Entity, condition_failed

PREFIX = "exports/"
KEPT_DAYS = 7  # the object's life; infra/template.py's lifecycle rule says the same
COOLDOWN = timedelta(hours=1)  # at most one new export per resident in this time
FORGET_DAYS = 30  # how long the item says "expired" before DynamoDB removes it
VIEW_SECONDS = 5 * 60
FILENAME = "noper-my-data.json"

ExportState = Literal["preparing", "ready", "expired"]


class ExportItem(Entity):
    """pk=USER#<user_id>, sk=EXPORT: the resident's latest export of their data. `status` preparing | ready;
    expired is read from `expires_at`. `session_id` is the session that asked (the export's `current` session)."""

    SK = "EXPORT"

    user_id = UnicodeAttribute()
    export_id = UnicodeAttribute()
    status = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    session_id = UnicodeAttribute(null=True)
    ready_at = UnicodeAttribute(null=True)
    expires_at = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", ExportItem.SK


class DataExport(Model):
    state: ExportState = Field(description="preparing: we email when it is ready; ready: download it until "
                                           "expires_at; expired: ask again")
    requested_at: str | None = None
    ready_at: str | None = None
    expires_at: str | None = None
    size: int | None = Field(None, description="bytes of the JSON document, when ready")
    download_url: str | None = Field(None, description=f"presigned GET, valid {VIEW_SECONDS // 60} minutes, when ready")


def object_key(user_id: str, export_id: str) -> str:
    return f"{PREFIX}{user_id}/{export_id}.json"


def request_export(principal: Principal) -> DataExport:
    """Ask for an export: a new one (enqueued), or the one asked for less than COOLDOWN ago."""
    user_id = principal.user_id or "-"
    at = now()
    item = ExportItem(*ExportItem.key(user_id), user_id=user_id, export_id=secrets.token_hex(16), status="preparing",
                      requested_at=at.isoformat(), session_id=getattr(principal.session, "session_id", None),
                      ttl=at + COOLDOWN + timedelta(days=KEPT_DAYS + FORGET_DAYS))
    try:
        item.save(condition=ExportItem.pk.does_not_exist()
                  | (ExportItem.requested_at < (at - COOLDOWN).isoformat()))
    except PutError as error:
        if not condition_failed(error):
            raise
        return export_state(ExportItem.get(*ExportItem.key(user_id), consistent_read=True))
    alerts.export_requested(user_id, item.export_id)
    logger.info("data export requested", user_id=user_id)
    return export_state(item)


def latest_export(principal: Principal) -> DataExport:
    """The resident's latest export, with a download link when it is ready: one read. NotFound when they never asked
    (or so long ago that it is forgotten)."""
    try:
        item = ExportItem.get(*ExportItem.key(principal.user_id or "-"))
    except DoesNotExist:
        raise NotFound("You have not asked for your data lately.", {"export": "none"}) from None
    return export_state(item)


def export_state(item: ExportItem) -> DataExport:
    state: ExportState = "preparing" if item.status != "ready" else (
        "ready" if item.expires_at and datetime.fromisoformat(item.expires_at) > now() else "expired")
    url = None
    if state == "ready":
        url = client("s3").generate_presigned_url("get_object", ExpiresIn=VIEW_SECONDS, Params={
            "Bucket": get_settings().uploads_bucket, "Key": object_key(item.user_id, item.export_id),
            "ResponseContentType": "application/json",
            "ResponseContentDisposition": f'attachment; filename="{FILENAME}"'})
    return DataExport(state=state, requested_at=item.requested_at, ready_at=item.ready_at, expires_at=item.expires_at,
                      size=int(item.size) if item.size is not None and state == "ready" else None, download_url=url)


def mark_ready(item: ExportItem, key: str, size: int) -> bool:
    """The job stored the document at `key`: the export is ready until KEPT_DAYS later and the resident's earlier
    exports' objects go. False (and the object deleted) when the account was erased or asked again meanwhile."""
    s3, bucket, ready = client("s3"), get_settings().uploads_bucket, now()
    try:
        item.update(actions=[ExportItem.status.set("ready"), ExportItem.ready_at.set(ready.isoformat()),
                             ExportItem.expires_at.set((ready + timedelta(days=KEPT_DAYS)).isoformat()),
                             ExportItem.size.set(size),
                             ExportItem.ttl.set(ready + timedelta(days=KEPT_DAYS + FORGET_DAYS))],
                    condition=ExportItem.export_id == item.export_id)
    except UpdateError as error:
        if not condition_failed(error):
            raise
        s3.delete_object(Bucket=bucket, Key=key)  # this one is nobody's now
        return False
    _delete_objects(item.user_id, keep=key)
    return True


def store(key: str, body: bytes) -> None:
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=body, ContentType="application/json",
                            ServerSideEncryption="AES256")


def pending_export(user_id: str, export_id: str) -> ExportItem | None:
    """The export this job prepares, unless the account was erased or asked again since (None then)."""
    try:
        item = ExportItem.get(*ExportItem.key(user_id), consistent_read=True)
    except DoesNotExist:
        return None
    return item if item.export_id == export_id else None


def erase_exports(user_id: str) -> None:
    """Erasing the account: every prepared export's object (the item goes with the USER# partition)."""
    _delete_objects(user_id, keep=None)


def _delete_objects(user_id: str, keep: str | None) -> None:
    s3, bucket = client("s3"), get_settings().uploads_bucket
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{PREFIX}{user_id}/"):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", []) if o["Key"] != keep]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
