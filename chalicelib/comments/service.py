"""Comments on posts (one level of replies) and thanks.

Anyone who may read the post (the posts service's own check: verified residents of its home
neighbourhood and, for lost/found pets, of the nearby ones it reaches) may comment and thank;
anyone else is told the post does not exist. A comment, its lookup item, the post's
`comment_count`, the parent's `reply_count` and the week's `comments` counter are one
transaction; a thanks marker and the post's `thanks_count` likewise. docs/data-model.md lists the keys.
"""

from __future__ import annotations

import re
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import policy
from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.service import load_user
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.comments.models import (
    CommentItem, CommentPage, CommentPublic, CommentRefItem, CommentRequest, CommentsQuery, Thanks, ThanksItem, thanked_by,
)
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.moderation.reasons import reason_text
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.posts.models import PostItem, WeekStatsItem
from chalicelib.posts.service import _readable, _week, author_name, count_on
from chalicelib.store.pages import decode_cursor, encode_cursor
from chalicelib.store.table import refused_conditions, table_connection, transaction

ATTEMPTS = 3  # a post pinned or edited meanwhile moves its feed entries: the counter write is tried again
_CURSOR_SK = re.compile(r"^[0-9A-Z]{26}#([0-9A-Z]{26})?$")


def _no_such_comment(field: str = "comment_id") -> NotFound:
    return NotFound("No such comment.", {field: "not found"})


# --- comments -------------------------------------------------------------------------------

def add_comment(principal: Principal, post_id: str, request: CommentRequest) -> CommentPublic:
    post = _readable(principal, post_id)
    parent_id = request.reply_to
    if parent_id:
        ref = _ref(parent_id)
        if ref is None or ref.post_id != post_id:
            raise _no_such_comment("reply_to")
        if ref.parent_id:
            raise InvalidInput("Replies take one level: reply to the comment itself.",
                               {"reply_to": "a reply; reply to its comment"})
    mentions = list(dict.fromkeys(request.mentions))
    for user_id in mentions:
        if _verified_neighbourhood(user_id) != post.neighbourhood_id:
            raise InvalidInput("Mention verified residents of the post's neighbourhood.",
                               {"mentions": f"{user_id} is not a neighbour here"})
    comment_id = new_id()
    sk = CommentItem.sort_key(parent_id, comment_id) if parent_id else CommentItem.sort_key(comment_id)
    comment = CommentItem(CommentItem.partition(post_id), sk, comment_id=comment_id, post_id=post_id,
                          parent_id=parent_id, author_id=principal.user_id, author_name=author_name(principal.user_id),
                          text=request.text, mentions=mentions, created_at=now(),
                          gsi1pk=CommentItem.author_key(principal.user_id), gsi1sk=comment_id)
    ref = CommentRefItem(*CommentRefItem.key(comment_id), post_id=post_id, parent_id=parent_id)
    for attempt in range(ATTEMPTS):
        try:
            with transaction() as t:
                t.save(comment, condition=CommentItem.pk.does_not_exist())
                t.save(ref, condition=CommentRefItem.pk.does_not_exist())
                if parent_id:
                    t.update(CommentItem(CommentItem.partition(post_id), CommentItem.sort_key(parent_id)),
                             actions=[CommentItem.reply_count.add(1)],
                             condition=CommentItem.pk.exists() & (CommentItem.deleted == False))  # noqa: E712
                t.update(_week(post.neighbourhood_id), actions=[WeekStatsItem.comments.add(1)])
                count_on(t, post, comment_count=1)  # the post and its feed entries
            break
        except TransactWriteError as error:
            failed = refused_conditions(error)
            if parent_id and 2 in failed:
                raise _no_such_comment("reply_to") from None
            if not failed or attempt == ATTEMPTS - 1:
                raise
            post = _readable(principal, post_id)  # pinned, moved or gone meanwhile: read it again
    logger.info("comment written", nbh=post.neighbourhood_id, reply=bool(parent_id), mentions=len(mentions))
    return _public(comment)


def comments(principal: Principal, post_id: str, query: CommentsQuery, language: str = DEFAULT) -> CommentPage:
    """Oldest first, each comment followed by its replies; one Query a page (after the post's GetItem)."""
    _readable(principal, post_id)
    partition = CommentItem.partition(post_id)
    start = decode_cursor(query.cursor, partition=partition, sort_pattern=_CURSOR_SK, what="thread") if query.cursor else None
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=True, exclusive_start_key=start)
    found = [_public(CommentItem.from_raw_data(raw), principal.user_id, language) for raw in page.get("Items", [])]
    last = page.get("LastEvaluatedKey")
    return CommentPage(comments=found, cursor=encode_cursor(last) if last else None)


def delete_comment(principal: Principal, comment_id: str) -> None:
    ref = _ref(comment_id)
    if ref is None:
        raise _no_such_comment()
    post = _readable(principal, ref.post_id)
    comment = _load(ref.post_id, comment_id, ref.parent_id)
    if comment is None or comment.deleted:
        raise _no_such_comment()
    if comment.author_id != principal.user_id and not policy.moderates(principal, post.neighbourhood_id):
        raise Forbidden("Only the author or an ambassador of the neighbourhood deletes a comment.",
                        {"comment_id": "not yours"})
    _remove(comment)
    logger.info("comment deleted", nbh=post.neighbourhood_id, by_author=comment.author_id == principal.user_id)


# --- thanks ---------------------------------------------------------------------------------

def thank(principal: Principal, post_id: str) -> Thanks:
    post = _readable(principal, post_id)
    marker = ThanksItem(*ThanksItem.key(post_id, principal.user_id))
    for attempt in range(ATTEMPTS):
        try:
            with transaction() as t:
                t.save(marker, condition=ThanksItem.pk.does_not_exist())
                count_on(t, post, thanks_count=1)
            break
        except TransactWriteError as error:
            failed = refused_conditions(error)
            if 0 in failed:
                break  # already thanked: nothing to do
            if not failed or attempt == ATTEMPTS - 1:
                raise
            post = _readable(principal, post_id)
    return _thanks(post_id, True)


def unthank(principal: Principal, post_id: str) -> Thanks:
    post = _readable(principal, post_id)
    marker = ThanksItem(*ThanksItem.key(post_id, principal.user_id))
    for attempt in range(ATTEMPTS):
        try:
            with transaction() as t:
                t.delete(marker, condition=ThanksItem.pk.exists())
                count_on(t, post, thanks_count=-1)
            break
        except TransactWriteError as error:
            failed = refused_conditions(error)
            if 0 in failed:
                break  # not thanked: nothing to do
            if not failed or attempt == ATTEMPTS - 1:
                raise
            post = _readable(principal, post_id)
    return _thanks(post_id, False)


# --- your data ------------------------------------------------------------------------------

def export_comments(user_id: str) -> list[dict[str, Any]]:
    return [_public(comment, user_id).model_dump(mode="json") for comment in _comments_of(user_id)]


def erase_comments(user_id: str, choice: ContentChoice) -> None:
    """remove: each comment goes (one with replies stays as "deleted"); anonymise: it stays, authorless."""
    for comment in _comments_of(user_id):
        if choice == "remove":
            _remove(comment)
        else:
            comment.update(actions=[CommentItem.author_id.remove(), CommentItem.author_name.remove(), CommentItem.gsi1pk.remove(),
                                    CommentItem.gsi1sk.remove()])


register_content_owner(ContentOwner(name="comments", export=export_comments, erase=erase_comments))


# --- inside ---------------------------------------------------------------------------------

def _public(comment: CommentItem, viewer_id: str | None = None, language: str = DEFAULT) -> CommentPublic:
    """A hidden comment shows in place; its text only to its author (`viewer_id`)."""
    hidden = bool(comment.hidden)
    text = None if hidden and (viewer_id is None or viewer_id != comment.author_id) else comment.text
    return CommentPublic(id=comment.comment_id, post_id=comment.post_id, reply_to=comment.parent_id,
                         author_id=comment.author_id, author_name=comment.author_name, text=text, mentions=list(comment.mentions or []),
                         deleted=bool(comment.deleted), created_at=comment.created_at, hidden=hidden,
                         hidden_reason=comment.hidden_reason if hidden else None,
                         hidden_note=comment.hidden_note if hidden else None,
                         hidden_reason_text=reason_text(comment.hidden_reason, language, comment.hidden_note)
                         if hidden else None)


def _thanks(post_id: str, mine: bool) -> Thanks:
    try:
        post = PostItem.get(*PostItem.key(post_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such post.", {"post_id": "not found"}) from None
    return Thanks(post_id=post_id, thanks_count=int(post.thanks_count or 0), thanked_by_me=mine)


def _ref(comment_id: str) -> CommentRefItem | None:
    try:
        return CommentRefItem.get(*CommentRefItem.key(comment_id), consistent_read=True)
    except DoesNotExist:
        return None


def _load(post_id: str, comment_id: str, parent_id: str | None) -> CommentItem | None:
    sk = CommentItem.sort_key(parent_id, comment_id) if parent_id else CommentItem.sort_key(comment_id)
    try:
        return CommentItem.get(CommentItem.partition(post_id), sk, consistent_read=True)
    except DoesNotExist:
        return None


def _remove(comment: CommentItem) -> None:
    """A comment with replies stays as a "deleted" placeholder; any other goes, with its lookup item.
    Either way the post counts one comment less; a removed reply counts one less on its comment."""
    for attempt in range(ATTEMPTS):
        try:
            post = PostItem.get(*PostItem.key(comment.post_id), consistent_read=True)
        except DoesNotExist:
            raise NotFound("No such post.", {"post_id": "not found"}) from None
        try:
            with transaction() as t:
                if not comment.parent_id and int(comment.reply_count or 0) > 0:
                    t.update(comment, actions=[CommentItem.deleted.set(True), CommentItem.text.remove(),
                                               CommentItem.author_id.remove(), CommentItem.author_name.remove(),
                                               CommentItem.mentions.set([]),
                                               CommentItem.gsi1pk.remove(), CommentItem.gsi1sk.remove()],
                             condition=CommentItem.deleted == False)  # noqa: E712
                    own = 1
                elif comment.parent_id:
                    t.delete(comment, condition=CommentItem.pk.exists())
                    t.delete(CommentRefItem(*CommentRefItem.key(comment.comment_id)))
                    t.update(CommentItem(comment.pk, CommentItem.sort_key(comment.parent_id)),
                             actions=[CommentItem.reply_count.add(-1)])
                    own = 3
                else:
                    # no replies when read: still none now, or the transaction fails and we say so
                    t.delete(comment, condition=CommentItem.reply_count == 0)
                    t.delete(CommentRefItem(*CommentRefItem.key(comment.comment_id)))
                    own = 2
                count_on(t, post, comment_count=-1)  # the post and its feed entries
            return
        except TransactWriteError as error:
            failed = refused_conditions(error)
            if not failed:
                raise
            if min(failed) < own or attempt == ATTEMPTS - 1:
                raise Conflict("The comment changed meanwhile; try again.", {"comment_id": "changed meanwhile"}) from None
            # the post was pinned or edited meanwhile: read it again


def _comments_of(user_id: str) -> list[CommentItem]:
    return list(CommentItem.gsi1.query(CommentItem.author_key(user_id)))


def _verified_neighbourhood(user_id: str) -> str | None:
    try:
        user = load_user(user_id)
    except NotFound:
        return None
    return user.neighbourhood_id if user.residence_status == "verified" else None
