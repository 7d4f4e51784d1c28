"""A proposal's PDF (one, optional): its proposer uploads it through a presigned POST (the upload pipeline of the
consultations' documents: `chalicelib/uploads.py`), the object-created handler (app.py `budget_document_upload`)
keeps only a real PDF (its bytes start with `%PDF-`), and readers of the proposal open it by a link valid a few
minutes. The document's state is kept on the proposal (`document`: name, size, status, reason).
"""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.budget import editions
from chalicelib.budget.models import (
    MAX_DOCUMENT_BYTES, EditionItem, ProposalDocumentLink, ProposalDocumentRequest, ProposalDocumentStarted,
    ProposalItem,
)
from chalicelib.budget.proposals import load_proposal, not_found
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, Forbidden, NotFound, TooLarge
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import read_items
from chalicelib.uploads import UploadTooLarge, delete_upload, keep_pdf, pdf_link, presigned_post, read_upload

UPLOAD_PREFIX = "incoming/budget/"
STORED_PREFIX = "budget/"
UPLOAD_KEY = re.compile(r"^incoming/budget/(?P<edition_id>[0-9A-Z]{26})/(?P<proposal_id>[0-9A-Z]{26})$")


def upload_key(edition_id: str, proposal_id: str) -> str:
    return f"{UPLOAD_PREFIX}{edition_id}/{proposal_id}"


def stored_key(edition_id: str, proposal_id: str) -> str:
    return f"{STORED_PREFIX}{edition_id}/{proposal_id}.pdf"


def start_upload(principal: Principal, lau2: str, edition_id: str, proposal_id: str,
                 request: ProposalDocumentRequest) -> ProposalDocumentStarted:
    """Its proposer, while the commune has not decided on it: a presigned POST for one PDF (a new one replaces it)."""
    editions.may_read(principal, editions.load(edition_id, consistent=True), lau2)
    proposal = load_proposal(edition_id, proposal_id)
    if proposal.author_id != principal.user_id:
        raise Forbidden("Only its proposer adds a document to a proposal.", {"proposal_id": "not yours"})
    if request.size > MAX_DOCUMENT_BYTES:
        raise TooLarge(f"The document is {request.size} bytes; at most {MAX_DOCUMENT_BYTES} are accepted.",
                       {"size": f"at most {MAX_DOCUMENT_BYTES} bytes"})
    if proposal.status not in ("submitted", "in_review"):
        raise Conflict("The commune has decided on this proposal: its document stays as it is.",
                       {"proposal_id": proposal.status})
    proposal.update(actions=[ProposalItem.document.set({"name": request.name, "size": request.size,
                                                        "status": "waiting", "reason": None})],
                    condition=ProposalItem.pk.exists())
    upload = presigned_post(upload_key(edition_id, proposal_id), MAX_DOCUMENT_BYTES, "application/pdf")
    return ProposalDocumentStarted(url=upload["url"], fields=upload["fields"], max_bytes=MAX_DOCUMENT_BYTES)


def process_uploaded_document(bucket: str, key: str) -> str:
    """The object-created handler: keep a real PDF, refuse anything else. Safe to call twice."""
    match = UPLOAD_KEY.match(key)
    if bucket != get_settings().uploads_bucket or not match:
        return "ignored"
    try:
        proposal = load_proposal(match["edition_id"], match["proposal_id"])
    except NotFound:
        delete_upload(bucket, key)
        return "ignored"
    if not proposal.document or proposal.document.get("status") != "waiting":
        delete_upload(bucket, key)
        return "ignored"
    try:
        data = read_upload(bucket, key, MAX_DOCUMENT_BYTES)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return "gone"
        raise
    except UploadTooLarge as error:
        delete_upload(bucket, key)
        return _finish(proposal, str(error))
    return _finish(proposal, keep_pdf(bucket, key, stored_key(proposal.edition_id, proposal.proposal_id), data))


def _finish(proposal: ProposalItem, reason: str | None) -> str:
    status = "failed" if reason else "ready"
    proposal.update(actions=[ProposalItem.document.set({**proposal.document, "status": status, "reason": reason})],
                    condition=ProposalItem.pk.exists())
    logger.info("budget proposal document processed", proposal_id=proposal.proposal_id, status=status)
    return status


def document_link(principal: Principal, lau2: str, edition_id: str, proposal_id: str) -> ProposalDocumentLink:
    """A link (5 minutes) to a ready document, for whoever reads the proposal: one BatchGetItem."""
    keys = [EditionItem.key(edition_id), ProposalItem.key(edition_id, proposal_id)]
    found = read_items(keys)
    editions.may_read(principal, EditionItem.from_raw_data(found[keys[0]]) if keys[0] in found else None, lau2)
    if keys[1] not in found:
        raise not_found()
    document: dict[str, Any] | None = ProposalItem.from_raw_data(found[keys[1]]).document
    if not document or document.get("status") != "ready":
        raise NotFound("No document for this proposal.", {"document": "not found"})
    return ProposalDocumentLink(url=pdf_link(stored_key(edition_id, proposal_id), document["name"]),
                                name=document["name"])
