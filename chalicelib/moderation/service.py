"""Moderation, open to scrutiny: reports, the neighbourhood's queue, hiding and restoring, the audit log,
for every kind of content registered with the content kernel (`chalicelib/content/kinds.py`: posts,
comments, messages, lent items), by the kind's name: this package imports none of them.

Anyone who may read a piece (the kind's `readable`: for a message, its conversation's participants) may
report it, once (a conditional write). The report, the week's `reports` counter, the audit entry and what
the kind adds (a post's `report_count`) are one transaction; then the kind may act on it (a post hides
itself after three reports until a moderator reviews it). Every report lands in the one queue of the
neighbourhood (`NBH#<id>#REPORTS`), where its moderators see the reported content and hide, restore or
dismiss it through the kind's `hide` hook. Each report carries what the queue shows of its target, copied as
reported, so the queue is one Query (#16): an edit after the report leaves the copy as reported (what the
reporters saw); a deletion, an anonymisation or a hide by other means rewrites the open reports' copies
(`kinds.changed`: `refresh_reports`), and a decision reads the live piece, acts on it, and leaves its reports
closed with the piece as decided. Moderators are the ambassadors of the neighbourhood and the
moderators the commune appointed (`policy.moderates`). A hide stores a reason code and an optional
note (chalicelib/content/reasons.py translates it for readers). Every action writes an audit item
(`NBH#<id>#AUDIT`) in the same transaction; the log reads it a page at a time. docs/data-model.md lists
the keys. A post's own moderation (hiding it directly, appeals) is in `chalicelib/posts/hiding.py` and
`appeals.py`, which build on this.
"""

from __future__ import annotations

from collections import Counter

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib import policy
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week
from chalicelib.content.kinds import Change, Content, Known
from chalicelib.errors import Conflict, NotFound
from chalicelib.moderation.models import (
    AuditEntry, AuditItem, AuditLog, LogQuery, ReportAccepted, ReportDecision, ReportedContent, ReportedTarget,
    ReportItem, ReportList, ReportRequest,
)
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.pages import TIME_ID_SK, decode_cursor, encode_cursor
from chalicelib.store.table import condition_failed, refused_conditions, table_connection, transaction

AUTO_HIDE_AT = 3  # distinct reports that hide a post until a moderator reviews it (posts/hiding.py)
AUTO = "auto"
# What a report keeps of where its target is (a kind's `Content.where`), for the queue to link it.
_WHERE = ("post_id", "conversation_id", "item_id", "event_id", "call_id", "budget_proposal_id")
# The sort keys a cursor of the log (`<at>#<ULID>`) or of the appeals queue (`<appealed at>#<post id>`) holds.
_TIME_ID_SK = TIME_ID_SK


# --- reports --------------------------------------------------------------------------------

def report(principal: Principal, kind: str, content_id: str, request: ReportRequest) -> ReportAccepted:
    """A reader reports a piece of content of any kind (once); to anyone else it does not exist (404)."""
    content = kinds.readable(principal, kind, content_id)
    write_report(principal, content, request.reason, request.text)
    return ReportAccepted(target_type=kind, target_id=content_id, reason=request.reason)  # type: ignore[arg-type]


def write_report(principal: Principal, content: Content, reason: str, text: str | None) -> ReportItem:
    """The report, its audit entry, the week's counter and the kind's own writes: one transaction; then
    the kind's `after_report`. The author cannot report their own (409)."""
    if content.author_id == principal.user_id:
        raise Conflict(f"You cannot report your own {content.kind}.", {f"{content.kind}_id": "yours"})
    kind = kinds.kind(content.kind)
    nbh = content.neighbourhood_id
    report = ReportItem(*ReportItem.key(content.kind, content.id, principal.user_id),
                        gsi1pk=ReportItem.listing(nbh),
                        gsi1sk=ReportItem.listing_sk("open", content.kind, content.id, principal.user_id),
                        report_id=new_id(), neighbourhood_id=nbh, target_type=content.kind, target_id=content.id,
                        reporter_id=principal.user_id, reason=reason, text=text or None, created_at=now(),
                        content=_shown(content),
                        **{name: value for name, value in content.where.items() if name in _WHERE})
    try:
        with transaction() as t:
            t.save(report, condition=ReportItem.pk.does_not_exist())
            t.save(audit_entry(nbh, "report", principal.user_id, content.kind, content.id, reason))
            count_in_week(t, nbh, reports=1)
            if kind.on_report:
                kind.on_report(t, content)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise Conflict("You have already reported this.", {f"{content.kind}_id": "already reported"}) from None
        if refused_conditions(error):
            raise NotFound(f"No such {content.kind}.", {f"{content.kind}_id": "not found"}) from None
        raise
    logger.info("content reported", nbh=nbh, target=content.kind, reason=reason)
    if kind.after_report:
        kind.after_report(content.id)
    return report


def open_reports(neighbourhood_id: str, status: str) -> ReportList:
    """The neighbourhood's one queue (posts, comments, messages), grouped by target, most reported
    first; reasons counted, reporters never named; each with the reported content, for its moderators."""
    found = ReportItem.gsi1.query(ReportItem.listing(neighbourhood_id),
                                  ReportItem.gsi1sk.startswith(f"{status.upper()}#"))
    grouped: dict[tuple[str, str], list[ReportItem]] = {}
    for report in found:
        grouped.setdefault((report.target_type, report.target_id), []).append(report)
    shown = {target: _copy_in(reports) for target, reports in grouped.items()}
    unshown = {target: reports for target, reports in grouped.items() if shown[target] is None}
    if unshown:  # reports written before they carried their target's copy
        contents = _reported_contents(unshown)
        shown.update({target: reported_content(contents[target]) for target in unshown})
    targets = [_summary(kind, target_id, reports, shown[(kind, target_id)])
               for (kind, target_id), reports in grouped.items()]
    return ReportList(targets=sorted(targets, key=lambda t: (-t.count, t.target_id)))


def _copy_in(reports: list[ReportItem]) -> ReportedContent | None:
    """What the newest report carrying a copy of the target shows (each later report copies it afresh)."""
    newest = max((r for r in reports if r.content is not None), key=lambda r: r.created_at, default=None)
    return None if newest is None else ReportedContent.model_validate(newest.content)


def _reported_contents(grouped: dict[tuple[str, str], list[ReportItem]]) -> dict[tuple[str, str], Content | None]:
    """The queue's reported pieces in one BatchGetItem where their kinds say where they are stored (posts,
    messages, items), never one GetItem per target; the others through their kind's `load`."""
    return kinds.load_many([(kind, target_id, _known(reports[0])) for (kind, target_id), reports in grouped.items()])


def refresh_reports(target_type: str, target_id: str) -> int:
    """The piece was deleted, anonymised or hid itself (`kinds.changed`): its open reports' copies show it as it
    is now. One Query when it has none open. Answers how many it rewrote."""
    reports = [r for r in ReportItem.query(ReportItem.key(target_type, target_id, "")[0], consistent_read=True)
               if r.gsi1sk.startswith("OPEN#")]
    if not reports:
        return 0
    shown = _shown(kinds.load(target_type, target_id, _known(reports[0])))
    for report in reports:
        try:  # still open (a decision closing it writes its own copy)
            report.update(actions=[ReportItem.content.set(shown)], condition=ReportItem.gsi1sk == report.gsi1sk)
        except UpdateError as error:
            if not condition_failed(error):
                raise
    return len(reports)


kinds.watch_changes(refresh_reports)


def copy_into_reports() -> int:
    """Once, after upgrading to reports that carry their target's copy (#16, `./noper snapshot-reports`): each
    report without one gets the piece as it is now (read once per target), so the queue is one Query. A Scan:
    an operator's one-off, never a request; idempotent. Answers how many reports it wrote."""
    found = ReportItem.scan(ReportItem.pk.startswith("REPORTS#") & ReportItem.content.does_not_exist())
    grouped: dict[tuple[str, str], list[ReportItem]] = {}
    for report in found:
        grouped.setdefault((report.target_type, report.target_id), []).append(report)
    written = 0
    for (kind, target_id), reports in grouped.items():
        shown = _shown(kinds.load(kind, target_id, _known(reports[0])))
        for report in reports:
            try:
                report.update(actions=[ReportItem.content.set(shown)], condition=ReportItem.content.does_not_exist())
            except UpdateError as error:
                if not condition_failed(error):
                    raise
                continue
            written += 1
    return written


def decide_report(principal: Principal, neighbourhood_id: str, target_type: str, target_id: str,
                  decision: ReportDecision) -> ReportedTarget:
    """From the queue: hide, restore or dismiss a reported piece of the neighbourhood (the route's policy
    checked the principal moderates it). Its open reports close; the audit log says so."""
    reports = [r for r in ReportItem.query(ReportItem.key(target_type, target_id, "")[0], consistent_read=True)
               if r.gsi1pk == ReportItem.listing(neighbourhood_id)]
    if not reports:
        raise NotFound("No reports of this here.", {"target_id": "not reported here"})
    me = principal.user_id
    content = kinds.load(target_type, target_id, _known(reports[0]))
    if content is None:
        raise NotFound("It was deleted meanwhile.", {"target_id": "deleted"})
    # Not on one's own post, comment, message or item, nor on what one reported oneself.
    policy.not_own_case("moderation.decide", principal, [content.author_id, *(r.reporter_id for r in reports)])
    if decision.action == "dismiss":
        if content.hidden and content.hidden_by == AUTO:  # hidden "until reviewed": reviewed, nothing wrong
            _decide(content, Change(hide=False, reason=None, note=None, by=me, action="dismiss"))
        else:
            _audit_only(neighbourhood_id, "dismiss", me, target_type, target_id, decision.reason, decision.note)
    else:
        _decide(content, Change(hide=decision.action == "hide", reason=decision.reason, note=decision.note, by=me,
                                action=decision.action))
    decided = reported_content(kinds.load(target_type, target_id, _known(reports[0])))  # as it is now
    _close(reports, decided)
    return _summary(target_type, target_id, reports, decided)


def moderation_log(neighbourhood_id: str, query: LogQuery | None = None) -> AuditLog:
    """Every action in the neighbourhood, newest first; one Query a page, older pages by cursor."""
    query = query or LogQuery()
    partition = AuditItem.partition(neighbourhood_id)
    start = decode_cursor(query.cursor, partition=partition, sort_pattern=_TIME_ID_SK,
                          what="log") if query.cursor else None
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=False, exclusive_start_key=start)
    items = [AuditItem.from_raw_data(raw) for raw in page.get("Items", [])]
    last = page.get("LastEvaluatedKey")
    return AuditLog(entries=[AuditEntry(at=item.at, action=item.action,  # type: ignore[arg-type]
                                        by=None if item.action in ("report", "auto_hide") else item.actor_id,
                                        target_type=item.target_type, target_id=item.target_id,  # type: ignore[arg-type]
                                        reason=item.reason, note=item.note) for item in items],
                    cursor=encode_cursor(last) if last else None)


# --- inside ---------------------------------------------------------------------------------

def _decide(content: Content, change: Change) -> None:
    """Hide or show through the kind's hook, which writes the audit entry in its transaction."""
    audit = audit_entry(content.neighbourhood_id, change.action, None if change.by == AUTO else change.by, content.kind,
                        content.id, change.reason, change.note)
    kinds.kind(content.kind).hide(content, change, audit)


def _audit_only(nbh: str, action: str, by: str, target_type: str, target_id: str, reason: str | None,
                note: str | None) -> None:
    audit_entry(nbh, action, by, target_type, target_id, reason, note).save()
    logger.info("reports dismissed", target=target_type, nbh=nbh)


def _summary(target_type: str, target_id: str, reports: list[ReportItem], shown: ReportedContent) -> ReportedTarget:
    """One target of the queue, with what it shows of the piece."""
    first = reports[0]
    return ReportedTarget(target_type=target_type, target_id=target_id, post_id=first.post_id,  # type: ignore[arg-type]
                          conversation_id=first.conversation_id, item_id=first.item_id, event_id=first.event_id, call_id=first.call_id,
                          budget_proposal_id=first.budget_proposal_id, count=len(reports),
                          reasons=dict(Counter(r.reason for r in reports)), texts=[r.text for r in reports if r.text],
                          content=shown)


def _known(report: ReportItem) -> Known:
    """What a report says of its target: its neighbourhood and where it is (spares the kind reads)."""
    where = {name: getattr(report, name) for name in _WHERE if getattr(report, name)}
    return Known(neighbourhood_id=report.gsi1pk.removeprefix("NBH#").removesuffix("#REPORTS"), where=where)


def reported_content(content: Content | None) -> ReportedContent:
    """What the moderator looks at (the post, the comment, the one reported message but not the conversation,
    the item), whoever it is hidden from; None: deleted."""
    if content is None:
        return ReportedContent(author_id=None, text=None, gone=True)
    return ReportedContent(author_id=content.author_id, kind=content.subkind, title=content.title, text=content.text,
                           hidden=content.hidden, hidden_reason=content.hidden_reason if content.hidden else None,
                           created_at=content.created_at, gone=content.deleted)


def _shown(content: Content | None) -> dict:
    """The copy of a piece a report carries (`ReportedContent` as JSON)."""
    return reported_content(content).model_dump(mode="json")


def close_reports(target_type: str, target_id: str) -> None:
    """A moderator looked at it: its open reports are closed (kept for the record, with the piece as decided)."""
    reports = [r for r in ReportItem.query(ReportItem.key(target_type, target_id, "")[0], consistent_read=True)
               if r.gsi1sk.startswith("OPEN#")]
    if reports:
        _close(reports, reported_content(kinds.load(target_type, target_id, _known(reports[0]))))


def forget_reports(targets: list[tuple[str, str]]) -> None:
    """Deleted content: its open reports go (kind, id each), in batches; closed ones stay for the record."""
    with ReportItem.batch_write() as batch:
        for target_type, target_id in targets:
            for report in ReportItem.query(ReportItem.key(target_type, target_id, "")[0], consistent_read=True):
                if report.gsi1sk.startswith("OPEN#"):
                    batch.delete(report)


def _close(reports, decided: ReportedContent) -> None:
    shown = decided.model_dump(mode="json")
    for report in reports:
        if report.gsi1sk.startswith("OPEN#"):
            report.update(actions=[ReportItem.gsi1sk.set(
                ReportItem.listing_sk("closed", report.target_type, report.target_id, report.reporter_id)),
                ReportItem.content.set(shown)])


def audit_entry(nbh: str, action: str, actor_id: str | None, target_type: str, target_id: str,
           reason: str | None, note: str | None = None) -> AuditItem:
    at = now()
    return AuditItem(AuditItem.partition(nbh), f"{at.isoformat()}#{new_id()}", action=action, actor_id=actor_id,
                     target_type=target_type, target_id=target_id, reason=reason, note=note, at=at)
