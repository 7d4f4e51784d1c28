"""Your data (GDPR): everything Noper holds about me, prepared in the background and downloaded from S3 (the
queue's job runs in-process on the test stage), and erasing my account."""

import json
import re
import urllib.parse
import urllib.request
from datetime import datetime, timedelta

import pytest

from chalicelib import alerts
from chalicelib.accounts.content_owners import ContentOwner
from chalicelib.accounts.exports import COOLDOWN, ExportItem
from chalicelib.accounts.your_data import prepare_export
from chalicelib.adapters import clock
from chalicelib.adapters.aws import client as aws_client
from chalicelib.config import get_settings
from chalicelib.notifications import moments
from chalicelib.accounts.models import EmailItem, SessionItem, UserItem
from chalicelib.accounts.principals import principal_of
from chalicelib.neighbours import vouching
from chalicelib.neighbours.models import VouchItem
from tests.api.test_neighbours import HUPPERDANGE, make_resident, reload
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import cookies_of, session_headers, sign_in
from tests.helpers import error_of
from tests.notifications.test_moments import sent_to, text_of

EMAIL = "anna@example.lu"
READY = "Vos données Noper sont prêtes à télécharger"


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


def prepared_export(client, headers=None) -> dict:
    """Ask for my data (the queue's job runs in-process on the test stage), then read its state: ready."""
    asked = client.post("/api/v1/me/exports", headers=headers or {})
    assert asked.status_code == 202 and asked.json_body["state"] == "preparing", asked.body
    latest = client.get("/api/v1/me/exports/latest", headers=headers or {})
    assert latest.status_code == 200 and latest.json_body["state"] == "ready", latest.body
    return latest.json_body


def downloaded(export: dict) -> dict:
    """The document, as the browser downloads it: straight from S3 (moto) through the signed URL."""
    with urllib.request.urlopen(export["download_url"]) as answer:
        assert "attachment" in answer.headers["Content-Disposition"]
        body = answer.read()
    assert len(body) == export["size"]
    return json.loads(body)


def test_the_export_holds_profile_residence_verification_sessions_vouches_and_content(client, anna, posts):
    posts.posts[anna["id"]] = ["Lost cat near the church"]

    data = downloaded(prepared_export(client, anna["headers"]))

    assert data["profile"]["id"] == anna["id"] and data["profile"]["email"] == EMAIL
    assert data["residence"]["address_id"] == "7984-20" and data["residence"]["status"] == "verified"
    assert [(v["method"], v["by"]) for v in data["verifications"]] == [("vouches", "2 neighbours")]
    assert len(data["sessions"]) == 1 and data["sessions"][0]["current"] is True  # the session that asked
    assert [v["for_user_id"] for v in data["vouches_given"]] == [anna["newcomer"].user_id]
    assert len(data["vouches_received"]) == 2 and all("for_user_id" not in v or v["for_user_id"] is None
                                                       for v in data["vouches_received"])
    assert list(data["vouches_given_per_month"].values()) == [1]
    assert data["content"]["fake-posts"] == [{"text": "Lost cat near the church"}]
    assert {"posts", "lending"} <= set(data["content"])  # the real features are registered too


def test_the_export_needs_a_session(client):
    assert client.post("/api/v1/me/exports").status_code == 401
    assert client.get("/api/v1/me/exports/latest").status_code == 401


def ready_emails() -> list:
    """The raw emails SES (moto, shared by the session's tests) received saying that Anna's data is ready."""
    return [m for m in sent_to(EMAIL) if m["Subject"] == READY]


def test_the_prepared_export_lies_under_a_key_nobody_guesses_and_is_emailed_once(client, anna):
    before = len(ready_emails())
    export = prepared_export(client, anna["headers"])

    key = urllib.parse.urlsplit(export["download_url"]).path.split("/", 2)[2]
    assert re.fullmatch(rf"exports/{anna['id']}/[0-9a-f]{{32}}\.json", key)
    assert "X-Amz-Expires=300" in export["download_url"]
    [message] = ready_emails()[before:]  # in her language, French
    assert "téléchargez-la depuis votre profil" in text_of(message) and "/me#your-data" in text_of(message)
    assert message["Content-Language"] == "fr"
    assert export["download_url"] not in message.as_string()  # the email leads to the profile, signed in
    assert message["List-Unsubscribe"] is None  # essential: they asked for it
    item = ExportItem.get(*ExportItem.key(anna["id"]))
    assert moments.run_job({"kind": "export", "user_id": anna["id"], "export_id": item.export_id}) == 0  # a retry
    assert len(ready_emails()) == before + 1


def test_another_resident_cannot_read_my_export(client, act_as, anna):
    prepared_export(client, anna["headers"])
    act_as(principal_of(make_resident("7973-58")))

    assert client.get("/api/v1/me/exports/latest").status_code == 404


def test_asking_again_while_it_is_prepared_answers_the_same_one_and_a_new_one_waits_an_hour(client, anna, monkeypatch):
    jobs = []
    monkeypatch.setattr(alerts, "_enqueue", jobs.append)
    first = client.post("/api/v1/me/exports", headers=anna["headers"]).json_body
    again = client.post("/api/v1/me/exports", headers=anna["headers"]).json_body

    assert again == first and first["state"] == "preparing" and len(jobs) == 1
    with clock.still_at(clock.now() + COOLDOWN + timedelta(seconds=1)):  # a job that never finished: ask again
        later = client.post("/api/v1/me/exports", headers=anna["headers"]).json_body
    assert later["requested_at"] > first["requested_at"] and len(jobs) == 2
    assert jobs[1]["export_id"] != jobs[0]["export_id"]
    assert moments.run_job(jobs[0]) == 0  # the replaced one prepares nothing
    assert client.get("/api/v1/me/exports/latest", headers=anna["headers"]).json_body["state"] == "preparing"


def test_a_ready_export_expires_after_a_week_and_its_link_with_it(client, anna, monkeypatch):
    export = prepared_export(client, anna["headers"])
    jobs = []
    monkeypatch.setattr(alerts, "_enqueue", jobs.append)  # no email stamped a week ahead in the shared outbox

    with clock.still_at(datetime.fromisoformat(export["expires_at"]) + timedelta(seconds=1)):
        expired = client.get("/api/v1/me/exports/latest", headers=anna["headers"]).json_body
        assert expired["state"] == "expired" and expired["download_url"] is None
        assert client.post("/api/v1/me/exports", headers=anna["headers"]).json_body["state"] == "preparing"
    assert len(jobs) == 1


def test_a_new_export_replaces_the_earlier_ones_object(client, anna, monkeypatch):
    first = prepared_export(client, anna["headers"])
    jobs = []
    monkeypatch.setattr(alerts, "_enqueue", jobs.append)
    with clock.still_at(clock.now() + COOLDOWN + timedelta(minutes=1)):
        client.post("/api/v1/me/exports", headers=anna["headers"])
    moments.run_job(jobs[0])  # the queue's job, now (its email stamped with the real time)

    second = client.get("/api/v1/me/exports/latest", headers=anna["headers"]).json_body
    assert stored_exports(anna["id"]) == [urllib.parse.urlsplit(second["download_url"]).path.split("/", 2)[2]]
    assert first["download_url"] != second["download_url"]


def test_erasing_the_account_deletes_its_prepared_exports(client, anna):
    prepared_export(client, anna["headers"])
    assert len(stored_exports(anna["id"])) == 1

    assert client.delete("/api/v1/me?content=remove", headers=anna["headers"]).status_code == 204

    assert stored_exports(anna["id"]) == []
    with pytest.raises(ExportItem.DoesNotExist):
        ExportItem.get(*ExportItem.key(anna["id"]))


def test_an_export_prepared_after_the_erasure_is_deleted_at_once(client, anna, monkeypatch):
    jobs = []
    monkeypatch.setattr(alerts, "_enqueue", jobs.append)
    client.post("/api/v1/me/exports", headers=anna["headers"])
    item = ExportItem.get(*ExportItem.key(anna["id"]))
    client.delete("/api/v1/me?content=remove", headers=anna["headers"])

    assert prepare_export(anna["id"], item.export_id) is False and stored_exports(anna["id"]) == []


def stored_exports(user_id: str) -> list[str]:
    listed = aws_client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=f"exports/{user_id}/")
    return [o["Key"] for o in listed.get("Contents", [])]


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
