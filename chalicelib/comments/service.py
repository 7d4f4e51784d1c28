"""Comments (one level of replies) and thanks, on any kind of content that registered itself with the
content kernel (`chalicelib/content/kinds.py`): posts, lent items.

Anyone who may read the piece (the kind's own check: for a post, verified residents of its home
neighbourhood and, for lost/found pets, of the nearby ones it reaches) may comment and thank; anyone
else is told it does not exist. A comment, its lookup item, the piece's `comment_count` (where the kind
counts it), the parent's `reply_count` and the week's `comments` counter are one transaction; a thanks
marker and the piece's `thanks_count` likewise. Comments are content too: the kind `comment`, which
moderation reports and hides. docs/data-model.md lists the keys.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib import policy
from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.secrets import vouch, vouched
from chalicelib.accounts.service import author_name, verified_neighbourhood
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.comments.models import (
    CommentItem, CommentPage, CommentPublic, CommentRefItem, CommentRequest, CommentsQuery, Thanks, ThanksItem, ThreadHeadItem,
    naming,
)
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week
from chalicelib.content.once import first_answer, is_newcomer, welcomed
from chalicelib.content.hiding import described, hidden_fields, in_place, withheld
from chalicelib.content.kinds import Content, ContentKind, Known
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.pages import encode_cursor, read_cursor
from chalicelib.store.table import condition_failed, refused_conditions, table_connection, transaction

ATTEMPTS = 3  # a post pinned or edited meanwhile moves its feed entries: the counter write is tried again
_CURSOR_SK = re.compile(r"^[0-9A-Z]{26}#([0-9A-Z]{26})?$")
# How long a page's cursor vouches that its reader passed the thread's check: the next pages read on without
# checking again until then (a reader who lost access meanwhile reads on at most this long), then check again.
VOUCHED_SECONDS = 300


def _no_such_comment(field: str = "comment_id") -> NotFound:
    return NotFound("No such comment.", {field: "not found"})


# --- comments -------------------------------------------------------------------------------

def add_comment(principal: Principal, kind: str, content_id: str, request: CommentRequest) -> CommentPublic:
    content = kinds.readable(principal, kind, content_id)
    parent_id = request.reply_to
    if parent_id:
        ref = _ref(parent_id)
        if ref is None or ref.about != (kind, content_id):
            raise _no_such_comment("reply_to")
        if ref.parent_id:
            raise InvalidInput("Replies take one level: reply to the comment itself.",
                               {"reply_to": "a reply; reply to its comment"})
    mentions = list(dict.fromkeys(request.mentions))
    for user_id in mentions:
        if verified_neighbourhood(user_id) != content.neighbourhood_id:
            raise InvalidInput(f"Mention verified residents of the {kind}'s neighbourhood.",
                               {"mentions": f"{user_id} is not a neighbour here"})
    comment_id = new_id()
    sk = CommentItem.sort_key(parent_id, comment_id) if parent_id else CommentItem.sort_key(comment_id)
    comment = CommentItem(CommentItem.partition(kind, content_id), sk, comment_id=comment_id, parent_id=parent_id,
                          author_id=principal.user_id, author_name=author_name(principal.user_id),
                          text=request.text, mentions=mentions, created_at=now(),
                          gsi1pk=CommentItem.author_key(principal.user_id), gsi1sk=comment_id,
                          **naming(kind, content_id))
    ref = CommentRefItem(*CommentRefItem.key(comment_id), parent_id=parent_id, **naming(kind, content_id))
    # A neighbour's first answer to a help request: counted once, its marker last in the transaction.
    answers = (content.subkind == "help_request" and content.author_id not in (None, principal.user_id)
               and content.created_at is not None)
    for attempt in range(ATTEMPTS):
        try:
            with transaction() as t:
                t.save(comment, condition=CommentItem.pk.does_not_exist())
                t.save(ref, condition=CommentRefItem.pk.does_not_exist())
                if parent_id:
                    t.update(CommentItem(comment.pk, CommentItem.sort_key(parent_id)),
                             actions=[CommentItem.reply_count.add(1)],
                             condition=CommentItem.pk.exists() & (CommentItem.deleted == False))  # noqa: E712
                # Updates follow the two puts: the parent's (2), then the marker's, if any, then the week's.
                counted = first_answer(t, kind, content_id, content.created_at) if answers else {}
                count_in_week(t, content.neighbourhood_id, comments=1, **counted)
                _count(t, content, comment_count=1)  # a post and its feed entries
            break
        except TransactWriteError as error:
            failed = refused_conditions(error)
            if parent_id and 2 in failed:
                raise _no_such_comment("reply_to") from None
            if answers and 2 + bool(parent_id) in failed:  # answered before: write it again without counting
                answers = False
                continue
            if not failed or attempt == ATTEMPTS - 1:
                raise
            content = kinds.readable(principal, kind, content_id)  # pinned, moved or gone meanwhile: read it again
    if is_newcomer(content.created_at):  # written in the last 7 days: its author may be a newcomer to welcome (once)
        welcomed(principal.user_id, content.author_id, content.neighbourhood_id)
    logger.info("comment written", nbh=content.neighbourhood_id, on=kind, reply=bool(parent_id), mentions=len(mentions))
    return _public(comment)


def comments(principal: Principal, kind: str, content_id: str, query: CommentsQuery,
             language: str = DEFAULT) -> CommentPage:
    """Oldest first, each comment followed by its replies; one Query a page. The first page starts at the
    thread's head (`ThreadHeadItem`), which tells its kind who may read it; a piece without a head is read first
    (`kinds.readable`). A page's cursor carries a proof that this reader passed that check (`vouch`: bound to
    them, the thread and a time VOUCHED_SECONDS after the check), so a later page is its one Query too; once
    the proof expired (or in a cursor without one) the page checks again: the head, or the piece."""
    partition = CommentItem.partition(kind, content_id)
    start, extra = read_cursor(query.cursor, partition=partition, sort_pattern=_CURSOR_SK, what="thread",
                               extra=("until", "proof")) if query.cursor else (None, {})
    decide = kinds.kind(kind).thread_readable
    until = vouched(extra, principal.user_id, partition, now().timestamp()) if start is not None else False
    if start is not None and not until:
        _check_again(principal, kind, content_id, decide)
    elif start is None and decide is None:
        kinds.readable(principal, kind, content_id)
    # One more on the first page, for the head; below it the comments, whose sort keys all follow `#HEAD`.
    page = table_connection().query(partition, limit=query.limit + (start is None), scan_index_forward=True,
                                    exclusive_start_key=start)
    raws = page.get("Items", [])
    last = page.get("LastEvaluatedKey")
    if start is None:
        if raws and raws[0]["sk"]["S"] == ThreadHeadItem.SK:
            head = ThreadHeadItem.from_raw_data(raws.pop(0))
            if decide is not None:
                decide(principal, head)
        elif decide is not None:  # written before threads had heads
            kinds.readable(principal, kind, content_id)
        if len(raws) > query.limit:  # no head: one comment too many
            raws = raws[:query.limit]
            last = {"pk": raws[-1]["pk"], "sk": raws[-1]["sk"]}
    found = [_public(CommentItem.from_raw_data(raw), principal.user_id, language) for raw in raws]
    # Checked on this page: vouched for VOUCHED_SECONDS from now; read on a proof: no longer than it said.
    until = until if type(until) is int else int(now().timestamp()) + VOUCHED_SECONDS  # a bool: checked here
    cursor = encode_cursor(last, vouch(principal.user_id, partition, until)) if last else None
    return CommentPage(comments=found, cursor=cursor)


def _check_again(principal: Principal, kind: str, content_id: str, decide: Any) -> None:
    """A later page without a valid proof: the thread's head tells its kind who may read it (or the piece, for a
    kind without heads or a thread written before them)."""
    if decide is not None:
        try:
            head = ThreadHeadItem.get(*ThreadHeadItem.key(kind, content_id))
        except DoesNotExist:
            pass
        else:
            decide(principal, head)
            return
    kinds.readable(principal, kind, content_id)


def thread_head(kind: str, content_id: str, neighbourhood_ids: list[str], only_for: str | None = None,
                only_among: list[str] | None = None, public: bool = False) -> ThreadHeadItem:
    """The head of a piece's comments, for its kind to write with the piece (and again whenever who may read it changes)."""
    return ThreadHeadItem(*ThreadHeadItem.key(kind, content_id), neighbourhood_ids=list(neighbourhood_ids),
                          only_for=only_for, only_among=None if only_among is None else list(only_among),
                          public=public or None)


def write_missing_heads(heads: Iterable[ThreadHeadItem]) -> int:
    """Writes each head that is not there yet (an existing one, written by its piece, is left alone): the upgrade
    step `./noper head-threads` for every kind with heads. Answers how many it wrote."""
    written = 0
    for head in heads:
        try:
            head.save(condition=ThreadHeadItem.pk.does_not_exist())
        except PutError as error:
            if not condition_failed(error):
                raise
            continue
        written += 1
    return written


def delete_comment(principal: Principal, comment_id: str) -> None:
    ref = _ref(comment_id)
    if ref is None:
        raise _no_such_comment()
    content = kinds.readable(principal, *ref.about)
    comment = _load(ref, comment_id)
    if comment is None or comment.deleted:
        raise _no_such_comment()
    if comment.author_id != principal.user_id and not policy.moderates(principal, content.neighbourhood_id):
        raise Forbidden("Only the author or an ambassador of the neighbourhood deletes a comment.",
                        {"comment_id": "not yours"})
    _remove(comment)
    logger.info("comment deleted", nbh=content.neighbourhood_id, by_author=comment.author_id == principal.user_id)


def remove_all(kind: str, content_id: str) -> list[str]:
    """What hangs on a piece its kind deleted: every comment and its lookup item, every thanks marker, in
    batches (safe to repeat). Returns the comments' ids (their reports go too: `moderation.service.forget_reports`)."""
    doomed: list[Any] = []
    comment_ids = []
    partition = CommentItem.partition(kind, content_id)
    for comment in CommentItem.query(partition, CommentItem.sk > ThreadHeadItem.SK, consistent_read=True):
        comment_ids.append(comment.comment_id)
        doomed += [comment, CommentRefItem(*CommentRefItem.key(comment.comment_id))]
    doomed.append(ThreadHeadItem(*ThreadHeadItem.key(kind, content_id)))
    doomed += list(ThanksItem.query(ThanksItem.key(content_id, "", kind)[0], consistent_read=True))
    with CommentItem.batch_write() as batch:  # 25 deletes a call; unprocessed items are retried
        for item in doomed:
            batch.delete(item)
    return comment_ids


# --- thanks ---------------------------------------------------------------------------------

def thank(principal: Principal, kind: str, content_id: str) -> Thanks:
    return _thanks(principal, kind, content_id, True)


def unthank(principal: Principal, kind: str, content_id: str) -> Thanks:
    return _thanks(principal, kind, content_id, False)


def _thanks(principal: Principal, kind: str, content_id: str, thanked: bool) -> Thanks:
    content = kinds.readable(principal, kind, content_id)
    marker = ThanksItem(*ThanksItem.key(content_id, principal.user_id, kind))
    for attempt in range(ATTEMPTS):
        try:
            with transaction() as t:
                if thanked:
                    t.save(marker, condition=ThanksItem.pk.does_not_exist())
                else:
                    t.delete(marker, condition=ThanksItem.pk.exists())
                _count(t, content, thanks_count=1 if thanked else -1)
                count_in_week(t, content.neighbourhood_id, thanks=1 if thanked else -1)
            break
        except TransactWriteError as error:
            failed = refused_conditions(error)
            if 0 in failed:
                break  # already thanked, or not thanked: nothing to do
            if not failed or attempt == ATTEMPTS - 1:
                raise
            content = kinds.readable(principal, kind, content_id)
    stored = kinds.load(kind, content_id)
    if stored is None:
        raise NotFound(f"No such {kind}.", {f"{kind}_id": "not found"})
    return Thanks(post_id=content_id, thanks_count=stored.thanks_count, thanked_by_me=thanked)


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
            kinds.changed("comment", comment.comment_id)  # its open reports show it authorless


register_content_owner(ContentOwner(name="comments", export=export_comments, erase=erase_comments))


# --- comments are content too: moderation reports and hides them through the kernel --------

def _comment_content(comment_id: str, known: Known | None = None, *, ref: CommentRefItem | None = None,
                     on: Content | None = None) -> Content | None:
    ref = ref or _ref(comment_id)
    if ref is None:
        return None
    kind, content_id = ref.about
    if known is None and on is None:
        on = kinds.load(kind, content_id)
        if on is None:
            return None
    comment = _load(ref, comment_id)
    if comment is None:
        return None
    neighbourhood_id = on.neighbourhood_id if on is not None else known.neighbourhood_id  # type: ignore[union-attr]
    return described("comment", comment_id, neighbourhood_id, comment, where={f"{kind}_id": content_id})


def _readable_comment(principal: Principal, comment_id: str) -> Content:
    ref = _ref(comment_id)
    if ref is None:
        raise _no_such_comment()
    content = _comment_content(comment_id, ref=ref, on=kinds.readable(principal, *ref.about))
    if content is None or content.deleted:
        raise _no_such_comment()
    return content


kinds.register(ContentKind(name="comment", load=_comment_content, readable=_readable_comment,
                           hide=in_place(CommentItem)))


# --- inside ---------------------------------------------------------------------------------

def _public(comment: CommentItem, viewer_id: str | None = None, language: str = DEFAULT) -> CommentPublic:
    """A hidden comment shows in place; its text only to its author (`viewer_id`)."""
    kind, content_id = comment.about
    return CommentPublic(id=comment.comment_id, post_id=comment.post_id, about_kind=kind, about_id=content_id,
                         reply_to=comment.parent_id, author_id=comment.author_id, author_name=comment.author_name,
                         text=None if withheld(comment, viewer_id) else comment.text,
                         mentions=list(comment.mentions or []), deleted=bool(comment.deleted),
                         created_at=comment.created_at, **hidden_fields(comment, language))


def _count(t: Any, content: Content, **deltas: int) -> None:
    """The piece's own counters, where its kind keeps them (a post: on it and its feed entries)."""
    count = kinds.kind(content.kind).count
    if count is not None:
        count(t, content, **deltas)


def _ref(comment_id: str) -> CommentRefItem | None:
    try:
        return CommentRefItem.get(*CommentRefItem.key(comment_id), consistent_read=True)
    except DoesNotExist:
        return None


def _load(ref: CommentRefItem, comment_id: str) -> CommentItem | None:
    sk = CommentItem.sort_key(ref.parent_id, comment_id) if ref.parent_id else CommentItem.sort_key(comment_id)
    try:
        return CommentItem.get(CommentItem.partition(*ref.about), sk, consistent_read=True)
    except DoesNotExist:
        return None


def _remove(comment: CommentItem) -> None:
    """A comment with replies stays as a "deleted" placeholder; any other goes, with its lookup item.
    Either way the piece counts one comment less; a removed reply counts one less on its comment."""
    for attempt in range(ATTEMPTS):
        content = kinds.load(*comment.about)
        if content is None:
            raise NotFound("No such content.", {"comment_id": "what it is on is gone"})
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
                _count(t, content, comment_count=-1)  # a post and its feed entries
            kinds.changed("comment", comment.comment_id)  # its open reports show it gone
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
