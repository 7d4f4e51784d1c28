"""Emergency announcements are emailed at once to the verified residents they target, once each."""

import email
import email.policy

import pytest

from chalicelib.announcements.emergency import send_emergency
from tests.announcements.world import N1, announcement, as_link, build_commune, link, publisher
from tests.helpers import body


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def mails(outbox, since):
    found = {}
    for path in sorted(outbox.glob("*.eml")):
        if path.name in since:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found.setdefault(message["To"], []).append(message)
    return found


def test_an_emergency_is_emailed_once_to_each_verified_resident_it_targets_even_when_sent_twice(client, outbox):
    before = {p.name for p in outbox.glob("*.eml")}
    response = client.post("/api/v1/publish/announcements", headers=as_link(link(publisher())), body=body(
        announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]}, category="emergency", title="Water cut")))
    assert response.status_code == 201, response.body

    # When the sending runs again (a retried handler)
    assert send_emergency(response.json_body["id"]) == 0

    # Then Anna and Ben (verified, N1) got one email each; Carla (N2) and Dani (pending) none
    sent = mails(outbox, before)
    assert sorted(sent) == ["anna@example.lu", "ben@example.lu"]
    assert all(len(messages) == 1 for messages in sent.values())
    anna = sent["anna@example.lu"][0]
    assert anna["Subject"] == "Emergency: Water cut"  # her language (en) has a version
    assert f"/announcements?id={response.json_body['id']}" in anna.get_body(("plain",)).get_content()
    assert sent["ben@example.lu"][0]["Subject"] == "Urgence : FR Water cut"  # pt has none: the commune's (fr)


def test_other_categories_are_not_emailed(client, outbox):
    before = {p.name for p in outbox.glob("*.eml")}
    response = client.post("/api/v1/publish/announcements", headers=as_link(link(publisher())),
                           body=body(announcement(category="works")))

    assert send_emergency(response.json_body["id"]) == 0
    assert mails(outbox, before) == {}


def test_a_resident_who_turned_emergency_alerts_off_gets_none(client, outbox):
    from chalicelib.notifications.settings import change

    change("U-ANNA", {"alert_emergency": False})
    before = {p.name for p in outbox.glob("*.eml")}
    client.post("/api/v1/publish/announcements", headers=as_link(link(publisher())),
                body=body(announcement(category="emergency", title="Storm")))

    assert sorted(mails(outbox, before)) == ["ben@example.lu", "carla@example.lu"]
