"""Moderation, open to scrutiny: reports, hiding and restoring posts, appeals, the audit log.

Anyone who may read a post or comment may report it, once (a conditional write); so may either
participant a message of their conversation. The report, the post's `report_count` ADD, the week's
`reports` counter and the audit entry are one transaction. Every report lands in the one queue of
the neighbourhood (`NBH#<id>#REPORTS`), where its moderators see the reported content and hide,
restore or dismiss it. Three distinct reports hide a post until a moderator reviews it (a
conditional update on the count). Moderators are the ambassadors of the neighbourhood and the
moderators the commune appointed (`policy.moderates`). A hide stores a reason code and an optional
note (chalicelib/moderation/reasons.py translates it for readers). The author may appeal a hide
once; a second moderator, not the one who hid it, decides. A pending appeal is also a row of the
neighbourhood's appeals queue (`NBH#<id>#APPEALS`), written and deleted in the same transactions as the
post's `appeal_state`. Every action writes an audit item (`NBH#<id>#AUDIT`) in the same transaction; the
log reads it a page at a time. docs/data-model.md lists the keys. Appeals are in `appeals.py`.
"""

from __future__ import annotations

from collections import Counter

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import policy
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.messages.models import MessageRefItem, MessageReportRequest, ReportPublic as MessageReportPublic
from chalicelib.messages.service import participating
from chalicelib.moderation.models import (
    AuditEntry, AuditItem, AuditLog, LogQuery, ModerationRequest, PendingAppealItem, ReportAccepted, ReportDecision,
    ReportedContent, ReportedTarget, ReportItem, ReportList, ReportRequest,
)
from chalicelib.moderation.reasons import AUTO_REASON
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.posts.models import PostItem, PostPublic, WeekStatsItem
from chalicelib.posts.service import (
    _entries, _public, _readable, _week, next_revision, rewrite_as_read, unchanged_since_read,
)
from chalicelib.store.pages import TIME_ID_SK, decode_cursor, encode_cursor
from chalicelib.store.table import read_items, refused_conditions, table_connection, transaction

AUTO_HIDE_AT = 3
AUTO = "auto"
# The sort keys a cursor of the log (`<at>#<ULID>`) or of the appeals queue (`<appealed at>#<post id>`) holds.
_TIME_ID_SK = TIME_ID_SK


# --- reports --------------------------------------------------------------------------------

def report_post(principal: Principal, post_id: str, request: ReportRequest) -> ReportAccepted:
    post = _readable(principal, post_id)
    if post.author_id == principal.user_id:
        raise Conflict("You cannot report your own post.", {"post_id": "yours"})
    _report(principal, post, "post", post_id, request,
            extra=lambda t: t.update(PostItem(*PostItem.key(post_id)), actions=[PostItem.report_count.add(1)],
                                     condition=PostItem.pk.exists()))
    _maybe_auto_hide(post_id)
    return ReportAccepted(target_type="post", target_id=post_id, reason=request.reason)


def report_comment(principal: Principal, comment_id: str, request: ReportRequest) -> ReportAccepted:
    from chalicelib.comments.service import _load, _no_such_comment, _ref

    ref = _ref(comment_id)
    if ref is None:
        raise _no_such_comment()
    post = _readable(principal, ref.post_id)
    comment = _load(ref.post_id, comment_id, ref.parent_id)
    if comment is None or comment.deleted:
        raise _no_such_comment()
    if comment.author_id == principal.user_id:
        raise Conflict("You cannot report your own comment.", {"comment_id": "yours"})
    _report(principal, post, "comment", comment_id, request)
    return ReportAccepted(target_type="comment", target_id=comment_id, reason=request.reason)


def report_message(principal: Principal, message_id: str, request: MessageReportRequest) -> MessageReportPublic:
    """A participant reports a message of their conversation (once); it goes to the queue of the
    conversation's neighbourhood. To anyone else the message does not exist (404)."""
    missing = NotFound("No such message.", {"message_id": "not found"})
    try:
        ref = MessageRefItem.get(*MessageRefItem.key(message_id), consistent_read=True)
        conversation = participating(principal, ref.conversation_id)
    except (DoesNotExist, NotFound):
        raise missing from None
    message = _message(ref.conversation_id, message_id)
    if message is None or message.deleted:
        raise missing
    if message.author_id == principal.user_id:
        raise Conflict("You cannot report your own message.", {"message_id": "yours"})
    item = _write_report(principal, conversation.neighbourhood_id, "message", message_id, request.reason, request.text,
                         conversation_id=ref.conversation_id)
    return MessageReportPublic(id=item.report_id, conversation_id=item.conversation_id, message_id=message_id,
                               reason=request.reason, text=item.text, created_at=item.created_at)


def open_reports(neighbourhood_id: str, status: str) -> ReportList:
    """The neighbourhood's one queue (posts, comments, messages), grouped by target, most reported
    first; reasons counted, reporters never named; each with the reported content, for its moderators."""
    found = ReportItem.gsi1.query(ReportItem.listing(neighbourhood_id),
                                  ReportItem.gsi1sk.startswith(f"{status.upper()}#"))
    grouped: dict[tuple[str, str], list[ReportItem]] = {}
    for report in found:
        grouped.setdefault((report.target_type, report.target_id), []).append(report)
    contents = _reported_contents(grouped)
    targets = [_summary(kind, target_id, reports, contents[(kind, target_id)])
               for (kind, target_id), reports in grouped.items()]
    return ReportList(targets=sorted(targets, key=lambda t: (-t.count, t.target_id)))


def _reported_contents(grouped: dict[tuple[str, str], list[ReportItem]]) -> dict[tuple[str, str], ReportedContent]:
    """The queue's reported contents in at most two BatchGetItems (never one GetItem per target): the posts,
    messages and comments' references, then the comments the references point to."""
    from chalicelib.comments.models import CommentItem, CommentRefItem
    from chalicelib.messages.models import MessageItem

    keys = {target: PostItem.key(target[1]) if target[0] == "post" else CommentRefItem.key(target[1])
            if target[0] == "comment" else (MessageItem.partition(reports[0].conversation_id or ""), target[1])
            for target, reports in grouped.items()}
    found = read_items(list(keys.values()))
    comment_keys = {}
    for target, key in keys.items():
        if target[0] == "comment" and key in found:
            ref = CommentRefItem.from_raw_data(found[key])
            sort_key = CommentItem.sort_key(ref.parent_id, target[1]) if ref.parent_id else CommentItem.sort_key(target[1])
            comment_keys[target] = (CommentItem.partition(ref.post_id), sort_key)
    comments = read_items(list(comment_keys.values())) if comment_keys else {}
    contents = {}
    for target, key in keys.items():
        if target[0] == "post":
            contents[target] = post_content(PostItem.from_raw_data(found[key]) if key in found else None)
        elif target[0] == "comment":
            raw = comments.get(comment_keys.get(target, ("", "")))
            contents[target] = _item_content(CommentItem.from_raw_data(raw) if raw else None)
        else:
            contents[target] = _item_content(MessageItem.from_raw_data(found[key]) if key in found else None)
    return contents


def decide_report(principal: Principal, neighbourhood_id: str, target_type: str, target_id: str,
                  decision: ReportDecision) -> ReportedTarget:
    """From the queue: hide, restore or dismiss a reported post, comment or message of the neighbourhood
    (the route's policy checked the principal moderates it). Its open reports close; the audit log says so."""
    reports = [r for r in ReportItem.query(ReportItem.key(target_type, target_id, "")[0], consistent_read=True)
               if r.gsi1pk == ReportItem.listing(neighbourhood_id)]
    if not reports:
        raise NotFound("No reports of this here.", {"target_id": "not reported here"})
    me = principal.user_id
    post = _post(target_id) if target_type == "post" else None
    target = post if post is not None else _comment_or_message(target_type, target_id, reports[0])
    # Not on one's own post, comment or message, nor on what one reported oneself.
    policy.not_own_case("moderation.decide", principal,
                        [getattr(target, "author_id", None), *(r.reporter_id for r in reports)])
    if post is not None:
        if decision.action == "dismiss":
            if post.hidden and post.hidden_by == AUTO:  # hidden "until reviewed": reviewed, nothing wrong
                set_hidden(post, False, None, None, me, action="dismiss", condition=_hidden_is(True))
            else:
                _audit_only(neighbourhood_id, "dismiss", me, "post", target_id, decision.reason, decision.note)
        else:
            _hide_or_show_post(post, decision.action == "hide", decision.reason, decision.note, me)
    else:
        if decision.action == "dismiss":
            _audit_only(neighbourhood_id, "dismiss", me, target_type, target_id, decision.reason, decision.note)
        else:
            _hide_or_show_other(neighbourhood_id, target_type, target_id, reports[0], decision, me)
    _close(reports)
    return _summary(target_type, target_id, reports)


# --- hiding, restoring -------------------------------------------------------------

def moderate_post(principal: Principal, post_id: str, request: ModerationRequest,
                  language: str = DEFAULT) -> PostPublic:
    post = _moderated(principal, post_id)
    reporters = [r.reporter_id for r in ReportItem.query(ReportItem.key("post", post_id, "")[0])
                 if r.gsi1sk.startswith("OPEN#")]
    policy.not_own_case("moderation.decide", principal, [post.author_id, *reporters])
    _hide_or_show_post(post, request.action == "hide", request.reason, request.note, principal.user_id)
    close_reports("post", post_id)
    return _public(post, language=language)


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

def _report(principal: Principal, post: PostItem, target_type: str, target_id: str, request: ReportRequest,
            extra=None) -> None:
    _write_report(principal, post.neighbourhood_id, target_type, target_id, request.reason, request.text,
                  post_id=post.post_id, extra=extra)


def _write_report(principal: Principal, nbh: str, target_type: str, target_id: str, reason: str, text: str | None,
                  *, post_id: str | None = None, conversation_id: str | None = None, extra=None) -> ReportItem:
    report = ReportItem(*ReportItem.key(target_type, target_id, principal.user_id),
                        gsi1pk=ReportItem.listing(nbh),
                        gsi1sk=ReportItem.listing_sk("open", target_type, target_id, principal.user_id),
                        report_id=new_id(), neighbourhood_id=nbh, target_type=target_type, target_id=target_id,
                        post_id=post_id, conversation_id=conversation_id, reporter_id=principal.user_id,
                        reason=reason, text=text or None, created_at=now())
    try:
        with transaction() as t:
            t.save(report, condition=ReportItem.pk.does_not_exist())
            t.save(audit_entry(nbh, "report", principal.user_id, target_type, target_id, reason))
            t.update(_week(nbh), actions=[WeekStatsItem.reports.add(1)])
            if extra:
                extra(t)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise Conflict("You have already reported this.", {f"{target_type}_id": "already reported"}) from None
        if refused_conditions(error):
            raise NotFound("No such post.", {"post_id": "not found"}) from None
        raise
    logger.info("content reported", nbh=nbh, target=target_type, reason=reason)
    return report


def _maybe_auto_hide(post_id: str) -> None:
    try:
        post = PostItem.get(*PostItem.key(post_id), consistent_read=True)
    except DoesNotExist:
        return
    if post.hidden or int(post.report_count or 0) < AUTO_HIDE_AT:
        return
    try:
        set_hidden(post, True, AUTO_REASON, None, AUTO, action="auto_hide",
                    condition=(PostItem.report_count >= AUTO_HIDE_AT) & _hidden_is(False))
    except Conflict:
        return  # hidden meanwhile (or reviewed): nothing to do


def _hide_or_show_post(post: PostItem, hide: bool, reason: str | None, note: str | None, by: str) -> None:
    if bool(post.hidden) == hide:
        raise Conflict(f"The post is already {'hidden' if hide else 'shown'}.", {"action": "nothing to do"})
    set_hidden(post, hide, reason, note, by, action="hide" if hide else "restore", condition=_hidden_is(not hide))


def set_hidden(post: PostItem, hide: bool, reason: str | None, note: str | None, by: str, *, action: str,
                condition) -> None:
    """Hide or show the post and its feed entries, with the audit entry: one transaction. A hidden
    post keeps the reason code and the moderator's note (shown translated to readers). Shown again by
    whatever decision (an appeal's, a moderator's restore, a dismissed automatic hide), a pending appeal
    is moot: it closes as `restored` and leaves the queue, in the same transaction."""
    queued = None if hide else PendingAppealItem.of(post)
    if not hide:
        if post.appeal_state == "pending":
            condition &= PostItem.appeal_state == "pending"
        else:  # an appeal written meanwhile would be left pending on a shown post: refuse, try again
            condition &= PostItem.appeal_state.does_not_exist() | (PostItem.appeal_state != "pending")
    post.hidden = hide
    post.hidden_reason = reason if hide else None
    post.hidden_note = note if hide else None
    post.hidden_by = by if hide else None
    actions = [PostItem.hidden.set(hide)]
    if hide:
        actions += [PostItem.hidden_reason.set(reason), PostItem.hidden_by.set(by)]
        actions += [PostItem.hidden_note.set(note) if note else PostItem.hidden_note.remove()]
    else:
        # Reviewed: the count starts again (each reporter may report once only).
        actions += [PostItem.hidden_reason.remove(), PostItem.hidden_note.remove(), PostItem.hidden_by.remove(),
                    PostItem.report_count.set(0)]
        if post.appeal_state == "pending":
            actions.append(PostItem.appeal_state.set("restored"))

    def write() -> None:
        # As every rewrite of the post's entries: not over an edit, pin or state change made meanwhile
        # (409), but again with the counters of a comment or thanks written meanwhile (posts.service).
        with transaction() as t:
            t.update(post, actions=[*actions, next_revision(post)],
                     condition=condition & unchanged_since_read(post))
            if queued:
                t.delete(queued)
            for entry in _entries(post):
                t.save(entry)
            t.save(audit_entry(post.neighbourhood_id, action, None if by == AUTO else by, "post", post.post_id, reason,
                          note))

    rewrite_as_read(post, write, Conflict("The post changed meanwhile; try again.", {"post_id": "changed meanwhile"}))
    if not hide and post.appeal_state == "pending":
        post.appeal_state = "restored"
    logger.info("post moderated", action=action, nbh=post.neighbourhood_id)


def _hide_or_show_other(nbh: str, target_type: str, target_id: str, report: ReportItem, decision: ReportDecision,
                        by: str) -> None:
    """Hide or show a comment or a message in place (its text withheld from all but its author),
    with the audit entry: one transaction."""
    hide = decision.action == "hide"
    item = _comment_or_message(target_type, target_id, report)
    if item is None or getattr(item, "deleted", False):
        raise NotFound("It was deleted meanwhile.", {"target_id": "deleted"})
    if bool(item.hidden) == hide:
        raise Conflict(f"It is already {'hidden' if hide else 'shown'}.", {"action": "nothing to do"})
    kind = type(item)
    if hide:
        actions = [kind.hidden.set(True), kind.hidden_reason.set(decision.reason), kind.hidden_by.set(by),
                   kind.hidden_note.set(decision.note) if decision.note else kind.hidden_note.remove()]
        condition = kind.hidden.does_not_exist() | (kind.hidden == False)  # noqa: E712
    else:
        actions = [kind.hidden.set(False), kind.hidden_reason.remove(), kind.hidden_note.remove(),
                   kind.hidden_by.remove()]
        condition = kind.hidden == True  # noqa: E712
    try:
        with transaction() as t:
            t.update(item, actions=actions, condition=kind.pk.exists() & condition)
            t.save(audit_entry(nbh, decision.action, by, target_type, target_id, decision.reason, decision.note))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("It changed meanwhile; try again.", {"target_id": "changed meanwhile"}) from None
        raise
    logger.info("content moderated", action=decision.action, target=target_type, nbh=nbh)


def _audit_only(nbh: str, action: str, by: str, target_type: str, target_id: str, reason: str | None,
                note: str | None) -> None:
    audit_entry(nbh, action, by, target_type, target_id, reason, note).save()
    logger.info("reports dismissed", target=target_type, nbh=nbh)


def _summary(target_type: str, target_id: str, reports: list[ReportItem],
             content: ReportedContent | None = None) -> ReportedTarget:
    first = reports[0]
    return ReportedTarget(target_type=target_type, target_id=target_id, post_id=first.post_id,  # type: ignore[arg-type]
                          conversation_id=first.conversation_id, count=len(reports),
                          reasons=dict(Counter(r.reason for r in reports)), texts=[r.text for r in reports if r.text],
                          content=content or _content(target_type, target_id, first))


def _content(target_type: str, target_id: str, report: ReportItem) -> ReportedContent:
    """What the moderator looks at: the post, the comment or the one reported message (not the conversation)."""
    if target_type == "post":
        try:
            return post_content(PostItem.get(*PostItem.key(target_id)))
        except DoesNotExist:
            return post_content(None)
    return _item_content(_comment_or_message(target_type, target_id, report))


def _item_content(item) -> ReportedContent:
    """A reported comment or message as its moderators see it; None: deleted."""
    if item is None:
        return ReportedContent(author_id=None, text=None, gone=True)
    return ReportedContent(author_id=item.author_id, text=item.text, hidden=bool(item.hidden),
                           hidden_reason=item.hidden_reason if item.hidden else None, created_at=item.created_at,
                           gone=bool(item.deleted))


def post_content(post: PostItem | None) -> ReportedContent:
    """A reported or appealed post as its moderators see it, whoever it is hidden from; None: deleted."""
    if post is None:
        return ReportedContent(author_id=None, text=None, gone=True)
    content = post.content or {}
    return ReportedContent(author_id=post.author_id, kind=post.kind, title=content.get("title") or content.get("name"),
                           text=content.get("text") or content.get("description"), hidden=bool(post.hidden),
                           hidden_reason=post.hidden_reason if post.hidden else None, created_at=post.created_at)


def _comment_or_message(target_type: str, target_id: str, report: ReportItem):
    if target_type == "comment":
        from chalicelib.comments.service import _load, _ref

        ref = _ref(target_id)
        return _load(ref.post_id, target_id, ref.parent_id) if ref else None
    return _message(report.conversation_id or "", target_id)


def _message(conversation_id: str, message_id: str):
    from chalicelib.messages.models import MessageItem

    try:
        return MessageItem.get(MessageItem.partition(conversation_id), message_id, consistent_read=True)
    except DoesNotExist:
        return None


def _post(post_id: str) -> PostItem:
    try:
        return PostItem.get(*PostItem.key(post_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such post.", {"target_id": "deleted"}) from None


def close_reports(target_type: str, target_id: str) -> None:
    """A moderator looked at it: its open reports are closed (kept for the record)."""
    _close(ReportItem.query(ReportItem.key(target_type, target_id, "")[0]))


def _close(reports) -> None:
    for report in reports:
        if report.gsi1sk.startswith("OPEN#"):
            report.update(actions=[ReportItem.gsi1sk.set(
                ReportItem.listing_sk("closed", report.target_type, report.target_id, report.reporter_id))])


def _moderated(principal: Principal, post_id: str) -> PostItem:
    """The post, for its moderators: its neighbourhood's ambassadors and the commune's moderators,
    who need not live there. Residents who read it get 403; anyone else 404."""
    try:
        post = PostItem.get(*PostItem.key(post_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such post.", {"post_id": "not found"}) from None
    if policy.moderates(principal, post.neighbourhood_id):
        return post
    _readable(principal, post_id)
    raise Forbidden("The neighbourhood's moderators moderate it.", {"post_id": "not a moderator here"})


def _hidden_is(hidden: bool):
    if hidden:
        return PostItem.hidden == True  # noqa: E712
    return PostItem.hidden.does_not_exist() | (PostItem.hidden == False)  # noqa: E712


def audit_entry(nbh: str, action: str, actor_id: str | None, target_type: str, target_id: str,
           reason: str | None, note: str | None = None) -> AuditItem:
    at = now()
    return AuditItem(AuditItem.partition(nbh), f"{at.isoformat()}#{new_id()}", action=action, actor_id=actor_id,
                     target_type=target_type, target_id=target_id, reason=reason, note=note, at=at)
