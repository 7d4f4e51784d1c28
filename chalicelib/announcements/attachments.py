"""Attachments of announcements: PDFs and images, uploaded by the browser straight to S3.

1. `start_upload` (a publisher link's bearer) records a waiting attachment and returns a presigned
   POST for `incoming/publishing/attachments/<lau2>/<attachment_id>`: that exact key, the declared
   type, 1 byte to 10 MiB (`upload_conditions`).
2. S3 → EventBridge "Object Created" → app.py's `publishing_upload` → `process_uploaded_attachment`
   (locally ops/local_events.py calls the same handler). The real type comes from the bytes, never
   from the name or the declared type: a PDF must start with `%PDF-` and open in PDFium; an image
   must decode with Pillow as JPEG, PNG or WebP. Images are re-encoded by the photo pipeline (pixels
   only: no EXIF, no GPS) with a thumbnail as preview; a PDF is kept and page 1 rendered as the
   preview. Anything else is deleted and the attachment marked failed with the reason the form shows.
3. Readers get presigned GETs valid 5 minutes, only with an announcement they may see.
"""

from __future__ import annotations

import io
import re
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.announcements.models import (
    MAX_ATTACHMENT_BYTES, AttachmentItem, AttachmentRequest, AttachmentStarted, AttachmentState,
)
from chalicelib.config import get_settings
from chalicelib.errors import NotFound, TooLarge
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.publishers.models import PresignedPost
from chalicelib.ratelimit import limit
from chalicelib.uploads import UploadTooLarge, delete_upload, presigned_post, read_upload

UPLOAD_PREFIX = "incoming/publishing/attachments/"
UPLOAD_KEY = re.compile(r"^incoming/publishing/attachments/(?P<lau2>\d{4})/(?P<attachment_id>[0-9A-Z]{26})$")
PREVIEW_PX = 800
MAX_PDF_PAGES = 500
ATTACHMENTS_PER_HOUR = 100  # per publisher link


class Refused(ValueError):
    """Why an uploaded file is not accepted, in words the form shows."""


def upload_key(lau2: str, attachment_id: str) -> str:
    return f"{UPLOAD_PREFIX}{lau2}/{attachment_id}"


def upload_conditions(content_type: str) -> list[Any]:
    """The presigned POST's policy conditions besides bucket and key, which botocore adds."""
    return [["content-length-range", 1, MAX_ATTACHMENT_BYTES], {"Content-Type": content_type}]


def start_upload(principal: Principal, request: AttachmentRequest) -> AttachmentStarted:
    link = principal.publisher_link
    assert link is not None
    limit("announcements.attachments", link.link_id, ATTACHMENTS_PER_HOUR, window_seconds=3600)
    if request.size > MAX_ATTACHMENT_BYTES:
        raise TooLarge(f"The file is {request.size} bytes; at most {MAX_ATTACHMENT_BYTES} are accepted.",
                       {"size": f"at most {MAX_ATTACHMENT_BYTES} bytes"})
    attachment_id = new_id()
    AttachmentItem(*AttachmentItem.key(attachment_id), attachment_id=attachment_id, lau2=link.lau2,
                   link_id=link.link_id, name=request.name, declared_type=request.content_type, size=request.size,
                   status="waiting", created_at=now()).save()
    upload = presigned_post(upload_key(link.lau2, attachment_id), MAX_ATTACHMENT_BYTES, request.content_type)
    logger.info("attachment upload started", attachment_id=attachment_id, size=request.size)
    return AttachmentStarted(attachment_id=attachment_id, upload=PresignedPost(**upload), max_bytes=MAX_ATTACHMENT_BYTES)


def attachment_state(principal: Principal, attachment_id: str) -> AttachmentState:
    link = principal.publisher_link
    try:
        item = AttachmentItem.get(*AttachmentItem.key(attachment_id))
    except DoesNotExist:
        item = None
    if item is None or link is None or item.link_id != link.link_id:
        raise NotFound("No such attachment uploaded with this link.", {"attachment_id": "not found"})
    return AttachmentState(id=item.attachment_id, name=item.name, status=item.status, reason=item.reason,  # type: ignore[arg-type]
                           kind=item.kind)  # type: ignore[arg-type]


def stored_key(lau2: str, attachment_id: str, name: str) -> str:
    return f"announcements/{lau2}/{attachment_id}/{name}"


def process_uploaded_attachment(bucket: str, key: str) -> str:
    """Check one uploaded attachment; returns what happened. Safe to call twice for one upload."""
    match = UPLOAD_KEY.match(key)
    if bucket != get_settings().uploads_bucket or not match:
        return "ignored"
    try:
        item = AttachmentItem.get(*AttachmentItem.key(match["attachment_id"]))
    except DoesNotExist:
        item = None
    if item is None or item.lau2 != match["lau2"]:
        delete_upload(bucket, key)
        return "ignored"
    if item.status != "waiting":
        delete_upload(bucket, key)
        return f"already {item.status}"
    try:
        data = read_upload(bucket, key, MAX_ATTACHMENT_BYTES)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return "gone"
        raise
    except UploadTooLarge as error:
        return _refuse(item, bucket, key, str(error))
    try:
        kind, file_bytes, content_type, preview = examine(data, item.declared_type)
    except Refused as error:
        return _refuse(item, bucket, key, str(error))
    s3 = client("s3")
    extension = "pdf" if kind == "pdf" else "jpg"
    file_key = stored_key(item.lau2, item.attachment_id, f"file.{extension}")
    preview_key = stored_key(item.lau2, item.attachment_id, "preview.jpg")
    s3.put_object(Bucket=bucket, Key=file_key, Body=file_bytes, ContentType=content_type,
                  ContentDisposition=_disposition(item.name, extension), CacheControl="private, max-age=300")
    s3.put_object(Bucket=bucket, Key=preview_key, Body=preview, ContentType="image/jpeg",
                  CacheControl="private, max-age=300")
    delete_upload(bucket, key)
    item.update(actions=[AttachmentItem.status.set("ready"), AttachmentItem.kind.set(kind),
                         AttachmentItem.content_type.set(content_type), AttachmentItem.size.set(len(file_bytes)),
                         AttachmentItem.file_key.set(file_key), AttachmentItem.preview_key.set(preview_key)])
    logger.info("attachment ready", attachment_id=item.attachment_id, kind=kind)
    return "ready"


def _refuse(item: AttachmentItem, bucket: str, key: str, reason: str) -> str:
    delete_upload(bucket, key)
    item.update(actions=[AttachmentItem.status.set("failed"), AttachmentItem.reason.set(reason)])
    logger.info("attachment refused", attachment_id=item.attachment_id, reason=reason)
    return "failed"


def _disposition(name: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rsplit(".", 1)[0])[:80] or "attachment"
    return f'inline; filename="{stem}.{extension}"'


def examine(data: bytes, declared_type: str) -> tuple[str, bytes, str, bytes]:
    """(kind, the bytes to keep, their type, a JPEG preview) from the uploaded bytes, or Refused."""
    if declared_type == "application/pdf":
        if not data.startswith(b"%PDF-"):
            raise Refused("The file is not a PDF.")
        return "pdf", data, "application/pdf", pdf_preview(data)
    from chalicelib.photos.service import NotAPhoto, reencode

    if data.startswith(b"%PDF-"):
        raise Refused("The file is a PDF, not an image: upload it as a PDF.")
    try:
        display, thumb, _size = reencode(data)
    except NotAPhoto as error:
        raise Refused(str(error)) from None
    return "image", display, "image/jpeg", thumb


def pdf_preview(data: bytes) -> bytes:
    """Page 1 of the PDF as a JPEG at most PREVIEW_PX wide or high (PDFium: no system libraries)."""
    import pypdfium2 as pdfium
    from PIL import Image

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise Refused("The PDF cannot be opened: it is damaged or protected by a password.") from None
    try:
        if len(document) < 1:
            raise Refused("The PDF has no pages.")
        if len(document) > MAX_PDF_PAGES:
            raise Refused(f"The PDF has more than {MAX_PDF_PAGES} pages.")
        page = document[0]
        width, height = page.get_size()
        scale = PREVIEW_PX / max(width, height, 1)
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    clean = Image.new("RGB", image.size, (255, 255, 255))
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue()
