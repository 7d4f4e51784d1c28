"""Moderation: request, response and stored models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.table import Entity, Gsi1

Reason = Literal["spam", "harassment", "hate", "misinformation", "commercial", "other"]
Why = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
TargetType = Literal["post", "comment"]


# --- requests -------------------------------------------------------------------------------

class ReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason
    text: Why | None = None


class ModerationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["hide", "restore"]
    reason: Why


class AppealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class AppealDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["uphold", "restore"]
    reason: Why


class ReportsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["open", "closed"] = "open"


class ToneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(max_length=5000)]


# --- responses ------------------------------------------------------------------------------

class ReportAccepted(BaseModel):
    target_type: TargetType
    target_id: str
    reason: Reason


class ReportedTarget(BaseModel):
    target_type: TargetType
    target_id: str
    post_id: str = Field(description="the post, or the post the comment is on")
    count: int = Field(description="distinct residents reporting")
    reasons: dict[str, int] = Field(description="reason -> how many; never who reported")
    texts: list[str] = Field(default_factory=list, description="what reporters added, without their names")


class ReportList(BaseModel):
    targets: list[ReportedTarget] = Field(description="most reported first")


class AuditEntry(BaseModel):
    at: datetime
    action: Literal["report", "hide", "restore", "auto_hide", "appeal", "uphold", "appeal_restore"]
    by: str | None = Field(description="the moderator or author acting; null for reports and automatic hides")
    target_type: TargetType
    target_id: str
    reason: str | None


class AuditLog(BaseModel):
    entries: list[AuditEntry] = Field(description="newest first (the last 200)")


class ToneCheck(BaseModel):
    looks_aggressive: bool = Field(description="show \"Would you say it like this face to face?\"; posting still works")


# --- stored ---------------------------------------------------------------------------------

class ReportItem(Entity):
    """One resident's report of one post or comment: pk `REPORTS#<POST|COMMENT>#<id>`, sk the reporter
    (written with attribute_not_exists: one report per reporter per target). gsi1 lists a
    neighbourhood's reports by status: `NBH#<id>#CONTENT_REPORTS`, `<OPEN|CLOSED>#<type>#<id>#<reporter>`."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    reporter_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    text = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(target_type: str, target_id: str, reporter_id: str) -> tuple[str, str]:
        return f"REPORTS#{target_type.upper()}#{target_id}", reporter_id

    @staticmethod
    def listing(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#CONTENT_REPORTS"

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
    at = UTCDateTimeAttribute()

    @staticmethod
    def partition(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#AUDIT"
