"""The commune's public announcements as an Atom feed (RFC 4287), for its website and feed readers.
Only public, current announcements: it reads the same `ANNFEED#PUBLIC#<lau2>` partition as the
public list. Links go to the commune's public page (no account needed), where each announcement has
the anchor `#announcement-<id>`; an entry's id stays the announcement's first address (ids are
permanent in Atom: changing them would show every entry again as new)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from chalicelib.adapters.clock import now
from chalicelib.announcements.models import ChannelQuery, public_link_path
from chalicelib.announcements.service import _commune, public_channel

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(lau2: str, site: str, language: str | None = None) -> str:
    commune = _commune(lau2)
    page = public_channel(lau2, ChannelQuery(language=language))  # type: ignore[arg-type]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", language or commune.languages[0])
    _text(feed, "id", f"{site}/api/v1/communes/{lau2}/announcements.atom")
    _text(feed, "title", commune.name)
    _text(feed, "subtitle", "Noper")
    updated = max((a.published_at for a in page.announcements if a.published_at), default=None) or now()
    _text(feed, "updated", _rfc3339(updated))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", commune.name)
    _link(feed, "self", f"{site}/api/v1/communes/{lau2}/announcements.atom", "application/atom+xml")
    _link(feed, "alternate", f"{site}/communes/{lau2}#announcements", "text/html")
    for announcement in page.announcements:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"{site}{announcement.link_path}")
        _text(entry, "title", announcement.title)
        _text(entry, "updated", _rfc3339(announcement.published_at or announcement.valid_from))
        _text(entry, "published", _rfc3339(announcement.published_at or announcement.valid_from))
        entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(entry_author, "name", announcement.publisher_name)
        category = ET.SubElement(entry, f"{{{ATOM}}}category")
        category.set("term", announcement.category)
        _link(entry, "alternate", f"{site}{public_link_path(lau2, announcement.id)}", "text/html")
        content = _text(entry, "content", announcement.html)
        content.set("type", "html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    link = ET.SubElement(parent, f"{{{ATOM}}}link")
    link.set("rel", rel)
    link.set("href", href)
    link.set("type", media_type)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
