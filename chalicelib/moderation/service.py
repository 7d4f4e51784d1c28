"""Moderation, open to scrutiny: reports, hiding and restoring posts, appeals, the audit log.

Anyone who may read a post or comment may report it, once (a conditional write); the report, the
post's `report_count` ADD, the week's `reports` counter and the audit entry are one transaction.
Three distinct reports hide a post until a moderator reviews it (a conditional update on the count).
Moderators are the ambassadors of the post's home neighbourhood (`policy.moderates`). The author
may appeal a hide once; a second moderator, not the one who hid it, decides. Every action writes
an audit item (`NBH#<id>#AUDIT`) in the same transaction. docs/data-model.md lists the keys.
"""

from __future__ import annotations

from collections import Counter

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import policy
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.moderation.models import (
    AppealDecision, AppealRequest, AuditEntry, AuditItem, AuditLog, ModerationRequest, ReportAccepted, ReportedTarget,
    ReportItem, ReportList, ReportRequest,
)
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.posts.models import PostItem, PostPublic, WeekStatsItem
from chalicelib.posts.service import _entries, _public, _readable, _week
from chalicelib.store.table import refused_conditions, transaction

AUTO_HIDE_AT = 3
AUTO = "auto"
AUTO_REASON = "reported by several neighbours; hidden until a moderator reviews it"


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


def open_reports(neighbourhood_id: str, status: str) -> ReportList:
    """Grouped by target, most reported first; reasons counted, reporters never named."""
    found = ReportItem.gsi1.query(ReportItem.listing(neighbourhood_id),
                                  ReportItem.gsi1sk.startswith(f"{status.upper()}#"))
    grouped: dict[tuple[str, str], list[ReportItem]] = {}
    for report in found:
        grouped.setdefault((report.target_type, report.target_id), []).append(report)
    targets = [ReportedTarget(target_type=kind, target_id=target_id, post_id=reports[0].post_id,  # type: ignore[arg-type]
                              count=len(reports), reasons=dict(Counter(r.reason for r in reports)),
                              texts=[r.text for r in reports if r.text])
               for (kind, target_id), reports in grouped.items()]
    return ReportList(targets=sorted(targets, key=lambda t: (-t.count, t.target_id)))


# --- hiding, restoring, appeals -------------------------------------------------------------

def moderate_post(principal: Principal, post_id: str, request: ModerationRequest) -> PostPublic:
    post = _moderated(principal, post_id)
    hide = request.action == "hide"
    if bool(post.hidden) == hide:
        raise Conflict(f"The post is already {'hidden' if hide else 'shown'}.", {"action": "nothing to do"})
    _set_hidden(post, hide, request.reason, principal.user_id, action=request.action,
                condition=_hidden_is(not hide))
    _close_reports(post)
    return _public(post)


def appeal(principal: Principal, post_id: str, request: AppealRequest) -> PostPublic:
    post = _readable(principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden("Only the author appeals.", {"post_id": "not yours"})
    if not post.hidden:
        raise Conflict("Only a hidden post can be appealed.", {"post_id": "not hidden"})
    if post.appeal_state:
        raise Conflict("A post can be appealed once.", {"post_id": "already appealed"})
    try:
        with transaction() as t:
            t.update(post, actions=[PostItem.appeal_text.set(request.text), PostItem.appeal_state.set("pending")],
                     condition=PostItem.appeal_state.does_not_exist() & (PostItem.hidden == True))  # noqa: E712
            t.save(_audit(post.neighbourhood_id, "appeal", principal.user_id, "post", post_id, request.text))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("A post can be appealed once.", {"post_id": "already appealed"}) from None
        raise
    post.appeal_text, post.appeal_state = request.text, "pending"
    return _public(post)


def decide_appeal(principal: Principal, post_id: str, request: AppealDecision) -> PostPublic:
    post = _moderated(principal, post_id)
    if post.appeal_state != "pending":
        raise Conflict("There is no appeal to decide.", {"post_id": "no pending appeal"})
    if post.hidden_by == principal.user_id:
        raise Conflict("A second moderator decides an appeal, not the one who hid the post.",
                       {"post_id": "you hid it"})
    pending = PostItem.appeal_state == "pending"
    if request.decision == "uphold":
        try:
            with transaction() as t:
                t.update(post, actions=[PostItem.appeal_state.set("upheld")], condition=pending)
                t.save(_audit(post.neighbourhood_id, "uphold", principal.user_id, "post", post_id, request.reason))
        except TransactWriteError as error:
            if refused_conditions(error):
                raise Conflict("The appeal was decided meanwhile.", {"post_id": "decided meanwhile"}) from None
            raise
        post.appeal_state = "upheld"
        return _public(post)
    post.appeal_state = "restored"
    _set_hidden(post, False, request.reason, principal.user_id, action="appeal_restore",
                condition=pending, extra=[PostItem.appeal_state.set("restored")])
    _close_reports(post)
    return _public(post)


def moderation_log(neighbourhood_id: str) -> AuditLog:
    items = AuditItem.query(AuditItem.partition(neighbourhood_id), scan_index_forward=False, limit=200)
    return AuditLog(entries=[AuditEntry(at=item.at, action=item.action,  # type: ignore[arg-type]
                                        by=None if item.action in ("report", "auto_hide") else item.actor_id,
                                        target_type=item.target_type, target_id=item.target_id,  # type: ignore[arg-type]
                                        reason=item.reason) for item in items])


# --- inside ---------------------------------------------------------------------------------

def _report(principal: Principal, post: PostItem, target_type: str, target_id: str, request: ReportRequest,
            extra=None) -> None:
    nbh = post.neighbourhood_id
    report = ReportItem(*ReportItem.key(target_type, target_id, principal.user_id),
                        gsi1pk=ReportItem.listing(nbh),
                        gsi1sk=ReportItem.listing_sk("open", target_type, target_id, principal.user_id),
                        target_type=target_type, target_id=target_id, post_id=post.post_id,
                        reporter_id=principal.user_id, reason=request.reason, text=request.text, created_at=now())
    try:
        with transaction() as t:
            t.save(report, condition=ReportItem.pk.does_not_exist())
            t.save(_audit(nbh, "report", principal.user_id, target_type, target_id, request.reason))
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
    logger.info("content reported", nbh=nbh, target=target_type, reason=request.reason)


def _maybe_auto_hide(post_id: str) -> None:
    try:
        post = PostItem.get(*PostItem.key(post_id), consistent_read=True)
    except DoesNotExist:
        return
    if post.hidden or int(post.report_count or 0) < AUTO_HIDE_AT:
        return
    try:
        _set_hidden(post, True, AUTO_REASON, AUTO, action="auto_hide",
                    condition=(PostItem.report_count >= AUTO_HIDE_AT) & _hidden_is(False))
    except Conflict:
        return  # hidden meanwhile (or reviewed): nothing to do


def _set_hidden(post: PostItem, hide: bool, reason: str, by: str, *, action: str, condition, extra=None) -> None:
    """Hide or show the post and its feed entries, with the audit entry: one transaction."""
    post.hidden = hide
    post.hidden_reason = (reason if by == AUTO else f"hidden by a moderator: {reason}") if hide else None
    post.hidden_by = by if hide else None
    actions = [PostItem.hidden.set(hide)]
    if hide:
        actions += [PostItem.hidden_reason.set(post.hidden_reason), PostItem.hidden_by.set(by)]
    else:
        # Reviewed: the count starts again (each reporter may report once only).
        actions += [PostItem.hidden_reason.remove(), PostItem.hidden_by.remove(), PostItem.report_count.set(0)]
    try:
        with transaction() as t:
            t.update(post, actions=actions + list(extra or []), condition=condition)
            for entry in _entries(post):
                t.save(entry)
            t.save(_audit(post.neighbourhood_id, action, None if by == AUTO else by, "post", post.post_id, reason))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("The post changed meanwhile; try again.", {"post_id": "changed meanwhile"}) from None
        raise
    logger.info("post moderated", action=action, nbh=post.neighbourhood_id)


def _close_reports(post: PostItem) -> None:
    """A moderator looked at the post: its open reports are closed (kept for the record)."""
    partition, _ = ReportItem.key("post", post.post_id, "")
    for report in ReportItem.query(partition):
        if report.gsi1sk.startswith("OPEN#"):
            report.update(actions=[ReportItem.gsi1sk.set(
                ReportItem.listing_sk("closed", report.target_type, report.target_id, report.reporter_id))])


def _moderated(principal: Principal, post_id: str) -> PostItem:
    post = _readable(principal, post_id)
    if not policy.moderates(principal, post.neighbourhood_id):
        raise Forbidden("Ambassadors of the post's neighbourhood moderate it.", {"post_id": "not a moderator here"})
    return post


def _hidden_is(hidden: bool):
    if hidden:
        return PostItem.hidden == True  # noqa: E712
    return PostItem.hidden.does_not_exist() | (PostItem.hidden == False)  # noqa: E712


def _audit(nbh: str, action: str, actor_id: str | None, target_type: str, target_id: str,
           reason: str | None) -> AuditItem:
    at = now()
    return AuditItem(AuditItem.partition(nbh), f"{at.isoformat()}#{new_id()}", action=action, actor_id=actor_id,
                     target_type=target_type, target_id=target_id, reason=reason, at=at)
