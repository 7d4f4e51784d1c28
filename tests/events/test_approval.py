"""A resident's event for the whole commune (issue #11, point 1): it stays in its neighbourhood until the
commune's staff approve it in the review queue; refused, its organisers are told why; nobody approves their own
event. Through the API on DynamoDB Local, emails read from the outbox."""

import pytest

from chalicelib.adapters import clock
from chalicelib.communes.audit import audit_log
from chalicelib.policy import Principal
from tests.announcements.world import ANNA, BEN, CARLA, LAU2, N1, N2, build_commune
from tests.helpers import JSON, STAFF, body, error_of
from tests.notifications.factories import mails_to

NEXT_YEAR = clock.now().year + 1
FAIR = {"title": "Street party on Grand-Rue", "description": "Music and cake.", "category": "party",
        "start": f"{NEXT_YEAR}-06-20T15:00", "end": f"{NEXT_YEAR}-06-20T22:00", "place": "Grand-Rue"}
REVIEWS = f"/api/v1/communes/{LAU2}/event-reviews"


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def organised(client, act_as, who=ANNA, **fields):
    act_as(who)
    response = client.post(f"/api/v1/neighbourhoods/{who.neighbourhood_id}/events", headers=JSON,
                           body=body({**FAIR, **fields}))
    assert response.status_code == 201, response.body
    return response.json_body


def asked(client, act_as, event_id, who=ANNA):
    act_as(who)
    return client.post(f"/api/v1/events/{event_id}/whole-commune")


def decided(client, act_as, event_id, decision, reason="", who=STAFF):
    act_as(who)
    return client.post(f"{REVIEWS}/{event_id}", headers=JSON, body=body({"decision": decision, "reason": reason}))


def calendar_of(client, act_as, who):
    act_as(who)
    response = client.get(f"/api/v1/neighbourhoods/{who.neighbourhood_id}/events"
                          f"?from={NEXT_YEAR}-06-01T00:00&to={NEXT_YEAR}-07-01T00:00")
    assert response.status_code == 200, response.body
    return response.json_body["occurrences"]


def test_an_event_asked_for_the_commune_stays_in_its_neighbourhood_until_staff_approve(client, act_as, outbox):
    event = organised(client, act_as)
    act_as(CARLA)
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404

    # Only its organisers ask; once
    assert asked(client, act_as, event["id"], BEN).status_code == 403
    request = asked(client, act_as, event["id"])
    assert request.status_code == 201, request.body
    assert (request.json_body["status"], request.json_body["kind"]) == ("pending", "resident")
    assert request.json_body["neighbourhood_name"] == "Clervaux-Centre"
    again = asked(client, act_as, event["id"])
    assert again.status_code == 409 and error_of(again)["fields"] == {"event_id": "asked already"}

    # Waiting: still its neighbourhood's only
    assert calendar_of(client, act_as, CARLA) == []
    act_as(STAFF)
    queue = client.get(REVIEWS).json_body["reviews"]
    assert [(r["event_id"], r["title"], r["status"]) for r in queue] == [(event["id"], "Street party on Grand-Rue",
                                                                          "pending")]

    approved = decided(client, act_as, event["id"], "approve", "Lovely idea")
    assert approved.status_code == 200 and approved.json_body["status"] == "approved", approved.body
    assert decided(client, act_as, event["id"], "refuse").status_code == 409
    act_as(STAFF)
    assert client.get(REVIEWS).json_body["reviews"] == []
    assert [r["event_id"] for r in client.get(f"{REVIEWS}?status=approved").json_body["reviews"]] == [event["id"]]

    # Now every neighbourhood's calendar shows it, marked as the commune's; the event grew its sequence
    shown = calendar_of(client, act_as, CARLA)
    assert [(o["event_id"], o["commune_wide"]) for o in shown] == [(event["id"], True)]
    seen = client.get(f"/api/v1/events/{event['id']}").json_body
    assert seen["commune_wide"] is True and seen["sequence"] == 1
    told = [m for m in mails_to(outbox, "anna@example.lu") if "reaches the whole commune" in m["Subject"]]
    assert len(told) == 1 and "Street party on Grand-Rue" in told[0]["Subject"]
    assert "Lovely idea" in told[0].get_body(("plain",)).get_content()
    entry = audit_log(LAU2).entries[0]
    assert (entry.action, entry.by.id, entry.subject_type, entry.subject_id) == \
        ("event_approved", "U-STAFF", "event", event["id"])
    # Asking again once it reaches the commune: 409
    assert asked(client, act_as, event["id"]).status_code == 409
    # A resident of another neighbourhood answers it and reads its answers; its organiser sees them
    act_as(CARLA)
    url = f"/api/v1/events/{event['id']}/occurrences/{event['occurrence_id']}"
    going = client.put(f"{url}/answer", headers=JSON, body=body({"answer": "going", "extra": 1}))
    assert going.status_code == 200, going.body
    assert client.get(f"{url}/answers").json_body["going"] == 2
    act_as(ANNA)
    assert [p["user_id"] for p in client.get(f"{url}/answers").json_body["people"]] == [CARLA.user_id]


def test_a_refused_event_stays_home_its_organiser_is_told_why_and_may_ask_again(client, act_as, outbox):
    event = organised(client, act_as)
    assert asked(client, act_as, event["id"]).status_code == 201
    refused = decided(client, act_as, event["id"], "refuse", "Too big for the square")
    assert refused.status_code == 200 and refused.json_body["status"] == "refused"
    assert refused.json_body["reason"] == "Too big for the square"

    assert calendar_of(client, act_as, CARLA) == []
    assert [o["event_id"] for o in calendar_of(client, act_as, BEN)] == [event["id"]]
    told = [m for m in mails_to(outbox, "anna@example.lu") if "stays in your neighbourhood" in m["Subject"]]
    assert len(told) == 1
    assert "Too big for the square" in told[0].get_body(("plain",)).get_content()
    assert asked(client, act_as, event["id"]).status_code == 201  # after a refusal, once more


def test_an_approved_event_edited_by_its_organiser_keeps_the_approval_until_staff_withdraw_it(client, act_as, outbox):
    event = organised(client, act_as)
    assert asked(client, act_as, event["id"]).status_code == 201
    # Withdrawing what is not approved: 409
    early = decided(client, act_as, event["id"], "withdraw")
    assert early.status_code == 409 and error_of(early)["fields"] == {"decision": "event is pending"}
    assert decided(client, act_as, event["id"], "approve").status_code == 200
    # The organiser changes title, description, place and times: still the whole commune's
    act_as(ANNA)
    edited = client.patch(f"/api/v1/events/{event['id']}", headers=JSON, body=body({
        "title": "Street party, bigger", "description": "Music, cake and a band.", "place": "Place du Marché",
        "start": f"{NEXT_YEAR}-06-14T15:00", "end": f"{NEXT_YEAR}-06-14T22:00"}))
    assert edited.status_code == 200, edited.body
    assert edited.json_body["commune_wide"] is True
    assert [(o["event_id"], o["title"]) for o in calendar_of(client, act_as, CARLA)] == [
        (event["id"], "Street party, bigger")]
    # Its organiser cannot withdraw (not staff), nor can staff who organise it
    act_as(ANNA)
    assert client.post(f"{REVIEWS}/{event['id']}", headers=JSON,
                       body=body({"decision": "withdraw"})).status_code in (403, 404)
    withdrawn = decided(client, act_as, event["id"], "withdraw", "Not on a school day")
    assert withdrawn.status_code == 200 and withdrawn.json_body["status"] == "withdrawn", withdrawn.body
    assert decided(client, act_as, event["id"], "withdraw").status_code == 409
    # Back to its neighbourhood: Carla no longer sees it, Ben does; Anna is told why
    assert calendar_of(client, act_as, CARLA) == []
    act_as(CARLA)
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert [o["event_id"] for o in calendar_of(client, act_as, BEN)] == [event["id"]]
    told = [m for m in mails_to(outbox, "anna@example.lu") if "no longer reaches" in m["Subject"]]
    assert len(told) == 1 and "Not on a school day" in told[0].get_body(("plain",)).get_content()
    assert audit_log(LAU2).entries[0].action == "event_withdrawn"
    act_as(STAFF)
    assert [r["event_id"] for r in client.get(f"{REVIEWS}?status=withdrawn").json_body["reviews"]] == [event["id"]]
    assert asked(client, act_as, event["id"]).status_code == 201  # may ask again


def test_nobody_approves_their_own_event(client, act_as):
    # A staff member who lives in the neighbourhood organises an event: another staff member decides.
    clerk = Principal(user_id=ANNA.user_id, lau2=LAU2, neighbourhood_id=N1, residence_status="verified",
                      staff=STAFF.staff)
    event = organised(client, act_as, clerk, title="The clerk's own party")
    assert asked(client, act_as, event["id"], clerk).status_code == 201
    for decision in ("approve", "refuse"):
        refused = decided(client, act_as, event["id"], decision, who=clerk)
        assert refused.status_code == 403 and error_of(refused)["fields"] == {"event_id": "your own case"}
    assert decided(client, act_as, event["id"], "approve").status_code == 200
    refused = decided(client, act_as, event["id"], "withdraw", who=clerk)  # nor withdraws its approval
    assert refused.status_code == 403 and error_of(refused)["fields"] == {"event_id": "your own case"}
    assert decided(client, act_as, event["id"], "withdraw").status_code == 200


def test_reviews_belong_to_their_commune_and_bad_input_names_the_field(client, act_as):
    event = organised(client, act_as)
    assert asked(client, act_as, event["id"]).status_code == 201
    other = Principal(user_id="U-OTHER-ADMIN", staff=frozenset({("0999", "admin")}))
    act_as(other)
    assert client.get("/api/v1/communes/0999/event-reviews").json_body["reviews"] == []
    assert client.post(f"/api/v1/communes/0999/event-reviews/{event['id']}", headers=JSON,
                       body=body({"decision": "approve"})).status_code == 404
    act_as(STAFF)
    bad = client.post(f"{REVIEWS}/{event['id']}", headers=JSON, body=body({"decision": "maybe"}))
    assert bad.status_code == 400 and "decision" in error_of(bad)["fields"]
    long = client.post(f"{REVIEWS}/{event['id']}", headers=JSON, body=body({"decision": "refuse", "reason": "x" * 501}))
    assert long.status_code == 400 and "reason" in error_of(long)["fields"]
    assert client.get(f"{REVIEWS}?status=lost").status_code == 400
    # Staff never read neighbourhood content: the event itself stays 404 to them
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert N2  # the other neighbourhood of the world
