"""Announcements: requests, answers and stored items (kept apart even while they look alike)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator, StrictBool, StringConstraints
from pynamodb.attributes import (
    BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute,
)

from chalicelib.communes.models import Lau2
from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.publishers.models import Category, PresignedPost, Ulid
from chalicelib.publishers.targeting import Circle, Target  # noqa: F401  (re-exported: what an announcement targets)
from chalicelib.store.pages import PageCursor
from chalicelib.store.table import Entity, Gsi1

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
AttachmentType = Literal["application/pdf", "image/jpeg", "image/png", "image/webp"]
Status = Literal["pending", "published", "rejected", "withdrawn"]


# --- requests ------------------------------------------------------------------------------------

class Version(Model):
    model_config = ConfigDict(extra="forbid")
    language: Language
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=140)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] = Field(
        description="a small Markdown subset: paragraphs, *emphasis*, **strong**, [links](https://…), lists")


class AnnouncementRequest(Model):
    model_config = ConfigDict(extra="forbid")
    versions: list[Version] = Field(min_length=1, max_length=5)
    category: Category
    target: Target
    valid_from: datetime | None = Field(None, description="default: now")
    valid_until: datetime
    public: StrictBool = Field(False, description="also shown without an account and in the Atom feed")
    attachments: list[Ulid] = Field(default_factory=list, max_length=10, json_schema_extra={"uniqueItems": True})

    @model_validator(mode="after")
    def _consistent(self) -> "AnnouncementRequest":
        languages = [v.language for v in self.versions]
        if len(set(languages)) != len(languages):
            raise ValueError("a language is given twice")
        if len(set(self.attachments)) != len(self.attachments):
            raise ValueError("an attachment is given twice")
        for moment in (self.valid_from, self.valid_until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("give dates with a time zone")
        return self


class AttachmentRequest(Model):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    content_type: AttachmentType
    size: int = Field(gt=0, description="bytes; at most 10 MiB (larger answers 413)",
                      json_schema_extra={"maximum": MAX_ATTACHMENT_BYTES})


class AttachmentPath(Model):
    attachment_id: Ulid


class AnnouncementPath(Model):
    announcement_id: Ulid


class CommuneAnnouncementPath(Model):
    lau2: Lau2
    announcement_id: Ulid


class ChannelQuery(Model):
    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = None
    language: Language | None = None


class OneQuery(Model):
    model_config = ConfigDict(extra="forbid")
    language: Language | None = None


class ReviewQuery(Model):
    model_config = ConfigDict(extra="forbid")
    status: Status = "pending"
    language: Language | None = None


class Decision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject", "withdraw"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


# --- answers ------------------------------------------------------------------------------------

class AttachmentStarted(Model):
    attachment_id: str
    upload: PresignedPost
    max_bytes: int


class AttachmentState(Model):
    id: str
    name: str
    status: Literal["waiting", "ready", "failed"]
    reason: str | None = Field(None, description="why the file was refused (it was deleted)")
    kind: Literal["pdf", "image"] | None = None


class AttachmentPublic(Model):
    id: str
    name: str
    kind: Literal["pdf", "image"]
    content_type: str
    size: int
    url: str = Field(description="presigned GET, valid 5 minutes")
    preview_url: str | None = Field(None, description="a JPEG of the image or of the PDF's first page; presigned, 5 minutes")


class AnnouncementPublic(Model):
    id: str
    lau2: str
    category: Category
    language: str = Field(description="the language of title and html: the reader's, else the commune's")
    languages: list[str]
    title: str
    html: str = Field(description="sanitised HTML of the Markdown body")
    publisher_name: str
    publisher_kind: Literal["commune", "partner"]
    status: Status
    public: bool
    target_kind: Literal["commune", "neighbourhoods", "circle"]
    target_names: list[str] = Field(description="names of the targeted neighbourhoods (empty: the whole commune)")
    published_at: datetime | None = None
    valid_from: datetime
    valid_until: datetime
    attachments: list[AttachmentPublic]
    link_path: str


class AnnouncementPage(Model):
    announcements: list[AnnouncementPublic]
    cursor: str | None = Field(None, description="for the next page; null at the end")


class ReviewList(Model):
    announcements: list[AnnouncementPublic]


class ScopeNeighbourhood(Model):
    id: str
    name: str


class PublishContext(Model):
    """What the form behind a publisher link needs: who publishes, where and what it may publish."""

    lau2: str
    commune_name: str
    commune_languages: list[str]
    publisher_name: str
    publisher_kind: Literal["commune", "partner"]
    whole_commune: bool = Field(description="the link may target the whole commune")
    neighbourhoods: list[ScopeNeighbourhood] = Field(description="the neighbourhoods it may target")
    categories: list[Category]
    expires_at: datetime
    needs_approval: bool
    max_attachment_bytes: int


class DigestAnnouncement(Model):
    """One announcement in a resident's weekly digest (chalicelib/announcements/service.for_digest)."""

    id: str
    title: str
    category: Category
    published_at: datetime
    link_path: str


# --- stored ---------------------------------------------------------------------------------------

class AnnouncementItem(Entity):
    """pk=ANN#<id>, sk=ANN; gsi1pk=COMMUNE#<lau2>#ANN#<status>, gsi1sk=<created_at>#<id> (staff's
    lists by status: the approval queue is status "pending"). `card` is the JSON the channel rows copy."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_status = Gsi1()
    announcement_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    publisher_id = UnicodeAttribute()
    link_id = UnicodeAttribute()
    category = UnicodeAttribute()
    status = UnicodeAttribute()
    public = BooleanAttribute()
    target_kind = UnicodeAttribute()
    neighbourhoods = ListAttribute(of=UnicodeAttribute, null=True)  # resolved ids; None: the whole commune
    circle = UnicodeAttribute(null=True)  # JSON {"lat", "lon", "radius_m"} as drawn
    valid_from = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    published_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    sources = UnicodeAttribute()  # JSON {language: {"title", "body"}}: the Markdown as written (emails)
    card = UnicodeAttribute()  # JSON: what readers are shown (see service._card)

    @staticmethod
    def key(announcement_id: str) -> tuple[str, str]:
        return f"ANN#{announcement_id}", "ANN"

    @staticmethod
    def status_key(lau2: str, status: str) -> str:
        return f"COMMUNE#{lau2}#ANN#{status}"


class ChannelItem(Entity):
    """pk=ANNFEED#NBH#<nbh_id> | ANNFEED#COMMUNE#<lau2> | ANNFEED#PUBLIC#<lau2>, sk=<published_at>#<id>:
    one row per partition a published announcement reaches (fan-out on write; a whole-commune one reaches
    every published neighbourhood too), so a resident's channel is one Query on their neighbourhood's
    partition, newest first."""

    announcement_id = UnicodeAttribute()
    valid_from = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    card = UnicodeAttribute()

    @staticmethod
    def partition(kind: str, value: str) -> str:
        return f"ANNFEED#{kind}#{value}"


class AttachmentItem(Entity):
    """pk=ATT#<attachment_id>, sk=ATT: an uploaded file, waiting, ready or refused (with a reason)."""

    attachment_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    link_id = UnicodeAttribute()
    name = UnicodeAttribute()
    declared_type = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute()  # waiting | ready | failed
    reason = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)  # pdf | image, from the bytes
    content_type = UnicodeAttribute(null=True)  # of the stored file
    file_key = UnicodeAttribute(null=True)
    preview_key = UnicodeAttribute(null=True)
    announcement_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(attachment_id: str) -> tuple[str, str]:
        return f"ATT#{attachment_id}", "ATT"


def link_path(announcement_id: str) -> str:
    return f"/announcements?id={announcement_id}"  # the residents' channel opens that one


def public_link_path(lau2: str, announcement_id: str) -> str:
    """A public announcement's place for everyone (the Atom feed's links): the commune's public page."""
    return f"/communes/{lau2}#announcement-{announcement_id}"
