"""Posts of every kind, the feed, states, pins, professionals and weekly indicators.

A post is one item (`POST#<id>`) plus one feed entry per neighbourhood it shows in (its own and,
for lost/found pets, every neighbourhood within about 1 km): a feed page is then one Query. Every
write of a post is one transaction over the post, its feed entries and the week's counters.
docs/data-model.md lists the keys.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any, Callable
from urllib.parse import urlsplit

import h3
from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError

from chalicelib import policy
from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.service import load_user
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.comments.models import thanked_by
from chalicelib.communes.service import fold
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.moderation.reasons import reason_text
from chalicelib.neighbourhoods.service import WITHIN_ABOUT_1_KM, neighbourhoods_near
from chalicelib.observability import logger
from chalicelib.photos.service import check_attachable, share_photo
from chalicelib.policy import Principal
from chalicelib.posts.models import (
    FIRST_STATE, TRANSITIONS, Feed, FeedEntryItem, FeedQuery, PostItem, PostPublic, PostRequest, Professional,
    ProfessionalItem, ProfessionalRecommendation, ProfessionalList, RecommendingHouseholdItem, StateChange, WeekStatsItem,
)
from chalicelib.store.pages import decode_cursor, encode_cursor, unknown_cursor
from chalicelib.store.table import GSI1, condition_failed, refused_conditions, table_connection, transaction

EDIT_WINDOW = timedelta(hours=24)
REWRITE_ATTEMPTS = 3  # a comment or thanks landing meanwhile moves the counters the entries copy: read again
PETS = ("lost_pet", "found_pet")
# State reached -> which counters of the week it adds to.
COUNTS_ON = {("help_request", "done"): ("exchanges", "volunteer_actions"),
             ("help_offer", "done"): ("exchanges", "volunteer_actions"),
             ("giveaway", "given"): ("exchanges",), ("lost_pet", "reunited"): ("exchanges",),
             ("found_pet", "reunited"): ("exchanges",)}
_CURSOR_SK = re.compile(r"^(~PIN#)?[0-9A-Z]{26}$")


def _no_such_post() -> NotFound:
    return NotFound("No such post.", {"post_id": "not found"})


# --- writing --------------------------------------------------------------------------------

def create_post(principal: Principal, neighbourhood_id: str, request: PostRequest) -> PostPublic:
    new = request.post
    check_attachable(principal, getattr(new, "photo_id", None), neighbourhood_id, "post")
    content = _content(new)
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
        t.update(_week(neighbourhood_id), actions=[WeekStatsItem.posts.add(1)])
    share_photo(getattr(new, "photo_id", None), post.reach)
    if new.kind == "recommendation":
        _count_recommendation(neighbourhood_id, content, post.household, post.post_id)
    logger.info("post written", kind=new.kind, nbh=neighbourhood_id, reach=len(post.reach))
    if new.kind == "lost_pet":
        from chalicelib.notifications import alert_queue  # notifications build on posts

        alert_queue.lost_pet(post.post_id)
    from chalicelib.moderation.tone import looks_aggressive  # moderation builds on posts, not the reverse

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
    content = _content(new)
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
    if post.kind == "recommendation" and _professional_key(old_content) != _professional_key(content):
        # Another professional now: the household counts for the new one, no longer for the old one.
        household = post.household or load_user(principal.user_id).address_id or principal.user_id
        _count_recommendation(post.neighbourhood_id, content, household, post.post_id)
        _uncount_recommendation(post.neighbourhood_id, old_content, household, post.post_id)
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
        if _user_neighbourhood(change.with_user_id) != post.neighbourhood_id or change.with_user_id == post.author_id:
            raise NotFound("Match with another resident of the neighbourhood.", {"with_user_id": "not a neighbour"})
    seen = post.state
    post.state = change.state
    post.matched_with = change.with_user_id if change.state == "matched" else post.matched_with
    counters = COUNTS_ON.get((post.kind, change.state), ())
    _rewrite(post, list(post.reach), seen_state=seen,
             counters=[getattr(WeekStatsItem, name).add(1) for name in counters])
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
    post = _readable(principal, post_id)
    public = as_seen_by(_public(post, nearby=post.neighbourhood_id != principal.neighbourhood_id), principal.user_id,
                        language)
    public.comment_count, public.thanks_count = int(post.comment_count or 0), int(post.thanks_count or 0)
    public.thanked_by_me = thanked_by(post_id, principal.user_id)
    return public


def feed(neighbourhood_id: str, query: FeedQuery, viewer_id: str | None = None, language: str = DEFAULT) -> Feed:
    """Newest first, pinned posts first on the first page; one Query a page. A hidden post's content
    shows to its author only (`viewer_id`); why it is hidden, in the reader's `language`."""
    if query.kind:
        partition, index = FeedEntryItem.kind_feed(neighbourhood_id, query.kind), GSI1
        key_names = ("gsi1pk", "gsi1sk", "pk", "sk")
    else:
        partition, index = FeedEntryItem.feed(neighbourhood_id), None
        key_names = ("pk", "sk")
    start = _decode_cursor(query.cursor, key_names, partition) if query.cursor else None
    page = table_connection().query(partition, index_name=index, limit=query.limit, scan_index_forward=False,
                                    exclusive_start_key=start)
    posts = []
    for raw in page.get("Items", []):
        entry = FeedEntryItem.from_raw_data(raw)
        public = PostPublic.model_validate({**entry.post, "nearby": entry.nearby,
                                            "comment_count": int(entry.comment_count or 0),
                                            "thanks_count": int(entry.thanks_count or 0)})
        posts.append(as_seen_by(public, viewer_id, language))
    last = page.get("LastEvaluatedKey")
    return Feed(posts=posts, cursor=encode_cursor(last) if last else None)


def professionals(neighbourhood_id: str, trade: str | None) -> ProfessionalList:
    """One Query of the neighbourhood's professionals, then their recommendation posts in BatchGetItems
    of 100 (not a read per professional); hidden posts are left out."""
    prefix = f"PRO#{trade}#" if trade else "PRO#"
    found = list(ProfessionalItem.query(ProfessionalItem.partition(neighbourhood_id),
                                        ProfessionalItem.sk.startswith(prefix)))
    wanted = sorted({post_id for p in found for post_id in (p.posts or ())})
    posts = {post.post_id: post for post in PostItem.batch_get([PostItem.key(post_id) for post_id in wanted])}
    listed = []
    for p in found:
        shown = sorted((posts[i] for i in (p.posts or ()) if i in posts and not posts[i].hidden),
                       key=lambda post: post.post_id, reverse=True)
        listed.append(Professional(
            trade=p.trade, name=p.name, contact=p.contact, phone=p.phone, email=p.email, website=p.website,
            households=int(p.households),
            recommendations=[ProfessionalRecommendation(post_id=post.post_id, text=str(post.content.get("text", ""))[:200],
                                                        author_name=post.author_name) for post in shown]))
    return ProfessionalList(professionals=sorted(listed, key=lambda p: (-p.households, p.trade, fold(p.name))))


def week_counts(neighbourhood_id: str, week: str) -> dict[str, int]:
    try:
        item = WeekStatsItem.get(*WeekStatsItem.key(neighbourhood_id, week))
    except DoesNotExist:
        return {"posts": 0, "exchanges": 0, "volunteer_actions": 0}
    return {"posts": int(item.posts or 0), "exchanges": int(item.exchanges or 0),
            "volunteer_actions": int(item.volunteer_actions or 0)}


def iso_week(moment=None) -> str:
    year, week, _ = (moment or now()).isocalendar()
    return f"{year}-W{week:02d}"


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


def as_seen_by(public: PostPublic, viewer_id: str | None, language: str = DEFAULT) -> PostPublic:
    """A hidden post shows in place, its content withheld from everyone but its author, with why it
    is hidden in the reader's language."""
    if public.hidden and (viewer_id is None or public.author_id != viewer_id):
        public.content = {"text": None}
    public.hidden_reason_text = reason_text(public.hidden_reason, language, public.hidden_note) if public.hidden else None
    return public


def _content(new: Any) -> dict[str, Any]:
    content = new.model_dump(mode="json", exclude={"kind", "self_"}, exclude_none=True)
    if new.kind in PETS:
        point = content.pop("last_seen")  # never stored: only its res-9 cell
        content["last_seen_cell"] = h3.latlng_to_cell(point["lat"], point["lon"], 9)
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


def _rewrite(post: PostItem, old_reach: list[str], seen_state: str | None = None, counters: list | None = None) -> None:
    """Save the post and its feed entries (dropping those of neighbourhoods it no longer reaches). A
    concurrent state change, edit, pin or moderation wins (409); a comment or thanks meanwhile does not."""
    sk = FeedEntryItem.sort_key(post.post_id, post.pinned)

    def write() -> None:
        with transaction() as t:
            t.update(post, actions=_rewrite_actions(post), condition=unchanged_since_read(post))
            for entry in _entries(post):
                t.save(entry)
            for gone in set(old_reach) - set(post.reach):
                t.delete(FeedEntryItem(FeedEntryItem.feed(gone), sk))
            if counters:
                t.update(_week(post.neighbourhood_id), actions=counters)

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


def author_name(user_id: str) -> str | None:
    """The name a resident shows their neighbours (as the member list shows it), kept with what they write."""
    try:
        return load_user(user_id).display_name or None
    except NotFound:
        return None


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
    from chalicelib.moderation.models import PendingAppealItem  # moderation builds on posts

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
        _uncount_recommendation(post.neighbourhood_id, post.content, post.household, post.post_id)
    _delete_what_hangs_on(post.post_id)


def _delete_what_hangs_on(post_id: str) -> None:
    from chalicelib.comments.models import CommentItem, CommentRefItem, ThanksItem  # comments build on posts
    from chalicelib.moderation.models import ReportItem  # so does moderation

    doomed: list[Any] = []
    comment_ids = []
    for comment in CommentItem.query(CommentItem.partition(post_id), consistent_read=True):
        comment_ids.append(comment.comment_id)
        doomed += [comment, CommentRefItem(*CommentRefItem.key(comment.comment_id))]
    doomed += list(ThanksItem.query(ThanksItem.key(post_id, "")[0], consistent_read=True))
    for target_type, target_id in [("post", post_id), *(("comment", cid) for cid in comment_ids)]:
        doomed += [report for report in ReportItem.query(ReportItem.key(target_type, target_id, "")[0],
                                                         consistent_read=True)
                   if report.gsi1sk.startswith("OPEN#")]
    with PostItem.batch_write() as batch:  # 25 deletes a call; unprocessed items are retried
        for item in doomed:
            batch.delete(item)


def _anonymise_appeal(post: PostItem) -> None:
    """An anonymised post's pending appeal stays in the moderators' queue, no longer naming its author."""
    from chalicelib.moderation.models import PendingAppealItem  # moderation builds on posts

    queued = PendingAppealItem.of(post)
    if queued is None:
        return
    try:
        queued.update(actions=[PendingAppealItem.author_id.remove()], condition=PendingAppealItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise  # else decided meanwhile: nothing left to anonymise


def _week(neighbourhood_id: str) -> WeekStatsItem:
    return WeekStatsItem(*WeekStatsItem.key(neighbourhood_id, iso_week()))


def _posts_of(user_id: str) -> list[PostItem]:
    return list(PostItem.gsi1.query(PostItem.author_key(user_id)))


def _user_neighbourhood(user_id: str) -> str | None:
    try:
        user = load_user(user_id)
    except NotFound:
        return None
    return user.neighbourhood_id if user.residence_status == "verified" else None


def _check_not_oneself(principal: Principal, new: Any) -> None:
    if new.self_:
        raise Conflict("Residents cannot recommend themselves.", {"self": "recommending oneself"})
    if new.email and new.email == load_user(principal.user_id).email:
        raise Conflict("Residents cannot recommend themselves.", {"email": "your own email"})


def _contact(content: dict[str, Any]) -> str:
    if content.get("email"):
        return content["email"].lower()
    if content.get("phone"):
        return re.sub(r"[^0-9+]", "", content["phone"])
    return (urlsplit(content["website"]).hostname or "").removeprefix("www.")


def _professional_key(content: dict[str, Any]) -> str:
    name = " ".join(fold(content["name"]).split())
    return hashlib.sha256(f"{content['trade']}|{name}|{_contact(content)}".encode()).hexdigest()[:20]


def _count_recommendation(neighbourhood_id: str, content: dict[str, Any], household: str, post_id: str) -> None:
    """+1 for the professional, once per household: the household marker is written conditionally,
    with the recommending post in its `posts` set; a second post of the household only joins the set."""
    key = _professional_key(content)
    professional = ProfessionalItem(ProfessionalItem.partition(neighbourhood_id),
                                    ProfessionalItem.sort_key(content["trade"], key))
    marker = RecommendingHouseholdItem(*RecommendingHouseholdItem.key(neighbourhood_id, key, household),
                                       posts={post_id})
    try:
        with transaction() as t:
            t.save(marker, condition=RecommendingHouseholdItem.pk.does_not_exist())
            t.update(professional, actions=[
                ProfessionalItem.households.add(1), ProfessionalItem.trade.set(content["trade"]),
                ProfessionalItem.name.set(content["name"].strip()), ProfessionalItem.contact.set(_contact(content)),
                *_contact_fields(content, post_id)])
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        # already counted for this household: the post joins the marker and the professional's posts
        marker.update(actions=[RecommendingHouseholdItem.posts.add({post_id})])
        professional.update(actions=_contact_fields(content, post_id))


def _contact_fields(content: dict[str, Any], post_id: str) -> list:
    """The latest recommendation's phone, email and website, and the post among the professional's."""
    return [ProfessionalItem.posts.add({post_id}),
            *(getattr(ProfessionalItem, name).set(content[name]) if content.get(name)
              else getattr(ProfessionalItem, name).remove() for name in ("phone", "email", "website"))]


def _uncount_recommendation(neighbourhood_id: str, content: dict[str, Any], household: str, post_id: str) -> None:
    """The post leaves its household's marker; when it was the household's last recommendation of the
    professional, the marker goes and the count drops by one (both conditional, one transaction); a
    professional nobody recommends any more leaves the directory."""
    key = _professional_key(content)
    marker = RecommendingHouseholdItem(*RecommendingHouseholdItem.key(neighbourhood_id, key, household))
    try:
        marker.update(actions=[RecommendingHouseholdItem.posts.delete({post_id})],
                      condition=RecommendingHouseholdItem.posts.contains(post_id))
    except UpdateError as error:
        if condition_failed(error):
            return  # not counted for this post (or already uncounted)
        raise
    professional = ProfessionalItem(ProfessionalItem.partition(neighbourhood_id),
                                    ProfessionalItem.sort_key(content["trade"], key))
    try:
        professional.update(actions=[ProfessionalItem.posts.delete({post_id})], condition=ProfessionalItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise
    if marker.posts:
        return  # another post of the household still recommends them
    try:
        with transaction() as t:
            # Empty sets vanish in DynamoDB: no `posts` means no post of the household joined meanwhile.
            t.delete(marker, condition=RecommendingHouseholdItem.posts.does_not_exist())
            t.update(professional, actions=[ProfessionalItem.households.add(-1)],
                     condition=ProfessionalItem.households > 0)
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        return
    try:
        professional.delete(condition=ProfessionalItem.households <= 0)
    except DeleteError as error:
        if not condition_failed(error):
            raise




def _decode_cursor(cursor: str, key_names: tuple[str, ...], partition: str) -> dict[str, Any]:
    start = decode_cursor(cursor, partition=partition, sort_pattern=_CURSOR_SK, key_names=key_names, what="feed")
    pk, sk = start.get("pk", {}).get("S"), start.get("sk", {}).get("S")
    if pk is not None and not (pk.startswith("NBH#") and _CURSOR_SK.match(sk or "")):
        raise unknown_cursor("feed")
    return start
