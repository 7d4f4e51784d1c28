"""Writing posts of every kind: creating, editing, states, pins, deleting; reading one post. The feed is in
`feed.py`, the professionals' directory in `professionals.py`, a post as content of the kernel (comments,
thanks, reports, hiding) in `hiding.py`, appeals in `appeals.py`.

The rewrite of a post's feed entries (`rewrite_as_read`, `count_on`) is shared with hiding and with the
kernel's counting (comments, thanks), and belongs with the writes it keeps consistent.

A post is one item (`POST#<id>`) plus one feed entry per neighbourhood it shows in (its own and,
for lost/found pets, every neighbourhood within about 1 km): a feed page is then one Query. Every
write of a post is one transaction over the post, its feed entries and the week's counters.
docs/data-model.md lists the keys.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Callable

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib import alerts
from chalicelib import policy
from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.service import author_name, load_user, verified_neighbourhood
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.comments.models import ThanksItem
from chalicelib.comments.service import remove_all, thread_head, write_missing_heads
from chalicelib.content import kinds
from chalicelib.content.counters import count_in_week
from chalicelib.content.kinds import Content
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.content.reasons import reason_text
from chalicelib.moderation.models import PendingAppealItem
from chalicelib.moderation.service import forget_reports, reported_content
from chalicelib.moderation.tone import looks_aggressive
from chalicelib.neighbourhoods.service import WITHIN_ABOUT_1_KM, neighbourhoods_near
from chalicelib.observability import logger
from chalicelib.photos.service import check_attachable, share_photo
from chalicelib.policy import Principal
from chalicelib.posts import pets
from chalicelib.posts.feed import as_seen_by
from chalicelib.posts.models import (
    FIRST_STATE, TRANSITIONS, FeedEntryItem, PostItem, PostPublic, PostRequest, StateChange,
)
from chalicelib.posts.professionals import count_recommendation, professional_key, uncount_recommendation
from chalicelib.store.table import condition_failed, read_items, refused_conditions, transaction

EDIT_WINDOW = timedelta(hours=24)
REWRITE_ATTEMPTS = 3  # a comment or thanks landing meanwhile moves the counters the entries copy: read again
PETS = ("lost_pet", "found_pet")
# State reached -> which counters of the week it adds to.
COUNTS_ON = {("help_request", "done"): ("exchanges", "help_done", "volunteer_actions"),
             ("help_offer", "done"): ("exchanges", "help_done", "volunteer_actions"),
             ("giveaway", "given"): ("exchanges", "giveaways_given"), ("lost_pet", "reunited"): ("exchanges", "pets_reunited"),
             ("found_pet", "reunited"): ("exchanges", "pets_reunited")}


def _no_such_post() -> NotFound:
    return NotFound("No such post.", {"post_id": "not found"})


# --- writing --------------------------------------------------------------------------------

def create_post(principal: Principal, neighbourhood_id: str, request: PostRequest) -> PostPublic:
    new = request.post
    check_attachable(principal, getattr(new, "photo_id", None), neighbourhood_id, "post")
    content = _content(new, principal.lau2)
    post = PostItem(*PostItem.key(new_id()), post_id="", neighbourhood_id=neighbourhood_id, kind=new.kind,
                    author_id=principal.user_id, author_name=author_name(principal.user_id), content=content,
                    state=FIRST_STATE.get(new.kind), created_at=now())
    post.post_id = post.pk.removeprefix("POST#")
    post.gsi1pk, post.gsi1sk = PostItem.author_key(principal.user_id), post.post_id
    if new.kind == "recommendation":
        _check_not_oneself(principal, new)
        post.household = load_user(principal.user_id).address_id or principal.user_id
    if new.kind in PETS:
        post.reach = [ref.id for ref in neighbourhoods_near(content["last_seen_cell"], WITHIN_ABOUT_1_KM)
                      if ref.id != neighbourhood_id]
    with transaction() as t:
        t.save(post, condition=PostItem.pk.does_not_exist())
        for entry in _entries(post):
            t.save(entry)
        t.save(_thread_head(post))
        count_in_week(t, neighbourhood_id, posts=1, **{f"posts_{new.kind}": 1})
    share_photo(getattr(new, "photo_id", None), post.reach)
    if new.kind == "recommendation":
        count_recommendation(neighbourhood_id, content, post.household, post.post_id)
    logger.info("post written", kind=new.kind, nbh=neighbourhood_id, reach=len(post.reach))
    if new.kind == "lost_pet":

        alerts.lost_pet(post.post_id)
    public = _public(post)
    public.looks_aggressive = looks_aggressive(" ".join(str(value) for value in content.values()))
    return public


def edit_post(principal: Principal, post_id: str, request: PostRequest) -> PostPublic:
    post = _readable(principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden("Only the author edits a post.", {"post_id": "not yours"})
    if now() - post.created_at > EDIT_WINDOW:
        raise Conflict("A post can be edited during 24 hours after it was written.", {"post_id": "edit window over"})
    new = request.post
    if new.kind != post.kind:
        raise Conflict("A post keeps its kind.", {"kind": f"this post is a {post.kind}"})
    check_attachable(principal, getattr(new, "photo_id", None), post.neighbourhood_id, "post")
    content = _content(new, principal.lau2, previous=post.content)
    old_content = post.content
    if post.kind == "recommendation":
        _check_not_oneself(principal, new)
    old_reach = list(post.reach)
    post.content, post.edited_at = content, now()
    if post.kind in PETS:
        post.reach = [ref.id for ref in neighbourhoods_near(content["last_seen_cell"], WITHIN_ABOUT_1_KM)
                      if ref.id != post.neighbourhood_id]
    _rewrite(post, old_reach)
    share_photo(getattr(new, "photo_id", None), post.reach)
    if post.kind == "recommendation" and professional_key(old_content) != professional_key(content):
        # Another professional now: the household counts for the new one, no longer for the old one.
        household = post.household or load_user(principal.user_id).address_id or principal.user_id
        count_recommendation(post.neighbourhood_id, content, household, post.post_id)
        uncount_recommendation(post.neighbourhood_id, old_content, household, post.post_id)
    return _public(post)


def change_state(principal: Principal, post_id: str, change: StateChange) -> PostPublic:
    post = _readable(principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden("Only the author changes a post's state.", {"post_id": "not yours"})
    allowed = TRANSITIONS.get(post.kind)
    if allowed is None or change.state not in allowed.get(post.state or "", ()):
        raise Conflict(f"A {post.kind} cannot go from {post.state} to {change.state}.", {"state": "not allowed now"})
    if change.state == "matched":
        if not change.with_user_id:
            raise InvalidInput("Say with whom.", {"with_user_id": "required when matched"})
        if verified_neighbourhood(change.with_user_id) != post.neighbourhood_id or change.with_user_id == post.author_id:
            raise NotFound("Match with another resident of the neighbourhood.", {"with_user_id": "not a neighbour"})
    seen = post.state
    post.state = change.state
    post.matched_with = change.with_user_id if change.state == "matched" else post.matched_with
    counters = COUNTS_ON.get((post.kind, change.state), ())
    _rewrite(post, list(post.reach), seen_state=seen,
             counters=counters)
    return _public(post)


def delete_post(principal: Principal, post_id: str) -> None:
    post = _readable(principal, post_id)
    if post.author_id != principal.user_id and not policy.moderates(principal, post.neighbourhood_id):
        raise Forbidden("Only the author or an ambassador of the neighbourhood deletes a post.", {"post_id": "not yours"})
    _delete(post)
    logger.info("post deleted", kind=post.kind, nbh=post.neighbourhood_id, by_author=post.author_id == principal.user_id)


def pin_post(principal: Principal, post_id: str, pinned: bool) -> PostPublic:
    post = _readable(principal, post_id)
    if not policy.moderates(principal, post.neighbourhood_id):
        raise Forbidden("Ambassadors of the neighbourhood pin posts.", {"post_id": "not an ambassador here"})
    if post.pinned == pinned:
        return _public(post)
    post.pinned = pinned

    def write() -> None:
        with transaction() as t:
            t.update(post, actions=_rewrite_actions(post), condition=unchanged_since_read(post))
            for entry in _entries(post):
                # The pinned copy lives under another sort key: remove the one it had.
                t.delete(FeedEntryItem(entry.pk, FeedEntryItem.sort_key(post.post_id, not pinned)))
                t.save(entry)

    rewrite_as_read(post, write, _changed_meanwhile())
    return _public(post)


# --- reading --------------------------------------------------------------------------------

def get_post(principal: Principal, post_id: str, language: str = DEFAULT) -> PostPublic:
    """One BatchGetItem: the post and whether I thank it."""
    thanks = ThanksItem.key(post_id, principal.user_id or "-")
    found = read_items([PostItem.key(post_id), thanks])
    if PostItem.key(post_id) not in found:
        raise _no_such_post()
    post = PostItem.from_raw_data(found[PostItem.key(post_id)])
    policy.authorize_in("posts.read", principal, [post.neighbourhood_id, *post.reach], _no_such_post())
    public = as_seen_by(_public(post, nearby=post.neighbourhood_id != principal.neighbourhood_id), principal.user_id,
                        language)
    public.comment_count, public.thanks_count = int(post.comment_count or 0), int(post.thanks_count or 0)
    public.thanked_by_me = principal.user_id is not None and thanks in found
    return public


# --- your data ------------------------------------------------------------------------------

def export_posts(user_id: str) -> list[dict[str, Any]]:
    return [_public(post).model_dump(mode="json") for post in _posts_of(user_id)]


def erase_posts(user_id: str, choice: ContentChoice) -> None:
    for post in _posts_of(user_id):
        if choice == "remove":
            _delete(post)
        else:
            post.author_id, post.author_name, post.gsi1pk, post.gsi1sk = None, None, None, None
            _rewrite(post, list(post.reach))
            _anonymise_appeal(post)
            kinds.changed("post", post.post_id)  # its open reports show it authorless


register_content_owner(ContentOwner(name="posts", export=export_posts, erase=erase_posts))


# --- inside ---------------------------------------------------------------------------------

def _readable(principal: Principal, post_id: str) -> PostItem:
    """The post, when the principal is a verified resident of a neighbourhood it shows in; else 404."""
    try:
        post = PostItem.get(*PostItem.key(post_id))
    except DoesNotExist:
        raise _no_such_post() from None
    policy.authorize_in("posts.read", principal, [post.neighbourhood_id, *post.reach], _no_such_post())
    return post


def thread_readable(principal: Principal, head: Any) -> None:
    """Who reads a post's comments, from their thread's head: as `_readable`, where the post shows (a hidden post
    is still read, as hidden)."""
    policy.authorize_in("posts.read", principal, list(head.neighbourhood_ids), _no_such_post())


def as_content(post: PostItem) -> Content:
    """The post as content of the kernel (posts/hiding.py registers the kind)."""
    fields = post.content or {}
    return Content(kind="post", id=post.post_id, neighbourhood_id=post.neighbourhood_id, author_id=post.author_id,
                   item=post, hidden=bool(post.hidden), hidden_reason=post.hidden_reason, hidden_by=post.hidden_by,
                   created_at=post.created_at, subkind=post.kind, title=fields.get("title") or fields.get("name"),
                   text=fields.get("text") or fields.get("description"), thanks_count=int(post.thanks_count or 0),
                   where={"post_id": post.post_id})


def appealed_content(post: PostItem) -> dict[str, Any]:
    """What a pending appeal's row shows its moderators of the post (`ReportedContent` as JSON)."""
    return reported_content(as_content(post)).model_dump(mode="json")


def _thread_head(post: PostItem) -> Any:
    return thread_head("post", post.post_id, [post.neighbourhood_id, *post.reach])


def head_threads() -> int:
    """Once, after upgrading to threads with heads (#16): write the head of every post's comments that has none
    (`./noper head-threads`; idempotent: an existing head, written by the post itself, is left alone). An
    operator's one-off, never a request: it Scans the table for posts. Answers how many heads it wrote."""
    posts = PostItem.scan(PostItem.pk.startswith("POST#") & (PostItem.sk == PostItem.key("-")[1]))
    return write_missing_heads(_thread_head(post) for post in posts)


def _content(new: Any, lau2: str | None, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    content = new.model_dump(mode="json", exclude={"kind", "self_"}, exclude_none=True)
    if new.kind in PETS:
        pets.locate(content, lau2, previous)  # the cell, the time and the place's name (posts/pets.py)
    return content


def _public(post: PostItem, nearby: bool = False, language: str = DEFAULT) -> PostPublic:
    hidden = bool(post.hidden)
    return PostPublic(id=post.post_id, neighbourhood_id=post.neighbourhood_id, kind=post.kind,  # type: ignore[arg-type]
                      author_id=post.author_id, author_name=post.author_name, created_at=post.created_at, edited_at=post.edited_at, state=post.state,
                      matched_with=post.matched_with, pinned=post.pinned, nearby=nearby, content=post.content,
                      hidden=hidden, hidden_reason=post.hidden_reason if hidden else None,
                      hidden_note=post.hidden_note if hidden else None,
                      hidden_reason_text=reason_text(post.hidden_reason, language, post.hidden_note) if hidden else None)


def _entries(post: PostItem) -> list[FeedEntryItem]:
    copy = json.loads(_public(post).model_dump_json(exclude={"comment_count", "thanks_count", "thanked_by_me",
                                                             "looks_aggressive", "hidden_reason_text"}))
    sk = FeedEntryItem.sort_key(post.post_id, post.pinned)
    return [FeedEntryItem(FeedEntryItem.feed(nbh), sk, gsi1pk=FeedEntryItem.kind_feed(nbh, post.kind), gsi1sk=sk,
                          post=copy, nearby=nbh != post.neighbourhood_id, comment_count=int(post.comment_count or 0),
                          thanks_count=int(post.thanks_count or 0))
            for nbh in [post.neighbourhood_id, *post.reach]]


def _rewrite(post: PostItem, old_reach: list[str], seen_state: str | None = None, counters: tuple[str, ...] = ()) -> None:
    """Save the post and its feed entries (dropping those of neighbourhoods it no longer reaches). A
    concurrent state change, edit, pin or moderation wins (409); a comment or thanks meanwhile does not."""
    sk = FeedEntryItem.sort_key(post.post_id, post.pinned)
    queued = PendingAppealItem.of(post)  # a pending appeal's row shows the post as edited

    def write() -> None:
        with transaction() as t:
            t.update(post, actions=_rewrite_actions(post), condition=unchanged_since_read(post))
            for entry in _entries(post):
                t.save(entry)
            if queued is not None:
                t.update(queued, actions=[PendingAppealItem.content.set(appealed_content(post))],
                         condition=PendingAppealItem.pk.exists())
            for gone in set(old_reach) - set(post.reach):
                t.delete(FeedEntryItem(FeedEntryItem.feed(gone), sk))
            if set(old_reach) != set(post.reach):
                t.save(_thread_head(post))  # who reads its comments
            if counters:
                count_in_week(t, post.neighbourhood_id, **dict.fromkeys(counters, 1))

    conflict = (Conflict("The post's state changed meanwhile.", {"state": "changed meanwhile"}) if seen_state
                else _changed_meanwhile())
    rewrite_as_read(post, write, conflict)


def unchanged_since_read(post: PostItem) -> Any:
    """The condition of every rewrite of a post and its feed entries: the revision read is still the
    stored one (no other rewrite meanwhile), and so are the counters the entries copy."""
    return (_same_revision(post) & (PostItem.comment_count == int(post.comment_count or 0))
            & (PostItem.thanks_count == int(post.thanks_count or 0)))


def next_revision(post: PostItem) -> Any:
    """The action every rewrite adds: revision + 1 (the post object keeps the one read until it succeeds)."""
    return PostItem.revision.set(int(post.revision or 0) + 1)


def _same_revision(post: PostItem) -> Any:
    seen = int(post.revision or 0)
    return PostItem.revision == seen if seen else PostItem.revision.does_not_exist()


def rewrite_as_read(post: PostItem, write: Callable[[], None], conflict: Conflict) -> None:
    """Run `write`, a transaction conditioned on `unchanged_since_read(post)` that sets revision + 1
    (`_rewrite_actions`). When only counters moved meanwhile (a comment, a thanks), take the stored ones
    and write again; when another rewrite came first, or a condition of the caller's own failed, raise
    `conflict`: the caller's change was decided on what is no longer there."""
    for _ in range(REWRITE_ATTEMPTS):
        try:
            write()
        except TransactWriteError as error:
            if not refused_conditions(error):
                raise
            try:
                stored = PostItem.get(*PostItem.key(post.post_id), consistent_read=True)
            except DoesNotExist:
                raise _no_such_post() from None
            counters = (int(stored.comment_count or 0), int(stored.thanks_count or 0))
            if (int(stored.revision or 0) != int(post.revision or 0)
                    or counters == (int(post.comment_count or 0), int(post.thanks_count or 0))):
                raise conflict from None
            post.comment_count, post.thanks_count = counters
            continue
        post.revision = int(post.revision or 0) + 1
        return
    raise conflict


def _changed_meanwhile() -> Conflict:
    return Conflict("The post changed meanwhile; try again.", {"post_id": "changed meanwhile"})


def count_on(t: Any, post: PostItem, **deltas: int) -> int:
    """ADD `deltas` (comment_count, thanks_count) to the post and to each of its feed entries, in the
    caller's transaction `t`; returns how many writes it added. The post must still show where it
    showed when read (same pin, same reach): otherwise the transaction fails on the post or an entry,
    and the caller reads the post again and retries."""
    t.update(PostItem(*PostItem.key(post.post_id)), actions=[getattr(PostItem, n).add(d) for n, d in deltas.items()],
             condition=PostItem.pk.exists() & (PostItem.pinned == bool(post.pinned))
             & (PostItem.reach == list(post.reach or [])))
    sk = FeedEntryItem.sort_key(post.post_id, bool(post.pinned))
    nbhs = [post.neighbourhood_id, *(post.reach or [])]
    for nbh in nbhs:
        t.update(FeedEntryItem(FeedEntryItem.feed(nbh), sk),
                 actions=[getattr(FeedEntryItem, n).add(d) for n, d in deltas.items()],
                 condition=FeedEntryItem.pk.exists())
    return 1 + len(nbhs)


def _rewrite_actions(post: PostItem) -> list:
    """The post's own fields, set one by one: an UpdateItem, not a PutItem, so that the counters
    comments and thanks ADD to (`comment_count`, `thanks_count`) are never put back to a stale value."""
    actions = []
    for attribute in (PostItem.neighbourhood_id, PostItem.reach, PostItem.kind, PostItem.author_id,
                      PostItem.author_name, PostItem.content,
                      PostItem.state, PostItem.matched_with, PostItem.pinned, PostItem.created_at,
                      PostItem.edited_at, PostItem.gsi1pk, PostItem.gsi1sk, PostItem.post_id):
        value = getattr(post, attribute.attr_name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    return [*actions, next_revision(post)]


def _delete(post: PostItem) -> None:
    """The post, its feed entries and its pending appeal (the moderators' queue row) go in one
    transaction; after it no comment, thanks, report or appeal can be added (their writes require the
    post). Then what hangs on the post goes in batches: comments and their lookup items, thanks markers,
    open reports (of the post and its comments), and a recommendation's count for its household. Each
    step reads consistently and is safe to repeat."""
    for attempt in range(REWRITE_ATTEMPTS):
        sk = FeedEntryItem.sort_key(post.post_id, post.pinned)
        queued = PendingAppealItem.of(post)
        # An appeal written since the post was read names a row this transaction would miss, and a pin or
        # an edit since then moved its entries (another sort key, another reach): read again.
        same_appeal = (PostItem.appeal_state == post.appeal_state if post.appeal_state
                       else PostItem.appeal_state.does_not_exist())
        try:
            with transaction() as t:
                t.delete(post, condition=same_appeal & _same_revision(post))
                for nbh in [post.neighbourhood_id, *post.reach]:
                    t.delete(FeedEntryItem(FeedEntryItem.feed(nbh), sk))
                if queued:
                    t.delete(queued)
            break
        except TransactWriteError as error:
            if not refused_conditions(error) or attempt == REWRITE_ATTEMPTS - 1:
                raise
            try:
                post = PostItem.get(*PostItem.key(post.post_id), consistent_read=True)
            except DoesNotExist:
                return  # deleted meanwhile, by whoever also took what hangs on it
    if post.kind == "recommendation" and post.household:
        uncount_recommendation(post.neighbourhood_id, post.content, post.household, post.post_id)
    _delete_what_hangs_on(post.post_id)


def _delete_what_hangs_on(post_id: str) -> None:
    comment_ids = remove_all("post", post_id)
    forget_reports([("post", post_id), *(("comment", comment_id) for comment_id in comment_ids)])


def _anonymise_appeal(post: PostItem) -> None:
    """An anonymised post's pending appeal stays in the moderators' queue, no longer naming its author."""
    queued = PendingAppealItem.of(post)
    if queued is None:
        return
    try:
        queued.update(actions=[PendingAppealItem.author_id.remove()], condition=PendingAppealItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise  # else decided meanwhile: nothing left to anonymise


def _posts_of(user_id: str) -> list[PostItem]:
    return list(PostItem.gsi1.query(PostItem.author_key(user_id)))


def _check_not_oneself(principal: Principal, new: Any) -> None:
    if new.self_:
        raise Conflict("Residents cannot recommend themselves.", {"self": "recommending oneself"})
    if new.email and new.email == load_user(principal.user_id).email:
        raise Conflict("Residents cannot recommend themselves.", {"email": "your own email"})
