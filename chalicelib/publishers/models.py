"""Publishers, the commune's publishing settings and publisher links: requests, answers, stored items."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, StringConstraints
from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.communes.models import Lau2
from chalicelib.models import Model
from chalicelib.store.table import Entity

Category = Literal["information", "works", "waste", "event", "emergency", "consultation"]
CATEGORIES: tuple[str, ...] = ("information", "works", "waste", "event", "emergency", "consultation")
PublisherKind = Literal["commune", "partner"]  # the commune's own services publish at once
Ulid = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LOGO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_LOGO_BYTES = 2 * 1024 * 1024


# --- requests and answers ---------------------------------------------------------------------

class PublisherPath(Model):
    lau2: Lau2
    publisher_id: Ulid


class LinkPath(Model):
    lau2: Lau2
    link_id: Ulid


class PublisherRequest(Model):
    """Registering a publisher. A partner must be attested non-commercial by the admin who registers it."""

    model_config = ConfigDict(extra="forbid")
    kind: PublisherKind = "partner"
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    contact: Text
    non_commercial: StrictBool = Field(description="the admin attests the partner is a non-commercial body (required for partners)")


class PublisherStatusChange(Model):
    model_config = ConfigDict(extra="forbid")
    status: Literal["active", "suspended"]


class LogoUploadRequest(Model):
    model_config = ConfigDict(extra="forbid")
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    size: int = Field(gt=0, le=MAX_LOGO_BYTES, description="bytes; at most 2 MiB")


class PresignedPost(Model):
    url: str
    fields: dict[str, str]


class LogoUploadStarted(Model):
    upload: PresignedPost
    max_bytes: int


class PublisherPublic(Model):
    id: str
    kind: PublisherKind
    name: str
    purpose: str
    contact: str
    non_commercial: bool
    status: Literal["active", "suspended"]
    logo_url: str | None = Field(None, description="presigned GET, valid 5 minutes")
    created_at: datetime


class PublisherList(Model):
    publishers: list[PublisherPublic]


class PublishingSettings(Model):
    model_config = ConfigDict(extra="forbid")
    partner_approval: StrictBool = Field(description="partner announcements wait for staff approval before residents see them")


class LinkRequest(Model):
    """Issuing a publisher link: its scope and how long it lasts are inside its signature."""

    model_config = ConfigDict(extra="forbid")
    publisher_id: Ulid
    neighbourhoods: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] | None = Field(
        None, max_length=100, description="neighbourhood ids it may target; null: the whole commune")
    categories: list[Category] = Field(default_factory=lambda: list(CATEGORIES), min_length=1)
    expires_in_days: int = Field(90, ge=1, le=366)
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""


class LinkPublic(Model):
    id: str
    publisher_id: str
    publisher_name: str
    label: str
    neighbourhoods: list[str] | None
    categories: list[Category]
    expires_at: datetime
    created_at: datetime
    revoked_at: datetime | None = None
    status: Literal["active", "expired", "revoked"]


class LinkIssued(LinkPublic):
    token: str = Field(description="shown once: the link is <site>/publish#<token>")
    url: str


class LinkList(Model):
    links: list[LinkPublic]


# --- stored -----------------------------------------------------------------------------------

class PublisherItem(Entity):
    """pk=COMMUNE#<lau2>, sk=PUBLISHER#<publisher_id>: a commune's publishers are one Query."""

    publisher_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    kind = UnicodeAttribute()  # commune | partner
    name = UnicodeAttribute()
    purpose = UnicodeAttribute()
    contact = UnicodeAttribute()
    non_commercial = BooleanAttribute()
    attested_by = UnicodeAttribute()
    status = UnicodeAttribute()  # active | suspended
    logo_key = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    PREFIX = "PUBLISHER#"

    @staticmethod
    def key(lau2: str, publisher_id: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", f"PUBLISHER#{publisher_id}"


class PublishingSettingsItem(Entity):
    """pk=COMMUNE#<lau2>, sk=PUBLISHING: the commune's publishing settings (absent: approval on)."""

    partner_approval = BooleanAttribute(default=True)

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", "PUBLISHING"


class PublisherLinkItem(Entity):
    """pk=COMMUNE#<lau2>, sk=PUBLINK#<link_id>: every link issued (listed, revocable). The token
    itself is never stored: its signature is recomputed from the scope kept here."""

    link_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    publisher_id = UnicodeAttribute()
    label = UnicodeAttribute(default="")
    neighbourhoods = ListAttribute(of=UnicodeAttribute, null=True)  # None: whole commune
    categories = ListAttribute(of=UnicodeAttribute)
    expires_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)

    PREFIX = "PUBLINK#"

    @staticmethod
    def key(lau2: str, link_id: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", f"PUBLINK#{link_id}"
