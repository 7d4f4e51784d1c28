"""Registering the commune's publishers (its own services and vetted partner organisations),
suspending them, their logos, and the commune's publishing settings."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.communes import audit
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.publishers.models import (
    MAX_LOGO_BYTES, LogoUploadRequest, LogoUploadStarted, PresignedPost, PublisherItem, PublisherList,
    PublisherPublic, PublisherRequest, PublishingSettings, PublishingSettingsItem,
)
from chalicelib.uploads import presigned_post

LOGO_UPLOAD_PREFIX = "incoming/publishing/logos/"
VIEW_SECONDS = 5 * 60


def logo_key(lau2: str, publisher_id: str) -> str:
    return f"publishers/{lau2}/{publisher_id}/logo.jpg"


def register(principal: Principal, lau2: str, request: PublisherRequest) -> PublisherPublic:
    if request.kind == "partner" and not request.non_commercial:
        raise InvalidInput("Only non-commercial organisations publish on Noper: no businesses, no advertising.",
                           {"non_commercial": "must be attested for a partner"})
    publisher_id = new_id()
    item = PublisherItem(*PublisherItem.key(lau2, publisher_id), publisher_id=publisher_id, lau2=lau2,
                         kind=request.kind, name=request.name, purpose=request.purpose, contact=request.contact,
                         non_commercial=request.non_commercial, attested_by=principal.user_id or "", status="active",
                         created_at=now())
    item.save(condition=PublisherItem.pk.does_not_exist())
    audit.record(lau2, "publisher_registered", principal.user_id, "publisher", publisher_id, request.name)
    logger.info("publisher registered", lau2=lau2, publisher_id=publisher_id, kind=request.kind)
    return public(item)


def list_publishers(lau2: str) -> PublisherList:
    items = PublisherItem.query(f"COMMUNE#{lau2}", PublisherItem.sk.startswith(PublisherItem.PREFIX))
    return PublisherList(publishers=sorted((public(i) for i in items), key=lambda p: (p.kind, p.name.casefold())))


def load(lau2: str, publisher_id: str) -> PublisherItem:
    try:
        return PublisherItem.get(*PublisherItem.key(lau2, publisher_id))
    except DoesNotExist:
        raise NotFound("No such publisher in this commune.", {"publisher_id": "not found"}) from None


def set_status(lau2: str, publisher_id: str, status: str, by: str | None = None) -> PublisherPublic:
    item = load(lau2, publisher_id)
    item.update(actions=[PublisherItem.status.set(status)])
    audit.record(lau2, "publisher_suspended" if status == "suspended" else "publisher_activated", by, "publisher",
                 publisher_id)
    logger.info("publisher status changed", lau2=lau2, publisher_id=publisher_id, status=status)
    return public(item)


def start_logo_upload(lau2: str, publisher_id: str, request: LogoUploadRequest) -> LogoUploadStarted:
    load(lau2, publisher_id)
    upload = presigned_post(f"{LOGO_UPLOAD_PREFIX}{lau2}/{publisher_id}", MAX_LOGO_BYTES, request.content_type)
    return LogoUploadStarted(upload=PresignedPost(**upload), max_bytes=MAX_LOGO_BYTES)


def process_logo(bucket: str, key: str) -> str:
    """The object-created handler for a logo: re-encoded as a JPEG without metadata (the photo pipeline)."""
    from chalicelib.photos.service import NotAPhoto, reencode
    from chalicelib.uploads import UploadTooLarge, delete_upload, read_upload

    parts = key[len(LOGO_UPLOAD_PREFIX):].split("/")
    if len(parts) != 2:
        delete_upload(bucket, key)
        return "ignored"
    lau2, publisher_id = parts
    try:
        item = PublisherItem.get(*PublisherItem.key(lau2, publisher_id))
        data = read_upload(bucket, key, MAX_LOGO_BYTES)
        _display, thumb, _size = reencode(data)
    except (DoesNotExist, UploadTooLarge, NotAPhoto) as error:
        logger.info("logo refused", key=key, reason=str(error))
        delete_upload(bucket, key)
        return "failed"
    client("s3").put_object(Bucket=bucket, Key=logo_key(lau2, publisher_id), Body=thumb, ContentType="image/jpeg")
    delete_upload(bucket, key)
    item.update(actions=[PublisherItem.logo_key.set(logo_key(lau2, publisher_id))])
    return "ready"


def logo_url(item: PublisherItem) -> str | None:
    if not item.logo_key:
        return None
    return client("s3").generate_presigned_url(
        "get_object", ExpiresIn=VIEW_SECONDS, Params={"Bucket": get_settings().uploads_bucket, "Key": item.logo_key})


def public(item: PublisherItem) -> PublisherPublic:
    return PublisherPublic(id=item.publisher_id, kind=item.kind, name=item.name, purpose=item.purpose,  # type: ignore[arg-type]
                           contact=item.contact, non_commercial=item.non_commercial, status=item.status,  # type: ignore[arg-type]
                           logo_url=logo_url(item), created_at=item.created_at)


def publishing_settings(lau2: str) -> PublishingSettings:
    try:
        item = PublishingSettingsItem.get(*PublishingSettingsItem.key(lau2))
        return PublishingSettings(partner_approval=item.partner_approval)
    except DoesNotExist:
        return PublishingSettings(partner_approval=True)


def set_publishing_settings(lau2: str, settings: PublishingSettings, by: str | None = None) -> PublishingSettings:
    PublishingSettingsItem(*PublishingSettingsItem.key(lau2), partner_approval=settings.partner_approval).save()
    audit.record(lau2, "publishing_settings_changed", by, "commune", lau2,
                 "partner announcements wait for approval" if settings.partner_approval else
                 "partner announcements publish at once")
    logger.info("publishing settings changed", lau2=lau2, partner_approval=settings.partner_approval)
    return settings


def needs_approval(publisher: PublisherItem) -> bool:
    """Whether what this publisher sends (announcements, events) waits for staff approval: partners' do, unless
    the commune turned it off."""
    return publisher.kind == "partner" and publishing_settings(publisher.lau2).partner_approval


def sponsors(lau2: str, link_id: str, publisher_id: str) -> list[str | None]:
    """Whose own case what a publisher link sent is among staff: the staff member who issued the link (they
    chose its scope and handed it out) and the one who registered its publisher (they attested it). Either
    would be approving their own work: another staff member decides (policy.not_own_case)."""
    from chalicelib.publishers.models import PublisherLinkItem

    found: list[str | None] = []
    try:
        found.append(PublisherLinkItem.get(*PublisherLinkItem.key(lau2, link_id)).created_by)
    except DoesNotExist:
        pass
    try:
        found.append(load(lau2, publisher_id).attested_by)
    except NotFound:
        pass
    return found
