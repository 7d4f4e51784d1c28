"""Publisher links: how a commune clerk or a partner publishes without an account.

A link is `<site>/publish#<token>`. The token is `<payload>.<signature>`, both base64url: the
payload holds the commune, the publisher, the link's id, its scope (neighbourhoods, or null for the
whole commune; categories) and its expiry; the signature is an HMAC-SHA256 of the payload with the
app's signing key. Changing any byte of the scope or the expiry breaks the signature. Every link
is also stored (never its token) so that staff list and revoke it; a request carrying a token is
checked against the stored link (revoked? same scope?) and its publisher (suspended?).

The token travels in the URL's fragment: browsers never send a fragment to a server, so it stays
out of access logs, proxies and Referer headers. The form reads it and sends it in the
X-Publisher-Link header of its own API calls (a custom header: no cross-site request can forge it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.communes import audit
from chalicelib.config import signing_key
from chalicelib.errors import Forbidden, InvalidInput, NotFound
from chalicelib.observability import logger
from chalicelib.policy import Principal, PublisherLink
from chalicelib.publishers.models import (
    LinkIssued, LinkList, LinkPublic, LinkRequest, PublisherItem, PublisherLinkItem,
)
from chalicelib.publishers.service import load as load_publisher
from chalicelib.store.table import read_items, table_connection
from chalicelib.web import site as web_site

HEADER = "X-Publisher-Link"
_CONTEXT = b"noper publisher link v1\0"  # domain separation from the app's other HMACs

REASONS = {
    "tampered": "This publisher link is not valid: it was changed or copied incompletely.",
    "expired": "This publisher link has expired. Ask the commune for a new one.",
    "revoked": "This publisher link was revoked by the commune.",
    "suspended": "This publisher is suspended: the commune has paused its announcements.",
}


class LinkRefused(Forbidden):
    """A publisher link that does not open the form; `fields["link"]` says why (the form shows it as a page)."""

    code = "link_refused"

    def __init__(self, reason: str):
        super().__init__(REASONS[reason], {"link": reason})
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: bytes) -> bytes:
    return hmac.new(signing_key(), _CONTEXT + payload, hashlib.sha256).digest()


def _scope(item: PublisherLinkItem) -> dict[str, Any]:
    return {
        "v": 1, "c": item.lau2, "p": item.publisher_id, "i": item.link_id,
        "n": sorted(item.neighbourhoods) if item.neighbourhoods is not None else None,
        "k": sorted(item.categories), "e": int(item.expires_at.timestamp()),
    }


def sign(item: PublisherLinkItem) -> str:
    payload = json.dumps(_scope(item), separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(_signature(payload))}"


def read_token(token: str) -> dict[str, Any]:
    """The signed scope of a token; LinkRefused("tampered") unless the signature matches, "expired" after expiry."""
    try:
        payload_part, signature_part = token.strip().split(".")
        payload, signature = _unb64(payload_part), _unb64(signature_part)
    except (ValueError, binascii.Error):
        raise LinkRefused("tampered") from None
    if not hmac.compare_digest(signature, _signature(payload)):
        raise LinkRefused("tampered")
    scope = json.loads(payload)
    if datetime.fromtimestamp(scope["e"], timezone.utc) <= now():
        raise LinkRefused("expired")
    return scope


def principal_from_link(token: str) -> Principal:
    """The principal of a request carrying a publisher link, or LinkRefused saying why not. The link and its
    publisher (named by the signed token, checked against the stored link) are one BatchGetItem: a link's GET
    keeps a round trip for its own read (#16)."""
    scope = read_token(token)
    link_key, publisher_key = PublisherLinkItem.key(scope["c"], scope["i"]), PublisherItem.key(scope["c"], scope["p"])
    found = read_items([link_key, publisher_key])
    if link_key not in found:
        raise LinkRefused("revoked")
    item = PublisherLinkItem.from_raw_data(found[link_key])
    if item.revoked_at is not None:
        raise LinkRefused("revoked")
    if _scope(item) != scope:  # cannot happen without the key; the stored link is the authority
        raise LinkRefused("tampered")
    if publisher_key not in found:
        raise LinkRefused("revoked")
    publisher = PublisherItem.from_raw_data(found[publisher_key])
    if publisher.status != "active":
        raise LinkRefused("suspended")
    return Principal(publisher_link=PublisherLink(
        lau2=item.lau2, publisher_id=item.publisher_id, link_id=item.link_id,
        neighbourhoods=frozenset(item.neighbourhoods) if item.neighbourhoods is not None else None,
        categories=frozenset(item.categories),
    ))


def issue(lau2: str, request: LinkRequest, issued_by: str, site: str | None = None) -> LinkIssued:
    """Store and sign a link for one active publisher of the commune, scoped as asked."""
    publisher = load_publisher(lau2, request.publisher_id)
    if publisher.status != "active":
        raise InvalidInput("This publisher is suspended.", {"publisher_id": "suspended"})
    neighbourhoods = None
    if request.neighbourhoods is not None:
        from chalicelib.neighbourhoods.service import list_published

        known = {n.id for n in list_published(lau2).neighbourhoods}
        unknown = sorted(set(request.neighbourhoods) - known)
        if unknown or not request.neighbourhoods:
            raise InvalidInput("Choose published neighbourhoods of this commune.",
                               {"neighbourhoods": f"unknown: {', '.join(unknown)}" if unknown else "empty"})
        neighbourhoods = sorted(set(request.neighbourhoods))
    stamp = now().replace(microsecond=0)
    item = PublisherLinkItem(
        *PublisherLinkItem.key(lau2, (link_id := new_id())), link_id=link_id, lau2=lau2,
        publisher_id=publisher.publisher_id, label=request.label, neighbourhoods=neighbourhoods,
        categories=sorted(set(request.categories)), expires_at=stamp + timedelta(days=request.expires_in_days),
        created_at=stamp, created_by=issued_by,
    )
    item.save(condition=PublisherLinkItem.pk.does_not_exist())
    audit.record(lau2, "publisher_link_issued", issued_by, "publisher_link", link_id,
                 f"for {publisher.name}: {request.label}" if request.label else f"for {publisher.name}")
    token = sign(item)
    logger.info("publisher link issued", lau2=lau2, link_id=link_id, publisher_id=publisher.publisher_id)
    base = (site or web_site.site()).rstrip("/")
    return LinkIssued(**_public(item, publisher.name).model_dump(), token=token, url=f"{base}/publish#{token}")


def list_links(lau2: str) -> LinkList:
    """Newest first, each with its publisher's name: one Query of the commune's partition from `PUBLINK#` to the
    end of `PUBLISHER#` (the two sort next to each other), told apart by prefix."""
    names: dict[str, str] = {}
    links: list[PublisherLinkItem] = []
    condition = PublisherLinkItem.sk.between(PublisherLinkItem.PREFIX, f"{PublisherItem.PREFIX}\uffff")
    start = None
    while True:
        page = table_connection().query(f"COMMUNE#{lau2}", range_key_condition=condition, exclusive_start_key=start)
        for raw in page.get("Items", []):
            if raw["sk"]["S"].startswith(PublisherItem.PREFIX):
                publisher = PublisherItem.from_raw_data(raw)
                names[publisher.publisher_id] = publisher.name
            elif raw["sk"]["S"].startswith(PublisherLinkItem.PREFIX):
                links.append(PublisherLinkItem.from_raw_data(raw))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    links.sort(key=lambda item: item.sk, reverse=True)
    return LinkList(links=[_public(i, names.get(i.publisher_id, "?")) for i in links])


def revoke(lau2: str, link_id: str, by: str | None = None) -> LinkPublic:
    try:
        item = PublisherLinkItem.get(*PublisherLinkItem.key(lau2, link_id))
    except DoesNotExist:
        raise NotFound("No such publisher link.", {"link_id": "not found"}) from None
    if item.revoked_at is None:
        item.update(actions=[PublisherLinkItem.revoked_at.set(now())])
        audit.record(lau2, "publisher_link_revoked", by, "publisher_link", link_id)
        logger.info("publisher link revoked", lau2=lau2, link_id=link_id)
    publisher = load_publisher(lau2, item.publisher_id)
    return _public(item, publisher.name)


def _public(item: PublisherLinkItem, publisher_name: str) -> LinkPublic:
    status = "revoked" if item.revoked_at else ("expired" if item.expires_at <= now() else "active")
    return LinkPublic(id=item.link_id, publisher_id=item.publisher_id, publisher_name=publisher_name,
                      label=item.label, neighbourhoods=item.neighbourhoods, categories=item.categories,  # type: ignore[arg-type]
                      expires_at=item.expires_at, created_at=item.created_at, revoked_at=item.revoked_at,
                      status=status)
