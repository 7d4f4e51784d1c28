"""One-click unsubscribe (RFC 8058): a POST to the List-Unsubscribe URL, with no session, turns a topic off."""

from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.notifications import settings, unsubscribe
from tests.api.test_sign_in import session_headers, sign_in
from tests.notifications.factories import make_resident

ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_one_click_post_without_a_session_unsubscribes(client):
    make_resident("U-anna")
    url = unsubscribe.url_for("U-anna", "digest")
    assert url.startswith("http") and "/api/v1/unsubscribe?token=" in url

    response = client.post(path_of(url), headers=ONE_CLICK, body=b"List-Unsubscribe=One-Click")

    assert response.status_code == 200, response.body
    assert response.json_body == {"status": "unsubscribed", "topic": "digest"}
    assert not settings.wants("U-anna", "digest")
    assert settings.wants("U-anna", "alert_lost_pet")  # only the email's own topic


def test_one_click_as_multipart_form_data_works_too(client):
    make_resident("U-anna")
    boundary = "xyz"
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n"
               f"--{boundary}--\r\n").encode()

    response = client.post(path_of(unsubscribe.url_for("U-anna", "messages")),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, body=payload)

    assert response.status_code == 200, response.body
    assert not settings.wants("U-anna", "messages")


def test_one_click_works_with_a_session_cookie_and_no_csrf_header(client, outbox):
    # The resident's browser may carry the session cookie: the route never reads it, the token is the authority.
    headers = session_headers(sign_in(client, outbox), csrf=False)
    user_id = client.get("/api/v1/me", headers=headers).json_body["id"]
    url = unsubscribe.url_for(user_id, "loan_reminders")

    response = client.post(path_of(url), headers={**headers, **ONE_CLICK}, body=b"List-Unsubscribe=One-Click")

    assert response.status_code == 200, response.body
    assert not settings.wants(user_id, "loan_reminders")


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),             # the signature changed
    lambda t: t.replace("U-anna", "U-bert"),                       # someone else's account
    lambda t: t.replace(".digest.", ".messages."),                 # another topic
])
def test_a_tampered_token_is_refused_with_403_and_changes_nothing(client, tamper):
    make_resident("U-anna")
    make_resident("U-bert")
    token = tamper(unsubscribe.token_for("U-anna", "digest"))

    response = client.post(f"/api/v1/unsubscribe?token={token}", headers=ONE_CLICK, body=b"List-Unsubscribe=One-Click")

    assert response.status_code == 403
    assert response.json_body["error"]["fields"] == {"token": "bad signature"}
    assert settings.wants("U-anna", "digest") and settings.wants("U-bert", "digest")
    assert settings.wants("U-anna", "messages") and settings.wants("U-bert", "messages")


@pytest.mark.parametrize("token", ["garbage", "v2.U-anna.digest.00", "v1.U-anna.spam.00", "v1..digest.00"])
def test_a_malformed_token_is_400(client, token):
    make_resident("U-anna")

    response = client.post(f"/api/v1/unsubscribe?token={token}", headers=ONE_CLICK, body=b"List-Unsubscribe=One-Click")

    assert response.status_code == 400
    assert list(response.json_body["error"]["fields"]) == ["token"]  # the document's pattern, checked by the model


def test_a_post_without_the_one_click_body_is_400_and_changes_nothing(client):
    make_resident("U-anna")

    response = client.post(path_of(unsubscribe.url_for("U-anna", "digest")), headers=ONE_CLICK, body=b"")

    assert response.status_code == 400
    assert settings.wants("U-anna", "digest")


def test_the_link_opened_in_a_browser_asks_first_and_changes_nothing(client):
    make_resident("U-anna", languages=("ar",))  # none Noper speaks: the browser's language decides
    url = path_of(unsubscribe.url_for("U-anna", "alert_lost_pet"))

    page = client.get(url, headers={"Accept-Language": "de-LU"})

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    assert 'lang="de"' in html and 'name="List-Unsubscribe" value="One-Click"' in html
    assert "Meldungen zu entlaufenen Tieren" in html
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert settings.wants("U-anna", "alert_lost_pet")

    # The page's form posts back (a browser asks for HTML): done, and said so.
    done = client.post(url, headers={**ONE_CLICK, "Accept": "text/html", "Accept-Language": "de"},
                       body=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "nicht mehr per E-Mail" in done.body.decode()
    assert not settings.wants("U-anna", "alert_lost_pet")


def test_the_page_speaks_the_residents_language_whatever_the_browser_asks(client):
    make_resident("U-dora", languages=("de", "fr"))
    url = path_of(unsubscribe.url_for("U-dora", "digest"))

    for headers in ({}, {"Accept-Language": "fr-LU,fr;q=0.9"}, {"Accept-Language": "pt"}):
        html = client.get(url, headers=headers).body.decode()
        assert 'lang="de"' in html and "Die wöchentliche Zusammenfassung nicht mehr" in html, headers

    done = client.post(url, headers={**ONE_CLICK, "Accept": "text/html", "Accept-Language": "en"},
                       body=b"List-Unsubscribe=One-Click")
    assert 'lang="de"' in done.body.decode() and "nicht mehr per E-Mail" in done.body.decode()


def test_without_a_language_of_theirs_the_page_follows_the_browser_then_french(client):
    make_resident("U-ali", languages=("ar",))
    url = path_of(unsubscribe.url_for("U-ali", "digest"))

    assert 'lang="pt"' in client.get(url, headers={"Accept-Language": "pt-PT"}).body.decode()
    assert 'lang="fr"' in client.get(url).body.decode()
    # An erased account: the token still names a user id, the page still opens in the browser's language.
    gone = path_of(unsubscribe.url_for("U-gone", "digest"))
    assert 'lang="lb"' in client.get(gone, headers={"Accept-Language": "lb"}).body.decode()


def test_the_page_refuses_a_tampered_token(client):
    make_resident("U-anna")
    good = unsubscribe.token_for("U-anna", "digest")
    token = good[:-2] + ("11" if good.endswith("00") else "00")  # well-formed (hex), wrongly signed

    assert client.get(f"/api/v1/unsubscribe?token={token}").status_code == 403


def test_unsubscribing_an_erased_account_is_404(client):
    response = client.post(path_of(unsubscribe.url_for("U-gone", "digest")), headers=ONE_CLICK,
                           body=b"List-Unsubscribe=One-Click")

    assert response.status_code == 404


def test_tokens_are_stable_and_versioned():
    token = unsubscribe.token_for("U-anna", "digest")
    assert token == unsubscribe.token_for("U-anna", "digest")
    assert token.startswith("v1.U-anna.digest.")
    assert unsubscribe.read_token(token) == unsubscribe.Unsubscription("U-anna", "digest")


@pytest.mark.parametrize("language", ["lb", "fr", "de", "en", "pt"])
@pytest.mark.parametrize("topic", settings.TOPICS)
def test_the_question_starts_as_a_sentence_does_in_every_language(client, language, topic):
    make_resident("U-emil", languages=(language,))
    html = client.get(path_of(unsubscribe.url_for("U-emil", topic))).body.decode()
    question = html.split('value="One-Click">', 1)[1].split("<p>", 1)[1].split("</p>", 1)[0]
    assert question[:1].isupper(), question
