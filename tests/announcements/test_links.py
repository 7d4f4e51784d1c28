"""Publisher links: signed scope and expiry, stored and revocable; refused with a reason the form shows."""

import base64
import json
from datetime import timedelta

import pytest

from chalicelib.publishers import links
from chalicelib.publishers.models import PublisherLinkItem
from tests.announcements.world import LAU2, N1, N2, announcement, as_link, build_commune, link, publisher
from tests.helpers import JSON, STAFF, body, error_of


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def refusal(response):
    assert response.status_code == 403, response.body
    error = error_of(response)
    assert error["code"] == "link_refused"
    return error["fields"]["link"]


def _reencode(token, change):
    payload, signature = token.split(".")
    scope = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(scope)
    forged = base64.urlsafe_b64encode(json.dumps(scope, separators=(",", ":"), sort_keys=True).encode()).decode().rstrip("=")
    return f"{forged}.{signature}"


def test_a_valid_link_opens_the_form_with_its_scope(client):
    token = link(publisher(), neighbourhoods=[N1], categories=["works", "waste"])

    response = client.get("/api/v1/publish", headers=as_link(token))

    assert response.status_code == 200, response.body
    context = response.json_body
    assert context["commune_name"] == "Clervaux"
    assert context["publisher_name"] == "Service technique"
    assert context["whole_commune"] is False
    assert [n["id"] for n in context["neighbourhoods"]] == [N1]
    assert context["categories"] == ["waste", "works"]
    assert context["needs_approval"] is False


def test_a_tampered_signature_is_refused(client):
    token = link(publisher())
    payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]

    assert refusal(client.get("/api/v1/publish", headers=as_link(f"{payload}.{flipped}"))) == "tampered"
    assert refusal(client.get("/api/v1/publish", headers=as_link("not-a-token"))) == "tampered"


def test_a_widened_scope_is_refused(client):
    token = link(publisher(), neighbourhoods=[N1], categories=["works"])

    wider_places = _reencode(token, lambda scope: scope.update(n=[N1, N2]))
    whole_commune = _reencode(token, lambda scope: scope.update(n=None))
    more_categories = _reencode(token, lambda scope: scope.update(k=["emergency", "works"]))
    longer = _reencode(token, lambda scope: scope.update(e=scope["e"] + 86400 * 365))

    for forged in (wider_places, whole_commune, more_categories, longer):
        assert refusal(client.get("/api/v1/publish", headers=as_link(forged))) == "tampered"
        assert refusal(client.post("/api/v1/publish/announcements", headers=as_link(forged),
                                   body=body(announcement({"kind": "neighbourhoods", "neighbourhoods": [N2]})))) == "tampered"


def test_an_expired_link_is_refused(client, monkeypatch):
    token = link(publisher(), days=1)
    later = links.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(links, "now", lambda: later)

    assert refusal(client.get("/api/v1/publish", headers=as_link(token))) == "expired"


def test_a_revoked_link_is_refused_and_listed_as_revoked(client, act_as):
    token = link(publisher())
    link_id = links.read_token(token)["i"]
    assert client.get("/api/v1/publish", headers=as_link(token)).status_code == 200

    act_as(STAFF)
    revoked = client.delete(f"/api/v1/communes/{LAU2}/publisher-links/{link_id}")
    listed = client.get(f"/api/v1/communes/{LAU2}/publisher-links").json_body["links"]

    assert revoked.status_code == 200 and revoked.json_body["status"] == "revoked"
    assert [(l["id"], l["status"]) for l in listed] == [(link_id, "revoked")]
    assert PublisherLinkItem.get(*PublisherLinkItem.key(LAU2, link_id)).revoked_at is not None


def test_the_links_are_listed_newest_first_with_their_publishers_name_in_one_query(client, act_as):
    from chalicelib.store.calls import count_dynamodb_calls

    first = links.read_token(link(publisher()))["i"]
    second = links.read_token(link(publisher(kind="partner", name="Jugendhaus")))["i"]
    act_as(STAFF)

    with count_dynamodb_calls() as calls:
        listed = client.get(f"/api/v1/communes/{LAU2}/publisher-links").json_body["links"]

    assert [(l["id"], l["publisher_name"]) for l in listed] == [(second, "Jugendhaus"), (first, "Service technique")]
    assert calls == {"Query": 1}, calls


def test_a_revoked_link_publishes_nothing(client):
    token = link(publisher())
    links.revoke(LAU2, links.read_token(token)["i"])

    response = client.post("/api/v1/publish/announcements", headers=as_link(token), body=body(announcement()))

    assert refusal(response) == "revoked"


def test_a_suspended_publishers_links_stop_working_until_it_is_active_again(client, act_as, monkeypatch):
    from chalicelib.publishers import service as publishers

    publisher_id = publisher(kind="partner", name="Jugendhaus")
    token = link(publisher_id)
    act_as(STAFF)
    suspended = client.put(f"/api/v1/communes/{LAU2}/publishers/{publisher_id}/status", headers=JSON,
                           body=body({"status": "suspended"}))
    assert suspended.status_code == 200 and suspended.json_body["status"] == "suspended"
    monkeypatch.undo()  # back to the real principal: the link's

    assert refusal(client.get("/api/v1/publish", headers=as_link(token))) == "suspended"
    publishers.set_status(LAU2, publisher_id, "active")
    assert client.get("/api/v1/publish", headers=as_link(token)).status_code == 200


def test_a_link_for_neighbourhood_a_cannot_target_b(client):
    token = link(publisher(), neighbourhoods=[N1])

    to_b = client.post("/api/v1/publish/announcements", headers=as_link(token),
                       body=body(announcement({"kind": "neighbourhoods", "neighbourhoods": [N2]})))
    to_both = client.post("/api/v1/publish/announcements", headers=as_link(token),
                          body=body(announcement({"kind": "neighbourhoods", "neighbourhoods": [N1, N2]})))
    to_all = client.post("/api/v1/publish/announcements", headers=as_link(token), body=body(announcement()))
    to_a = client.post("/api/v1/publish/announcements", headers=as_link(token),
                       body=body(announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]})))

    for refused in (to_b, to_both, to_all):
        assert refused.status_code == 403, refused.body
        assert error_of(refused)["fields"] == {"target": "outside this link's neighbourhoods"}
    assert to_a.status_code == 201, to_a.body


def test_a_link_publishes_only_its_categories(client):
    token = link(publisher(), categories=["works"])

    response = client.post("/api/v1/publish/announcements", headers=as_link(token),
                           body=body(announcement(category="emergency")))

    assert response.status_code == 403
    assert error_of(response)["fields"] == {"category": "not allowed by this link"}


def test_a_link_is_no_session_anywhere_else(client):
    token = link(publisher())

    me = client.get("/api/v1/me", headers=as_link(token))
    feed = client.get(f"/api/v1/neighbourhoods/{N1}/posts", headers=as_link(token))
    admin = client.get(f"/api/v1/communes/{LAU2}/publishers", headers=as_link(token))

    assert me.status_code == 403
    assert feed.status_code == 404
    assert admin.status_code == 403


def test_the_cli_issues_a_link_that_opens_the_form(client, capsys):
    from ops.publishing import _publisher_link
    import argparse

    publisher_id = publisher()
    args = argparse.Namespace(commune=LAU2, publisher=publisher_id, expires=30, neighbourhood=[N1], category=None,
                              label="clerk", list=False, list_publishers=False, revoke=None)

    assert _publisher_link(args) == 0
    url = capsys.readouterr().out.strip().splitlines()[-1]
    assert "/publish#" in url
    assert client.get("/api/v1/publish", headers=as_link(url.split("#", 1)[1])).status_code == 200


def test_a_link_publishes_at_most_so_many_announcements_an_hour(client, monkeypatch):
    from chalicelib.announcements import service

    monkeypatch.setattr(service, "ANNOUNCEMENTS_PER_HOUR", 1)
    token = link(publisher())

    first = client.post("/api/v1/publish/announcements", headers=as_link(token), body=body(announcement()))
    second = client.post("/api/v1/publish/announcements", headers=as_link(token), body=body(announcement()))

    assert first.status_code == 201
    assert second.status_code == 429 and "Retry-After" in second.headers
