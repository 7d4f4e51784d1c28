"""Your data (GDPR): export everything Noper holds about me, and erase my account."""

import json

import pytest

from chalicelib.accounts.content_owners import ContentOwner
from chalicelib.accounts.models import EmailItem, SessionItem, UserItem
from chalicelib.accounts.principals import principal_of
from chalicelib.neighbours import vouching
from chalicelib.neighbours.models import VouchItem
from tests.api.test_neighbours import HUPPERDANGE, make_resident, reload
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import cookies_of, session_headers, sign_in
from tests.helpers import error_of

EMAIL = "anna@example.lu"


class FakeContent:
    """A later feature's content (posts, say), registered with the erasure hook for the test."""

    def __init__(self):
        self.posts = {}
        self.erased = []

    def export(self, user_id):
        return [{"text": text} for text in self.posts.get(user_id, [])]

    def erase(self, user_id, choice):
        self.erased.append((user_id, choice))
        self.posts.pop(user_id, None)


@pytest.fixture
def posts(monkeypatch):
    """A fake feature holding what residents wrote, registered for this test only."""
    from chalicelib.accounts import content_owners

    fake = FakeContent()
    monkeypatch.setitem(content_owners._owners, "fake-posts", ContentOwner(name="fake-posts", export=fake.export,
                                                                           erase=fake.erase))
    return fake


@pytest.fixture
def anna(client, outbox):
    """Anna signed in with a real session, verified in Hupperdange by two neighbours, who vouched
    for a newcomer herself."""
    publish_clervaux()
    signed_in = sign_in(client, outbox, EMAIL)
    headers = session_headers(signed_in)
    assert client.put("/api/v1/me/residence", headers=headers, body=json.dumps({"address_id": "7984-20"})).status_code == 200
    user_id = signed_in.json_body["id"]
    for address in ("7973-46", "7973-48"):
        vouching.vouch(principal_of(make_resident(address)), HUPPERDANGE, user_id)
    newcomer = make_resident("7973-60", status="pending")
    vouching.vouch(principal_of(reload(UserItem(*UserItem.key(user_id), user_id=user_id))), HUPPERDANGE, newcomer.user_id)
    return {"id": user_id, "headers": headers, "newcomer": newcomer}


def test_the_export_holds_profile_residence_verification_sessions_vouches_and_content(client, anna, posts):
    posts.posts[anna["id"]] = ["Lost cat near the church"]

    response = client.get("/api/v1/me/export", headers=anna["headers"])

    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.json_body
    assert data["profile"]["id"] == anna["id"] and data["profile"]["email"] == EMAIL
    assert data["residence"]["address_id"] == "7984-20" and data["residence"]["status"] == "verified"
    assert [(v["method"], v["by"]) for v in data["verifications"]] == [("vouches", "2 neighbours")]
    assert len(data["sessions"]) == 1 and data["sessions"][0]["current"] is True
    assert [v["for_user_id"] for v in data["vouches_given"]] == [anna["newcomer"].user_id]
    assert len(data["vouches_received"]) == 2 and all("for_user_id" not in v or v["for_user_id"] is None
                                                       for v in data["vouches_received"])
    assert list(data["vouches_given_per_month"].values()) == [1]
    assert data["content"]["fake-posts"] == [{"text": "Lost cat near the church"}]
    assert {"posts", "lending"} <= set(data["content"])  # the real features are registered too


def test_the_export_needs_a_session(client):
    assert client.get("/api/v1/me/export").status_code == 401


@pytest.mark.parametrize("query", ["", "?content=keep", "?content=remove&other=1"])
def test_erasing_needs_a_content_choice(client, outbox, query):
    headers = session_headers(sign_in(client, outbox, EMAIL))

    response = client.delete(f"/api/v1/me{query}", headers=headers)

    assert response.status_code == 400 and error_of(response)["fields"]
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_erasing_removes_personal_data_and_sessions_and_clears_cookies(client, outbox, anna, posts):
    second_device = session_headers(sign_in(client, outbox, EMAIL))
    posts.posts[anna["id"]] = ["Lost cat near the church"]

    response = client.delete("/api/v1/me?content=anonymise", headers=anna["headers"])

    assert response.status_code == 204
    assert all("Max-Age=0" in cookie for cookie in cookies_of(response).values())
    assert posts.erased == [(anna["id"], "anonymise")]
    assert UserItem.count(f"USER#{anna['id']}") == 0  # profile, verifications, vouches received, counters
    assert EmailItem.count(f"EMAIL#{EMAIL}") == 0  # account link and sign-in code
    assert SessionItem.by_user.count(SessionItem.user_key(anna["id"])) == 0
    assert client.get("/api/v1/me", headers=second_device).status_code == 401
    given = VouchItem.get(*VouchItem.key(anna["newcomer"].user_id, anna["id"]))
    assert given.voucher_id is None and given.gsi1pk is None  # the vouch stays, without who gave it


def test_the_members_list_forgets_an_erased_account(client, act_as, anna):
    client.delete("/api/v1/me?content=remove", headers=anna["headers"])
    act_as(principal_of(make_resident("7973-58")))

    members = client.get(f"/api/v1/neighbourhoods/{HUPPERDANGE}/members").json_body["members"]

    assert anna["id"] not in {m["id"] for m in members}


def test_after_erasure_the_email_signs_up_as_a_new_account(client, outbox, anna):
    client.delete("/api/v1/me?content=remove", headers=anna["headers"])

    again = sign_in(client, outbox, EMAIL)

    assert again.json_body["id"] != anna["id"]
    assert again.json_body["residence"]["status"] == "none"
