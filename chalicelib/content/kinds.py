"""The registry of content kinds: a kind says how to load one of its pieces, who may read it, how to
hide it and what to count on it; comments, thanks and moderation ask the registry by the kind's name.

A kind registers itself when its package is imported (`app.py` imports every concern):

    kinds.register(ContentKind(name="item", load=_load, readable=_readable, hide=hiding.in_place(LendableItem)))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Callable

from pydantic import StringConstraints

from chalicelib.errors import NotFound
from chalicelib.later import every_concern
from chalicelib.policy import Principal

# A resident named in a request (a mention, a match, a conversation's other side).
UserId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{1,64}$")]


@dataclass
class Content:
    """One piece of neighbourhood content as the shared services see it. `item` is the kind's own stored
    item (its hooks use it); `where` names what it belongs to, as the reports queue links it
    (`post_id`, `conversation_id`, `item_id`)."""

    kind: str
    id: str
    neighbourhood_id: str
    author_id: str | None
    item: Any = None
    hidden: bool = False
    hidden_reason: str | None = None
    hidden_by: str | None = None
    deleted: bool = False
    created_at: datetime | None = None
    title: str | None = None  # what the moderators' card shows
    text: str | None = None
    subkind: str | None = None  # a post's kind (offer, request...)
    thanks_count: int = 0
    where: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Known:
    """What a caller already knows of a piece (the reports queue: its neighbourhood and `where`), so that
    its kind's `load` need not read it again (a message's conversation, a comment's post)."""

    neighbourhood_id: str
    where: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """A moderation decision on a piece of content: hide (with a reason code and note) or show it again.
    `action` is the audit log's word (hide, restore, dismiss, auto_hide); `by` the moderator (or "auto")."""

    hide: bool
    reason: str | None
    note: str | None
    by: str
    action: str


@dataclass(frozen=True)
class ContentKind:
    """What a kind tells the shared services.

    - `load(id, known=None)`: the piece, read consistently, whoever asks (moderators may live elsewhere); None
      when gone. `known` (a `Known`) may spare it reads.
    - `readable(principal, id)`: the piece for someone who may read it; anyone else gets the kind's 404.
    - `hide(content, change, audit)`: hide or show it, writing the audit item (an `Entity`) in the same
      transaction; a change that finds it already so raises `Conflict`.
    - `count(t, content, **deltas)`: optional; ADD `comment_count` / `thanks_count` on the piece in the
      caller's transaction `t` (retried by the caller after reading the piece again when it fails).
    - `on_report(t, content)`: optional; more writes in the report's transaction (a post's `report_count`).
    - `after_report(id)`: optional; runs after a report (a post hides itself after three).
    - `stored(id, known)`: optional; where the piece is stored, `((pk, sk), from_raw)`, when that is known
      without reading (`from_raw(raw item) -> Content`): `load_many` then reads many pieces of many kinds in
      one BatchGetItem instead of one read each. None: ask `load`.
    - `thread_readable(principal, head)`: optional; for a kind that keeps its comments' thread head
      (`comments.models.ThreadHeadItem`: `neighbourhood_ids`, `only_for`) in step: who may read the thread, from
      the head alone (the kind's 404 otherwise), so the first page of comments is one Query. None: `readable`
      decides.
    """

    name: str
    load: Callable[..., Content | None]
    readable: Callable[[Principal, str], Content]
    hide: Callable[[Content, Change, Any], None]
    count: Callable[..., Any] | None = None
    on_report: Callable[[Any, Content], None] | None = None
    after_report: Callable[[str], None] | None = None
    stored: Callable[[str, "Known | None"], tuple[tuple[str, str], Callable[[dict[str, Any]], Content]] | None] | None = None
    thread_readable: Callable[[Principal, Any], None] | None = None


_KINDS: dict[str, ContentKind] = {}
_WATCHERS: list[Callable[[str, str], None]] = []


def watch_changes(watcher: Callable[[str, str], None]) -> Callable[[str, str], None]:
    """`watcher(kind, id)` runs whenever a kind says one of its pieces changed in a way that what hangs on it must
    follow (`changed`): the reports queue registers itself so, to keep the copies its open reports hold."""
    _WATCHERS.append(watcher)
    return watcher


def changed(kind_name: str, content_id: str) -> None:
    """A kind tells the shared services that a piece was deleted, anonymised or hidden by other means than the
    kind's `hide` hook (a post hiding itself after three reports), so that copies of it follow."""
    every_concern()
    for watcher in _WATCHERS:
        watcher(kind_name, content_id)


def register(kind: ContentKind) -> ContentKind:
    _KINDS[kind.name] = kind
    return kind


def kind(name: str) -> ContentKind:
    every_concern()
    try:
        return _KINDS[name]
    except KeyError:
        raise NotFound("No such content.", {"kind": f"{name} is not a kind of content"}) from None


def names() -> list[str]:
    every_concern()
    return sorted(_KINDS)


def readable(principal: Principal, kind_name: str, content_id: str) -> Content:
    return kind(kind_name).readable(principal, content_id)


def load(kind_name: str, content_id: str, known: Known | None = None) -> Content | None:
    return kind(kind_name).load(content_id, known) if known else kind(kind_name).load(content_id)


def load_many(pieces: list[tuple[str, str, Known | None]]) -> dict[tuple[str, str], Content | None]:
    """(kind, id) -> the piece or None, for many pieces: those whose kind says where they are stored in one
    BatchGetItem (100 keys a call), the others one `load` each (the reports queue: docs/architecture.md)."""
    from chalicelib.store.table import read_items

    found: dict[tuple[str, str], Content | None] = {}
    where: dict[tuple[str, str], tuple[tuple[str, str], Callable[[dict[str, Any]], Content]]] = {}
    for kind_name, content_id, known in pieces:
        hook = kind(kind_name).stored
        located = hook(content_id, known) if hook else None
        if located is None:
            found[(kind_name, content_id)] = load(kind_name, content_id, known)
        else:
            where[(kind_name, content_id)] = located
    raw = read_items([key for key, _ in where.values()]) if where else {}
    for piece, (key, from_raw) in where.items():
        found[piece] = from_raw(raw[key]) if key in raw else None
    return found

