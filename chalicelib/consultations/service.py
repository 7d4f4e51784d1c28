"""Consultations on planning projects: staff prepare and publish them, verified residents of the
targeted neighbourhoods answer (once, changeable until closing) and comment to the commune, staff
read the results with small counts suppressed; residents read them once it has closed.

- A consultation is one item (`CONSULTATION#<id>`); publishing writes one target entry per targeted
  neighbourhood (or one for the whole commune), keyed by closing time, so "open here now" is a Query.
- An answer is one item per resident (`ANSWER#<user_id>`), written in one transaction with a
  condition on the consultation being open, a condition on the answer's version (once per resident,
  no lost change) and atomic ADDs on the counters per neighbourhood, question and option: a count
  is never doubled nor lost, whatever runs at the same time (tests/consultations/).
- Free-text answers are also copied without their author for staff.

docs/data-model.md lists the keys.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Hashable, Iterable

import h3
from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.communes import audit
from chalicelib.communes.service import get_commune
from chalicelib.config import get_settings
from chalicelib.consultations.models import (
    MAX_DOCUMENT_BYTES, RATINGS, DOCUMENTS_PER_CONSULTATION, AnswerItem, ConsultationAnswers, CommentItem, ConsultationCommentList,
    ConsultationCommentRequest, ConsultationComment, ConsultationDraft, ConsultationItem, ConsultationList, ConsultationPublic,
    ConsultationSummary, ConsultationSummaryList, SuppressedCount, DocumentItem, ConsultationDocumentLink, ConsultationDocument, ConsultationDocumentUpload,
    ConsultationDocumentRequest, ConsultationDocumentUploadStarted, ConsultationNeighbourhood, ConsultationOptionResult, ConsultationQuestion, ConsultationQuestionResult,
    ResidentConsultation, ConsultationResults, TallyItem, TargetItem, TextAnswerItem, stamp,
)
from chalicelib.consultations.suppression import THRESHOLD, suppressed_cells
from chalicelib.errors import Conflict, InvalidInput, NotFound, TooLarge
from chalicelib.i18n import translate
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.posts.models import Point
from chalicelib.store.table import refused_conditions, transaction
from chalicelib.uploads import UploadTooLarge, delete_upload, presigned_post, read_upload

RECENTLY_CLOSED = timedelta(days=90)  # residents' list keeps closed consultations this long (their results)
UPLOAD_KEY = re.compile(r"^incoming/consultations/(?P<consultation_id>[0-9A-Z]{26})/(?P<document_id>[0-9A-Z]{26})$")
PDF_MAGIC = b"%PDF-"
VIEW_SECONDS = 5 * 60
ANSWER_ATTEMPTS = 6
ALL = "all"  # the CSV's and counters' name for "every neighbourhood together"


def _not_found() -> NotFound:
    return NotFound("No such consultation.", {"consultation_id": "not found"})


# --- the weekly digest and residents' lists ----------------------------------------------------

def open_for(lau2: str, neighbourhood_id: str, at: datetime, language: str) -> list[ConsultationSummary]:
    """Consultations open at `at` for residents of the neighbourhood (targeting it or the whole
    commune), soonest closing first, titled in `language` (else the commune's languages, in order).
    Two Queries and one BatchGetItem; used by the weekly digest."""
    return [s for s in _targeted(lau2, neighbourhood_id, at, since=at, language=language) if s.state == "open"]


def resident_list(principal: Principal, neighbourhood_id: str, language: str | None) -> ConsultationSummaryList:
    """Open and upcoming consultations for the neighbourhood, and those closed in the last 90 days."""
    at = now()
    lau2 = _lau2_of(principal, neighbourhood_id)
    summaries = _targeted(lau2, neighbourhood_id, at, since=at - RECENTLY_CLOSED, language=language)
    order = {"open": 0, "upcoming": 1, "closed": 2}
    return ConsultationSummaryList(consultations=sorted(
        summaries, key=lambda s: (order[s.state], s.closes_at if s.state != "closed" else -s.closes_at.timestamp())))


def _targeted(lau2: str, neighbourhood_id: str, at: datetime, since: datetime,
              language: str | None) -> list[ConsultationSummary]:
    after = stamp(since) + "#~"  # sorts after every id closing at that very moment: those are closed
    ids = []
    for partition in (TargetItem.partition(neighbourhood_id, lau2), TargetItem.partition(None, lau2)):
        ids += [entry.consultation_id for entry in TargetItem.query(partition, TargetItem.sk > after)]
    if not ids:
        return []
    languages = get_commune(lau2).languages
    items = ConsultationItem.batch_get([ConsultationItem.key(cid) for cid in sorted(set(ids))])
    summaries = []
    for item in items:
        if item.status != "published" or item.lau2 != lau2:
            continue
        title, chosen = pick(item.title, language, languages)
        summaries.append(ConsultationSummary(id=item.consultation_id, title=title, language=chosen,
                                             opens_at=item.opens_at, closes_at=item.closes_at,
                                             state=_state(item, at)))  # type: ignore[arg-type]
    return sorted(summaries, key=lambda s: (s.closes_at, s.id))


def pick(texts: dict[str, str], language: str | None, fallbacks: Iterable[str]) -> tuple[str, str]:
    """(text, its language): the wanted language, else the first of `fallbacks` present, else any."""
    for candidate in (language, *fallbacks):
        if candidate and texts.get(candidate):
            return texts[candidate], candidate
    first = sorted(texts)[0]
    return texts[first], first


# --- staff: preparing and publishing ----------------------------------------------------------

def create(principal: Principal, lau2: str, draft: ConsultationDraft) -> ConsultationPublic:
    cell = _check_draft(lau2, draft)
    consultation_id, at = new_id(), now()
    item = ConsultationItem(*ConsultationItem.key(consultation_id), gsi1pk=ConsultationItem.commune_list(lau2),
                            gsi1sk=consultation_id, consultation_id=consultation_id, lau2=lau2, status="draft",
                            version=1, created_by=principal.user_id or "", created_at=at, updated_at=at)
    _fill(item, draft, cell)
    item.save(condition=ConsultationItem.pk.does_not_exist())
    logger.info("consultation drafted", consultation_id=consultation_id, lau2=lau2)
    return _public(item, [])


def staff_list(lau2: str) -> ConsultationList:
    items = ConsultationItem.gsi1.query(ConsultationItem.commune_list(lau2), scan_index_forward=False, limit=200)
    return ConsultationList(consultations=[_public(item, None) for item in items])


def staff_get(lau2: str, consultation_id: str) -> ConsultationPublic:
    item = _for_staff(lau2, consultation_id)
    return _public(item, _documents(consultation_id))


def edit(lau2: str, consultation_id: str, draft: ConsultationDraft, version: int) -> ConsultationPublic:
    """Replace a consultation while it is a draft, or published but not open yet."""
    item = _for_staff(lau2, consultation_id)
    cell = _check_draft(lau2, draft)
    at = now()
    if item.version != version:
        raise Conflict("Someone changed this consultation meanwhile; reload it.", {"version": "changed"})
    if item.status == "published" and item.opens_at <= at:
        raise Conflict("The consultation is open: it can no longer be changed.", {"consultation_id": "opened"})
    old_targets = _target_keys(item) if item.status == "published" else set()
    _fill(item, draft, cell)
    item.version, item.updated_at = version + 1, at
    condition = ConsultationItem.version == version
    if item.status == "published":
        condition &= ConsultationItem.opens_at > at
    try:
        with transaction() as t:
            t.save(item, condition=condition)
            if item.status == "published":
                _write_targets(t, item, old_targets)
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Someone changed this consultation meanwhile, or it opened; reload it.",
                           {"version": "changed"}) from None
        raise
    return _public(item, _documents(consultation_id))


def publish(lau2: str, consultation_id: str, version: int, by: str | None = None) -> ConsultationPublic:
    item = _for_staff(lau2, consultation_id)
    at = now()
    if item.status == "published":
        raise Conflict("The consultation is already published.", {"consultation_id": "published"})
    if item.version != version:
        raise Conflict("Someone changed this consultation meanwhile; reload it.", {"version": "changed"})
    if item.closes_at <= at:
        raise InvalidInput("The closing date has passed: change it first.", {"closes_at": "in the past"})
    item.status, item.published_at, item.version, item.updated_at = "published", at, version + 1, at
    try:
        with transaction() as t:
            t.save(item, condition=(ConsultationItem.version == version) & (ConsultationItem.status == "draft"))
            _write_targets(t, item, set())
            t.save(audit.entry(lau2, "consultation_published", by, "consultation", consultation_id))
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Someone changed this consultation meanwhile; reload it.", {"version": "changed"}) from None
        raise
    logger.info("consultation published", consultation_id=consultation_id, lau2=lau2,
                targets=len(item.neighbourhood_ids) or "commune")
    return _public(item, _documents(consultation_id))


def _check_draft(lau2: str, draft: ConsultationDraft) -> str | None:
    """Every text in the commune's languages, known neighbourhoods; returns the location's cell."""
    languages = get_commune(lau2).languages
    texts: list[tuple[str, dict[str, str]]] = [("title", draft.title), ("description", draft.description)]
    for i, question in enumerate(draft.questions):
        texts.append((f"questions.{i}.prompt", question.prompt))
        texts += [(f"questions.{i}.options.{j}.label", option.label) for j, option in enumerate(question.options)]
    missing = {f"{field}.{language}": "missing: the commune speaks this language"
               for field, text in texts for language in languages if language not in text}
    if missing:
        raise InvalidInput(f"Give every text in the commune's languages: check {', '.join(missing)}.", missing)
    published = {n.id for n in list_published(lau2).neighbourhoods}
    unknown = {f"neighbourhood_ids.{i}": "not a published neighbourhood of this commune"
               for i, nbh in enumerate(draft.neighbourhood_ids) if nbh not in published}
    if unknown:
        raise InvalidInput(f"Unknown neighbourhoods: check {', '.join(unknown)}.", unknown)
    if draft.location is None:
        return None
    return h3.latlng_to_cell(draft.location.lat, draft.location.lon, 9)


def _fill(item: ConsultationItem, draft: ConsultationDraft, cell: str | None) -> None:
    item.title, item.description = dict(draft.title), dict(draft.description)
    item.location_cell, item.neighbourhood_ids = cell, list(draft.neighbourhood_ids)
    item.opens_at, item.closes_at = draft.opens_at, draft.closes_at
    item.questions = [question.model_dump() for question in draft.questions]


def _target_keys(item: ConsultationItem) -> set[tuple[str, str]]:
    partitions = [TargetItem.partition(nbh, item.lau2) for nbh in item.neighbourhood_ids] or \
        [TargetItem.partition(None, item.lau2)]
    sort_key = TargetItem.sort_key(item.closes_at, item.consultation_id)
    return {(partition, sort_key) for partition in partitions}


def _write_targets(t: Any, item: ConsultationItem, old: set[tuple[str, str]]) -> None:
    new = _target_keys(item)
    for key in sorted(old - new):
        t.delete(TargetItem(*key))
    for key in sorted(new):
        t.save(TargetItem(*key, consultation_id=item.consultation_id, opens_at=item.opens_at, closes_at=item.closes_at))


# --- documents (PDF only: the type is checked from the bytes) ------------------------------------

def upload_key(consultation_id: str, document_id: str) -> str:
    return f"incoming/consultations/{consultation_id}/{document_id}"


def stored_key(consultation_id: str, document_id: str) -> str:
    return f"consultations/{consultation_id}/{document_id}.pdf"


def start_document_upload(lau2: str, consultation_id: str, request: ConsultationDocumentRequest) -> ConsultationDocumentUploadStarted:
    item = _for_staff(lau2, consultation_id)
    if request.size > MAX_DOCUMENT_BYTES:
        raise TooLarge(f"The document is {request.size} bytes; at most {MAX_DOCUMENT_BYTES} are accepted.",
                       {"size": f"at most {MAX_DOCUMENT_BYTES} bytes"})
    if item.closes_at <= now():
        raise Conflict("The consultation has closed.", {"consultation_id": "closed"})
    if len(_documents(consultation_id)) >= DOCUMENTS_PER_CONSULTATION:
        raise Conflict(f"At most {DOCUMENTS_PER_CONSULTATION} documents per consultation.", {"document": "too many"})
    document_id = new_id()
    document = DocumentItem(*DocumentItem.key(consultation_id, document_id), document_id=document_id,
                            consultation_id=consultation_id, name=request.name, size=request.size, status="waiting",
                            created_at=now())
    document.save()
    upload = presigned_document_post(consultation_id, document_id)
    return ConsultationDocumentUploadStarted(document=_document_public(document), upload=ConsultationDocumentUpload(**upload),
                                 max_bytes=MAX_DOCUMENT_BYTES)


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
    if not data.startswith(PDF_MAGIC):
        delete_upload(bucket, key)
        return _finish_document(document, reason="The file is not a PDF.")
    client("s3").put_object(Bucket=bucket, Key=stored_key(document.consultation_id, document.document_id), Body=data,
                            ContentType="application/pdf", CacheControl="private, max-age=300")
    delete_upload(bucket, key)
    return _finish_document(document, reason=None)


def _finish_document(document: DocumentItem, reason: str | None) -> str:
    actions = [DocumentItem.status.set("failed" if reason else "ready")]
    if reason:
        actions.append(DocumentItem.reason.set(reason))
    document.update(actions=actions)
    logger.info("consultation document processed", document_id=document.document_id, status=document.status)
    return document.status


def document_link(consultation_id: str, document_id: str) -> ConsultationDocumentLink:
    try:
        document = DocumentItem.get(*DocumentItem.key(consultation_id, document_id))
    except DoesNotExist:
        document = None
    if document is None or document.status != "ready":
        raise NotFound("No such document.", {"document_id": "not found"})
    safe_name = re.sub(r'["\\\r\n]', "_", document.name)
    url = client("s3").generate_presigned_url("get_object", ExpiresIn=VIEW_SECONDS, Params={
        "Bucket": get_settings().uploads_bucket, "Key": stored_key(consultation_id, document_id),
        "ResponseContentType": "application/pdf",
        "ResponseContentDisposition": f'inline; filename="{safe_name}"'})
    return ConsultationDocumentLink(url=url, name=document.name)


def staff_document_link(lau2: str, consultation_id: str, document_id: str) -> ConsultationDocumentLink:
    _for_staff(lau2, consultation_id)
    return document_link(consultation_id, document_id)


def resident_document_link(principal: Principal, neighbourhood_id: str, consultation_id: str,
                           document_id: str) -> ConsultationDocumentLink:
    _for_resident(principal, neighbourhood_id, consultation_id)
    return document_link(consultation_id, document_id)


def _documents(consultation_id: str) -> list[DocumentItem]:
    return list(DocumentItem.query(f"CONSULTATION#{consultation_id}", DocumentItem.sk.startswith("DOC#")))


def _document_public(document: DocumentItem) -> ConsultationDocument:
    return ConsultationDocument(id=document.document_id, name=document.name, size=document.size,
                          status=document.status, reason=document.reason)  # type: ignore[arg-type]


# --- residents: reading, answering, commenting --------------------------------------------------

def resident_get(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ResidentConsultation:
    item = _for_resident(principal, neighbourhood_id, consultation_id)
    documents = [d for d in _documents(consultation_id) if d.status == "ready"]
    return _resident_view(item, _my_answer(consultation_id, principal.user_id), documents)


def answer(principal: Principal, neighbourhood_id: str, consultation_id: str,
           request: ConsultationAnswers) -> tuple[ResidentConsultation, bool]:
    """Answer, or change one's answers; returns the consultation and whether this was the first answer."""
    item = _for_resident(principal, neighbourhood_id, consultation_id)
    _check_open(item, now())
    answers = _validated(item, request)
    for attempt in range(ANSWER_ATTEMPTS):
        previous = _my_answer(consultation_id, principal.user_id)
        try:
            saved = _write_answer(item, principal, neighbourhood_id, answers, previous)
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if 0 in refused:  # the consultation closed (or changed) under us
                _check_open(_load(consultation_id), now())
                raise Conflict("The consultation is not open.", {"consultation_id": "not open"}) from None
            if refused or _conflicting(error):  # another of my devices, or a concurrent transaction: retry
                time.sleep(0.02 * (attempt + 1) + secrets.randbelow(20) / 1000)
                continue
            raise
        logger.info("consultation answered", consultation_id=consultation_id, first=previous is None)
        return _resident_view(item, saved, [d for d in _documents(consultation_id) if d.status == "ready"]), \
            previous is None
    raise Conflict("Your answers changed at the same time elsewhere; try again.", {"answers": "changed meanwhile"})


def _conflicting(error: TransactWriteError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "TransactionConflict" for reason in reasons) or \
        getattr(error, "cause_response_code", None) in ("TransactionConflictException", "ThrottlingException")


def _write_answer(item: ConsultationItem, principal: Principal, neighbourhood_id: str, answers: dict[str, Any],
                  previous: AnswerItem | None) -> AnswerItem:
    at = now()
    consultation_id, user_id = item.consultation_id, principal.user_id or ""
    # Counted where first answered: a move inside the consultation's area does not move the answer.
    counted_in = previous.neighbourhood_id if previous else neighbourhood_id
    questions = {q["id"]: q for q in item.questions}
    delta: dict[tuple[str, ...], int] = defaultdict(int)
    for sign, given in ((-1, previous.answers if previous else {}), (1, answers)):
        for qid, value in given.items():
            for name in _counted(questions.get(qid), value):
                delta[(qid, name)] += sign
    if previous is None:
        delta[(TallyItem.RESPONDENTS,)] += 1
    old_tokens = dict(previous.text_tokens) if previous else {}
    tokens, text_writes, text_deletes = {}, [], []
    for qid, value in answers.items():
        if questions[qid]["kind"] != "text":
            continue
        if previous and previous.answers.get(qid) == value and qid in old_tokens:
            tokens[qid] = old_tokens[qid]
            continue
        tokens[qid] = f"{qid}#{secrets.token_hex(12)}"
        text_writes.append(TextAnswerItem(TextAnswerItem.partition(consultation_id), tokens[qid], question_id=qid,
                                          text=value))
    text_deletes = [token for qid, token in old_tokens.items() if tokens.get(qid) != token]
    saved = AnswerItem(*AnswerItem.key(consultation_id, user_id), gsi1pk=AnswerItem.answerer(user_id),
                       gsi1sk=consultation_id, consultation_id=consultation_id, user_id=user_id,
                       neighbourhood_id=counted_in, answers=answers, text_tokens=tokens,
                       version=(previous.version + 1) if previous else 1,
                       created_at=previous.created_at if previous else at, updated_at=at)
    with transaction() as t:
        t.condition_check(ConsultationItem, *ConsultationItem.key(consultation_id),
                          condition=(ConsultationItem.status == "published") & (ConsultationItem.opens_at <= at)
                          & (ConsultationItem.closes_at > at))
        t.save(saved, condition=AnswerItem.version == previous.version if previous else AnswerItem.pk.does_not_exist())
        for names, change in sorted(delta.items()):
            if change:
                t.update(TallyItem(*TallyItem.key(consultation_id, counted_in, *names)),
                         actions=[TallyItem.count.add(change)])
        for text in text_writes:
            t.save(text)
        for token in text_deletes:
            t.delete(TextAnswerItem(TextAnswerItem.partition(consultation_id), token))
    return saved


def _counted(question: dict[str, Any] | None, value: Any) -> list[str]:
    """The counters one answer adds to: its options, and the question's "answered"."""
    if question is None:
        return []
    kind = question["kind"]
    options = [value] if kind == "single" else list(value) if kind == "multiple" else \
        [str(value)] if kind == "rating" else []
    return [*options, TallyItem.ANSWERED]


def _validated(item: ConsultationItem, request: ConsultationAnswers) -> dict[str, Any]:
    questions = {q["id"]: q for q in item.questions}
    problems: dict[str, str] = {}
    answers: dict[str, Any] = {}
    for qid, value in request.answers.items():
        field = f"answers.{qid}"
        question = questions.get(qid)
        if question is None:
            problems[field] = "no such question"
            continue
        kind, options = question["kind"], [o["id"] for o in question["options"]]
        if kind == "single" and not (isinstance(value, str) and value in options):
            problems[field] = f"choose one of {', '.join(options)}"
        elif kind == "multiple" and not (isinstance(value, list) and value and len(set(value)) == len(value)
                                         and all(v in options for v in value)):
            problems[field] = f"choose one or more of {', '.join(options)}, each once"
        elif kind == "rating" and not (type(value) is int and 1 <= value <= 5):
            problems[field] = "a rating from 1 to 5"
        elif kind == "text" and not isinstance(value, str):
            problems[field] = "a text"
        else:
            answers[qid] = sorted(value) if kind == "multiple" else value
    if problems:
        raise InvalidInput(f"Check your answers: {', '.join(problems)}.", problems)
    return answers


def comment(principal: Principal, neighbourhood_id: str, consultation_id: str,
            request: ConsultationCommentRequest) -> ConsultationComment:
    item = _for_resident(principal, neighbourhood_id, consultation_id)
    _check_open(item, now())
    from chalicelib.accounts.service import load_user  # accounts is imported lazily, as elsewhere

    user = load_user(principal.user_id)
    comment_id = new_id()
    saved = CommentItem(*CommentItem.key(consultation_id, comment_id), gsi1pk=CommentItem.commenter(user.user_id),
                        gsi1sk=comment_id, comment_id=comment_id, consultation_id=consultation_id,
                        author_id=user.user_id, author_name=user.display_name or None,
                        neighbourhood_id=neighbourhood_id, text=request.text, created_at=now())
    saved.save(condition=CommentItem.pk.does_not_exist())
    return _comment_public(saved, principal.user_id)


def resident_comments(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ConsultationCommentList:
    _for_resident(principal, neighbourhood_id, consultation_id)
    return _comments(consultation_id, principal.user_id)


def staff_comments(lau2: str, consultation_id: str) -> ConsultationCommentList:
    _for_staff(lau2, consultation_id)
    return _comments(consultation_id, None)


def _comments(consultation_id: str, reader: str | None) -> ConsultationCommentList:
    items = CommentItem.query(f"CONSULTATION#{consultation_id}", CommentItem.sk.startswith("COMMENT#"),
                              scan_index_forward=False, limit=500)
    return ConsultationCommentList(comments=[_comment_public(item, reader) for item in items])


def _comment_public(item: CommentItem, reader: str | None) -> ConsultationComment:
    return ConsultationComment(id=item.comment_id, author_name=item.author_name, neighbourhood_id=item.neighbourhood_id,
                               text=item.text, created_at=item.created_at,
                               mine=reader is not None and item.author_id == reader)


# --- results ----------------------------------------------------------------------------------

def staff_results(lau2: str, consultation_id: str) -> ConsultationResults:
    return _results(_for_staff(lau2, consultation_id), with_texts=True)


def resident_results(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ConsultationResults:
    item = _for_resident(principal, neighbourhood_id, consultation_id)
    if _state(item, now()) != "closed":
        raise Conflict("ConsultationResults are shown once the consultation has closed.", {"consultation_id": "not closed yet"})
    return _results(item, with_texts=False)


def _results(item: ConsultationItem, *, with_texts: bool) -> ConsultationResults:
    consultation_id = item.consultation_id
    names = {n.id: n.name for n in list_published(item.lau2).neighbourhoods}
    tallies: dict[tuple[str, ...], int] = {}
    for tally in TallyItem.query(f"CONSULTATION#{consultation_id}", TallyItem.sk.startswith(TallyItem.PREFIX)):
        _, nbh, *rest = tally.sk.split("#")
        tallies[(nbh, *rest)] = int(tally.count)
    areas = list(item.neighbourhood_ids) or sorted(names)
    areas += sorted({key[0] for key in tallies} - set(areas))  # counted before a boundary change
    counts: dict[Hashable, int] = {}
    lines: list[list[Hashable]] = []

    def cell(*key: str) -> tuple[str, ...]:
        counts[key] = tallies.get(key, 0) if key[0] != ALL else \
            sum(tallies.get((nbh, *key[1:]), 0) for nbh in areas)
        return key

    def margin(*names_: str) -> None:  # one counter over every neighbourhood, with its commune-wide total
        lines.append([cell(nbh, *names_) for nbh in areas] + [cell(ALL, *names_)])

    margin(TallyItem.RESPONDENTS)
    questions = [ConsultationQuestion.model_validate(q) for q in item.questions]
    for question in questions:
        options = _option_ids(question)
        margin(question.id, TallyItem.ANSWERED)
        for option in options:
            margin(question.id, option)
        if question.kind in ("single", "rating"):  # options exclude each other: they add up to "answered"
            for nbh in (*areas, ALL):
                lines.append([cell(nbh, question.id, o) for o in options] + [cell(nbh, question.id, TallyItem.ANSWERED)])
    hidden = suppressed_cells(counts, lines, THRESHOLD)

    def shown(*key: str) -> SuppressedCount:
        return SuppressedCount(count=None, suppressed=True) if key in hidden else SuppressedCount(count=counts[key], suppressed=False)

    texts: dict[str, list[str]] = defaultdict(list)
    if with_texts:
        for text in TextAnswerItem.query(TextAnswerItem.partition(consultation_id)):
            texts[text.question_id].append(text.text)
    results = []
    for question in questions:
        labels = {o.id: dict(o.label) for o in question.options} or {r: {"en": r} for r in RATINGS}
        # Free text only from enough residents that none stands out: the same threshold as the counts, and
        # never where the count itself is hidden (the number of texts would tell it).
        answered = (ALL, question.id, TallyItem.ANSWERED)
        withheld = bool(texts.get(question.id)) and (answered in hidden or counts[answered] < THRESHOLD)
        results.append(ConsultationQuestionResult(
            id=question.id, kind=question.kind, prompt=dict(question.prompt),
            answered=shown(ALL, question.id, TallyItem.ANSWERED),
            answered_by_neighbourhood={nbh: shown(nbh, question.id, TallyItem.ANSWERED) for nbh in areas},
            options=[ConsultationOptionResult(id=o, label=labels[o], total=shown(ALL, question.id, o),
                                  by_neighbourhood={nbh: shown(nbh, question.id, o) for nbh in areas})
                     for o in _option_ids(question)],
            texts=([] if withheld else texts.get(question.id, [])) if with_texts and question.kind == "text" else None,
            texts_withheld=with_texts and withheld))
    return ConsultationResults(consultation_id=consultation_id, state=_state(item, now()),  # type: ignore[arg-type]
                   neighbourhoods=[ConsultationNeighbourhood(id=nbh, name=names.get(nbh, nbh)) for nbh in areas],
                   respondents=shown(ALL, TallyItem.RESPONDENTS),
                   respondents_by_neighbourhood={nbh: shown(nbh, TallyItem.RESPONDENTS) for nbh in areas},
                   questions=results, threshold=THRESHOLD)


def _option_ids(question: ConsultationQuestion) -> list[str]:
    return list(RATINGS) if question.kind == "rating" else [o.id for o in question.options]


def results_csv(lau2: str, consultation_id: str, language: str | None) -> tuple[str, str]:
    """(file name, CSV text with a BOM for Excel): one row per question, option and neighbourhood
    (and "all"), suppressed counts written as "fewer than 5"; then the free-text answers (withheld, with a
    line saying so, while fewer than 5 residents answered the question)."""
    item = _for_staff(lau2, consultation_id)
    results = _results(item, with_texts=True)
    languages = get_commune(lau2).languages
    lang = language or languages[0]

    def say(key: str) -> str:
        return translate(lang, f"consultation.csv.{key}")

    def text(texts: dict[str, str]) -> str:
        return pick(texts, lang, languages)[0]

    names = {n.id: n.name for n in results.neighbourhoods}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([say(h) for h in ("question", "kind", "option", "neighbourhood", "count", "text")])

    def number(count: SuppressedCount) -> str:
        return say("suppressed") if count.suppressed else str(count.count)

    everywhere = say("all")
    writer.writerow(["", "", say("respondents"), everywhere, number(results.respondents), ""])
    for nbh, count in results.respondents_by_neighbourhood.items():
        writer.writerow(["", "", say("respondents"), _cell(names[nbh]), number(count), ""])
    for question in results.questions:
        prompt, kind = _cell(text(question.prompt)), say(f"kind.{question.kind}")
        writer.writerow([prompt, kind, say("answered"), everywhere, number(question.answered), ""])
        for nbh, count in question.answered_by_neighbourhood.items():
            writer.writerow([prompt, kind, say("answered"), _cell(names[nbh]), number(count), ""])
        for option in question.options:
            label = _cell(option.id if question.kind == "rating" else text(option.label))
            writer.writerow([prompt, kind, label, everywhere, number(option.total), ""])
            for nbh, count in option.by_neighbourhood.items():
                writer.writerow([prompt, kind, label, _cell(names[nbh]), number(count), ""])
        for answer_text in question.texts or []:
            writer.writerow([prompt, kind, "", "", "", _cell(answer_text)])
        if question.texts_withheld:
            writer.writerow([prompt, kind, "", "", "", say("texts_withheld")])
    return f"consultation-{consultation_id}.csv", "\ufeff" + out.getvalue()


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ (or a tab, CR) as a formula: quote it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- loading and views --------------------------------------------------------------------------

def _load(consultation_id: str) -> ConsultationItem:
    try:
        return ConsultationItem.get(*ConsultationItem.key(consultation_id))
    except DoesNotExist:
        raise _not_found() from None


def _for_staff(lau2: str, consultation_id: str) -> ConsultationItem:
    item = _load(consultation_id)
    if item.lau2 != lau2:
        raise _not_found()
    return item


def _lau2_of(principal: Principal, neighbourhood_id: str) -> str:
    # The policy let in only verified residents of this neighbourhood: their commune is its commune.
    return principal.lau2 or neighbourhood_id.split("-", 1)[0]


def _for_resident(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ConsultationItem:
    """A published consultation that asks this neighbourhood; to anyone else it does not exist."""
    item = _load(consultation_id)
    if item.status != "published" or item.lau2 != _lau2_of(principal, neighbourhood_id):
        raise _not_found()
    if item.neighbourhood_ids and neighbourhood_id not in item.neighbourhood_ids:
        raise _not_found()
    return item


def _state(item: ConsultationItem, at: datetime) -> str:
    if item.status != "published":
        return "draft"
    return "upcoming" if at < item.opens_at else "open" if at < item.closes_at else "closed"


def _check_open(item: ConsultationItem, at: datetime) -> None:
    state = _state(item, at)
    if state == "upcoming":
        raise Conflict("The consultation is not open yet.", {"consultation_id": "not open yet"})
    if state == "closed":
        raise Conflict("The consultation has closed.", {"consultation_id": "closed"})


def _my_answer(consultation_id: str, user_id: str | None) -> AnswerItem | None:
    try:
        return AnswerItem.get(*AnswerItem.key(consultation_id, user_id or ""), consistent_read=True)
    except DoesNotExist:
        return None


def _public(item: ConsultationItem, documents: list[DocumentItem] | None) -> ConsultationPublic:
    return ConsultationPublic(
        id=item.consultation_id, lau2=item.lau2, status=item.status, state=_state(item, now()),  # type: ignore[arg-type]
        version=int(item.version), title=item.title, description=item.description, location_cell=item.location_cell,
        location=_centre(item.location_cell),
        neighbourhood_ids=list(item.neighbourhood_ids or []), opens_at=item.opens_at, closes_at=item.closes_at,
        questions=[ConsultationQuestion.model_validate(q) for q in item.questions],
        documents=[_document_public(d) for d in documents or []], created_at=item.created_at,
        published_at=item.published_at)


def _centre(cell: str | None) -> Point | None:
    if not cell:
        return None
    lat, lon = h3.cell_to_latlng(cell)
    return Point(lat=round(lat, 6), lon=round(lon, 6))


def _resident_view(item: ConsultationItem, mine: AnswerItem | None, documents: list[DocumentItem]) -> ResidentConsultation:
    return ResidentConsultation(consultation=_public(item, documents), my_answers=mine.answers if mine else None,
                                answered_at=mine.updated_at if mine else None,
                                results_available=_state(item, now()) == "closed")


# --- your data (GDPR): one's answers and comments -------------------------------------------------

def export_contributions(user_id: str) -> dict[str, Any]:
    answers = AnswerItem.gsi1.query(AnswerItem.answerer(user_id))
    comments = CommentItem.gsi1.query(CommentItem.commenter(user_id))
    return {"answers": [{"consultation_id": a.consultation_id, "answers": a.answers,
                         "updated_at": a.updated_at.isoformat()} for a in answers],
            "comments": [{"consultation_id": c.consultation_id, "text": c.text,
                          "created_at": c.created_at.isoformat()} for c in comments]}


def erase_contributions(user_id: str, choice: ContentChoice) -> None:
    """Answers stay counted (the counters hold no identity) but lose their author; comments are
    removed or anonymised as chosen."""
    for answer_item in AnswerItem.gsi1.query(AnswerItem.answerer(user_id)):
        answer_item.delete()
    for comment_item in CommentItem.gsi1.query(CommentItem.commenter(user_id)):
        if choice == "remove":
            comment_item.delete()
        else:
            comment_item.update(actions=[CommentItem.author_id.remove(), CommentItem.author_name.remove(),
                                         CommentItem.gsi1pk.remove(), CommentItem.gsi1sk.remove()])


register_content_owner(ContentOwner(name="consultations", export=export_contributions, erase=erase_contributions))
