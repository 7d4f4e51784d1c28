"""Address imports by commune staff: upload the register file to S3, the upload is imported, the
status shows progress and the report.

1. `start_import` records a waiting import and returns a presigned POST for
   `incoming/addresses/<lau2>/<import_id>.csv`.
2. S3 tells EventBridge "Object Created"; app.py's handler calls `import_uploaded_file`
   (locally ops/local_events.py stands in for EventBridge and calls the same handler).
3. `import_status` reads the import's progress and report.

An upload that would retire more than 10 % of the commune's addresses writes nothing: its status is
`needs_confirmation` (with `would_retire` of `active_before`) and its file stays where it was uploaded
(`incoming/` expires after 7 days). `confirm_import` (a commune admin's confirmation) sets it waiting
again with `allow_retire` and drops an empty marker `incoming/addresses/<lau2>/<import_id>.confirmed`,
whose "Object Created" event runs the same handler on the same stored file, retiring allowed.
An import that stops midway (`ImportInterrupted`) fails with a message naming the line: uploading the
same file again completes it (importer.py: resumable).
"""

from __future__ import annotations

import re
import secrets
import time

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.addresses.importer import ImportInterrupted, ImportReport, RetirementNeedsConsent, import_addresses
from chalicelib.addresses.models import (
    MAX_UPLOAD_BYTES, REFUSED_KEPT, AddressImportItem, AddressImportList, AddressImportReport, AddressImportRequest,
    AddressImportStarted, PresignedUpload,
)
from chalicelib.addresses.register import InvalidRegister
from chalicelib.communes import audit
from chalicelib.communes.service import get_commune
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, NotFound, TooLarge
from chalicelib.observability import logger
from chalicelib.store.table import table_connection
from chalicelib.uploads import UploadTooLarge, delete_upload, presigned_post, put_object, read_upload

UPLOAD_PREFIX = "incoming/addresses/"
UPLOAD_KEY = re.compile(
    r"^incoming/addresses/(?P<lau2>\d{4})/(?P<import_id>\d{14}[0-9a-f]{8})\.(?P<kind>csv|confirmed)$")
LATEST = 20
COMMUNE_SK = "COMMUNE"  # the commune's own item (chalicelib/communes/models.py)
PROGRESS_SECONDS = 2.0  # how often a running import writes its progress


def upload_key(lau2: str, import_id: str) -> str:
    return f"{UPLOAD_PREFIX}{lau2}/{import_id}.csv"


def confirmation_key(lau2: str, import_id: str) -> str:
    return f"{UPLOAD_PREFIX}{lau2}/{import_id}.confirmed"


def start_import(lau2: str, request: AddressImportRequest, by: str | None = None) -> AddressImportStarted:
    if request.size > MAX_UPLOAD_BYTES:
        raise TooLarge(f"The file is {request.size} bytes; at most {MAX_UPLOAD_BYTES} are accepted.",
                       {"size": f"at most {MAX_UPLOAD_BYTES} bytes"})
    get_commune(lau2)
    stamp = now()
    import_id = f"{stamp:%Y%m%d%H%M%S}{secrets.token_hex(4)}"
    AddressImportItem(*AddressImportItem.key(lau2, import_id), lau2=lau2, import_id=import_id,
                      filename=request.filename, size=request.size, status="waiting", created_at=stamp).save()
    upload = presigned_post(upload_key(lau2, import_id), MAX_UPLOAD_BYTES)
    audit.record(lau2, "address_import_started", by, "address_import", import_id, request.filename)
    logger.info("address import started", lau2=lau2, import_id=import_id, size=request.size)
    return AddressImportStarted(import_id=import_id, upload=PresignedUpload(**upload), max_bytes=MAX_UPLOAD_BYTES)


def import_status(lau2: str, import_id: str) -> AddressImportReport:
    return _load(lau2, import_id).report()


def latest_imports(lau2: str) -> AddressImportList:
    """One Query, newest first, from the commune's own item (`sk=COMMUNE`, 404 when missing) down through its
    imports (`ADDRESS_IMPORT#…`): nothing of the commune's partition sorts between the two."""
    pk, prefix = AddressImportItem.key(lau2, "")
    page = table_connection().query(pk, range_key_condition=AddressImportItem.sk.between(prefix, COMMUNE_SK),
                                    scan_index_forward=False, limit=LATEST + 1)
    found = page.get("Items", [])
    if not found or found[0]["sk"]["S"] != COMMUNE_SK:
        raise NotFound(f"No commune {lau2} on Noper.", {"lau2": "unknown commune"})
    return AddressImportList(imports=[AddressImportItem.from_raw_data(raw).summary() for raw in found
                                      if raw["sk"]["S"].startswith(prefix)])


def confirm_import(lau2: str, import_id: str, by: str | None = None) -> AddressImportReport:
    """An admin confirms the retirements of an import that needs it: the stored file is imported again,
    retiring allowed. Confirming twice is harmless (the marker is dropped again, the import runs once)."""
    job = _load(lau2, import_id)
    waiting_confirmed = (AddressImportItem.status == "waiting") & (AddressImportItem.allow_retire == True)  # noqa: E712
    try:
        job.update(actions=[AddressImportItem.status.set("waiting"), AddressImportItem.allow_retire.set(True)],
                   condition=(AddressImportItem.status == "needs_confirmation") | waiting_confirmed)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Conflict(f"Import {import_id} does not wait for a confirmation (it is {job.status}).",
                       {"import_id": f"import is {job.status}"}) from None
    put_object(confirmation_key(lau2, import_id), b"")
    audit.record(lau2, "address_import_confirmed", by, "address_import", import_id,
                 f"retire {int(job.would_retire or 0)} of {int(job.active_before or 0)} addresses")
    logger.info("address import confirmed", lau2=lau2, import_id=import_id, would_retire=job.would_retire)
    return job.report()


def import_uploaded_file(bucket: str, key: str) -> str:
    """Import one uploaded register file (or the file of a confirmed import); returns what happened.
    Safe to call twice for one upload."""
    match = UPLOAD_KEY.match(key)
    if bucket != get_settings().uploads_bucket or not match:
        return "ignored"
    lau2, import_id = match["lau2"], match["import_id"]
    if match["kind"] == "confirmed":
        delete_upload(bucket, key)  # the marker has done its work: the event
    file_key = upload_key(lau2, import_id)
    try:
        job = _load(lau2, import_id)
        job.update(actions=[AddressImportItem.status.set("running")], condition=AddressImportItem.status == "waiting")
    except NotFound:
        logger.warning("upload without an import", key=key)
        delete_upload(bucket, file_key)
        return "ignored"
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return "already imported"  # EventBridge delivers at least once
    keep_file = False
    try:
        data = read_upload(bucket, file_key, MAX_UPLOAD_BYTES)
        report = import_addresses(data, only_lau2=lau2, allow_retire=bool(job.allow_retire),
                                  progress=_progress_of(job))
    except RetirementNeedsConsent as held:
        keep_file = True
        _needs_confirmation(job, held)
        return "needs confirmation"
    except (InvalidRegister, UploadTooLarge, ImportInterrupted) as error:
        _finish(job, error=_sentence(str(error)))
        return "failed"
    except Exception as error:
        if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            _finish(job, error="The file is no longer stored (uploads are kept 7 days): upload it again.")
            return "failed"
        logger.exception("address import failed", lau2=lau2, import_id=import_id)
        _finish(job, error="The import stopped on an internal error; the operator has the details.")
        return "failed"
    finally:
        if not keep_file:
            delete_upload(bucket, file_key)
    _finish(job, report=report)
    return "done"


def _needs_confirmation(job: AddressImportItem, held: RetirementNeedsConsent) -> None:
    job.update(actions=[
        AddressImportItem.status.set("needs_confirmation"), AddressImportItem.would_retire.set(held.would_retire),
        AddressImportItem.active_before.set(held.active),
    ])
    logger.info("address import needs confirmation", lau2=job.lau2, import_id=job.import_id,
                would_retire=held.would_retire, active=held.active)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _progress_of(job: AddressImportItem):
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_SECONDS:
            last[0] = time.monotonic()
            job.update(actions=[AddressImportItem.rows_done.set(done), AddressImportItem.rows_total.set(total)])

    return progress


def _finish(job: AddressImportItem, report: ImportReport | None = None, error: str | None = None) -> None:
    actions = [AddressImportItem.status.set("failed" if error else "done"), AddressImportItem.finished_at.set(now())]
    actions.append(AddressImportItem.error.set(error) if error else AddressImportItem.error.remove())
    if report:
        actions += [
            AddressImportItem.rows_total.set(report.rows_total), AddressImportItem.rows_done.set(report.rows_done),
            AddressImportItem.added.set(report.added), AddressImportItem.updated.set(report.updated),
            AddressImportItem.unchanged.set(report.unchanged), AddressImportItem.retired.set(report.retired),
            AddressImportItem.kept.set(report.kept),
            AddressImportItem.refused_count.set(report.refused_count),
            AddressImportItem.refused.set([{"line": r.line, "reason": r.reason} for r in report.refused[:REFUSED_KEPT]]),
        ]
    job.update(actions=actions)
    logger.info("address import finished", lau2=job.lau2, import_id=job.import_id, status=job.status)


def _load(lau2: str, import_id: str) -> AddressImportItem:
    try:
        return AddressImportItem.get(*AddressImportItem.key(lau2, import_id))
    except DoesNotExist:
        raise NotFound(f"No address import {import_id} for commune {lau2}.", {"import_id": "unknown import"}) from None
