"""Moderation: request, response and stored models."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator
from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.store.pages import PageCursor
from chalicelib.store.table import Entity, Gsi1

Reason = Literal["spam", "harassment", "hate", "misinformation", "commercial", "other"]
# Why a moderator hides something: a code from this fixed list (translated for each reader by the
# server, `moderation.reason.<code>` in chalicelib/i18n/moderation/), plus an optional note.
# "reported" is the code of an automatic hide after several reports; moderators do not choose it.
HideReason = Literal["spam", "harassment", "hate", "misinformation", "commercial", "personal_data", "off_topic",
                     "other"]
HIDE_REASONS: tuple[str, ...] = (*HideReason.__args__, "reported")  # type: ignore[attr-defined]
Why = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
TargetType = Literal["post", "comment", "message", "item", "event", "call", "budget_proposal"]  # the content kinds (chalicelib/content/kinds.py)
TARGET_TYPES: tuple[str, ...] = TargetType.__args__  # type: ignore[attr-defined]


# --- requests -------------------------------------------------------------------------------

class ReportRequest(Model):
    model_config = ConfigDict(extra="forbid")
    reason: Reason
    text: Why | None = None


# What `_reason_to_hide` checks, as the document states it: hiding needs a reason. (if/then rather than anyOf:
# the web app's generated types keep the plain object.)
REASON_TO_HIDE = {"if": {"properties": {"action": {"const": "hide"}}},
                  "then": {"required": ["reason"], "properties": {"reason": {"type": "string"}}}}


class ModerationRequest(Model):
    model_config = ConfigDict(extra="forbid", json_schema_extra=REASON_TO_HIDE)
    action: Literal["hide", "restore"]
    reason: HideReason | None = Field(default=None, description="required to hide: a code from the fixed list; "
                                                                "readers see it translated")
    note: Why | None = Field(default=None, description="what the moderator adds; shown with the reason")

    @model_validator(mode="after")
    def _reason_to_hide(self) -> "ModerationRequest":
        if self.action == "hide" and self.reason is None:
            raise ValueError("say why: a reason is required to hide")
        return self


class ReportDecision(Model):
    """What a moderator does with a reported post, comment or message, from the reports queue."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=REASON_TO_HIDE)
    action: Literal["hide", "restore", "dismiss"] = Field(
        description="hide it, show it again, or dismiss the reports (an automatically hidden post shows again)")
    reason: HideReason | None = Field(default=None, description="required to hide")
    note: Why | None = None

    @model_validator(mode="after")
    def _reason_to_hide(self) -> "ReportDecision":
        if self.action == "hide" and self.reason is None:
            raise ValueError("say why: a reason is required to hide")
        return self


class TargetPath(Model):
    neighbourhood_id: NeighbourhoodId
    target_type: TargetType
    # A budget proposal's id is `<edition id>.<proposal id>` (chalicelib/budget/discussion.py).
    target_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}(\.[0-9A-Z]{26})?$")]


class AppealRequest(Model):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class AppealDecision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["uphold", "restore"]
    reason: Why


class ReportsQuery(Model):
    model_config = ConfigDict(extra="forbid")
    status: Literal["open", "closed"] = "open"




class AppealsQuery(Model):
    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = None
    limit: int = Field(default=20, ge=1, le=50)


class LogQuery(Model):
    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = Field(default=None, description="from the previous page: older entries")
    limit: int = Field(default=50, ge=1, le=200)


class ToneRequest(Model):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(max_length=5000)]


# --- responses ------------------------------------------------------------------------------

class ReportAccepted(Model):
    target_type: TargetType
    target_id: str
    reason: Reason


class ReportedContent(Model):
    """What was reported or appealed, as the moderator needs it to decide (they may live elsewhere and
    not read the neighbourhood); shown in the reports and appeals queues only."""

    author_id: str | None = Field(description="null once anonymised or deleted")
    kind: str | None = Field(default=None, description="a post's kind")
    title: str | None = None
    text: str | None = Field(description="the post's text (or description), the comment or the message; "
                                         "null once deleted")
    hidden: bool = False
    hidden_reason: str | None = Field(default=None, description="the code, when hidden")
    created_at: datetime | None = None
    gone: bool = Field(default=False, description="deleted since it was reported or appealed")


class ReportedTarget(Model):
    target_type: TargetType
    target_id: str
    post_id: str | None = Field(description="the post, or the post the comment is on; null for a message")
    conversation_id: str | None = Field(default=None, description="a message's conversation (its text only is shown)")
    item_id: str | None = Field(default=None, description="the lent item, or the item the comment is on")
    event_id: str | None = Field(default=None, description="the event, or the event the comment is on")
    call_id: str | None = Field(default=None, description="the call for volunteers, or the call the comment is on")
    budget_proposal_id: str | None = Field(default=None, description="the budget proposal (`<edition id>.<proposal "
                                                                     "id>`), or the proposal the comment is on")
    count: int = Field(description="distinct residents reporting")
    reasons: dict[str, int] = Field(description="reason -> how many; never who reported")
    texts: list[str] = Field(default_factory=list, description="what reporters added, without their names")
    content: ReportedContent | None = Field(default=None, description="the reported content, for moderators only")


class ReportList(Model):
    targets: list[ReportedTarget] = Field(description="most reported first")


class AuditEntry(Model):
    at: datetime
    action: Literal["report", "hide", "restore", "dismiss", "auto_hide", "appeal", "uphold", "appeal_restore"]
    by: str | None = Field(description="the moderator or author acting; null for reports and automatic hides")
    target_type: TargetType
    target_id: str
    reason: str | None = Field(description="a reason code (reports, hides), or what the moderator wrote")
    note: str | None = None


class AuditLog(Model):
    entries: list[AuditEntry] = Field(description="newest first, a page at a time")
    cursor: str | None = Field(default=None, description="pass it back for older entries; null on the oldest page")


class PendingAppeal(Model):
    """An appeal waiting for a second moderator: the author's words and the hide they contest."""

    post_id: str
    author_id: str | None = Field(description="null once the author's account is erased (content kept anonymously)")
    text: str = Field(description="what the author wrote")
    appealed_at: datetime
    hidden_by: str | None = Field(description="the moderator who hid the post (who may not decide); "
                                              "null when hidden automatically after several reports")
    hidden_reason: str | None = Field(description="the hide's reason code")
    hidden_note: str | None = Field(default=None, description="the moderator's note on the hide")
    content: ReportedContent = Field(description="the hidden post, for moderators only (a hidden post's page "
                                                 "withholds it, and a commune moderator may live elsewhere); "
                                                 "`gone` when deleted meanwhile")


class AppealList(Model):
    appeals: list[PendingAppeal] = Field(description="oldest first")
    cursor: str | None = Field(description="pass it back for the next page; null on the last")


class ToneCheck(Model):
    looks_aggressive: bool = Field(description="show \"Would you say it like this face to face?\"; posting still works")


# --- stored ---------------------------------------------------------------------------------

class ReportItem(Entity):
    """One resident's report of one piece of content: pk `REPORTS#<POST|COMMENT|MESSAGE|ITEM>#<id>`,
    sk the reporter (written with attribute_not_exists: one report per reporter per target). gsi1 is the
    neighbourhood's one reports queue, by status: `NBH#<id>#REPORTS`, `<OPEN|CLOSED>#<type>#<id>#<reporter>`."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    report_id = UnicodeAttribute(null=True)
    neighbourhood_id = UnicodeAttribute(null=True)
    post_id = UnicodeAttribute(null=True)  # posts and comments
    conversation_id = UnicodeAttribute(null=True)  # messages
    item_id = UnicodeAttribute(null=True)  # lent items and comments on them
    event_id = UnicodeAttribute(null=True)  # events and comments on them
    call_id = UnicodeAttribute(null=True)  # calls for volunteers and comments on them
    budget_proposal_id = UnicodeAttribute(null=True)  # budget proposals (`<edition>.<proposal>`) and comments on them
    reporter_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    text = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    # What the queue shows of the target (`ReportedContent` as JSON, #16: the queue is one Query): as reported,
    # written with the report (the newest report's copy is shown); rewritten on every open report of the target
    # when it is deleted, anonymised or hides itself (`kinds.changed`), and with the piece as decided when the
    # reports close. Null on reports written before (`./noper snapshot-reports` fills them; until then the queue
    # reads those targets).
    content = JSONAttribute(null=True)

    @staticmethod
    def key(target_type: str, target_id: str, reporter_id: str) -> tuple[str, str]:
        return f"REPORTS#{target_type.upper()}#{target_id}", reporter_id

    @staticmethod
    def listing(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#REPORTS"

    @staticmethod
    def listing_sk(status: str, target_type: str, target_id: str, reporter_id: str) -> str:
        return f"{status.upper()}#{target_type.upper()}#{target_id}#{reporter_id}"


class AuditItem(Entity):
    """One moderation action: pk `NBH#<id>#AUDIT`, sk `<iso time>#<id>`; who, what, why."""

    action = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()

    @staticmethod
    def partition(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#AUDIT"


class PendingAppealItem(Entity):
    """An appeal no moderator decided yet, so the queue is one Query, oldest first:
    pk `NBH#<id>#APPEALS`, sk `<appealed-at ISO time>#<post id>`. Written in the appeal's transaction,
    deleted in the transaction that decides it, shows the post again by other means, or deletes the post."""

    neighbourhood_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)
    text = UnicodeAttribute()
    appealed_at = UTCDateTimeAttribute()
    hidden_by = UnicodeAttribute(null=True)  # null: hidden automatically
    hidden_reason = UnicodeAttribute(null=True)
    hidden_note = UnicodeAttribute(null=True)
    # The hidden post as its moderators see it (`ReportedContent` as JSON; its author is `author_id` above), written
    # with the row and again with each edit of the post while the appeal waits (#16: the queue is one Query).
    # Null on rows written before: the queue reads those posts.
    content = JSONAttribute(null=True)

    @staticmethod
    def partition(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#APPEALS"

    @staticmethod
    def key(nbh_id: str, appealed_at: datetime, post_id: str) -> tuple[str, str]:
        at = appealed_at.astimezone(timezone.utc).isoformat(timespec="microseconds")  # as it reads back
        return f"NBH#{nbh_id}#APPEALS", f"{at}#{post_id}"

    @classmethod
    def of(cls, post) -> "PendingAppealItem | None":
        """The pending-appeal row of a post (a `PostItem`), by key only; None when no appeal is pending."""
        if post.appeal_state != "pending" or post.appealed_at is None:
            return None
        return cls(*cls.key(post.neighbourhood_id, post.appealed_at, post.post_id))
