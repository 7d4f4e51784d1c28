"""Requests from elsewhere: a third-party page cannot post to the API (login CSRF, issue 17).

A browser says where a request comes from: `Origin` on every cross-origin POST, and `Sec-Fetch-Site`.
The API refuses every state-changing request whose browser says "another site" (403), and takes JSON
only as application/json, which an HTML form cannot send.
"""

import re

import pytest

from chalicelib.config import Settings
from tests.api.test_sign_in import ask_code, code_from_outbox
from tests.helpers import JSON, body, error_of

THE_FORM = {"Content-Type": "text/plain", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def test_a_third_party_pages_form_cannot_sign_the_visitor_in(client, outbox):
    # <form action="https://noper.../api/v1/auth/session" method="post" enctype="text/plain">
    #   <input name='{"email":"mallory@example.lu","code":"' value='123456"}'></form>
    ask_code(client, "mallory@example.lu")
    code = code_from_outbox(outbox, "mallory@example.lu")
    payload = f'{{"email":"mallory@example.lu","code":"{code}"}}'.encode()

    answer = client.post("/api/v1/auth/session", headers=THE_FORM, body=payload)

    assert answer.status_code == 403
    assert error_of(answer)["code"] == "forbidden"
    assert "Set-Cookie" not in answer.headers
    # The code was not even tried: Mallory's own browser can still use it.
    assert client.post("/api/v1/auth/session", headers=JSON, body=payload).status_code == 200


@pytest.mark.parametrize(("headers", "field"), [
    ({"Origin": "https://evil.example"}, "Origin"),
    ({"Origin": "null"}, "Origin"),  # a sandboxed frame or a data: page
    ({"Origin": "http://localhost.evil.example"}, "Origin"),
    ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site"),
    ({"Origin": "http://localhost:8080", "Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site"),
])
def test_either_header_saying_another_site_answers_403(client, headers, field):
    answer = client.post("/api/v1/auth/code", headers={**JSON, **headers}, body=body({"email": "a@example.lu"}))

    assert answer.status_code == 403
    assert field in error_of(answer)["fields"]


def test_text_plain_alone_answers_415(client):
    answer = client.post("/api/v1/auth/session", headers={"Content-Type": "text/plain"},
                         body=body({"email": "a@example.lu", "code": "123456"}))

    assert answer.status_code == 415
    assert error_of(answer)["fields"] == {"body": "not JSON"}


@pytest.mark.parametrize("headers", [
    {"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-origin"},  # the web app of `make run`
    {"Origin": "http://127.0.0.1:43817"},  # the stack tests' origin, on a free port
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed by the user
    {},  # curl, a server, the test client
])
def test_the_sites_own_requests_and_header_less_ones_still_sign_in(client, outbox, headers):
    ask_code(client, "anna@example.lu")
    code = code_from_outbox(outbox, "anna@example.lu")

    answer = client.post("/api/v1/auth/session", headers={**JSON, **headers},
                         body=body({"email": "anna@example.lu", "code": code}))

    assert answer.status_code == 200, answer.body


def test_in_prod_only_the_configured_site_is_our_origin(client, monkeypatch):
    prod = Settings(stage="prod", site_url="https://noper.example.lu/")
    monkeypatch.setattr("chalicelib.web.api.get_settings", lambda: prod)
    ask = {"email": "a@example.lu"}

    ours = client.post("/api/v1/auth/code", headers={**JSON, "Origin": "https://noper.example.lu"}, body=body(ask))
    local = client.post("/api/v1/auth/code", headers={**JSON, "Origin": "http://localhost:8080"}, body=body(ask))

    assert ours.status_code != 403
    assert local.status_code == 403 and "Origin" in error_of(local)["fields"]


def test_every_state_changing_route_refuses_another_site_before_anything_else(client, api_docs):
    """Signed in or not, with or without a body: the check is in the one request path, not per route."""
    routes = [doc for doc in api_docs if doc.method in STATE_CHANGING]
    assert len(routes) > 50
    for doc in routes:
        path = re.sub(r"\{[^}]+\}", "x", doc.path)
        answer = client.request(doc.method, path, headers={**JSON, "Origin": "https://evil.example"}, body=b"{}")
        if doc.cross_site:
            assert answer.status_code != 403 or "Origin" not in error_of(answer)["fields"], doc.path
        else:
            assert answer.status_code == 403, f"{doc.method} {doc.path}: {answer.status_code}"
            assert error_of(answer)["fields"] == {"Origin": "must be the site's own origin"}, doc.path


def test_the_only_route_other_sites_may_post_to_is_the_one_click_unsubscribe(api_docs):
    assert [(doc.method, doc.path) for doc in api_docs if doc.cross_site] == [("POST", "/api/v1/unsubscribe")]


def test_one_click_unsubscribe_from_a_webmail_page_is_not_refused_for_its_origin(client):
    answer = client.post("/api/v1/unsubscribe?token=not-a-real-token", body=b"List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "Origin": "https://mail.example", "Sec-Fetch-Site": "cross-site"})

    assert answer.status_code in (400, 403, 404)  # the forged token is refused, not the origin
    assert not {"Origin", "Sec-Fetch-Site"} & set(error_of(answer)["fields"])
