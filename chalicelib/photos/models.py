"""Photos: the upload request, the answers, and the stored photo item."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.models import Model
from chalicelib.store.table import Entity, Gsi1

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PhotoId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]  # chalicelib.adapters.ids.new_id


class PhotoUploadRequest(Model):
    model_config = ConfigDict(extra="forbid")
    purpose: Literal["post", "item", "event", "proposal"]  # proposal: a participatory budget's (chalicelib/budget/)
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    size: int = Field(gt=0, description="bytes; at most 10 MiB (larger answers 413)",
                      json_schema_extra={"maximum": MAX_PHOTO_BYTES})


class PhotoPath(Model):
    photo_id: PhotoId


class PhotoUpload(Model):
    url: str
    fields: dict[str, str]


class PhotoUploadStarted(Model):
    photo_id: str
    upload: PhotoUpload
    max_bytes: int


class PhotoPublic(Model):
    status: Literal["waiting", "ready", "failed"]
    display_url: str | None = Field(None, description="presigned GET, valid 5 minutes; only when ready")
    thumb_url: str | None = Field(None, description="presigned GET, valid 5 minutes; only when ready")
    reason: str | None = Field(None, description="why the photo was refused, when failed")


class PhotoItem(Entity):
    """pk=PHOTO#<photo_id>, sk=PHOTO; gsi1pk=PHOTOGRAPHER#<owner id>, gsi1sk=<photo id>: a resident's
    photos (export, erasure)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    photo_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    reach = ListAttribute(of=UnicodeAttribute, null=True)  # the nearby neighbourhoods its post shows in (pets)
    owner_id = UnicodeAttribute(null=True)  # removed when the owner erased their account and chose anonymise
    purpose = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute()  # waiting | ready | failed
    reason = UnicodeAttribute(null=True)
    width = NumberAttribute(null=True)  # of the display size
    height = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(photo_id: str) -> tuple[str, str]:
        return f"PHOTO#{photo_id}", "PHOTO"

    @staticmethod
    def owner_key(user_id: str) -> str:
        return f"PHOTOGRAPHER#{user_id}"
