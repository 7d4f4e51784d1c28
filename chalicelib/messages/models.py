"""Private 1:1 conversations between verified neighbours: request, response and stored models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.content.hiding import HiddenFields, HideableEntity
from chalicelib.content.kinds import UserId
from chalicelib.lending.models import Id as ItemId
from chalicelib.models import Model
from chalicelib.posts.models import PostId
from chalicelib.store.pages import PageQuery
from chalicelib.store.table import Entity, Gsi1

ConversationId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
MessageId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
MessageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Reason = Literal["spam", "harassment", "hate", "other"]


# --- requests -------------------------------------------------------------------------------

class About(Model):
    """What the conversation started from: a post or a lent item (exactly one)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={  # `_one`, as the document states it
        "if": {"required": ["post_id"], "properties": {"post_id": {"type": "string"}}},
        "then": {"properties": {"item_id": {"type": "null"}}},
        "else": {"required": ["item_id"], "properties": {"item_id": {"type": "string"}}}})
    post_id: PostId | None = None
    item_id: ItemId | None = None

    @model_validator(mode="after")
    def _one(self) -> "About":
        if (self.post_id is None) == (self.item_id is None):
            raise ValueError("name either post_id or item_id")
        return self


class ConversationStart(Model):
    model_config = ConfigDict(extra="forbid")
    with_user_id: UserId
    about: About | None = None
    text: MessageText


class MessageRequest(Model):
    model_config = ConfigDict(extra="forbid")
    text: MessageText


class MessageReportRequest(Model):
    model_config = ConfigDict(extra="forbid")
    reason: Reason
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class ConversationPath(Model):
    conversation_id: ConversationId


class MessagePath(Model):
    message_id: MessageId


class BlockPath(Model):
    user_id: UserId


class MessagesQuery(PageQuery):
    pass


# --- responses ------------------------------------------------------------------------------

class AboutPublic(Model):
    kind: Literal["post", "item"]
    id: str


class ConversationPublic(Model):
    id: str
    with_user_id: str
    about: AboutPublic | None
    created_at: datetime
    last_message_at: datetime | None
    unread: int = Field(description="messages of the other participant I have not read yet")
    last_message: str | None = Field(default=None, description="the start of the last message, for the list")
    last_message_mine: bool = Field(default=False, description="I wrote the last message")
    blocked: bool = Field(default=False, description="I have blocked the other participant")


class ConversationList(Model):
    conversations: list[ConversationPublic] = Field(description="most recent first")


class MessagePublic(HiddenFields):
    id: str
    conversation_id: str
    author_id: str | None = Field(description="null once anonymised or deleted")
    text: str | None = Field(description="null once deleted")
    deleted: bool = False
    created_at: datetime


class MessagePage(Model):
    messages: list[MessagePublic] = Field(description="newest first")
    cursor: str | None = Field(description="pass it back for the next (older) page; null on the last")


class Unread(Model):
    unread: int


class ConversationRead(Model):
    """How many messages of the conversation were unread until now (the header's badge goes down by as many)."""

    was_unread: int


class Badges(Model):
    """What the header shows next to Messages and Library: unread messages, loan requests waiting for my answer."""

    unread_messages: int
    loans_waiting: int


class BlockPublic(Model):
    user_id: str
    blocked: bool


class ReportPublic(Model):
    id: str
    conversation_id: str
    message_id: str
    reason: str
    text: str | None
    created_at: datetime


# --- stored ---------------------------------------------------------------------------------

class ConversationItem(Entity):
    """pk=CONV#<conversation id>, sk=CONV; the id derives from the sorted pair of user ids, and the
    item is written with attribute_not_exists: one conversation per pair."""

    conversation_id = UnicodeAttribute()
    user_ids = ListAttribute(of=UnicodeAttribute)
    neighbourhood_id = UnicodeAttribute()
    about_kind = UnicodeAttribute(null=True)
    about_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    last_message_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(conversation_id: str) -> tuple[str, str]:
        return f"CONV#{conversation_id}", "CONV"


class ParticipantItem(Entity):
    """pk=CONV#<id>, sk=MEMBER#<user id>; gsi1pk=USER#<user id>#CONVS, gsi1sk=<last message at>#<id>
    (my conversations, most recent first). `unread`: ADD 1 on each message of the other, set 0 on read."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    conversation_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    with_user_id = UnicodeAttribute()
    about_kind = UnicodeAttribute(null=True)
    about_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    last_message_at = UTCDateTimeAttribute(null=True)
    unread = NumberAttribute(default=0)
    # When the current unread streak began (set if absent with the first unread message, removed on
    # read): chalicelib/notifications/unread.py emails once per streak after a day.
    unread_since = UTCDateTimeAttribute(null=True)
    last_preview = UnicodeAttribute(null=True)  # the start of the last message (the list shows it)
    last_author_id = UnicodeAttribute(null=True)
    # I block the other person (a copy of my BlockItem, so my list needs no read of my blocks).
    blocking = BooleanAttribute(null=True)

    @staticmethod
    def key(conversation_id: str, user_id: str) -> tuple[str, str]:
        return f"CONV#{conversation_id}", f"MEMBER#{user_id}"

    @staticmethod
    def mine(user_id: str) -> str:
        return f"USER#{user_id}#CONVS"


class MessageItem(HideableEntity):
    """pk=CONV#<id>#MSGS, sk=<message id> (ULID: newest first with a backwards Query);
    gsi1pk=MESSAGER#<author id>, gsi1sk=<message id> (export, erasure)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    deleted = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def partition(conversation_id: str) -> str:
        return f"CONV#{conversation_id}#MSGS"

    @staticmethod
    def author_key(user_id: str) -> str:
        return f"MESSAGER#{user_id}"


class MessageRefItem(Entity):
    """pk=MSG#<message id>, sk=REF: the conversation of a message (reports name the message only)."""

    conversation_id = UnicodeAttribute()

    @staticmethod
    def key(message_id: str) -> tuple[str, str]:
        return f"MSG#{message_id}", "REF"


class BlockItem(Entity):
    """pk=USER#<user id>#BLOCKS, sk=<blocked user id>: this user blocks that one."""

    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(user_id: str, blocked_id: str) -> tuple[str, str]:
        return f"USER#{user_id}#BLOCKS", blocked_id
