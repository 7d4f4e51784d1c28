"""What an organiser asked stays visible after a reload: the event read on its own says where their request to
reach the whole commune stands (pending, approved, refused with the commune's reason, withdrawn), an occurrence's
answers say whether its reminder waits or was sent (and when) — to its organisers only."""

from datetime import timedelta

import pytest

from chalicelib.adapters import clock
from chalicelib.notifications.event_reminders import remind_events
from tests.announcements.world import ANNA, BEN, build_commune
from tests.events.test_approval import asked, decided, organised
from tests.events.test_reminders import ask, in_days, organised_with_ben_going


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def review_seen(client, act_as, event_id, who):
    act_as(who)
    response = client.get(f"/api/v1/events/{event_id}")
    assert response.status_code == 200, response.body
    return response.json_body["commune_review"]


def test_the_review_state_is_in_the_event_for_its_organisers_only(client, act_as):
    event = organised(client, act_as, who=BEN, title="Picnic in the orchard")
    assert review_seen(client, act_as, event["id"], BEN) is None
    assert asked(client, act_as, event["id"], BEN).status_code == 201
    pending = review_seen(client, act_as, event["id"], BEN)
    assert pending["status"] == "pending" and pending["asked_at"] and pending["decided_at"] is None
    assert review_seen(client, act_as, event["id"], ANNA) is None  # a neighbour: nothing of it
    assert decided(client, act_as, event["id"], "refuse", "Not for the whole commune").status_code == 200
    refused = review_seen(client, act_as, event["id"], BEN)
    assert (refused["status"], refused["reason"]) == ("refused", "Not for the whole commune")
    assert refused["decided_at"]
    assert asked(client, act_as, event["id"], BEN).status_code == 201  # asked again after a refusal
    assert decided(client, act_as, event["id"], "approve").status_code == 200
    assert review_seen(client, act_as, event["id"], BEN)["status"] == "approved"
    assert decided(client, act_as, event["id"], "withdraw", "Too many events this week").status_code == 200
    withdrawn = review_seen(client, act_as, event["id"], BEN)
    assert (withdrawn["status"], withdrawn["reason"]) == ("withdrawn", "Too many events this week")
    assert review_seen(client, act_as, event["id"], ANNA) is None


def test_the_reminder_state_is_in_the_answers_for_its_organisers_only(client, act_as, outbox):
    start = in_days(3, 18)
    event = organised_with_ben_going(client, act_as, "Bike repair evening", start)
    path = f"/api/v1/events/{event['id']}/occurrences/{event['occurrence_id']}/answers"
    act_as(ANNA)
    assert client.get(path).json_body["reminder"] is None
    assert ask(client, act_as, event).status_code == 201
    waiting = client.get(path).json_body["reminder"]
    assert (waiting["status"], waiting["sent_at"]) == ("waiting", None)
    assert waiting["due"] == (start - timedelta(hours=24)).isoformat()
    act_as(BEN)
    assert client.get(path).json_body["reminder"] is None
    eve = start - timedelta(hours=23)
    with clock.still_at(eve):
        assert remind_events(clock.now()) == 1
    act_as(ANNA)
    sent = client.get(path).json_body["reminder"]
    assert sent["status"] == "sent" and sent["sent_at"] == eve.isoformat()
