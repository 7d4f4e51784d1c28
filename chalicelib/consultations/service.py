"""Consultations on planning projects: staff prepare and publish them, verified residents of the
targeted neighbourhoods answer (once, changeable until closing) and comment to the commune, staff
read the results with small counts suppressed; residents read them once it has closed.

- A consultation is one item (`CONSULTATION#<id>`); publishing writes one target entry per targeted
  neighbourhood (for the whole commune: one for the commune and one per published neighbourhood), keyed
  by closing time and carrying the title, so "open here now" is one Query.
- An answer is one item per resident (`ANSWER#<user_id>`), written in one transaction with a
  condition on the consultation being open, a condition on the answer's version (once per resident,
  no lost change) and atomic ADDs on the counters per neighbourhood, question and option: a count
  is never doubled nor lost, whatever runs at the same time (tests/consultations/).
- Free-text answers are also copied without their author for staff.

This module holds the entry points over one consultation, for staff and residents, and what they
share: loading it for each, its state at the clock's moment, its views. The documents are in
`documents.py`, checking a questionnaire and its targets in `questionnaires.py`, writing an
answer in `answers.py`, counting the results in `results.py`.
Somewhat over 400 lines for a reason: every entry point checks the consultation's state against
the same clock here (tests move it), so answering, commenting and reading results stay with them.

docs/data-model.md lists the keys.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import h3
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.communes import audit
from chalicelib.communes.models import CommuneItem
from chalicelib.communes.service import get_commune
from chalicelib.consultations.answers import conflicting, validated, write_answer
from chalicelib.consultations.documents import (
    document_link, document_public, documents_of, presigned_document_post, ready_documents,
    process_uploaded_document,  # noqa: F401 (tests/consultations call it through this module)
)
from chalicelib.consultations.models import (
    DOCUMENTS_PER_CONSULTATION, MAX_DOCUMENT_BYTES, AnswerItem, CommentItem, ConsultationAnswers,
    ConsultationComment, ConsultationCommentList, ConsultationCommentRequest, ConsultationDocumentLink,
    ConsultationDocumentRequest, ConsultationDocumentUpload, ConsultationDocumentUploadStarted, ConsultationDraft,
    ConsultationItem, ConsultationList, ConsultationPublic, ConsultationQuestion, ConsultationResults,
    ConsultationSummary, ConsultationSummaryList, DocumentItem, ResidentConsultation, SuppressedCount, TargetItem,
    TextAnswerItem, stamp,
)
from chalicelib.consultations.questionnaires import (
    check_draft, fill, names_asked, pick, target, target_keys, write_targets,
)
from chalicelib.consultations.results import counted, results_of
from chalicelib.errors import Conflict, InvalidInput, NotFound, TooLarge
from chalicelib.i18n import translate
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.posts.models import Point
from chalicelib.store.table import condition_failed, read_items, refused_conditions, table_connection, transaction

RECENTLY_CLOSED = timedelta(days=90)  # residents' list keeps closed consultations this long (their results)
ANSWER_ATTEMPTS = 6
COMMENTS_SHOWN = 500  # newest first


def _not_found() -> NotFound:
    return NotFound("No such consultation.", {"consultation_id": "not found"})


# --- the weekly digest and residents' lists ----------------------------------------------------

def open_for(lau2: str, neighbourhood_id: str, at: datetime, language: str) -> list[ConsultationSummary]:
    """Consultations open at `at` for residents of the neighbourhood (targeting it or the whole
    commune), soonest closing first, titled in `language` (else the commune's languages, in order).
    One Query (entries written before they carried titles: and one BatchGetItem); used by the weekly digest."""
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
    # One Query: the neighbourhood's partition holds the whole-commune consultations too, each entry its title.
    entries = list(TargetItem.query(TargetItem.partition(neighbourhood_id, lau2), TargetItem.sk > after))
    summaries = [_summary(e.consultation_id, e.title, e.languages or [], e.opens_at, e.closes_at, at, language)
                 for e in entries if e.title is not None]
    older = sorted({e.consultation_id for e in entries if e.title is None})  # written before entries had titles
    if older:
        # The consultations and the commune (its languages, for titles) in one BatchGetItem.
        found = read_items([CommuneItem.key(lau2), *(ConsultationItem.key(cid) for cid in older)])
        commune = found.pop(CommuneItem.key(lau2), None)
        if commune is None:
            raise NotFound(f"No commune {lau2} on Noper.", {"lau2": "unknown commune"})
        languages = CommuneItem.from_raw_data(commune).languages
        for item in (ConsultationItem.from_raw_data(raw) for raw in found.values()):
            if item.status == "published" and item.lau2 == lau2:
                summaries.append(_summary(item.consultation_id, item.title, languages, item.opens_at, item.closes_at,
                                          at, language))
    return sorted(summaries, key=lambda s: (s.closes_at, s.id))


def _summary(consultation_id: str, titles: dict[str, str], languages: list[str], opens_at: datetime,
             closes_at: datetime, at: datetime, language: str | None) -> ConsultationSummary:
    title, chosen = pick(titles, language, languages)
    state = "upcoming" if at < opens_at else "open" if at < closes_at else "closed"  # published: see _state
    return ConsultationSummary(id=consultation_id, title=title, language=chosen, opens_at=opens_at,
                               closes_at=closes_at, state=state)  # type: ignore[arg-type]


def retarget(lau2: str) -> int:
    """Write again the target entries of the commune's published consultations still listed (open, upcoming,
    or closed within RECENTLY_CLOSED): a whole-commune one reaches neighbourhoods published since, and entries
    written before they carried titles get them. After a publication of neighbourhoods, and once when upgrading
    (`./noper retarget-consultations`). Idempotent puts; answers how many entries it wrote."""
    floor, written = now() - RECENTLY_CLOSED, 0
    published = {n.id: n.name for n in list_published(lau2).neighbourhoods}
    neighbourhoods = list(published)
    languages = list(get_commune(lau2).languages)
    with TargetItem.batch_write() as batch:
        for item in ConsultationItem.gsi1.query(ConsultationItem.commune_list(lau2)):
            if item.neighbourhood_names is not None:  # else `move_texts` names them, once it moved their texts
                _rename(item, names_asked(item, published))
            if item.status != "published" or item.closes_at <= floor:
                continue
            for key in sorted(target_keys(item, neighbourhoods)):
                batch.save(target(key, item, languages))
                written += 1
    return written


def _rename(item: ConsultationItem, names: dict[str, str]) -> None:
    """Keep the names of the neighbourhoods it asks on it (its results read them there)."""
    if names == item.neighbourhood_names:
        return
    try:
        item.update(actions=[ConsultationItem.neighbourhood_names.set(names)], condition=ConsultationItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def move_texts(lau2: str) -> int:
    """Once when upgrading (`./noper move-consultation-texts`): move the free-text answers of the commune's
    consultations written before into their consultation's partition, then keep the names of the neighbourhoods
    each asks on it, which tells it moved (its results are one Query since). Idempotent; answers how many texts
    it moved."""
    published = {n.id: n.name for n in list_published(lau2).neighbourhoods}
    moved = 0
    for item in ConsultationItem.gsi1.query(ConsultationItem.commune_list(lau2)):
        if item.neighbourhood_names is not None:
            continue
        earlier = list(TextAnswerItem.query(TextAnswerItem.earlier_partition(item.consultation_id)))
        with TextAnswerItem.batch_write() as batch:
            for text in earlier:
                batch.save(TextAnswerItem(*TextAnswerItem.key(item.consultation_id, text.sk),
                                          question_id=text.question_id, text=text.text))
        with TextAnswerItem.batch_write() as batch:
            for text in earlier:
                batch.delete(text)
        moved += len(earlier)
        try:  # last: a consultation with its names reads its texts only from its own partition
            item.update(actions=[ConsultationItem.neighbourhood_names.set(names_asked(item, published))],
                        condition=ConsultationItem.neighbourhood_names.does_not_exist())
        except UpdateError as error:
            if not condition_failed(error):
                raise
    return moved


# --- staff: preparing and publishing ----------------------------------------------------------

def create(principal: Principal, lau2: str, draft: ConsultationDraft) -> ConsultationPublic:
    checked = check_draft(lau2, draft)
    consultation_id, at = new_id(), now()
    item = ConsultationItem(*ConsultationItem.key(consultation_id), gsi1pk=ConsultationItem.commune_list(lau2),
                            gsi1sk=consultation_id, consultation_id=consultation_id, lau2=lau2, status="draft",
                            version=1, created_by=principal.user_id or "", created_at=at, updated_at=at,
                            ready_documents=[])
    fill(item, draft, checked)
    item.save(condition=ConsultationItem.pk.does_not_exist())
    logger.info("consultation drafted", consultation_id=consultation_id, lau2=lau2)
    return _public(item, [])


def staff_list(lau2: str) -> ConsultationList:
    items = ConsultationItem.gsi1.query(ConsultationItem.commune_list(lau2), scan_index_forward=False, limit=200)
    return ConsultationList(consultations=[_public(item, None) for item in items])


def staff_get(lau2: str, consultation_id: str) -> ConsultationPublic:
    item, documents = _with_siblings(consultation_id, DocumentItem, after=True)
    return _public(_staff_may_see(item, lau2), documents)


def edit(lau2: str, consultation_id: str, draft: ConsultationDraft, version: int) -> ConsultationPublic:
    """Replace a consultation while it is a draft, or published but not open yet."""
    item = _for_staff(lau2, consultation_id)
    checked = check_draft(lau2, draft)
    at = now()
    if item.version != version:
        raise Conflict("Someone changed this consultation meanwhile; reload it.", {"version": "changed"})
    if item.status == "published" and item.opens_at <= at:
        raise Conflict("The consultation is open: it can no longer be changed.", {"consultation_id": "opened"})
    old_targets = target_keys(item) if item.status == "published" else set()
    fill(item, draft, checked)
    item.version, item.updated_at = version + 1, at
    condition = ConsultationItem.version == version
    if item.ready_documents is not None:  # a document kept meanwhile is not overwritten
        condition &= ConsultationItem.ready_documents == item.ready_documents
    if item.status == "published":
        condition &= ConsultationItem.opens_at > at
    try:
        with transaction() as t:
            t.save(item, condition=condition)
            if item.status == "published":
                write_targets(t, item, old_targets)
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Someone changed this consultation meanwhile, or it opened; reload it.",
                           {"version": "changed"}) from None
        raise
    return _public(item, documents_of(consultation_id))


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
            write_targets(t, item, set())
            t.save(audit.entry(lau2, "consultation_published", by, "consultation", consultation_id))
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Someone changed this consultation meanwhile; reload it.", {"version": "changed"}) from None
        raise
    logger.info("consultation published", consultation_id=consultation_id, lau2=lau2,
                targets=len(item.neighbourhood_ids) or "commune")
    return _public(item, documents_of(consultation_id))


# --- documents (PDF only: the type is checked from the bytes) ------------------------------------

def start_document_upload(lau2: str, consultation_id: str, request: ConsultationDocumentRequest) -> ConsultationDocumentUploadStarted:
    item = _for_staff(lau2, consultation_id)
    if request.size > MAX_DOCUMENT_BYTES:
        raise TooLarge(f"The document is {request.size} bytes; at most {MAX_DOCUMENT_BYTES} are accepted.",
                       {"size": f"at most {MAX_DOCUMENT_BYTES} bytes"})
    if item.closes_at <= now():
        raise Conflict("The consultation has closed.", {"consultation_id": "closed"})
    if len(documents_of(consultation_id)) >= DOCUMENTS_PER_CONSULTATION:
        raise Conflict(f"At most {DOCUMENTS_PER_CONSULTATION} documents per consultation.", {"document": "too many"})
    document_id = new_id()
    document = DocumentItem(*DocumentItem.key(consultation_id, document_id), document_id=document_id,
                            consultation_id=consultation_id, name=request.name, size=request.size, status="waiting",
                            created_at=now())
    document.save()
    upload = presigned_document_post(consultation_id, document_id)
    return ConsultationDocumentUploadStarted(document=document_public(document), upload=ConsultationDocumentUpload(**upload),
                                 max_bytes=MAX_DOCUMENT_BYTES)


def staff_document_link(lau2: str, consultation_id: str, document_id: str) -> ConsultationDocumentLink:
    _for_staff(lau2, consultation_id)
    return document_link(consultation_id, document_id)


def resident_document_link(principal: Principal, neighbourhood_id: str, consultation_id: str,
                           document_id: str) -> ConsultationDocumentLink:
    _for_resident(principal, neighbourhood_id, consultation_id)
    return document_link(consultation_id, document_id)


# --- residents: reading, answering, commenting --------------------------------------------------

def resident_get(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ResidentConsultation:
    """The consultation (its ready documents listed on it) and my answer: one BatchGetItem, strongly consistent
    (my answer as just written). A consultation written before the list: its documents queried."""
    keys = ConsultationItem.key(consultation_id), AnswerItem.key(consultation_id, principal.user_id or "")
    found = read_items(list(keys), consistent=True)
    raw, mine = found.get(keys[0]), found.get(keys[1])
    item = _resident_may_see(ConsultationItem.from_raw_data(raw) if raw else None, principal, neighbourhood_id)
    return _resident_view(item, AnswerItem.from_raw_data(mine) if mine else None, ready_documents(item))


def answer(principal: Principal, neighbourhood_id: str, consultation_id: str,
           request: ConsultationAnswers) -> tuple[ResidentConsultation, bool]:
    """Answer, or change one's answers; returns the consultation and whether this was the first answer."""
    item = _for_resident(principal, neighbourhood_id, consultation_id)
    _check_open(item, now())
    answers = validated(item, request)
    for attempt in range(ANSWER_ATTEMPTS):
        previous = _my_answer(consultation_id, principal.user_id)
        try:
            saved = write_answer(item, principal, neighbourhood_id, answers, previous, now())
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if 0 in refused:  # the consultation closed (or changed) under us
                _check_open(_load(consultation_id), now())
                raise Conflict("The consultation is not open.", {"consultation_id": "not open"}) from None
            if refused or conflicting(error):  # another of my devices, or a concurrent transaction: retry
                time.sleep(0.02 * (attempt + 1) + secrets.randbelow(20) / 1000)
                continue
            raise
        logger.info("consultation answered", consultation_id=consultation_id, first=previous is None)
        return _resident_view(item, saved, [d for d in documents_of(consultation_id) if d.status == "ready"]), \
            previous is None
    raise Conflict("Your answers changed at the same time elsewhere; try again.", {"answers": "changed meanwhile"})


def comment(principal: Principal, neighbourhood_id: str, consultation_id: str,
            request: ConsultationCommentRequest) -> ConsultationComment:
    item = _for_resident(principal, neighbourhood_id, consultation_id)
    _check_open(item, now())
    from chalicelib.accounts.service import load_user  # accounts is imported lazily, as elsewhere

    user = load_user(principal.user_id)
    comment_id = new_id()
    saved = CommentItem(*CommentItem.key(consultation_id, comment_id), gsi1pk=CommentItem.commenter(user.user_id),
                        gsi1sk=comment_id, comment_id=comment_id, consultation_id=consultation_id,
                        author_id=user.user_id, author_name=user.shown_name() or None,
                        neighbourhood_id=neighbourhood_id, text=request.text, created_at=now())
    saved.save(condition=CommentItem.pk.does_not_exist())
    return _comment_public(saved, principal.user_id)


def resident_comments(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ConsultationCommentList:
    found, comments = _with_siblings(consultation_id, CommentItem, after=False, limit=COMMENTS_SHOWN)
    _resident_may_see(found, principal, neighbourhood_id)
    return _comments(comments, principal.user_id)


def staff_comments(lau2: str, consultation_id: str) -> ConsultationCommentList:
    item, comments = _with_siblings(consultation_id, CommentItem, after=False, limit=COMMENTS_SHOWN)
    _staff_may_see(item, lau2)
    return _comments(comments, None)


def _comments(items: list[CommentItem], reader: str | None) -> ConsultationCommentList:
    return ConsultationCommentList(comments=[_comment_public(item, reader) for item in items])


def _comment_public(item: CommentItem, reader: str | None) -> ConsultationComment:
    return ConsultationComment(id=item.comment_id, author_name=item.author_name, neighbourhood_id=item.neighbourhood_id,
                               text=item.text, created_at=item.created_at,
                               mine=reader is not None and item.author_id == reader)


# --- results ----------------------------------------------------------------------------------

def staff_results(lau2: str, consultation_id: str) -> ConsultationResults:
    """The consultation with its tallies and free texts in one Query; then whether staff of `lau2` may see it."""
    found = counted(consultation_id, with_texts=True)
    _staff_may_see(found.item, lau2)
    return results_of(found, with_texts=True, state=_state(found.item, now()))  # type: ignore[arg-type]


def resident_results(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ConsultationResults:
    found = counted(consultation_id, with_texts=False)
    item = _resident_may_see(found.item, principal, neighbourhood_id)
    if _state(item, now()) != "closed":
        raise Conflict("ConsultationResults are shown once the consultation has closed.", {"consultation_id": "not closed yet"})
    return results_of(found, with_texts=False, state="closed")


def results_csv(lau2: str, consultation_id: str, language: str | None) -> tuple[str, str]:
    """(file name, CSV text with a BOM for Excel): one row per question, option and neighbourhood
    (and "all"), suppressed counts written as "fewer than 5"; then the free-text answers (withheld, with a
    line saying so, while fewer than 5 residents answered the question)."""
    results = staff_results(lau2, consultation_id)
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
    return _staff_may_see(_load(consultation_id), lau2)


def _staff_may_see(item: ConsultationItem | None, lau2: str) -> ConsultationItem:
    if item is None or item.lau2 != lau2:
        raise _not_found()
    return item


def _with_siblings(consultation_id: str, sibling: type[Any], *, after: bool,
                     limit: int | None = None) -> tuple[ConsultationItem | None, list[Any]]:
    """The consultation and the items of one kind stored next to it, in one Query of its partition: the
    documents (`DOC#…`, just after `CONSULTATION` in sort order, oldest first) or the comments (`COMMENT#…`,
    just before it, newest first). Nothing else of the partition sorts between them (docs/data-model.md)."""
    pk, sk = ConsultationItem.key(consultation_id)
    prefix = "DOC#" if after else "COMMENT#"
    condition = ConsultationItem.sk.between(sk, f"{prefix}\uffff") if after else ConsultationItem.sk.between(prefix, sk)
    page = table_connection().query(pk, range_key_condition=condition, scan_index_forward=after,
                                    limit=limit + 1 if limit else None)
    found = page.get("Items", [])
    if not found or found[0]["sk"]["S"] != sk:
        return None, []
    return ConsultationItem.from_raw_data(found[0]), [sibling.from_raw_data(raw) for raw in found[1:]
                                                      if raw["sk"]["S"].startswith(prefix)]


def _lau2_of(principal: Principal, neighbourhood_id: str) -> str:
    # The policy let in only verified residents of this neighbourhood: their commune is its commune.
    return principal.lau2 or neighbourhood_id.split("-", 1)[0]


def _for_resident(principal: Principal, neighbourhood_id: str, consultation_id: str) -> ConsultationItem:
    return _resident_may_see(_load(consultation_id), principal, neighbourhood_id)


def _resident_may_see(item: ConsultationItem | None, principal: Principal, neighbourhood_id: str) -> ConsultationItem:
    """A published consultation that asks this neighbourhood; to anyone else it does not exist."""
    if item is None or item.status != "published" or item.lau2 != _lau2_of(principal, neighbourhood_id):
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
        documents=[document_public(d) for d in documents or []], created_at=item.created_at,
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
