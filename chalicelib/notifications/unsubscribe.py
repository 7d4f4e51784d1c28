"""Unsubscribing with one click (RFC 8058), without signing in: the signed token is the authority.

A token names one resident and one topic: `v1.<user_id>.<topic>.<mac>`, the mac an HMAC of the
three with `config.signing_key()` (truncated to 128 bits). It does not expire — an old email's
link must still work — and the version lets a later format (or a rotated key) live beside it.
The List-Unsubscribe header and the email's footer both point at `url_for`: a GET shows a page that
asks to confirm (link scanners open GETs, so a GET never changes anything); a POST with the body
`List-Unsubscribe=One-Click`, as mail clients send it, turns the topic off.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, quote

from pydantic import Field
from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.secrets import keyed_hash
from chalicelib.errors import Forbidden, InvalidInput, NotFound
from chalicelib.i18n import choose
from chalicelib.models import Model
from chalicelib.notifications import settings
from chalicelib.notifications.rendering import environment
from chalicelib.web.site import site

VERSION = "v1"
PATH = "/api/v1/unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"
_USER_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


@dataclass(frozen=True)
class Unsubscription:
    user_id: str
    topic: str



def token_for(user_id: str, topic: str) -> str:
    if topic not in settings.TOPICS or not _USER_ID.match(user_id):
        raise ValueError(f"cannot sign an unsubscription for {user_id!r}, {topic!r}")
    return f"{VERSION}.{user_id}.{topic}.{_mac(user_id, topic)}"


def url_for(user_id: str, topic: str) -> str:
    return f"{site()}{PATH}?token={quote(token_for(user_id, topic), safe='')}"


def settings_url() -> str:
    """Where a resident changes what Noper emails them: the notifications part of their profile."""
    return f"{site()}/me#notifications"


def read_token(token: str | None) -> Unsubscription:
    """The resident and topic a token names; 400 for a malformed token, 403 for a forged one."""
    parts = (token or "").split(".")
    if len(parts) != 4 or not parts[3]:
        raise InvalidInput("This unsubscribe link is incomplete: copy the whole link from the email.",
                           {"token": "malformed"})
    version, user_id, topic, mac = parts
    if version != VERSION or topic not in settings.TOPICS or not _USER_ID.match(user_id):
        raise InvalidInput("This unsubscribe link is not one Noper made.", {"token": "malformed"})
    if not hmac.compare_digest(mac.encode(), _mac(user_id, topic).encode()):
        raise Forbidden("This unsubscribe link has been changed: use the link from the email as it is.",
                        {"token": "bad signature"})
    return Unsubscription(user_id=user_id, topic=topic)


def is_one_click(raw_body: bytes | None, content_type: str | None) -> bool:
    """RFC 8058: the POST carries `List-Unsubscribe=One-Click`, form-encoded or as multipart."""
    text = (raw_body or b"").decode("utf-8", "replace")
    if (content_type or "").lower().startswith("multipart/form-data"):
        return 'name="List-Unsubscribe"' in text and "One-Click" in text
    return parse_qs(text).get("List-Unsubscribe") == ["One-Click"]


def one_click(token: str | None, raw_body: bytes | None, content_type: str | None) -> Unsubscription:
    """The POST to the List-Unsubscribe URL: check its body, then unsubscribe."""
    read_token(token)  # a forged link is told so before anything else
    if not is_one_click(raw_body, content_type):
        raise InvalidInput("Send the body List-Unsubscribe=One-Click.", {"body": "not List-Unsubscribe=One-Click"})
    return unsubscribe(token)


def unsubscribe(token: str | None) -> Unsubscription:
    """Turn the token's topic off for its resident (idempotent)."""
    unsubscription = read_token(token)
    try:
        settings.change(unsubscription.user_id, {unsubscription.topic: False})
    except DoesNotExist:
        raise NotFound("This account no longer exists: nothing more will be sent to it.", {"token": "no account"}) from None
    return unsubscription


def _mac(user_id: str, topic: str) -> str:
    return keyed_hash("unsubscribe", VERSION, user_id, topic)[:32]


# --- the routes' answers ------------------------------------------------------------------------

# What token_for writes: version, the resident, the topic and a 32-hex signature, joined by dots.
TOKEN_PATTERN = rf"^{VERSION}\.[0-9A-Za-z_-]{{1,64}}\.({'|'.join(settings.TOPICS)})\.[0-9a-f]{{32}}$"


class UnsubscribeQuery(Model):
    token: str = Field(max_length=200, pattern=TOKEN_PATTERN,
                       description="the signed token of the email's unsubscribe link (a forged one answers 403)")


class Unsubscribed(Model):
    status: Literal["unsubscribed"] = "unsubscribed"
    topic: str = Field(description="the topic no longer emailed: digest, alert_lost_pet, alert_emergency, "
                                   "loan_reminders, messages, events or volunteering")


# The page is ours alone: no script, no resource from elsewhere, a form posting back to itself.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                           "frame-ancestors 'none'; base-uri 'none'",
                "Content-Type": "text/html; charset=utf-8"}


def page_language(user_id: str, fallback: str | None) -> str:
    """The page's language: the resident's, chosen as their emails are (`emails.language_of`), else
    `fallback` (the request's Accept-Language), else French. One GetItem of the profile's languages."""
    try:
        languages = UserItem.get(*UserItem.key(user_id), attributes_to_get=["languages"]).languages
    except DoesNotExist:
        languages = None
    return choose(*(languages or []), fallback)


def confirmation_page(token: str, language: str | None, *, done: bool = False) -> str:
    """The page behind the email's link: asks to confirm (a GET never unsubscribes), or says it is done.
    In the language of the resident the token names; `language` (the request's) only when Noper does
    not speak any of theirs or the account is gone."""
    unsubscription = read_token(token)
    return environment().get_template("unsubscribe_page.html.j2").render(
        language=page_language(unsubscription.user_id, language), topic=unsubscription.topic, done=done,
        settings_url=settings_url(),
        action=f"{PATH}?token={quote(token, safe='')}")
