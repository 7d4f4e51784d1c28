"""Address imports by commune staff: upload the register file to S3, the upload is imported, the
status shows progress and the report.

1. `start_import` records a waiting import and returns a presigned POST for
   `incoming/addresses/<lau2>/<import_id>.csv`.
2. S3 tells EventBridge "Object Created"; app.py's handler calls `import_uploaded_file`
   (locally ops/local_events.py stands in for EventBridge and calls the same handler).
3. `import_status` reads the import's progress and report.
"""

from __future__ import annotations

import re
import secrets
import time

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.addresses.importer import ImportReport, import_addresses
from chalicelib.addresses.models import (
    MAX_UPLOAD_BYTES, REFUSED_KEPT, AddressImportItem, AddressImportList, AddressImportReport, AddressImportRequest,
    AddressImportStarted, PresignedUpload,
)
from chalicelib.addresses.register import InvalidRegister
from chalicelib.communes.service import get_commune
from chalicelib.config import get_settings
from chalicelib.errors import NotFound, TooLarge
from chalicelib.observability import logger
from chalicelib.uploads import UploadTooLarge, delete_upload, presigned_post, read_upload

UPLOAD_PREFIX = "incoming/addresses/"
UPLOAD_KEY = re.compile(r"^incoming/addresses/(?P<lau2>\d{4})/(?P<import_id>\d{14}[0-9a-f]{8})\.csv$")
LATEST = 20
PROGRESS_SECONDS = 2.0  # how often a running import writes its progress


def upload_key(lau2: str, import_id: str) -> str:
    return f"{UPLOAD_PREFIX}{lau2}/{import_id}.csv"


def start_import(lau2: str, request: AddressImportRequest) -> AddressImportStarted:
    if request.size > MAX_UPLOAD_BYTES:
        raise TooLarge(f"The file is {request.size} bytes; at most {MAX_UPLOAD_BYTES} are accepted.",
                       {"size": f"at most {MAX_UPLOAD_BYTES} bytes"})
    get_commune(lau2)
    stamp = now()
    import_id = f"{stamp:%Y%m%d%H%M%S}{secrets.token_hex(4)}"
    AddressImportItem(*AddressImportItem.key(lau2, import_id), lau2=lau2, import_id=import_id,
                      filename=request.filename, size=request.size, status="waiting", created_at=stamp).save()
    upload = presigned_post(upload_key(lau2, import_id), MAX_UPLOAD_BYTES)
    logger.info("address import started", lau2=lau2, import_id=import_id, size=request.size)
    return AddressImportStarted(import_id=import_id, upload=PresignedUpload(**upload), max_bytes=MAX_UPLOAD_BYTES)


def import_status(lau2: str, import_id: str) -> AddressImportReport:
    return _load(lau2, import_id).report()


def latest_imports(lau2: str) -> AddressImportList:
    get_commune(lau2)
    pk, prefix = AddressImportItem.key(lau2, "")
    items = AddressImportItem.query(pk, AddressImportItem.sk.startswith(prefix), scan_index_forward=False, limit=LATEST)
    return AddressImportList(imports=[item.summary() for item in items])


def import_uploaded_file(bucket: str, key: str) -> str:
    """Import one uploaded register file; returns what happened. Safe to call twice for one upload."""
    match = UPLOAD_KEY.match(key)
    if bucket != get_settings().uploads_bucket or not match:
        return "ignored"
    lau2, import_id = match["lau2"], match["import_id"]
    try:
        job = _load(lau2, import_id)
        job.update(actions=[AddressImportItem.status.set("running")], condition=AddressImportItem.status == "waiting")
    except NotFound:
        logger.warning("upload without an import", key=key)
        delete_upload(bucket, key)
        return "ignored"
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return "already imported"  # EventBridge delivers at least once
    try:
        data = read_upload(bucket, key, MAX_UPLOAD_BYTES)
        report = import_addresses(data, only_lau2=lau2, progress=_progress_of(job))
    except (InvalidRegister, UploadTooLarge) as error:
        _finish(job, error=str(error))
        return "failed"
    except Exception:
        logger.exception("address import failed", lau2=lau2, import_id=import_id)
        _finish(job, error="The import stopped on an internal error; the operator has the details.")
        return "failed"
    finally:
        delete_upload(bucket, key)
    _finish(job, report=report)
    return "done"


def _progress_of(job: AddressImportItem):
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_SECONDS:
            last[0] = time.monotonic()
            job.update(actions=[AddressImportItem.rows_done.set(done), AddressImportItem.rows_total.set(total)])

    return progress


def _finish(job: AddressImportItem, report: ImportReport | None = None, error: str | None = None) -> None:
    actions = [AddressImportItem.status.set("failed" if error else "done"), AddressImportItem.finished_at.set(now())]
    if error:
        actions.append(AddressImportItem.error.set(error))
    if report:
        actions += [
            AddressImportItem.rows_total.set(report.rows_total), AddressImportItem.rows_done.set(report.rows_done),
            AddressImportItem.added.set(report.added), AddressImportItem.updated.set(report.updated),
            AddressImportItem.unchanged.set(report.unchanged), AddressImportItem.retired.set(report.retired),
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
