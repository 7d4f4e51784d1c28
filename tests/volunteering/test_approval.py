"""A partner's call for volunteers waits for the commune's staff (as a partner's event does): listed nowhere until
approved, then in the neighbourhoods it reaches and counted; refused, it reaches nobody; an approval withdrawn
cancels its coming shifts and tells the volunteers; nobody approves the calls of a link they issued; each decision
is in the commune's audit log. Through the API on DynamoDB Local."""

import pytest

from chalicelib.communes.audit import audit_log
from tests.announcements.world import ANNA, CARLA, CLERK, LAU2, N1, N2, build_commune, link, publisher
from tests.helpers import JSON, STAFF, body, error_of
from tests.notifications.factories import mails_to, make_resident
from tests.volunteering.test_calls import week
from tests.volunteering.test_publishing import by_link, publish  # noqa: F401 — by_link: a fixture

REVIEWS = f"/api/v1/communes/{LAU2}/call-reviews"


@pytest.fixture(autouse=True)
def commune():
    build_commune()


@pytest.fixture
def pending_call(client, monkeypatch):
    """A partner's call sent through a link CLERK issued: pending."""
    from chalicelib import policy

    reader = policy.principal_for
    token = link(publisher(kind="partner", name="Scouts"))
    made = publish(client, token, target={"kind": "neighbourhoods", "neighbourhoods": [N1]})
    assert made.status_code == 201 and made.json_body["status"] == "pending", made.body
    monkeypatch.setattr(policy, "principal_for", reader)
    return token, made.json_body


def decided(client, act_as, call_id, decision, reason="", who=STAFF):
    act_as(who)
    return client.post(f"{REVIEWS}/{call_id}", headers=JSON, body=body({"decision": decision, "reason": reason}))


def listed(client, act_as, who):
    act_as(who)
    return [c["id"] for c in client.get(f"/api/v1/neighbourhoods/{who.neighbourhood_id}/volunteering").json_body["calls"]]


def test_a_partners_call_is_listed_where_it_reaches_once_staff_approve_it(client, act_as, pending_call):
    # Given a partner's call waiting for the commune, in its queue with what staff need to decide
    _token, call = pending_call
    act_as(STAFF)
    queue = client.get(REVIEWS).json_body["reviews"]
    assert [(r["call_id"], r["status"], r["publisher_name"], r["target_names"], r["shifts"], r["needed"])
            for r in queue] == [(call["id"], "pending", "Scouts", ["Clervaux-Centre"], 2, 4)]
    assert listed(client, act_as, ANNA) == []
    assert week(f"{LAU2}-commune")["calls"] == 0
    # When staff approve it
    approved = decided(client, act_as, call["id"], "approve")
    assert approved.status_code == 200 and approved.json_body["status"] == "approved", approved.body
    # Then it is listed in the neighbourhood it reaches (not in the other), readable, and counted once
    assert listed(client, act_as, ANNA) == [call["id"]]
    assert listed(client, act_as, CARLA) == []
    act_as(ANNA)
    assert client.get(f"/api/v1/volunteering/{call['id']}").json_body["status"] == "open"
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up").status_code == 201
    assert week(f"{LAU2}-commune")["calls"] == 1
    act_as(STAFF)
    assert client.get(REVIEWS).json_body["reviews"] == []
    assert [r["call_id"] for r in client.get(f"{REVIEWS}?status=approved").json_body["reviews"]] == [call["id"]]
    # A second decision answers 409
    again = decided(client, act_as, call["id"], "refuse")
    assert again.status_code == 409 and error_of(again)["fields"] == {"decision": "call is approved"}
    entries = audit_log(LAU2).entries
    assert [(e.action, e.subject_type, e.subject_id) for e in entries[:1]] == [("call_approved", "call", call["id"])]


def test_a_refused_call_reaches_nobody_and_its_link_sees_why(client, act_as, pending_call):
    token, call = pending_call
    refused = decided(client, act_as, call["id"], "refuse", reason="Not a volunteering activity")
    assert refused.status_code == 200 and refused.json_body["reason"] == "Not a volunteering activity"
    assert listed(client, act_as, ANNA) == []
    act_as(ANNA)
    assert client.get(f"/api/v1/volunteering/{call['id']}").status_code == 404
    assert week(f"{LAU2}-commune")["calls"] == 0
    act_as(STAFF)
    assert [r["call_id"] for r in client.get(f"{REVIEWS}?status=refused").json_body["reviews"]] == [call["id"]]
    assert audit_log(LAU2).entries[0].action == "call_refused"


def test_an_approval_withdrawn_cancels_the_coming_shifts_and_tells_the_volunteers(client, act_as, pending_call,
                                                                                  outbox):
    _token, call = pending_call
    assert decided(client, act_as, call["id"], "approve").status_code == 200
    make_resident("U-ANNA", nbh=N1, email_address="anna.scouts@example.lu")
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up").status_code == 201
    # Withdrawing needs an approval; refusing it is no longer possible
    withdrawn = decided(client, act_as, call["id"], "withdraw", reason="The association was dissolved")
    assert withdrawn.status_code == 200 and withdrawn.json_body["status"] == "withdrawn", withdrawn.body
    assert listed(client, act_as, ANNA) == []
    act_as(ANNA)
    assert client.get(f"/api/v1/volunteering/{call['id']}").status_code == 404
    mine = client.get("/api/v1/me/shifts").json_body["shifts"]
    assert [s["status"] for s in mine] == ["cancelled"]
    assert mails_to(outbox, "anna.scouts@example.lu")
    assert decided(client, act_as, call["id"], "withdraw").status_code == 409
    assert audit_log(LAU2).entries[0].action == "call_withdrawn"


def test_nobody_approves_the_calls_of_a_link_they_issued(client, act_as, pending_call):
    _token, call = pending_call
    refused = decided(client, act_as, call["id"], "approve", who=CLERK)
    assert refused.status_code == 403 and error_of(refused)["fields"] == {"call_id": "your own case"}
    assert decided(client, act_as, call["id"], "approve").status_code == 200


def test_reviews_belong_to_their_commune_and_bad_input_names_the_field(client, act_as, by_link, pending_call):
    _token, call = pending_call
    act_as(STAFF)
    other = client.post(f"/api/v1/communes/0512/call-reviews/{call['id']}", headers=JSON,
                        body=body({"decision": "approve"}))
    assert other.status_code == 404
    unknown = decided(client, act_as, "01HZZZZZZZZZZZZZZZZZZZZZZZ", "approve")
    assert unknown.status_code == 404 and error_of(unknown)["fields"] == {"call_id": "not found"}
    bad = decided(client, act_as, call["id"], "maybe")
    assert bad.status_code == 400 and "decision" in error_of(bad)["fields"]
    assert client.get(f"{REVIEWS}?status=lost").status_code == 400
    # A call published without approval has no review
    by_link()
    open_call = publish(client, link(publisher())).json_body
    assert open_call["status"] == "open"
    assert decided(client, act_as, open_call["id"], "approve").status_code == 404


def test_the_upgrade_step_queues_the_partners_calls_left_pending_before_the_queue(client, act_as, pending_call):
    from chalicelib.volunteering.approval import CallReviewItem, queue_pending_calls

    # Given a pending call saved before reviews existed
    _token, call = pending_call
    CallReviewItem(*CallReviewItem.key(call["id"])).delete()
    act_as(STAFF)
    assert client.get(REVIEWS).json_body["reviews"] == []
    # When the operator runs the upgrade step (twice: idempotent)
    assert queue_pending_calls(LAU2) == 1
    assert queue_pending_calls(LAU2) == 0
    # Then staff find it in the queue, with where it would reach, and decide it; its link's issuer may not
    queued = client.get(REVIEWS).json_body["reviews"]
    assert [(r["call_id"], r["target_names"]) for r in queued] == [(call["id"], ["Clervaux-Centre"])]
    assert decided(client, act_as, call["id"], "approve", who=CLERK).status_code == 403
    assert decided(client, act_as, call["id"], "approve").status_code == 200
