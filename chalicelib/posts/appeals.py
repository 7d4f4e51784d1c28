"""Appeals: the author of a hidden post may appeal once; a second moderator, not the one who hid it,
upholds the hide or shows the post again. A pending appeal is also a row of the neighbourhood's
appeals queue (`NBH#<id>#APPEALS`), written and deleted in the same transactions as the post's
`appeal_state`. Hiding and showing a post are in `hiding.py`; reports and the audit log in `chalicelib/moderation/`.
"""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from chalicelib import policy
from chalicelib.adapters.clock import now
from chalicelib.content.counters import count_in_week
from chalicelib.errors import Conflict, Forbidden
from chalicelib.i18n import DEFAULT
from chalicelib.moderation.models import (
    AppealDecision, AppealList, AppealRequest, AppealsQuery, PendingAppeal, PendingAppealItem, ReportedContent,
)
from chalicelib.moderation.service import AUTO, audit_entry, close_reports
from chalicelib.policy import Principal
from chalicelib.posts.hiding import moderated, post_content, set_hidden
from chalicelib.posts.models import PostItem, PostPublic
from chalicelib.posts.service import _public, _readable, appealed_content
from chalicelib.store.pages import TIME_ID_SK, decode_cursor, encode_cursor
from chalicelib.store.table import refused_conditions, table_connection, transaction


def appeal(principal: Principal, post_id: str, request: AppealRequest, language: str = DEFAULT) -> PostPublic:
    post = _readable(principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden("Only the author appeals.", {"post_id": "not yours"})
    if not post.hidden:
        raise Conflict("Only a hidden post can be appealed.", {"post_id": "not hidden"})
    if post.appeal_state:
        raise Conflict("A post can be appealed once.", {"post_id": "already appealed"})
    at = now()
    # The queue's row carries what the moderators' card shows: the hide contested, as it is now.
    pending = PendingAppealItem(*PendingAppealItem.key(post.neighbourhood_id, at, post_id),
                                neighbourhood_id=post.neighbourhood_id, post_id=post_id, author_id=principal.user_id,
                                text=request.text, appealed_at=at,
                                hidden_by=None if post.hidden_by == AUTO else post.hidden_by,
                                hidden_reason=post.hidden_reason, hidden_note=post.hidden_note,
                                content=appealed_content(post))
    try:
        with transaction() as t:
            t.update(post, actions=[PostItem.appeal_text.set(request.text), PostItem.appeal_state.set("pending"),
                                    PostItem.appealed_at.set(at)],
                     condition=PostItem.appeal_state.does_not_exist() & (PostItem.hidden == True)  # noqa: E712
                     & (PostItem.hidden_by == post.hidden_by))
            t.save(pending)
            t.save(audit_entry(post.neighbourhood_id, "appeal", principal.user_id, "post", post_id, request.text))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("A post can be appealed once.", {"post_id": "already appealed"}) from None
        raise
    post.appeal_text, post.appeal_state, post.appealed_at = request.text, "pending", at
    return _public(post, language=language)


def decide_appeal(principal: Principal, post_id: str, request: AppealDecision, language: str = DEFAULT) -> PostPublic:
    post = moderated(principal, post_id)
    if post.appeal_state != "pending":
        raise Conflict("There is no appeal to decide.", {"post_id": "no pending appeal"})
    # A second moderator decides: not the one who hid the post, nor its author.
    policy.not_own_case("moderation.appeal", principal, [post.author_id, post.hidden_by])
    pending = PostItem.appeal_state == "pending"
    if request.decision == "uphold":
        queued = PendingAppealItem.of(post)
        try:
            with transaction() as t:
                t.update(post, actions=[PostItem.appeal_state.set("upheld")], condition=pending)
                if queued:
                    t.delete(queued)
                t.save(audit_entry(post.neighbourhood_id, "uphold", principal.user_id, "post", post_id, request.reason))
                count_in_week(t, post.neighbourhood_id, appeals=1, appeals_upheld=1)  # the hiding upheld
        except TransactWriteError as error:
            if refused_conditions(error):
                raise Conflict("The appeal was decided meanwhile.", {"post_id": "decided meanwhile"}) from None
            raise
        post.appeal_state = "upheld"
        return _public(post, language=language)
    # Showing the post closes the appeal (`restored`) and takes it off the queue: see set_hidden.
    set_hidden(post, False, request.reason, None, principal.user_id, action="appeal_restore", condition=pending)
    close_reports("post", post_id)
    return _public(post, language=language)


def pending_appeals(neighbourhood_id: str, query: AppealsQuery) -> AppealList:
    """The neighbourhood's appeals no moderator decided yet, oldest first, each with the hidden post's
    content (its moderators may live elsewhere, and a hidden post's page withholds it): one Query a page, the
    rows carrying the content; rows written before they did cost one BatchGetItem of their posts."""
    partition = PendingAppealItem.partition(neighbourhood_id)
    start = decode_cursor(query.cursor, partition=partition, sort_pattern=TIME_ID_SK,
                          what="appeals queue") if query.cursor else None
    page = table_connection().query(partition, limit=query.limit, scan_index_forward=True, exclusive_start_key=start)
    items = [PendingAppealItem.from_raw_data(raw) for raw in page.get("Items", [])]
    wanted = sorted({item.post_id for item in items if item.content is None})
    posts = {post.post_id: post for post in PostItem.batch_get([PostItem.key(post_id) for post_id in wanted])} \
        if wanted else {}

    def content(item: PendingAppealItem) -> ReportedContent:
        if item.content is None:  # a post deleted between the Query and the BatchGet (its row goes with it): gone
            return post_content(posts.get(item.post_id))
        return ReportedContent.model_validate({**item.content, "author_id": item.author_id})

    appeals = [PendingAppeal(post_id=item.post_id, author_id=item.author_id, text=item.text,
                             appealed_at=item.appealed_at, hidden_by=item.hidden_by, hidden_reason=item.hidden_reason,
                             hidden_note=item.hidden_note, content=content(item))
               for item in items]
    last = page.get("LastEvaluatedKey")
    return AppealList(appeals=appeals, cursor=encode_cursor(last) if last else None)
