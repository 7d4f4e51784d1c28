"""A consultation's documents (PDFs): the upload's presigned POST, the object-created handler that
keeps only real PDFs, and links that show one for a few minutes. Who may upload or read is checked
by the service's entry points (`start_document_upload`, `staff_document_link`, `resident_document_link`).
"""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.config import get_settings
from chalicelib.consultations.models import (
    MAX_DOCUMENT_BYTES, ConsultationDocument, ConsultationDocumentLink, ConsultationItem, DocumentItem,
    ReadyDocumentMap,
)
from chalicelib.errors import NotFound
from chalicelib.observability import logger
from chalicelib.store.table import condition_failed
from chalicelib.uploads import UploadTooLarge, delete_upload, keep_pdf, pdf_link, presigned_post, read_upload

UPLOAD_KEY = re.compile(r"^incoming/consultations/(?P<consultation_id>[0-9A-Z]{26})/(?P<document_id>[0-9A-Z]{26})$")


def upload_key(consultation_id: str, document_id: str) -> str:
    return f"incoming/consultations/{consultation_id}/{document_id}"


def stored_key(consultation_id: str, document_id: str) -> str:
    return f"consultations/{consultation_id}/{document_id}.pdf"


def presigned_document_post(consultation_id: str, document_id: str) -> dict[str, Any]:
    """A presigned POST whose policy fixes the key, the type (PDF) and at most 20 MiB."""
    return presigned_post(upload_key(consultation_id, document_id), MAX_DOCUMENT_BYTES, "application/pdf")


def process_uploaded_document(bucket: str, key: str) -> str:
    """The object-created handler: keep a real PDF, refuse anything else. Safe to call twice."""
    match = UPLOAD_KEY.match(key)
    if bucket != get_settings().uploads_bucket or not match:
        return "ignored"
    try:
        document = DocumentItem.get(*DocumentItem.key(match["consultation_id"], match["document_id"]))
    except DoesNotExist:
        delete_upload(bucket, key)
        return "ignored"
    if document.status != "waiting":
        delete_upload(bucket, key)
        return f"already {document.status}"
    try:
        data = read_upload(bucket, key, MAX_DOCUMENT_BYTES)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return "gone"
        raise
    except UploadTooLarge as error:
        delete_upload(bucket, key)
        return _finish_document(document, reason=str(error))
    return _finish_document(
        document, reason=keep_pdf(bucket, key, stored_key(document.consultation_id, document.document_id), data))


def _finish_document(document: DocumentItem, reason: str | None) -> str:
    if not reason:
        list_ready(document)
    actions = [DocumentItem.status.set("failed" if reason else "ready")]
    if reason:
        actions.append(DocumentItem.reason.set(reason))
    document.update(actions=actions)
    logger.info("consultation document processed", document_id=document.document_id, status=document.status)
    return document.status


def list_ready(document: DocumentItem) -> None:
    """Append a ready document to its consultation's list (one written before the list has none: left to
    `./noper list-documents`). Appended again on a retry: readers keep the first of each id."""
    entry = ReadyDocumentMap(document_id=document.document_id, name=document.name, size=document.size)
    try:
        ConsultationItem(*ConsultationItem.key(document.consultation_id)).update(
            actions=[ConsultationItem.ready_documents.set(ConsultationItem.ready_documents.append([entry]))],
            condition=ConsultationItem.ready_documents.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def ready_documents(item: ConsultationItem) -> list[DocumentItem]:
    """The documents residents see: from the consultation's list, else (written before it) queried."""
    if item.ready_documents is None:
        return [d for d in documents_of(item.consultation_id) if d.status == "ready"]
    listed: dict[str, DocumentItem] = {}
    for entry in item.ready_documents:
        listed.setdefault(entry.document_id, DocumentItem(
            *DocumentItem.key(item.consultation_id, entry.document_id), document_id=entry.document_id,
            consultation_id=item.consultation_id, name=entry.name, size=entry.size, status="ready"))
    return list(listed.values())


def list_documents() -> int:
    """Once, after upgrading (#16, `./noper list-documents`): give each consultation written before the list of
    its ready documents (a Scan; idempotent: a consultation with a list is left alone). Answers how many."""
    listed = 0
    for item in ConsultationItem.scan((ConsultationItem.sk == "CONSULTATION") & ConsultationItem.ready_documents.does_not_exist()):
        ready = [ReadyDocumentMap(document_id=d.document_id, name=d.name, size=d.size)
                 for d in documents_of(item.consultation_id) if d.status == "ready"]
        try:
            item.update(actions=[ConsultationItem.ready_documents.set(ready)],
                        condition=ConsultationItem.ready_documents.does_not_exist())
            listed += 1
        except UpdateError as error:
            if not condition_failed(error):
                raise
    return listed


def document_link(consultation_id: str, document_id: str) -> ConsultationDocumentLink:
    try:
        document = DocumentItem.get(*DocumentItem.key(consultation_id, document_id))
    except DoesNotExist:
        document = None
    if document is None or document.status != "ready":
        raise NotFound("No such document.", {"document_id": "not found"})
    return ConsultationDocumentLink(url=pdf_link(stored_key(consultation_id, document_id), document.name),
                                    name=document.name)


def documents_of(consultation_id: str) -> list[DocumentItem]:
    return list(DocumentItem.query(f"CONSULTATION#{consultation_id}", DocumentItem.sk.startswith("DOC#")))


def document_public(document: DocumentItem) -> ConsultationDocument:
    return ConsultationDocument(id=document.document_id, name=document.name, size=document.size,
                          status=document.status, reason=document.reason)  # type: ignore[arg-type]
