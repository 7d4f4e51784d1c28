"""How far a resident has read their neighbourhood's feed: the weekly digest's cheap signal of "read
everything that week" (chalicelib/digest/service.py `read_everything`).

The web app, when it shows the first page of the resident's own feed, sends the newest post id on it
(`PUT /api/v1/neighbourhoods/{id}/posts/seen`), at most once a day and only when it is newer than the
one it sent last (frontend/src/posts/seen.ts). It is kept on the profile item (`UserItem.feed_seen`),
which the digest reads anyway with the neighbourhood's residents: no GET writes, and the digest needs no
read per resident. The write only moves forward (a condition), and only for the resident's own
neighbourhood (a moderator reading another one's feed records nothing).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.models import UserItem
from chalicelib.policy import Principal
from chalicelib.store.table import condition_failed


def record(principal: Principal, neighbourhood_id: str, post_id: str) -> None:
    """Remember that this resident saw their feed up to `post_id` (ignored when older than what they saw)."""
    try:
        UserItem(*UserItem.key(principal.user_id or "-")).update(
            actions=[UserItem.feed_seen.set(post_id)],
            condition=(UserItem.pk.exists() & (UserItem.neighbourhood_id == neighbourhood_id)
                       & (UserItem.feed_seen.does_not_exist() | (UserItem.feed_seen < post_id))))
    except UpdateError as error:
        if not condition_failed(error):
            raise


def _export(user_id: str) -> dict[str, Any]:
    try:
        user = UserItem.get(*UserItem.key(user_id), attributes_to_get=["feed_seen"])
    except DoesNotExist:
        return {}
    return {"feed_seen_up_to_post": user.feed_seen}


def _erase(user_id: str, choice: ContentChoice) -> None:
    """On the profile item, which the erasure deletes."""


# "Your data": how far the resident read their feed is theirs too.
register_content_owner(ContentOwner(name="digest", export=_export, erase=_erase))
