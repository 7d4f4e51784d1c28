"""Rendering emails (five languages, a footer that says why, no external resources) and sending exactly once."""

from datetime import date, datetime, timezone

import pytest

from chalicelib.adapters import mail
from chalicelib.languages import LANGUAGES
from chalicelib.notifications import emails, unsubscribe
from chalicelib.notifications.emails import SentMarker
from tests.notifications.factories import mails_to

SEEN = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)
TEMPLATES = {
    "lost_pet_alert": ("alert_lost_pet", {"title": "Minou", "neighbourhood": "Hupperdange", "last_seen_at": SEEN,
                                          "place": "Kaesfurterstrooss, Hupperdange",
                                          "body": "Grey tabby", "post_url": "http://localhost:8080/posts/P1"}),
    "emergency_alert": ("alert_emergency", {"title": "Boil water", "body": "Until Friday.\n\nThanks.",
                                            "commune": "Clervaux", "announcement_url": "http://localhost:8080/announcements"}),
    "loan_reminder": ("loan_reminders", {"kind": "due_tomorrow", "item": "Ladder", "owner": "Ben",
                                         "due": date(2026, 12, 3), "item_url": "http://localhost:8080/items/I1"}),
    "unread_messages": ("messages", {"sender": "Ben", "since": SEEN,
                                     "conversation_url": "http://localhost:8080/messages/C1"}),
}
# Words that show the text is in that language (the footer's "why", the date's month).
IN_LANGUAGE = {"lb": "Dir kritt dës E-Mail", "fr": "Vous recevez cet e-mail", "de": "Sie erhalten diese E-Mail",
               "en": "You receive this email", "pt": "Recebe este e-mail"}
DECEMBER = {"lb": "Dezember", "fr": "décembre", "de": "Dezember", "en": "December", "pt": "dezembro"}


def rendered(template, language="en", **extra):
    topic, context = TEMPLATES[template]
    return emails.render(template, language, {**context, **extra}, user_id="U-anna", topic=topic, to="anna@example.lu")


def parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_in_every_language_with_the_footer(template, language):
    message = rendered(template, language)

    text, html = parts(message)
    for part in (text, html):
        assert IN_LANGUAGE[language] in part
        assert unsubscribe.settings_url() in part
    assert unsubscribe.url_for("U-anna", TEMPLATES[template][0]).replace("&", "&amp;") in html
    assert f'lang="{language}"' in html
    assert message["Subject"] and "{" not in message["Subject"]
    assert message["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_are_written_the_way_the_language_writes_them(language):
    text, _ = parts(rendered("loan_reminder", language))
    assert DECEMBER[language] in text


def test_list_unsubscribe_headers_point_at_the_signed_one_click_url():
    message = rendered("lost_pet_alert")

    assert message["List-Unsubscribe"] == f"<{unsubscribe.url_for('U-anna', 'alert_lost_pet')}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_the_html_loads_nothing_from_anywhere(template):
    _, html = parts(rendered(template))

    assert emails.external_resources(html) == []
    lowered = html.lower()
    assert "<img" not in lowered and "<link" not in lowered and "url(" not in lowered and "<style" not in lowered
    assert 'style="' in html  # the CSS is inlined


def test_the_resource_check_finds_pixels_fonts_and_stylesheets():
    html = ('<html><head><link rel="stylesheet" href="https://x.test/a.css"><style>@import url(x.css)</style></head>'
            '<body><img src="https://t.test/p.gif"><div style="background: url(https://t.test/b.png)"></div></body></html>')
    found = emails.external_resources(html)
    assert len(found) >= 4


def test_what_neighbours_wrote_is_escaped_in_the_html():
    _, html = parts(rendered("lost_pet_alert", title="<img src=https://t.test/p.gif>", body="<script>x</script>"))

    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=https://t.test/p.gif&gt;" in html


def test_send_once_sends_a_marker_key_once(outbox):
    message = rendered("lost_pet_alert", language="fr")
    address = "anna@example.lu"
    before = len(mails_to(outbox, address))

    assert emails.send_once("TEST#P1#U-anna", message) is True
    assert emails.send_once("TEST#P1#U-anna", message) is False

    assert len(mails_to(outbox, address)) == before + 1
    assert emails.already_sent("TEST#P1#U-anna")


def test_a_failed_send_leaves_no_marker_so_a_retry_sends(outbox, monkeypatch):
    message = rendered("unread_messages", language="pt")
    real_send = mail.send

    def ses_down(_message):
        raise RuntimeError("SES is down")

    monkeypatch.setattr(mail, "send", ses_down)
    with pytest.raises(RuntimeError):
        emails.send_once("TEST#C1#U-anna", message)
    assert not emails.already_sent("TEST#C1#U-anna")
    with pytest.raises(SentMarker.DoesNotExist):
        SentMarker.get(*SentMarker.key("TEST#C1#U-anna"))

    monkeypatch.setattr(mail, "send", real_send)
    assert emails.send_once("TEST#C1#U-anna", message) is True
    assert emails.send_once("TEST#C1#U-anna", message) is False


def test_a_resident_is_written_to_in_the_first_of_their_languages_noper_speaks():
    class Resident:
        languages = ["it", "pt", "fr"]

    assert emails.language_of(Resident()) == "pt"
    Resident.languages = ["it"]
    assert emails.language_of(Resident()) == "fr"
