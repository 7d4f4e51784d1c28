"""A post as content of the kernel (`chalicelib/content/kinds.py`): how comments, thanks and moderation
read it, count on it and hide it; moderators hiding and restoring a post directly; the automatic hide
after three reports. A post hides with its feed entries (one transaction, like every rewrite of the
post), so it brings its own `hide` hook; appeals of a hidden post are in `appeals.py`.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib import policy
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week
from chalicelib.content.kinds import Change, Content, ContentKind, Known
from chalicelib.content.reasons import AUTO_REASON
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.moderation.models import ModerationRequest, PendingAppealItem, ReportedContent, ReportItem
from chalicelib.moderation.service import AUTO, AUTO_HIDE_AT, audit_entry, close_reports, reported_content
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.posts.models import PostItem, PostPublic
from chalicelib.posts import service
from chalicelib.posts.service import _entries, _public, count_on, next_revision, rewrite_as_read, unchanged_since_read
from chalicelib.store.table import transaction


# --- moderators on a post -------------------------------------------------------------------

def moderate_post(principal: Principal, post_id: str, request: ModerationRequest,
                  language: str = DEFAULT) -> PostPublic:
    post = moderated(principal, post_id)
    reporters = [r.reporter_id for r in ReportItem.query(ReportItem.key("post", post_id, "")[0])
                 if r.gsi1sk.startswith("OPEN#")]
    policy.not_own_case("moderation.decide", principal, [post.author_id, *reporters])
    _hide_or_show(post, Change(hide=request.action == "hide", reason=request.reason, note=request.note,
                               by=principal.user_id, action=request.action))
    close_reports("post", post_id)
    return _public(post, language=language)


def moderated(principal: Principal, post_id: str) -> PostItem:
    """The post, for its moderators: its neighbourhood's ambassadors and the commune's moderators,
    who need not live there. Residents who read it get 403; anyone else 404."""
    try:
        post = PostItem.get(*PostItem.key(post_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such post.", {"post_id": "not found"}) from None
    if policy.moderates(principal, post.neighbourhood_id):
        return post
    service._readable(principal, post_id)
    raise Forbidden("The neighbourhood's moderators moderate it.", {"post_id": "not a moderator here"})


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
            # Posts hidden (net: shown again, one fewer); an appeal decided for its author (the post shown again).
            count_in_week(t, post.neighbourhood_id, posts_hidden=1 if hide else -1,
                          **({"appeals": 1} if action == "appeal_restore" else {}))

    rewrite_as_read(post, write, Conflict("The post changed meanwhile; try again.", {"post_id": "changed meanwhile"}))
    if not hide and post.appeal_state == "pending":
        post.appeal_state = "restored"
    logger.info("post moderated", action=action, nbh=post.neighbourhood_id)


def post_content(post: PostItem | None) -> ReportedContent:
    """A reported or appealed post as its moderators see it, whoever it is hidden from; None: deleted."""
    return reported_content(None if post is None else service.as_content(post))


# --- the kind "post" ------------------------------------------------------------------------

def _load(post_id: str, known: Known | None = None) -> Content | None:
    try:
        return service.as_content(PostItem.get(*PostItem.key(post_id), consistent_read=True))
    except DoesNotExist:
        return None


def _readable_content(principal: Principal, post_id: str) -> Content:
    return service.as_content(service._readable(principal, post_id))


def _hide(content: Content, change: Change, audit: Any) -> None:
    """The kind's hook: moderation decides from its queue (hide, restore, or dismiss an automatic hide)."""
    _hide_or_show(content.item, change)


def _hide_or_show(post: PostItem, change: Change) -> None:
    if change.action == "dismiss":  # hidden "until reviewed": reviewed, nothing wrong
        condition = _hidden_is(True)
    else:
        if bool(post.hidden) == change.hide:
            raise Conflict(f"The post is already {'hidden' if change.hide else 'shown'}.", {"action": "nothing to do"})
        condition = _hidden_is(not change.hide)
    set_hidden(post, change.hide, change.reason, change.note, change.by, action=change.action, condition=condition)


def _count_reports(t: Any, content: Content) -> None:
    t.update(PostItem(*PostItem.key(content.id)), actions=[PostItem.report_count.add(1)], condition=PostItem.pk.exists())


def _maybe_auto_hide(post_id: str) -> None:
    """Three distinct reports hide a post until a moderator reviews it (a conditional update on the count)."""
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
    kinds.changed("post", post_id)  # its open reports show it hidden


def _hidden_is(hidden: bool):
    if hidden:
        return PostItem.hidden == True  # noqa: E712
    return PostItem.hidden.does_not_exist() | (PostItem.hidden == False)  # noqa: E712


kinds.register(ContentKind(name="post", load=_load, readable=_readable_content, hide=_hide,
                           count=lambda t, content, **deltas: count_on(t, content.item, **deltas),
                           on_report=_count_reports, after_report=_maybe_auto_hide,
                           stored=lambda post_id, known: (PostItem.key(post_id),
                                                          lambda raw: service.as_content(PostItem.from_raw_data(raw))),
                           thread_readable=service.thread_readable))
