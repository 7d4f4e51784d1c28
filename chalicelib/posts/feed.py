"""The neighbourhood's feed: newest first, pinned first, one Query a page, and how a post shows to
whoever reads it (a hidden post's content to its author only)."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.i18n import DEFAULT
from chalicelib.content.reasons import reason_text
from chalicelib.posts.models import Feed, FeedEntryItem, FeedQuery, PostPublic
from chalicelib.store.pages import decode_cursor, encode_cursor, unknown_cursor
from chalicelib.store.table import GSI1, table_connection

_CURSOR_SK = re.compile(r"^(~PIN#)?[0-9A-Z]{26}$")


def feed(neighbourhood_id: str, query: FeedQuery, viewer_id: str | None = None, language: str = DEFAULT) -> Feed:
    """Newest first, pinned posts first on the first page; one Query a page. A hidden post's content
    shows to its author only (`viewer_id`); why it is hidden, in the reader's `language`."""
    condition = None
    if query.kind:
        partition, index = FeedEntryItem.kind_feed(neighbourhood_id, query.kind), GSI1
        key_names = ("gsi1pk", "gsi1sk", "pk", "sk")
        condition = FeedEntryItem.gsi1sk >= "0"  # the posts, not the professionals indexed before them (`!PRO#`)
    else:
        partition, index = FeedEntryItem.feed(neighbourhood_id), None
        key_names = ("pk", "sk")
    start = _decode_cursor(query.cursor, key_names, partition) if query.cursor else None
    page = table_connection().query(partition, range_key_condition=condition, index_name=index, limit=query.limit,
                                    scan_index_forward=False, exclusive_start_key=start)
    posts = []
    for raw in page.get("Items", []):
        entry = FeedEntryItem.from_raw_data(raw)
        public = PostPublic.model_validate({**entry.post, "nearby": entry.nearby,
                                            "comment_count": int(entry.comment_count or 0),
                                            "thanks_count": int(entry.thanks_count or 0)})
        posts.append(as_seen_by(public, viewer_id, language))
    last = page.get("LastEvaluatedKey")
    return Feed(posts=posts, cursor=encode_cursor(last) if last else None)


def as_seen_by(public: PostPublic, viewer_id: str | None, language: str = DEFAULT) -> PostPublic:
    """A hidden post shows in place, its content withheld from everyone but its author, with why it
    is hidden in the reader's language."""
    if public.hidden and (viewer_id is None or public.author_id != viewer_id):
        public.content = {"text": None}
    public.hidden_reason_text = reason_text(public.hidden_reason, language, public.hidden_note) if public.hidden else None
    return public


def _decode_cursor(cursor: str, key_names: tuple[str, ...], partition: str) -> dict[str, Any]:
    start = decode_cursor(cursor, partition=partition, sort_pattern=_CURSOR_SK, key_names=key_names, what="feed")
    pk, sk = start.get("pk", {}).get("S"), start.get("sk", {}).get("S")
    if pk is not None and not (pk.startswith("NBH#") and _CURSOR_SK.match(sk or "")):
        raise unknown_cursor("feed")
    return start
