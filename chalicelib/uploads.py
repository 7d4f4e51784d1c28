"""Uploads straight from the browser to S3 (presigned POST), and reading them back when they land.

S3 enforces the policy's conditions; moto server (local stage, tests) does not, so whoever reads
an upload checks its real size and content itself, which production needs anyway.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.config import get_settings

UPLOAD_SECONDS = 15 * 60


def presigned_post(key: str, max_bytes: int, content_type: str | None = None) -> dict[str, Any]:
    """{"url", "fields"} for an HTML form POST of one file to `key`, at most `max_bytes` long."""
    fields: dict[str, str] = {}
    conditions: list[Any] = [["content-length-range", 1, max_bytes]]
    if content_type:
        fields["Content-Type"] = content_type
        conditions.append({"Content-Type": content_type})
    return client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=UPLOAD_SECONDS,
    )


class UploadTooLarge(ValueError):
    pass


def read_upload(bucket: str, key: str, max_bytes: int) -> bytes:
    """The uploaded bytes, refusing more than max_bytes whatever the upload policy said."""
    s3 = client("s3")
    size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
    if size > max_bytes:
        raise UploadTooLarge(f"The file is {size} bytes; at most {max_bytes} are accepted.")
    body = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{max_bytes}")["Body"]
    data = body.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadTooLarge(f"The file is larger than {max_bytes} bytes.")
    return data


def delete_upload(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)


def s3_object_created(event_detail: dict[str, Any]) -> tuple[str, str]:
    """(bucket, key) of an EventBridge "Object Created" event's detail."""
    return event_detail["bucket"]["name"], event_detail["object"]["key"]


def put_object(key: str, data: bytes) -> None:
    """Write a small object ourselves (e.g. an empty marker whose "Object Created" event starts a handler)."""
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=data)


PDF_MAGIC = b"%PDF-"
PDF_LINK_SECONDS = 5 * 60


def keep_pdf(bucket: str, upload: str, stored: str, data: bytes) -> str | None:
    """An uploaded file's bytes kept privately at `stored` when they are a PDF, the upload removed either way
    (consultations' documents, budget proposals'): None, or why the file was not kept."""
    is_pdf = data.startswith(PDF_MAGIC)
    if is_pdf:
        client("s3").put_object(Bucket=bucket, Key=stored, Body=data, ContentType="application/pdf",
                                CacheControl="private, max-age=300")
    delete_upload(bucket, upload)
    return None if is_pdf else "The file is not a PDF."


def pdf_link(stored: str, name: str) -> str:
    """A link, valid five minutes, that opens a stored PDF in the browser under `name`."""
    safe_name = re.sub(r'["\\\r\n]', "_", name)
    return client("s3").generate_presigned_url("get_object", ExpiresIn=PDF_LINK_SECONDS, Params={
        "Bucket": get_settings().uploads_bucket, "Key": stored, "ResponseContentType": "application/pdf",
        "ResponseContentDisposition": f'inline; filename="{safe_name}"'})
