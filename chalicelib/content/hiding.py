"""Hidden by a moderator: the attributes every hideable stored item carries, the fields every answer
shows, and hiding in place (a comment, a message, an item: the piece stays, its text withheld from all
but its author). A post hides with its feed entries, so it brings its own hook (`posts/hiding.py`).
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import Field
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from chalicelib.content.kinds import Change, Content
from chalicelib.content.reasons import reason_text
from chalicelib.errors import Conflict, NotFound
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.store.table import Entity, refused_conditions, transaction


class HideableEntity(Entity):
    """A stored piece of content a moderator may hide. Kept by chalicelib/moderation/ only (through the
    kind's `hide` hook): hidden from the reports queue, with a reason code, a note and who hid it."""

    hidden = BooleanAttribute(null=True)
    hidden_reason = UnicodeAttribute(null=True)  # a code of moderation.models.HideReason
    hidden_note = UnicodeAttribute(null=True)
    hidden_by = UnicodeAttribute(null=True)  # the moderator's user id


class HiddenFields(Model):
    """The answer's side of it: hidden in place, with the reason code, the note and the sentence."""

    hidden: bool = Field(default=False, description="hidden by a moderator after a report; text for its author only")
    hidden_reason: str | None = Field(default=None, description="a reason code (moderation's fixed list)")
    hidden_note: str | None = None
    hidden_reason_text: str | None = Field(default=None, description="translated for the request's Accept-Language")


def hidden_fields(item: Any, language: str) -> dict[str, Any]:
    """The `HiddenFields` of a stored item (a post's or any `HideableEntity`)."""
    hidden = bool(item.hidden)
    return {"hidden": hidden, "hidden_reason": item.hidden_reason if hidden else None,
            "hidden_note": item.hidden_note if hidden else None,
            "hidden_reason_text": reason_text(item.hidden_reason, language, item.hidden_note) if hidden else None}


def withheld(item: Any, viewer_id: str | None) -> bool:
    """Whether the viewer gets the text: a hidden piece shows it to its author only."""
    return bool(item.hidden) and (viewer_id is None or viewer_id != item.author_id)


def described(kind: str, content_id: str, neighbourhood_id: str, item: Any, **more: Any) -> Content:
    """The `Content` of a stored item with an author, a text and the hidden_* attributes."""
    return Content(kind=kind, id=content_id, neighbourhood_id=neighbourhood_id, author_id=item.author_id, item=item,
                   hidden=bool(item.hidden), hidden_reason=item.hidden_reason, hidden_by=item.hidden_by,
                   deleted=bool(getattr(item, "deleted", False)), created_at=item.created_at,
                   text=more.pop("text", item.text), **more)


def in_place(model: type[HideableEntity], also: Callable[[Any, Content, Change], None] | None = None,
             unchanged: Callable[[Content], Any] | None = None):
    """The `hide` hook of a kind whose stored item (a `HideableEntity`) hides in place: one conditional
    update with the audit entry, one transaction; `also(t, content, change)` adds the kind's own writes to it
    (an item's thread head); `unchanged(content)`, a condition the update also needs (an event's sequence as
    read, since its thread head is written from it)."""

    def hide(content: Content, change: Change, audit: Entity) -> None:
        item = content.item
        if item is None or content.deleted:
            raise NotFound("It was deleted meanwhile.", {"target_id": "deleted"})
        if bool(item.hidden) == change.hide:
            raise Conflict(f"It is already {'hidden' if change.hide else 'shown'}.", {"action": "nothing to do"})
        if change.hide:
            actions = [model.hidden.set(True), model.hidden_reason.set(change.reason), model.hidden_by.set(change.by),
                       model.hidden_note.set(change.note) if change.note else model.hidden_note.remove()]
            condition = model.hidden.does_not_exist() | (model.hidden == False)  # noqa: E712
        else:
            actions = [model.hidden.set(False), model.hidden_reason.remove(), model.hidden_note.remove(),
                       model.hidden_by.remove()]
            condition = model.hidden == True  # noqa: E712
        if unchanged is not None:
            condition &= unchanged(content)
        try:
            with transaction() as t:
                t.update(item, actions=actions, condition=model.pk.exists() & condition)
                t.save(audit)
                if also is not None:
                    also(t, content, change)
        except TransactWriteError as error:
            if refused_conditions(error):
                raise Conflict("It changed meanwhile; try again.", {"target_id": "changed meanwhile"}) from None
            raise
        logger.info("content moderated", action=change.action, target=content.kind, nbh=content.neighbourhood_id)

    return hide
