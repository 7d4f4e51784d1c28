"""Comments (one level of replies) and thanks on any kind of content (posts, items...): request, response
and stored models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.content.hiding import HiddenFields, HideableEntity
from chalicelib.content.kinds import UserId
from chalicelib.models import Model
from chalicelib.store.pages import PageQuery
from chalicelib.store.table import Entity, Gsi1

CommentId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
CommentText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


# --- requests -------------------------------------------------------------------------------

class CommentRequest(Model):
    model_config = ConfigDict(extra="forbid")
    text: CommentText
    reply_to: CommentId | None = Field(default=None, description="a top-level comment of the same post (or item)")
    mentions: list[UserId] = Field(default_factory=list, max_length=20,
                                   description="verified residents of the neighbourhood of what is commented")


class CommentPath(Model):
    comment_id: CommentId


class CommentsQuery(PageQuery):
    pass


# --- responses ------------------------------------------------------------------------------

class CommentPublic(HiddenFields):
    """Moderation: a hidden comment stays in place, its text withheld from all but its author."""

    id: str
    post_id: str | None = Field(description="the post commented; null for a comment on another kind of content")
    about_kind: str = Field(default="post", description="the kind of content commented: post, item")
    about_id: str = Field(description="its id")
    reply_to: str | None = Field(description="the comment this replies to; null for a top-level comment")
    author_id: str | None = Field(description="null once deleted or anonymised")
    author_name: str | None = Field(default=None, description="the author's display name when they wrote it; null "
                                    "once deleted or anonymised")
    text: str | None = Field(description="null once deleted")
    mentions: list[str] = []
    deleted: bool = Field(default=False, description="a deleted comment that has replies stays as a placeholder")
    created_at: datetime


class CommentPage(Model):
    comments: list[CommentPublic] = Field(description="oldest first, each comment followed by its replies")
    cursor: str | None = Field(description="pass it back for the next page; null on the last")


class Thanks(Model):
    post_id: str = Field(description="the post thanked")
    thanks_count: int
    thanked_by_me: bool


# --- stored ---------------------------------------------------------------------------------

class CommentItem(HideableEntity):
    """A comment: pk `<KIND>#<id>#COMMENTS` (`POST#<post id>#COMMENTS` on a post), sk `<top-level id>#<reply id
    or empty>` so a thread sorts together, oldest first. gsi1 finds a resident's comments (export, erasure).
    A comment on a post names it in `post_id` (as always); on another kind, in `about_kind` and `about_id`."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    comment_id = UnicodeAttribute()
    post_id = UnicodeAttribute(null=True)
    about_kind = UnicodeAttribute(null=True)
    about_id = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)  # the display name when written (docs/data-model.md)
    text = UnicodeAttribute(null=True)
    mentions = ListAttribute(of=UnicodeAttribute, default=list)
    deleted = BooleanAttribute(default=False)
    reply_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()

    @property
    def about(self) -> tuple[str, str]:
        return about_of(self)

    @staticmethod
    def partition(kind: str, content_id: str) -> str:
        return f"{kind.upper()}#{content_id}#COMMENTS"

    @staticmethod
    def sort_key(top_id: str, reply_id: str = "") -> str:
        return f"{top_id}#{reply_id}"

    @staticmethod
    def author_key(user_id: str) -> str:
        return f"COMMENTER#{user_id}"


class ThreadHeadItem(Entity):
    """pk `<KIND>#<id>#COMMENTS`, sk `#HEAD` (before every comment): what deciding who reads the thread needs,
    so that one Query returns the head and the first page of comments (#16). `neighbourhood_ids`: where the
    piece shows (a post's own neighbourhood and a lost pet's nearby ones); `only_for`: while the piece is shown
    to one person only (an item a moderator hid: its owner), that person; `only_among`: while it is shown to a
    few people only (an event a moderator hid: its organisers; none for a partner's), those people; `public`: read
    by anyone (a participatory budget's proposal once its results are published). Written with the piece and kept
    in step by its kind; a piece without a head (written before it) is read as before."""

    neighbourhood_ids = ListAttribute(of=UnicodeAttribute)
    only_for = UnicodeAttribute(null=True)
    only_among = ListAttribute(of=UnicodeAttribute, null=True)
    public = BooleanAttribute(null=True)

    SK = "#HEAD"

    @staticmethod
    def key(kind: str, content_id: str) -> tuple[str, str]:
        return CommentItem.partition(kind, content_id), ThreadHeadItem.SK


class CommentRefItem(Entity):
    """Where comment <id> lives (DELETE /comments/{id} names the comment only): `post_id`, or
    `about_kind` and `about_id`, as on the comment."""

    post_id = UnicodeAttribute(null=True)
    about_kind = UnicodeAttribute(null=True)
    about_id = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)

    @property
    def about(self) -> tuple[str, str]:
        return about_of(self)

    @staticmethod
    def key(comment_id: str) -> tuple[str, str]:
        return f"COMMENT#{comment_id}", "REF"


def about_of(item: CommentItem | CommentRefItem) -> tuple[str, str]:
    """(kind, id) of what a comment is on: a post's comments name it in `post_id` only."""
    return (item.about_kind, item.about_id) if item.about_kind else ("post", item.post_id)


def naming(kind: str, content_id: str) -> dict[str, str]:
    """The attributes a comment and its lookup item store to name what they are on (see `about_of`)."""
    return {"post_id": content_id} if kind == "post" else {"about_kind": kind, "about_id": content_id}


class ThanksItem(Entity):
    """Marker: this user thanks this piece of content (written with attribute_not_exists, removed
    conditionally): pk `<KIND>#<id>#THANKS` (`POST#<post id>#THANKS`), sk the user."""

    @staticmethod
    def key(content_id: str, user_id: str, kind: str = "post") -> tuple[str, str]:
        return f"{kind.upper()}#{content_id}#THANKS", user_id


def thanked_by(content_id: str, user_id: str | None, kind: str = "post") -> bool:
    """Whether this user thanks this piece (one GetItem of the marker); what posts and comments both show."""
    if not user_id:
        return False
    try:
        ThanksItem.get(*ThanksItem.key(content_id, user_id, kind), consistent_read=True, attributes_to_get=["pk"])
    except DoesNotExist:
        return False
    return True
