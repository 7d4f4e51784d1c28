"""Publishing announcements, reviewing them, and reading the commune's channel.

Keys (docs/data-model.md, "The commune's channel"): the announcement is `ANN#<id>`; once published
it is copied (fan-out on write) into one channel row per partition it reaches — `ANNFEED#NBH#<id>`
for each targeted neighbourhood, `ANNFEED#COMMUNE#<lau2>` when it addresses the whole commune,
`ANNFEED#PUBLIC#<lau2>` when public — sorted by publication time; a whole-commune announcement is also
copied into each published neighbourhood's partition (and into neighbourhoods published later, by
`reach_neighbourhoods`). A resident's channel is then one Query on their neighbourhood's partition; expired
rows are skipped in code (DynamoDB Local does not expire items; AWS does, by `ttl`).
Just over 400 lines: publishing, the review queue and reading share the one fan-out of channel rows.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import alerts
from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.announcements.markdown import to_html
from chalicelib.announcements.models import (
    MAX_ATTACHMENT_BYTES, AnnouncementItem, AnnouncementPage, AnnouncementPublic, AnnouncementRequest,
    AttachmentItem, AttachmentPublic, ChannelItem, ChannelQuery, Decision, DigestAnnouncement, PublishContext,
    ReviewList, ScopeNeighbourhood, link_path,
)
from chalicelib.publishers.targeting import resolve
from chalicelib.communes.models import CommuneItem
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib import policy
from chalicelib.communes import audit
from chalicelib.policy import Principal
from chalicelib.ratelimit import limit
from chalicelib.publishers.service import load as load_publisher, needs_approval, sponsors
from chalicelib.store.pages import unknown_cursor
from chalicelib.store.table import refused_conditions, transaction

PAGE = 20
ANNOUNCEMENTS_PER_HOUR = 30  # per publisher link: a leaked link cannot flood residents
VIEW_SECONDS = 5 * 60
MAX_VALIDITY = timedelta(days=366)
KEEP_AFTER_EXPIRY = timedelta(days=30)  # channel rows' ttl: some slack after valid_until
SORT_KEY = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[0-9A-Z]{26}$")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _no_such_announcement() -> NotFound:
    return NotFound("No such announcement.", {"announcement_id": "not found"})


# --- the form behind a publisher link ---------------------------------------------------------------

def publish_context(principal: Principal) -> PublishContext:
    link = principal.publisher_link
    assert link is not None
    from chalicelib.publishers.models import PublisherLinkItem
    from chalicelib.neighbourhoods.service import list_published

    commune = _commune(link.lau2)
    publisher = load_publisher(link.lau2, link.publisher_id)
    stored = PublisherLinkItem.get(*PublisherLinkItem.key(link.lau2, link.link_id))
    neighbourhoods = [ScopeNeighbourhood(id=n.id, name=n.name) for n in list_published(link.lau2).neighbourhoods
                      if link.neighbourhoods is None or n.id in link.neighbourhoods]
    return PublishContext(
        lau2=link.lau2, commune_name=commune.name, commune_languages=list(commune.languages),
        publisher_name=publisher.name, publisher_kind=publisher.kind,  # type: ignore[arg-type]
        whole_commune=link.neighbourhoods is None, neighbourhoods=neighbourhoods,
        categories=sorted(link.categories), expires_at=stored.expires_at,  # type: ignore[arg-type]
        needs_approval=needs_approval(publisher), max_attachment_bytes=MAX_ATTACHMENT_BYTES,
    )


def publish(principal: Principal, request: AnnouncementRequest) -> AnnouncementPublic:
    """Publish (or queue for approval) an announcement within the link's scope."""
    link = principal.publisher_link
    assert link is not None
    limit("announcements.publish", link.link_id, ANNOUNCEMENTS_PER_HOUR, window_seconds=3600)
    if request.category not in link.categories:
        raise Forbidden("This link may not publish in this category.", {"category": "not allowed by this link"})
    stamp = now()
    valid_from = request.valid_from or stamp
    if request.valid_until <= max(valid_from, stamp):
        raise InvalidInput("The announcement must still be valid after it starts.", {"valid_until": "already over"})
    if request.valid_until - valid_from > MAX_VALIDITY:
        raise InvalidInput("An announcement is valid for at most a year.", {"valid_until": "more than a year"})
    neighbourhoods, names = resolve(link.lau2, request.target, link)
    attachments = _attachable(link.link_id, request.attachments)
    publisher = load_publisher(link.lau2, link.publisher_id)
    commune = _commune(link.lau2)
    status = "pending" if needs_approval(publisher) else "published"
    announcement_id = new_id()
    sources = {v.language: {"title": v.title, "body": v.body} for v in request.versions}
    card = {
        "id": announcement_id, "lau2": link.lau2, "category": request.category,
        "publisher_name": publisher.name, "publisher_kind": publisher.kind, "public": request.public,
        "target_kind": request.target.kind, "neighbourhoods": neighbourhoods,
        "target_names": sorted(names[n] for n in neighbourhoods) if neighbourhoods is not None else [],
        "versions": {lang: {"title": v["title"], "html": to_html(v["body"])} for lang, v in sources.items()},
        "fallback": list(commune.languages), "valid_from": valid_from.isoformat(),
        "valid_until": request.valid_until.isoformat(), "published_at": None,
        "attachments": [{"id": a.attachment_id, "name": a.name, "kind": a.kind, "content_type": a.content_type,
                         "size": int(a.size), "file_key": a.file_key, "preview_key": a.preview_key}
                        for a in attachments],
    }
    if status == "published":
        card["published_at"] = stamp.isoformat()
    item = AnnouncementItem(
        *AnnouncementItem.key(announcement_id), announcement_id=announcement_id, lau2=link.lau2,
        publisher_id=publisher.publisher_id, link_id=link.link_id, category=request.category, status=status,
        public=request.public, target_kind=request.target.kind, neighbourhoods=neighbourhoods,
        circle=request.target.circle.model_dump_json() if request.target.circle else None,
        valid_from=valid_from, valid_until=request.valid_until, created_at=stamp,
        published_at=stamp if status == "published" else None,
        gsi1pk=AnnouncementItem.status_key(link.lau2, status), gsi1sk=f"{_stamp(stamp)}#{announcement_id}",
        sources=json.dumps(sources, ensure_ascii=False), card=json.dumps(card, ensure_ascii=False),
    )
    try:
        with transaction() as t:
            t.save(item, condition=AnnouncementItem.pk.does_not_exist())
            for attachment in attachments:
                t.update(attachment, actions=[AttachmentItem.announcement_id.set(announcement_id)],
                         condition=AttachmentItem.announcement_id.does_not_exist() & (AttachmentItem.status == "ready"))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("An attachment was just used by another announcement.", {"attachments": "already used"}) from None
        raise
    logger.info("announcement submitted", announcement_id=announcement_id, lau2=link.lau2, status=status,
                category=request.category)
    if status == "published":
        _went_live(item)
    return present(card, None, status)


def _attachable(link_id: str, ids: list[str]) -> list[AttachmentItem]:
    found = {a.attachment_id: a for a in AttachmentItem.batch_get([AttachmentItem.key(i) for i in ids])} if ids else {}
    for position, attachment_id in enumerate(ids):
        attachment = found.get(attachment_id)
        if attachment is None or attachment.link_id != link_id:
            raise InvalidInput("No such attachment uploaded with this link.", {f"attachments.{position}": "unknown"})
        if attachment.status != "ready":
            raise InvalidInput("This attachment is not ready.", {f"attachments.{position}": f"is {attachment.status}"})
        if attachment.announcement_id:
            raise InvalidInput("This attachment belongs to another announcement.", {f"attachments.{position}": "already used"})
    return [found[i] for i in ids]


def _went_live(item: AnnouncementItem) -> None:
    """Once published: copy into every channel partition it reaches, then enqueue an emergency's emails
    (chalicelib/alerts.py; chalicelib/notifications/alert_queue.py: sent by the SQS handler, in-process on the local stage)."""
    _fan_out(item)
    if item.category == "emergency":
        alerts.emergency(item.announcement_id)


def _partitions(item: AnnouncementItem) -> list[str]:
    """The commune's own partition keeps a whole-commune announcement (what `reach_neighbourhoods` copies
    from); each published neighbourhood gets it too, so that a resident's channel is one Query."""
    if item.neighbourhoods is None:
        partitions = [ChannelItem.partition("COMMUNE", item.lau2)]
        partitions += [ChannelItem.partition("NBH", n) for n in _published_neighbourhoods(item.lau2)]
    else:
        partitions = [ChannelItem.partition("NBH", n) for n in item.neighbourhoods]
    if item.public:
        partitions.append(ChannelItem.partition("PUBLIC", item.lau2))
    return partitions


def _fan_out(item: AnnouncementItem) -> None:
    assert item.published_at is not None
    sort_key = f"{_stamp(item.published_at)}#{item.announcement_id}"
    with ChannelItem.batch_write() as batch:  # idempotent puts: safe to repeat
        for partition in _partitions(item):
            batch.save(ChannelItem(partition, sort_key, announcement_id=item.announcement_id,
                                   valid_from=item.valid_from, valid_until=item.valid_until, card=item.card,
                                   ttl=item.valid_until + KEEP_AFTER_EXPIRY))


def _published_neighbourhoods(lau2: str) -> list[str]:
    return [n.id for n in list_published(lau2).neighbourhoods]  # one Query; a commune has some tens


def reach_neighbourhoods(lau2: str) -> int:
    """Copy the commune's whole-commune announcements, still current, into every published neighbourhood's
    partition: after a publication of neighbourhoods (a new one has none yet) and once when upgrading
    (`./noper reach-announcements`). Idempotent puts; answers how many rows it wrote."""
    moment, rows = now(), 0
    current = [row for row in ChannelItem.query(ChannelItem.partition("COMMUNE", lau2)) if moment < row.valid_until]
    if not current:
        return 0
    with ChannelItem.batch_write() as batch:
        for nbh_id in _published_neighbourhoods(lau2):
            for row in current:
                batch.save(ChannelItem(ChannelItem.partition("NBH", nbh_id), row.sk, announcement_id=row.announcement_id,
                                       valid_from=row.valid_from, valid_until=row.valid_until, card=row.card,
                                       ttl=row.valid_until + KEEP_AFTER_EXPIRY))
                rows += 1
    return rows


def _retract(item: AnnouncementItem) -> None:
    if item.published_at is None:
        return
    sort_key = f"{_stamp(item.published_at)}#{item.announcement_id}"
    with ChannelItem.batch_write() as batch:
        for partition in _partitions(item):
            batch.delete(ChannelItem(partition, sort_key))


# --- staff: the approval queue and decisions --------------------------------------------------------

def review_list(lau2: str, status: str, language: str | None) -> ReviewList:
    items = AnnouncementItem.by_status.query(AnnouncementItem.status_key(lau2, status), scan_index_forward=False,
                                             limit=100)
    return ReviewList(announcements=[present(json.loads(i.card), language, i.status) for i in items])


def decide(principal: Principal, lau2: str, announcement_id: str, decision: Decision) -> AnnouncementPublic:
    item = _load(announcement_id)
    if item.lau2 != lau2:
        raise _no_such_announcement()
    before = {"approve": ("pending",), "reject": ("pending",), "withdraw": ("pending", "published")}[decision.decision]
    if item.status not in before:
        raise Conflict(f"The announcement is {item.status}.", {"decision": f"announcement is {item.status}"})
    after = {"approve": "published", "reject": "rejected", "withdraw": "withdrawn"}[decision.decision]
    if decision.decision != "withdraw":  # taking an announcement down is never a conflict of interest
        policy.not_own_case("announcements.review", principal, sponsors(item.lau2, item.link_id, item.publisher_id))
    stamp = now()
    card = json.loads(item.card)
    actions = [AnnouncementItem.status.set(after), AnnouncementItem.gsi1pk.set(AnnouncementItem.status_key(lau2, after)),
               AnnouncementItem.decided_by.set(principal.user_id or ""), AnnouncementItem.reason.set(decision.reason)]
    if after == "published":
        card["published_at"] = stamp.isoformat()
        actions += [AnnouncementItem.published_at.set(stamp), AnnouncementItem.card.set(json.dumps(card, ensure_ascii=False))]
    try:
        with transaction() as t:
            t.update(item, actions=actions, condition=AnnouncementItem.status == item.status)
            t.save(audit.entry(lau2, {"approve": "announcement_approved", "reject": "announcement_rejected",
                                      "withdraw": "announcement_withdrawn"}[decision.decision],
                               principal.user_id, "announcement", announcement_id, decision.reason))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("Someone else decided first.", {"decision": "already decided"}) from None
        raise
    # A transaction does not read the item back: as written.
    item.status, item.gsi1pk = after, AnnouncementItem.status_key(lau2, after)
    item.decided_by, item.reason = principal.user_id or "", decision.reason
    if after == "published":
        item.published_at, item.card = stamp, json.dumps(card, ensure_ascii=False)
    logger.info("announcement decided", announcement_id=announcement_id, decision=decision.decision)
    if after == "published":
        _went_live(item)
    elif after == "withdrawn":
        _retract(item)
    return present(json.loads(item.card), None, item.status)


# --- reading ------------------------------------------------------------------------------------------

def my_channel(principal: Principal, query: ChannelQuery) -> AnnouncementPage:
    """The resident's "From the commune": what targets their neighbourhood or their whole commune."""
    if principal.residence_status != "verified" or not principal.neighbourhood_id or not principal.lau2:
        return AnnouncementPage(announcements=[])
    return _page([ChannelItem.partition("NBH", principal.neighbourhood_id)], query)  # whole-commune ones included


def public_channel(lau2: str, query: ChannelQuery) -> AnnouncementPage:
    return _page([ChannelItem.partition("PUBLIC", lau2)], query)


def _page(partitions: list[str], query: ChannelQuery) -> AnnouncementPage:
    before = _decode_cursor(query.cursor) if query.cursor else None
    rows, floors = [], []
    for partition in partitions:  # one Query per partition
        condition = ChannelItem.sk < before if before else None
        result = ChannelItem.query(partition, condition, scan_index_forward=False, limit=PAGE)
        got = list(result)
        rows += got
        if result.last_evaluated_key and got:
            floors.append(got[-1].sk)
    floor = max(floors, default="")  # below it a partition may hold rows not read yet
    rows.sort(key=lambda row: row.sk, reverse=True)
    shown, last, consumed, moment = [], None, 0, now()
    for row in rows:
        if row.sk < floor or len(shown) == PAGE:
            break
        consumed += 1
        last = row.sk
        if row.valid_from <= moment < row.valid_until:
            shown.append(present(json.loads(row.card), query.language, "published"))
    more = consumed < len(rows) or bool(floors)
    return AnnouncementPage(announcements=shown, cursor=_encode_cursor(last) if more and last else None)


def _encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        sort_key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        sort_key = ""
    if not SORT_KEY.match(sort_key):
        raise unknown_cursor()
    return sort_key


def one(principal: Principal, announcement_id: str, language: str | None) -> AnnouncementPublic:
    """One announcement: to anyone when public and current; to the residents it targets while current;
    to its commune's staff always. Anyone else is told it does not exist."""
    try:
        item = _load(announcement_id)
    except NotFound:
        raise _no_such_announcement() from None
    if not may_see(principal, item):
        raise _no_such_announcement()
    return present(json.loads(item.card), language, item.status)


def may_see(principal: Principal, item: AnnouncementItem) -> bool:
    if principal.is_staff(item.lau2, frozenset({"admin", "editor"})):
        return True
    if item.status != "published" or not (item.valid_from <= now() < item.valid_until):
        return False
    if item.public:
        return True
    if principal.residence_status != "verified" or principal.lau2 != item.lau2:
        return False
    return item.neighbourhoods is None or principal.neighbourhood_id in item.neighbourhoods


def for_digest(lau2: str, neighbourhood_id: str, since: datetime, until: datetime, language: str) -> list[DigestAnnouncement]:
    """The announcements a resident of the neighbourhood sees that were published in [since, until),
    still valid at `until`, newest first, with the title in `language` (else the commune's languages)."""
    since, until = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc) for moment in (since, until))
    since, until = since.astimezone(timezone.utc), until.astimezone(timezone.utc)
    found = []
    for partition in [ChannelItem.partition("NBH", neighbourhood_id)]:  # whole-commune ones included
        for row in ChannelItem.query(partition, ChannelItem.sk.between(_stamp(since), _stamp(until)),
                                     scan_index_forward=False):
            card = json.loads(row.card)
            published_at = datetime.fromisoformat(card["published_at"])
            if card["lau2"] != lau2 or not (since <= published_at < until) or row.valid_until <= until:
                continue
            chosen = _language(card, language)
            found.append(DigestAnnouncement(id=card["id"], title=card["versions"][chosen]["title"],
                                            category=card["category"], published_at=published_at,
                                            link_path=link_path(card["id"])))
    return sorted(found, key=lambda a: (a.published_at, a.id), reverse=True)


def _language(card: dict[str, Any], wanted: str | None) -> str:
    versions = card["versions"]
    for language in [wanted, *card.get("fallback", [])]:
        if language in versions:
            return language  # type: ignore[return-value]
    return next(iter(versions))


def present(card: dict[str, Any], language: str | None, status: str) -> AnnouncementPublic:
    """The reader's view of a card: one language version, attachments as short-lived signed links."""
    chosen = _language(card, language)
    s3, bucket = client("s3"), get_settings().uploads_bucket

    def url(key: str | None) -> str | None:
        if not key:
            return None
        return s3.generate_presigned_url("get_object", ExpiresIn=VIEW_SECONDS, Params={"Bucket": bucket, "Key": key})

    return AnnouncementPublic(
        id=card["id"], lau2=card["lau2"], category=card["category"], language=chosen, languages=sorted(card["versions"]),
        title=card["versions"][chosen]["title"], html=card["versions"][chosen]["html"],
        publisher_name=card["publisher_name"], publisher_kind=card["publisher_kind"], status=status,  # type: ignore[arg-type]
        public=card["public"], target_kind=card["target_kind"], target_names=card["target_names"],
        published_at=card["published_at"], valid_from=card["valid_from"], valid_until=card["valid_until"],
        attachments=[AttachmentPublic(id=a["id"], name=a["name"], kind=a["kind"], content_type=a["content_type"],
                                      size=a["size"], url=url(a["file_key"]) or "", preview_url=url(a["preview_key"]))
                     for a in card["attachments"]],
        link_path=link_path(card["id"]),
    )


def _load(announcement_id: str) -> AnnouncementItem:
    try:
        return AnnouncementItem.get(*AnnouncementItem.key(announcement_id))
    except DoesNotExist:
        raise _no_such_announcement() from None


def _commune(lau2: str) -> CommuneItem:
    try:
        return CommuneItem.get(*CommuneItem.key(lau2))
    except DoesNotExist:
        raise NotFound(f"No commune {lau2} on Noper.", {"lau2": "unknown commune"}) from None
