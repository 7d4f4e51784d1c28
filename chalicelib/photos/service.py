"""Photos of posts and lent items: the browser uploads to S3, the upload is checked and re-encoded,
residents of the photo's neighbourhood get short-lived links.

1. `start_upload` records a waiting photo and returns a presigned POST for
   `incoming/photos/<neighbourhood_id>/<photo_id>` (at most 10 MiB, the declared image type).
2. S3 tells EventBridge "Object Created"; app.py's `photo_upload` handler calls
   `process_uploaded_photo` (locally ops/local_events.py calls the same handler). It checks the real
   size and, with Pillow, the real type; refuses and deletes anything else; otherwise re-encodes the
   pixels only (no EXIF, no GPS, orientation applied) as `photos/<neighbourhood_id>/<photo_id>/display.jpg`
   (at most 1600 px) and `thumb.jpg` (at most 400 px), deletes the upload and marks the photo ready.
3. `get_photo` answers its status and presigned GETs valid 5 minutes.
4. Your data: the export lists one's photos with presigned GETs valid an hour; erasure deletes the
   objects and the items (with "anonymise", photos that are ready stay with the posts and items they
   illustrate, without their owner; waiting and refused ones go either way).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist

from chalicelib import policy
from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, NotFound, TooLarge
from chalicelib.observability import logger
from chalicelib.photos.models import (
    MAX_PHOTO_BYTES, PhotoItem, PhotoPublic, PhotoUpload, PhotoUploadRequest, PhotoUploadStarted,
)
from chalicelib.policy import Principal
from chalicelib.uploads import UPLOAD_SECONDS, UploadTooLarge, delete_upload, read_upload

if TYPE_CHECKING:
    from PIL import Image

UPLOAD_PREFIX = "incoming/photos/"
UPLOAD_KEY = re.compile(r"^incoming/photos/(?P<neighbourhood_id>[^/]+)/(?P<photo_id>[0-9A-Z]{26})$")
FORMATS = {"JPEG", "PNG", "WEBP"}
DISPLAY_PX, THUMB_PX = 1600, 400
MAX_PIXELS = 50_000_000  # larger images are refused before decoding (decompression bombs)
VIEW_SECONDS = 5 * 60


def upload_key(neighbourhood_id: str, photo_id: str) -> str:
    return f"{UPLOAD_PREFIX}{neighbourhood_id}/{photo_id}"


def display_key(neighbourhood_id: str, photo_id: str, size: str) -> str:
    return f"photos/{neighbourhood_id}/{photo_id}/{size}.jpg"


# --- uploading ------------------------------------------------------------------------------

def owner_of(principal: Principal) -> str | None:
    """Who owns what a principal uploads: the resident, or the publisher of a publisher link (any of its links)."""
    link = principal.publisher_link
    return f"PUBLISHER#{link.lau2}#{link.publisher_id}" if link is not None else principal.user_id


def start_upload(principal: Principal, request: PhotoUploadRequest, neighbourhood_id: str | None = None,
                 owner: str | None = None) -> PhotoUploadStarted:
    """A resident's photo is of their neighbourhood; a publisher's, of the calendar its events are in (given); the
    commune's (`owner`, e.g. a funded project's progress), of the place given, and in no staff member's own data."""
    if request.size > MAX_PHOTO_BYTES:
        raise TooLarge(f"The photo is {request.size} bytes; at most {MAX_PHOTO_BYTES} are accepted.",
                       {"size": f"at most {MAX_PHOTO_BYTES} bytes"})
    neighbourhood_id = neighbourhood_id or principal.neighbourhood_id
    photo_id = new_id()
    resident = principal.publisher_link is None and owner is None  # a resident's are in their data (export, erasure)
    PhotoItem(*PhotoItem.key(photo_id), photo_id=photo_id, neighbourhood_id=neighbourhood_id,
              owner_id=owner or owner_of(principal), purpose=request.purpose, content_type=request.content_type,
              size=request.size, status="waiting", created_at=now(),
              gsi1pk=PhotoItem.owner_key(principal.user_id) if resident else None,
              gsi1sk=photo_id if resident else None).save()
    upload = presigned_photo_post(upload_key(neighbourhood_id, photo_id), request.content_type)
    logger.info("photo upload started", photo_id=photo_id, neighbourhood_id=neighbourhood_id, size=request.size)
    return PhotoUploadStarted(photo_id=photo_id, upload=PhotoUpload(**upload), max_bytes=MAX_PHOTO_BYTES)


def presigned_photo_post(key: str, content_type: str) -> dict[str, Any]:
    """A presigned POST whose policy fixes the key (under its prefix), the type and at most 10 MiB."""
    prefix = key.rsplit("/", 1)[0] + "/"
    conditions: list[Any] = [
        ["content-length-range", 1, MAX_PHOTO_BYTES],
        {"Content-Type": content_type},
        ["starts-with", "$key", prefix],
    ]  # botocore adds {"bucket": ...} and {"key": key}
    return client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key, Fields={"Content-Type": content_type},
        Conditions=conditions, ExpiresIn=UPLOAD_SECONDS,
    )


# --- the object-created handler ----------------------------------------------------------------

class NotAPhoto(ValueError):
    pass


def process_uploaded_photo(bucket: str, key: str) -> str:
    """Check and re-encode one uploaded photo; returns what happened. Safe to call twice for one upload."""
    match = UPLOAD_KEY.match(key)
    if bucket != get_settings().uploads_bucket or not match:
        return "ignored"
    try:
        photo = PhotoItem.get(*PhotoItem.key(match["photo_id"]))
    except DoesNotExist:
        photo = None
    if photo is None or photo.neighbourhood_id != match["neighbourhood_id"]:
        logger.warning("upload without a photo", key=key)
        delete_upload(bucket, key)
        return "ignored"
    if photo.status != "waiting":  # EventBridge delivers at least once; a second upload is not taken
        delete_upload(bucket, key)
        return f"already {photo.status}"
    try:
        data = read_upload(bucket, key, MAX_PHOTO_BYTES)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return "gone"  # a repeated event after the upload was consumed
        raise
    except UploadTooLarge as error:
        delete_upload(bucket, key)
        _finish(photo, reason=str(error))
        return "failed"
    try:
        display, thumb, size = reencode(data)
    except NotAPhoto as error:
        delete_upload(bucket, key)
        _finish(photo, reason=str(error))
        return "failed"
    s3 = client("s3")
    for name, jpeg in (("display", display), ("thumb", thumb)):
        s3.put_object(Bucket=bucket, Key=display_key(photo.neighbourhood_id, photo.photo_id, name), Body=jpeg,
                      ContentType="image/jpeg", CacheControl="private, max-age=300")
    delete_upload(bucket, key)
    _finish(photo, size=size)
    return "ready"


def reencode(data: bytes) -> tuple[bytes, bytes, tuple[int, int]]:
    """(display JPEG, thumbnail JPEG, display size) from the uploaded bytes: pixels only, no metadata."""
    from PIL import Image, ImageOps  # in the functions that process uploads, not in the API's import

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise NotAPhoto(f"The file is {kind or 'not an image'}; JPEG, PNG or WebP are accepted.")
            if probe.width * probe.height > MAX_PIXELS:
                raise NotAPhoto(f"The image has more than {MAX_PIXELS} pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except NotAPhoto:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise NotAPhoto("The file is not a JPEG, PNG or WebP image.") from error
    pixels = _rgb(upright)
    clean = Image.new("RGB", pixels.size)  # a fresh image: no EXIF, GPS, ICC or comments carried over
    clean.paste(pixels)
    display, thumb = clean.copy(), clean.copy()
    display.thumbnail((DISPLAY_PX, DISPLAY_PX), Image.Resampling.LANCZOS)
    thumb.thumbnail((THUMB_PX, THUMB_PX), Image.Resampling.LANCZOS)
    return _jpeg(display), _jpeg(thumb), display.size


def _rgb(image: Image.Image) -> Image.Image:
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def _finish(photo: PhotoItem, reason: str | None = None, size: tuple[int, int] | None = None) -> None:
    actions = [PhotoItem.status.set("failed" if reason else "ready"), PhotoItem.finished_at.set(now())]
    if reason:
        actions.append(PhotoItem.reason.set(reason))
    if size:
        actions += [PhotoItem.width.set(size[0]), PhotoItem.height.set(size[1])]
    photo.update(actions=actions)
    logger.info("photo processed", photo_id=photo.photo_id, status=photo.status, reason=reason)


# --- serving and attaching ------------------------------------------------------------------

def _no_such_photo() -> NotFound:
    return NotFound("No such photo.", {"photo_id": "not found"})


def _load(photo_id: str) -> PhotoItem:
    try:
        return PhotoItem.get(*PhotoItem.key(photo_id))
    except DoesNotExist:
        raise _no_such_photo() from None


def get_photo(principal: Principal, photo_id: str) -> PhotoPublic:
    photo = _load(photo_id)
    # Those who may read the post it illustrates: its neighbourhood and, for a lost/found pet, those it reaches.
    policy.authorize_in("photos.read", principal, [photo.neighbourhood_id, *(photo.reach or [])], _no_such_photo())
    return view(photo)


def own_photo(principal: Principal, photo_id: str) -> PhotoPublic:
    """A photo its uploader follows (a publisher link's, whose events are in no neighbourhood); another's: 404."""
    photo = _load(photo_id)
    if photo.owner_id is None or photo.owner_id != owner_of(principal):
        raise _no_such_photo()
    return view(photo)


def view(photo: PhotoItem) -> PhotoPublic:
    """Its state and, once ready, links valid 5 minutes (the caller decided the reader may see it)."""
    if photo.status != "ready":
        return PhotoPublic(status=photo.status, reason=photo.reason)
    s3, bucket = client("s3"), get_settings().uploads_bucket

    def url(size: str) -> str:
        return s3.generate_presigned_url("get_object", ExpiresIn=VIEW_SECONDS, Params={
            "Bucket": bucket, "Key": display_key(photo.neighbourhood_id, photo.photo_id, size)})

    return PhotoPublic(status="ready", display_url=url("display"), thumb_url=url("thumb"))


def check_attachable(principal: Principal, photo_id: str | None, neighbourhood_id: str, purpose: str,
                     owner: str | None = None) -> None:
    """A photo given with a post or item must be ready, the author's own (or `owner`'s: the commune's), of that
    neighbourhood and purpose: one that is not answers 404 as an unknown id does; another purpose or not ready, 409."""
    if photo_id is None:
        return
    try:
        photo = PhotoItem.get(*PhotoItem.key(photo_id))
    except DoesNotExist:
        photo = None
    owner = owner or owner_of(principal)
    if photo is None or owner is None or photo.owner_id != owner or photo.neighbourhood_id != neighbourhood_id:
        raise NotFound("No such photo of yours in this neighbourhood.", {"photo_id": "unknown photo"})
    if photo.purpose != purpose:
        raise Conflict(f"This photo was uploaded for a {photo.purpose}.", {"photo_id": f"uploaded for a {photo.purpose}"})
    if photo.status != "ready":
        raise Conflict("The photo is not ready.", {"photo_id": f"photo is {photo.status}"})


def share_photo(photo_id: str | None, reach: list[str]) -> None:
    """The photo of a post shows where the post shows: its neighbourhood plus `reach` (the post's nearby
    neighbourhoods, set again when the post is edited). Called after check_attachable."""
    if photo_id is None:
        return
    action = PhotoItem.reach.set(list(reach)) if reach else PhotoItem.reach.remove()
    PhotoItem(*PhotoItem.key(photo_id)).update(actions=[action], condition=PhotoItem.pk.exists())


# --- your data ------------------------------------------------------------------------------

EXPORT_LINK_SECONDS = 3600


def export_photos(user_id: str) -> list[dict[str, Any]]:
    """Each photo one uploaded: what it is for, its state and size, and links to download it (an hour)."""
    s3, bucket = client("s3"), get_settings().uploads_bucket
    exported = []
    for photo in _photos_of(user_id):
        links = {size: s3.generate_presigned_url("get_object", ExpiresIn=EXPORT_LINK_SECONDS, Params={
            "Bucket": bucket, "Key": display_key(photo.neighbourhood_id, photo.photo_id, size)})
            for size in ("display", "thumb")} if photo.status == "ready" else {}
        exported.append({"id": photo.photo_id, "purpose": photo.purpose, "status": photo.status,
                         "neighbourhood_id": photo.neighbourhood_id, "created_at": photo.created_at.isoformat(),
                         "width": int(photo.width) if photo.width else None,
                         "height": int(photo.height) if photo.height else None,
                         "download_urls": links})
    return exported


def erase_photos(user_id: str, choice: ContentChoice) -> None:
    """remove: every photo's objects (upload, display size, thumbnail) and item go; anonymise: ready
    photos stay with what they illustrate, without their owner; the others go."""
    s3, bucket = client("s3"), get_settings().uploads_bucket
    for photo in _photos_of(user_id):
        if choice == "anonymise" and photo.status == "ready":
            photo.update(actions=[PhotoItem.owner_id.remove(), PhotoItem.gsi1pk.remove(), PhotoItem.gsi1sk.remove()])
            continue
        keys = [upload_key(photo.neighbourhood_id, photo.photo_id),
                *(display_key(photo.neighbourhood_id, photo.photo_id, size) for size in ("display", "thumb"))]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True})
        photo.delete()  # after its objects: a failure leaves the item, and a retry finds it again
    logger.info("photos erased", choice=choice)


def _photos_of(user_id: str) -> list[PhotoItem]:
    return list(PhotoItem.gsi1.query(PhotoItem.owner_key(user_id)))


register_content_owner(ContentOwner(name="photos", export=export_photos, erase=erase_photos))
