"""Comments (one level of replies) and thanks on posts: request, response and stored models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.models import Model
from chalicelib.posts.models import PostId, UserId
from chalicelib.store.pages import PageCursor
from chalicelib.store.table import Entity, Gsi1

CommentId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
CommentText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


# --- requests -------------------------------------------------------------------------------

class CommentRequest(Model):
    model_config = ConfigDict(extra="forbid")
    text: CommentText
    reply_to: CommentId | None = Field(default=None, description="a top-level comment of the same post")
    mentions: list[UserId] = Field(default_factory=list, max_length=20,
                                   description="verified residents of the post's neighbourhood")


class CommentPath(Model):
    comment_id: CommentId


class CommentsQuery(Model):
    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = None
    limit: int = Field(default=50, ge=1, le=100)


# --- responses ------------------------------------------------------------------------------

class CommentPublic(Model):
    id: str
    post_id: str
    reply_to: str | None = Field(description="the comment this replies to; null for a top-level comment")
    author_id: str | None = Field(description="null once deleted or anonymised")
    author_name: str | None = Field(default=None, description="the author's display name when they wrote it; null "
                                    "once deleted or anonymised")
    text: str | None = Field(description="null once deleted")
    mentions: list[str] = []
    deleted: bool = Field(default=False, description="a deleted comment that has replies stays as a placeholder")
    created_at: datetime
    # Moderation: a hidden comment stays in place, its text withheld from all but its author.
    hidden: bool = False
    hidden_reason: str | None = Field(default=None, description="a reason code (moderation's fixed list)")
    hidden_note: str | None = None
    hidden_reason_text: str | None = Field(default=None, description="translated for the request's Accept-Language")


class CommentPage(Model):
    comments: list[CommentPublic] = Field(description="oldest first, each comment followed by its replies")
    cursor: str | None = Field(description="pass it back for the next page; null on the last")


class Thanks(Model):
    post_id: str
    thanks_count: int
    thanked_by_me: bool


# --- stored ---------------------------------------------------------------------------------

class CommentItem(Entity):
    """A comment: pk `POST#<post id>#COMMENTS`, sk `<top-level id>#<reply id or empty>` so a thread
    sorts together, oldest first. gsi1 finds a resident's comments (export, erasure)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    comment_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)  # the display name when written (docs/data-model.md)
    text = UnicodeAttribute(null=True)
    mentions = ListAttribute(of=UnicodeAttribute, default=list)
    deleted = BooleanAttribute(default=False)
    reply_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    # Kept by chalicelib/moderation/ only: hidden from the reports queue, with a reason code and note.
    hidden = BooleanAttribute(null=True)
    hidden_reason = UnicodeAttribute(null=True)
    hidden_note = UnicodeAttribute(null=True)
    hidden_by = UnicodeAttribute(null=True)

    @staticmethod
    def partition(post_id: str) -> str:
        return f"POST#{post_id}#COMMENTS"

    @staticmethod
    def sort_key(top_id: str, reply_id: str = "") -> str:
        return f"{top_id}#{reply_id}"

    @staticmethod
    def author_key(user_id: str) -> str:
        return f"COMMENTER#{user_id}"


class CommentRefItem(Entity):
    """Where comment <id> lives (DELETE /comments/{id} names the comment only)."""

    post_id = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)

    @staticmethod
    def key(comment_id: str) -> tuple[str, str]:
        return f"COMMENT#{comment_id}", "REF"


class ThanksItem(Entity):
    """Marker: this user thanks this post (written with attribute_not_exists, removed conditionally)."""

    @staticmethod
    def key(post_id: str, user_id: str) -> tuple[str, str]:
        return f"POST#{post_id}#THANKS", user_id


def thanked_by(post_id: str, user_id: str | None) -> bool:
    """Whether this user thanks this post (one GetItem of the marker); what posts and comments both show."""
    if not user_id:
        return False
    try:
        ThanksItem.get(*ThanksItem.key(post_id, user_id), consistent_read=True, attributes_to_get=["pk"])
    except DoesNotExist:
        return False
    return True
