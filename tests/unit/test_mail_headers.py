"""Every kind of email Noper sends, as the raw bytes SES (moto server) received, read back the way a mail
client reads them: list emails carry RFC 2369 / 2919 / 8058 headers verbatim (`<https://…>`, one-click
POST), and nothing in a header is left unencoded that must be encoded (the Subject in any language)."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from chalicelib.adapters import clock, mail
from chalicelib.config import get_settings
from chalicelib.notifications import alerts, emails, unsubscribe
from chalicelib.notifications.rendering import TEMPLATES
from tests.notifications.factories import make_resident

SEEN = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)
SITE = "https://noper.example.lu"
# Every email a resident can get from a notification template, with a context it is rendered with.
CONTEXTS = {
    "lost_pet_alert": ("alert_lost_pet", {"title": "Minou à Éischen", "neighbourhood": "Hupperdange",
                                          "last_seen_at": SEEN, "place": "Rue Principale", "body": "Grey tabby",
                                          "post_url": f"{SITE}/posts/P1"}),
    "emergency_alert": ("alert_emergency", {"title": "Waasser kachen", "body": "Bis Freideg.", "commune": "Clervaux",
                                            "announcement_url": f"{SITE}/announcements"}),
    "loan_reminder": ("loan_reminders", {"kind": "due_tomorrow", "item": "Leeder", "owner": "Ben",
                                         "due": date(2026, 12, 3), "item_url": f"{SITE}/items/I1"}),
    "unread_messages": ("messages", {"sender": "Ben", "since": SEEN, "conversation_url": f"{SITE}/messages/C1"}),
    "loan_moment": ("loan_reminders", {"state": "requested", "item": "Bueremaschinn", "name": "Ben B.",
                                       "start": date(2026, 12, 3), "end": date(2026, 12, 5),
                                       "item_url": f"{SITE}/items/I1", "why_key": "notifications.email.why.loans"}),
    "residence_decided": (None, {"approved": False, "method": "staff", "reason": "Pas inscrit à cette adresse",
                                 "neighbourhood": "Op der Hiel", "open_url": f"{SITE}/join"}),
    "neighbourhood_moved": (None, {"neighbourhood": "Clervaux-Nord", "verified": True,
                                   "open_url": f"{SITE}/neighbourhoods/0501-clervaux-nord"}),
    "event_place": (None, {"title": "Repair café", "start": SEEN, "until": SEEN, "open_url": f"{SITE}/events/E1"}),
    "event_reminder": (None, {"title": "Repair café", "start": SEEN, "place": "Kiosk", "note": "Bring a cable",
                              "open_url": f"{SITE}/events/E1"}),
    "event_cancelled": ("events", {"title": "Repair café", "start": SEEN, "series": False,
                                   "open_url": f"{SITE}/events/E1"}),
    "event_reviewed": (None, {"title": "Street party", "outcome": "withdrawn", "reason": "Too big",
                              "open_url": f"{SITE}/events/E1"}),
    "budget_reviewed": (None, {"title": "Benches", "outcome": "feasible", "reason": "Checked", "cost": "1,200.00",
                               "open_url": f"{SITE}/communes/0501/budgets/E1/proposals/P1"}),
    "export_ready": (None, {"expires": SEEN, "open_url": f"{SITE}/me#your-data"}),
    "volunteer_reminder": ("volunteering", {"title": "Flea market", "role": "Stall", "start": SEEN, "place": "Kiosk",
                                            "open_url": f"{SITE}/volunteering/V1"}),
    "volunteer_shift_changed": ("volunteering", {"title": "Flea market", "role": "Stall", "start": SEEN,
                                                 "cancelled": True, "open_url": f"{SITE}/volunteering/V1"}),
    "volunteer_cover": ("volunteering", {"title": "Flea market", "role": "Stall", "start": SEEN, "place": "Marché",
                                         "organiser": "Amicale", "open_url": f"{SITE}/volunteering/V1",
                                         "why_key": "notifications.email.why.volunteering_cover"}),
    "volunteer_attendance": ("volunteering", {"title": "Flea market", "role": "Stall", "start": SEEN, "signed": 1,
                                              "waiting": 1, "publisher": False, "open_url": f"{SITE}/volunteering/V1",
                                              "why_key": "notifications.email.why.volunteering_organiser"}),
    "buddy_offered": ("messages", {"role": "newcomer", "name": "Maria", "open_url": f"{SITE}/me#buddy",
                                   "why_key": "notifications.email.why.buddy"}),
}
# Built by their own flow below, not from CONTEXTS.
FLOWS = {"digest"}
NOT_EMAILS = {"base", "unsubscribe_page"}


@pytest.fixture
def https_site(monkeypatch):
    """The links of a deployed stage (RFC 8058 wants https)."""
    monkeypatch.setenv("NOPER_SITE_URL", SITE)
    get_settings.cache_clear()
    yield SITE
    get_settings.cache_clear()


@pytest.fixture
def sent_raw(monkeypatch):
    """The raw bytes SES received for every message sent during the test, in order."""
    ids: list[str] = []
    real_send = mail.send

    def send(message: EmailMessage) -> str:
        message_id = real_send(message)
        ids.append(message_id)
        return message_id

    monkeypatch.setattr(mail, "send", send)

    def read() -> list[bytes]:
        with urllib.request.urlopen(f"{os.environ['NOPER_AWS_ENDPOINT']}/moto-api/data.json") as answer:
            raw = {m["id"]: m["raw_data"] for m in json.load(answer)["ses"]["RawMessage"]}
        return [raw[i].encode("utf-8", "surrogateescape") if isinstance(raw[i], str) else raw[i] for i in ids]

    return read


def header_lines(raw: bytes) -> dict[str, list[str]]:
    """The header section as sent: name (lower case) -> unfolded values."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # a header in 8-bit would fail here
    found: dict[str, list[str]] = {}
    for line in re.sub(r"\r\n[ \t]", " ", head).split("\r\n"):
        name, _, value = line.partition(":")
        found.setdefault(name.lower(), []).append(value.strip())
    return found


def check_list_email(raw: bytes, topic: str) -> None:
    """RFC 2369 (List-Unsubscribe), RFC 2919 (List-Id), RFC 8058 (one-click), as the bytes stand."""
    lines = header_lines(raw)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"))  # RFC 5322
    for name in ("list-unsubscribe", "list-unsubscribe-post", "list-id"):
        # exactly once: a DKIM signature over a header that appears twice is ambiguous
        assert len(lines.get(name, [])) == 1, f"{name}: {lines.get(name)}"
    unsubscribe_header = lines["list-unsubscribe"][0]
    assert "=?" not in unsubscribe_header, "RFC 2047-encoded: mail clients cannot read the link"
    assert re.fullmatch(r"<https://[!-~]+>", unsubscribe_header), unsubscribe_header
    url = unsubscribe_header[1:-1]
    assert url.startswith(f"{SITE}{unsubscribe.PATH}?token=")
    assert unsubscribe.read_token(url.rpartition("token=")[2].replace("%2E", ".")).topic == topic
    assert lines["list-unsubscribe-post"] == ["List-Unsubscribe=One-Click"]
    assert re.fullmatch(r"Noper [a-z-]+ <[a-z-]+\.noper\.example\.lu>", lines["list-id"][0]), lines["list-id"]

    message = BytesParser(policy=default).parsebytes(raw)
    assert message["List-Unsubscribe"] == unsubscribe_header
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None


def check_subject(raw: bytes, subject: str) -> None:
    lines = header_lines(raw)
    assert len(lines["subject"]) == 1
    if subject.isascii():
        assert "=?" not in lines["subject"][0]
    else:
        assert "=?utf-8?" in lines["subject"][0].lower(), "a non-ASCII subject must be RFC 2047-encoded"
    assert BytesParser(policy=default).parsebytes(raw)["Subject"] == subject


def test_every_email_template_is_checked_here():
    templates = {path.name.removesuffix(".txt.j2") for path in Path(TEMPLATES).glob("*.txt.j2")}
    html = {path.name.removesuffix(".html.j2") for path in Path(TEMPLATES).glob("*.html.j2")}
    assert templates - NOT_EMAILS == set(CONTEXTS) | FLOWS
    assert html - NOT_EMAILS == set(CONTEXTS) | FLOWS


@pytest.mark.parametrize("language", ["lb", "fr", "de", "en", "pt"])
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_each_email_reaches_ses_with_headers_mail_clients_read(template, language, https_site, sent_raw):
    topic, context = CONTEXTS[template]
    user = make_resident("U-anna", languages=(language,))
    message = emails.render(template, language, context, user_id=user.user_id, topic=topic, to=user.email)

    emails.send_once(f"TEST#{template}#{language}", message)

    [raw] = sent_raw()
    check_subject(raw, str(message["Subject"]))
    if topic is None:  # about the resident's own account: not a list, nothing to unsubscribe from
        lines = header_lines(raw)
        assert not {"list-unsubscribe", "list-unsubscribe-post", "list-id"} & set(lines)
    else:
        check_list_email(raw, topic)


def test_an_alert_sent_through_its_own_path_carries_the_headers(https_site, sent_raw):
    user = make_resident("U-ben", languages=("lb",))

    assert alerts.send_alert(user, "alert_lost_pet", "ALERT#lost_pet#P9#U-ben", "lost_pet_alert",
                             CONTEXTS["lost_pet_alert"][1])

    [raw] = sent_raw()
    check_list_email(raw, "alert_lost_pet")


def test_the_weekly_digest_carries_the_headers(https_site, sent_raw, client, act_as):
    from chalicelib.digest import service
    from chalicelib.digest.weeks import week_of
    from tests.digest.test_digest import N1, make_resident as make_digest_reader, publish, resident, write

    publish(N1, "Op der Hiel")
    make_digest_reader("anna", language="lb")
    make_digest_reader("ben", language="fr")
    write(client, act_as, resident("anna"), {"kind": "discussion", "title": "Stroossefest", "text": "Wien ass dobäi?"})

    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week_of(clock.now()))

    assert report.sent == 2
    for raw in sent_raw():
        check_list_email(raw, "digest")
        check_subject(raw, BytesParser(policy=default).parsebytes(raw)["Subject"])


@pytest.mark.parametrize("language", ["lb", "pt"])
def test_the_sign_in_code_is_not_a_list_email_and_its_subject_is_encoded(language, sent_raw):
    from chalicelib.accounts import signin

    signin.request_code(f"new-{language}@example.lu", "192.0.2.7", language)

    [raw] = sent_raw()
    lines = header_lines(raw)
    assert "list-unsubscribe" not in lines
    message = BytesParser(policy=default).parsebytes(raw)
    check_subject(raw, message["Subject"])
    assert re.search(r"\d{6}", message["Subject"])


def test_a_header_that_would_need_folding_is_refused_rather_than_encoded():
    with pytest.raises(ValueError):
        mail.compose("anna@example.lu", "x", "x", headers={"List-Id": "Noper <ä.example.lu>"}).as_bytes()
    with pytest.raises(ValueError):
        mail.compose("anna@example.lu", "x", "x", headers={"List-Unsubscribe": "<https://x/" + "a" * 1000 + ">"}).as_bytes()


def test_a_long_unsubscribe_url_stays_on_one_line():
    url = f"<{SITE}/api/v1/unsubscribe?token=v1.{'A' * 26}.alert_lost_pet.{'b' * 32}>"
    raw = mail.compose("anna@example.lu", "Äddi", "x", headers={"List-Unsubscribe": url}).as_bytes()

    assert f"\r\nList-Unsubscribe: {url}\r\n".encode() in raw


def test_the_date_is_in_utc_not_an_unknown_zone():
    raw = mail.compose("anna@example.lu", "x", "x").as_bytes()
    assert header_lines(raw)["date"][0].endswith("GMT") or header_lines(raw)["date"][0].endswith("+0000")
    assert clock.now() - timedelta(minutes=5) < BytesParser(policy=default).parsebytes(raw)["Date"].datetime
