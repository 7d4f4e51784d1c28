"""Emails to residents: rendered from Jinja2 templates in their language, sent exactly once.

`render` builds a message with a plain-text and an HTML part from `templates/<name>.txt.j2` and
`templates/<name>.html.j2` (both extend the base templates, whose footer says why the email was
sent and links to the notification settings and the one-click unsubscribe). The subject is the
`subject` block of the text template. Dates and numbers go through Babel in the resident's
language; the HTML's CSS is inlined for mail clients, and the HTML may load nothing from anywhere
(no images, fonts, stylesheets: nothing that tells a sender the email was opened).

`send_once` writes a marker item by condition before sending, so a retried or duplicated run
never sends twice; when the send fails the marker is removed so that a retry sends it.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from email.message import EmailMessage
from html.parser import HTMLParser
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence
from urllib.parse import urlsplit

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import mail
from chalicelib.adapters.clock import now
from chalicelib.i18n import choose
from chalicelib.languages import LANGUAGES
from chalicelib.notifications import unsubscribe
from chalicelib.notifications.rendering import environment
from chalicelib.notifications.settings import wants_for
from chalicelib.observability import logger
from chalicelib.store.table import Entity, condition_failed, transaction
from chalicelib.web.site import site

if TYPE_CHECKING:
    import css_inline

# The footer's "why" of an email about the resident's own account, which no choice turns off.
ESSENTIAL = "account"
# Markers are kept long enough to outlive any retry, then DynamoDB expires them.
MARKER_DAYS = 400


class SentMarker(Entity):
    """pk=SENT#<marker_key>, sk=SENT: this email was sent (or is being sent). Written with
    attribute_not_exists(pk) before sending; deleted again when the send fails."""

    topic = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute()

    @staticmethod
    def key(marker_key: str) -> tuple[str, str]:
        return f"SENT#{marker_key}", "SENT"


class ExternalResource(ValueError):
    """The rendered HTML would load something from elsewhere (a pixel, a font, a stylesheet)."""


def language_of(user: Any) -> str:
    """The language to write to a resident in: the first of theirs that Noper speaks (else French)."""
    return choose(*(getattr(user, "languages", None) or []))


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    import css_inline  # on the first email, not on the API's import

    # Never fetch a stylesheet: the templates carry their CSS in <style>, and <link> tags are dropped.
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_link_tags=False, keep_style_tags=False)


def render(template: str, language: str, context: dict[str, Any], *, user_id: str, topic: str | None,
           to: str, account: bool = True) -> EmailMessage:
    """One email to one resident, in `language` (one of lb, fr, de, en, pt; else French). `topic` is the
    notification choice it belongs to; None for an email about the resident's own account (essential:
    it has no unsubscribe link and no list headers, and its footer says so). `account=False`: to an address with
    no account (a publisher's contact): no topic, and no link to settings it has none of."""
    assert account or topic is None, "an address without an account has no choices to unsubscribe from"
    language = language if language in LANGUAGES else choose(language)
    unsubscribe_url = unsubscribe.url_for(user_id, topic) if topic else None
    values = {
        **context,
        "language": language,
        "topic": topic or ESSENTIAL,
        # Why the resident gets it (the footer): the topic's reason, unless the email names its own.
        "why_key": context.get("why_key") or f"notifications.email.why.{topic or ESSENTIAL}",
        "site": site(),
        "settings_url": unsubscribe.settings_url() if account else "",
        "unsubscribe_url": unsubscribe_url,
    }
    env = environment()
    text_template = env.get_template(f"{template}.txt.j2")
    subject = " ".join("".join(text_template.blocks["subject"](text_template.new_context(values))).split())
    text = text_template.render(values)
    html = _inliner().inline(env.get_template(f"{template}.html.j2").render(values))
    found = external_resources(html)
    if found:
        raise ExternalResource(f"email {template!r} would load {found}")
    headers = {"Auto-Submitted": "auto-generated"}
    if topic and unsubscribe_url:
        headers |= list_headers(topic, unsubscribe_url)
    message = mail.compose(to, subject, text, html, headers=headers)
    message["Content-Language"] = language  # after the content: setting it clears Content-* headers
    return message


def list_headers(topic: str, unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 / 2919 / 8058: which list this is and how to leave it with one click. Written verbatim by
    `mail.POLICY`; SES's DKIM signature covers them, as Gmail and Outlook require for one-click."""
    host = urlsplit(site()).hostname or "localhost"
    label = topic.replace("_", "-")
    return {
        "List-Id": f"Noper {label} <{label}.{host}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": unsubscribe.ONE_CLICK,
    }


def send_once(marker_key: str, message: EmailMessage) -> bool:
    """Send unless a message with this marker was sent already (False then). If the send fails the
    marker is removed and the error re-raised, so that the next try sends it."""
    marker = SentMarker(*SentMarker.key(marker_key), sent_at=now().isoformat(),
                        ttl=now() + timedelta(days=MARKER_DAYS))
    try:
        marker.save(condition=SentMarker.pk.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    try:
        mail.send(message)
    except Exception:
        marker.delete()
        logger.warning("mail not sent, marker removed for a retry", marker=marker_key)
        raise
    return True


# TransactWriteItems takes at most 100 writes.
CLAIMS_PER_TRANSACTION = 100


@dataclass
class BatchOutcome:
    """What `send_each_once` did with each marker key."""

    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_each_once(messages: Sequence[tuple[str, EmailMessage]]) -> BatchOutcome:
    """`send_once` for many messages, with one conditional write request per 100 markers: each chunk's
    markers are claimed in one transaction (each `attribute_not_exists(pk)`); when it is cancelled because
    some markers exist (a retried run), each marker of the chunk is written on its own to find which ones.
    Then every claimed message is sent; a failed send removes its marker (as `send_once` does) so that the
    retry sends it, and the others go on. Mark, then send: a message is never sent twice; it can be lost
    only if the process dies between the claim and the send (docs/architecture.md, "Weekly digest")."""
    outcome = BatchOutcome()
    for start in range(0, len(messages), CLAIMS_PER_TRANSACTION):
        chunk = messages[start:start + CLAIMS_PER_TRANSACTION]
        claimed = _claim(chunk)
        for marker_key, message in chunk:
            if marker_key not in claimed:
                outcome.already_sent.append(marker_key)
                continue
            try:
                mail.send(message)
            except Exception:  # noqa: BLE001 — one refused message must not cost the others theirs
                claimed[marker_key].delete()
                logger.exception("mail not sent, marker removed for a retry", marker=marker_key)
                outcome.failed.append(marker_key)
                continue
            outcome.sent.append(marker_key)
    return outcome


def _claim(chunk: Sequence[tuple[str, EmailMessage]]) -> dict[str, SentMarker]:
    """Write the chunk's markers by condition; answers those written now, by key."""
    moment = now()
    markers = {key: SentMarker(*SentMarker.key(key), sent_at=moment.isoformat(), ttl=moment + timedelta(days=MARKER_DAYS))
               for key, _ in chunk}
    try:
        with transaction() as t:
            for marker in markers.values():
                t.save(marker, condition=SentMarker.pk.does_not_exist())
        return markers
    except TransactWriteError as error:
        if not error.cancellation_reasons:  # not cancelled: the database failed
            raise
    # Cancelled: some markers exist (a retry) or another run claims the same ones now (a duplicated message).
    claimed: dict[str, SentMarker] = {}
    try:
        for key, marker in markers.items():  # find which, one conditional write each
            try:
                marker.save(condition=SentMarker.pk.does_not_exist())
            except PutError as error:
                if condition_failed(error):
                    continue
                raise
            claimed[key] = marker
    except Exception:
        for marker in claimed.values():  # claimed but never to be sent: give them back to the retry
            marker.delete()
        raise
    return claimed


def email_resident(user_id: str | None, topic: str, marker_key: str, template: str,
                   context_of: Callable[[], dict[str, Any]]) -> bool:
    """A personal email (a reminder) to one resident, in their language, exactly once, if they want the
    topic; `context_of` is asked only when the email is going out. Returns whether this call sent it."""
    if not user_id:
        return False
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        return False
    if not wants_for(user, topic) or already_sent(marker_key):
        return False
    message = render(template, language_of(user), context_of(), user_id=user.user_id, topic=topic, to=user.email)
    return send_once(marker_key, message)


def display_name(user_id: str | None) -> str:
    """What neighbours call a resident in an email ("—" once the account is gone or before a name is chosen)."""
    if not user_id:
        return "—"
    try:
        user = UserItem.get(*UserItem.key(user_id), attributes_to_get=["display_name", "name_chosen", "email"])
        return user.shown_name() or "—"
    except DoesNotExist:
        return "—"


def already_sent(marker_key: str) -> bool:
    """A cheap look before spending anything (a daily cap slot) on a message that was sent."""
    try:
        SentMarker.get(*SentMarker.key(marker_key), attributes_to_get=["pk"])
    except SentMarker.DoesNotExist:
        return False
    return True


class _Resources(HTMLParser):
    """Attributes through which HTML makes a mail client fetch something by itself."""

    FETCHING = {"src", "srcset", "background", "poster", "data", "lowsrc", "dynsrc", "longdesc", "cite"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name in self.FETCHING and value:
                self.found.append(f"<{tag} {name}={value}>")
            if name == "style" and "url(" in value.replace(" ", "").lower():
                self.found.append(f"<{tag} style={value}>")
        if tag in {"link", "img", "image", "script", "iframe", "object", "embed", "video", "audio", "source"}:
            self.found.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style" and ("url(" in data.lower() or "@import" in data.lower()):
            self.found.append("<style> with url()")


def external_resources(html: str) -> list[str]:
    """What in this HTML a mail client would load from elsewhere (empty: nothing)."""
    parser = _Resources()
    parser.feed(html)
    return parser.found
