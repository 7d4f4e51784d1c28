"""Calls for volunteers by the commune's services and partners through their publisher link: targeted within the
link's scope (else 403), a partner's pending while its announcements wait for approval; the link's bearer organises
its publisher's calls (sign-ups with names, attendance); residents of the neighbourhoods reached sign up."""

import pytest

from chalicelib import policy
from chalicelib.publishers import service as publishers
from chalicelib.publishers.models import PublishingSettings
from tests.announcements.world import ANNA, CARLA, CENTRE_1, LAU2, N1, N2, as_link, build_commune, link, publisher
from tests.helpers import body, error_of
from tests.notifications.factories import make_resident
from tests.volunteering.test_calls import call_body, shift, soon, week
from chalicelib.adapters import clock

LINK_READER = policy.principal_for


@pytest.fixture
def by_link(monkeypatch):
    """After act_as: requests carry their publisher link again."""
    return lambda: monkeypatch.setattr(policy, "principal_for", LINK_READER)


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def publish(client, token, **fields):
    payload = {**call_body(title="Flea market: the association needs you", shifts=[shift("Set-up", 2, 2, 2),
                                                                                   shift("Stall", 4, 4, 2)]),
               "target": {"kind": "commune"}, **fields}
    return client.post("/api/v1/publish/volunteering", headers=as_link(token), body=body(payload))


def test_an_association_publishes_a_call_residents_sign_up_and_the_link_confirms_attendance(client, act_as, by_link):
    token = link(publisher())
    made = publish(client, token)
    assert made.status_code == 201, made.body
    call = made.json_body
    assert (call["publisher_name"], call["organisers"], call["status"], sorted(call["reaches"])) == \
        ("Service technique", [], "open", [N1, N2])
    assert week(f"{LAU2}-commune")["calls"] == 1
    make_resident("U-ANNA", nbh=N1)
    for who in (ANNA, CARLA):
        act_as(who)
        listed = client.get(f"/api/v1/neighbourhoods/{who.neighbourhood_id}/volunteering").json_body["calls"]
        assert [(c["id"], c["nearby"], c["publisher_name"]) for c in listed] == [(call["id"], True, "Service technique")]
        assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up").status_code == 201
        # a resident is not its organiser
        assert client.get(f"/api/v1/volunteering/{call['id']}/sign-ups").status_code == 403
    by_link()
    seen = client.get(f"/api/v1/publish/volunteering/{call['id']}/sign-ups", headers=as_link(token)).json_body
    assert [v["user_id"] for v in seen["shifts"][0]["volunteers"]] == ["U-ANNA", "U-CARLA"]
    assert seen["shifts"][0]["volunteers"][0]["name"] == "Anna"
    assert [c["id"] for c in client.get("/api/v1/publish/volunteering", headers=as_link(token)).json_body["calls"]] == \
        [call["id"]]
    with clock.still_at(soon(4.5)):
        done = client.post(f"/api/v1/publish/volunteering/{call['id']}/shifts/01/attendance", headers=as_link(token),
                           body=body({"people": [{"user_id": "U-ANNA", "came": True, "hours": 2},
                                                 {"user_id": "U-CARLA", "came": True, "hours": 1.5}]}))
        assert done.status_code == 200, done.body
    # Each counted in the volunteer's own neighbourhood
    assert (week(N1, soon(2))["volunteer_actions"], week(N1, soon(2))["volunteer_hours"]) == (1, 2.0)
    assert (week(N2, soon(2))["volunteer_actions"], week(N2, soon(2))["volunteer_hours"]) == (1, 1.5)
    act_as(ANNA)
    record = client.get("/api/v1/me/volunteering/record").json_body
    assert [(e["organiser"], e["hours"]) for e in record["entries"]] == [("Service technique", 2.0)]


def test_a_link_outside_its_scope_is_refused_403(client, act_as, by_link):
    pid = publisher()
    narrow = link(pid, neighbourhoods=[N1])
    refused = publish(client, narrow)
    assert refused.status_code == 403 and error_of(refused)["fields"] == {"target": "outside this link's neighbourhoods"}
    refused = publish(client, narrow, target={"kind": "neighbourhoods", "neighbourhoods": [N2]})
    assert refused.status_code == 403
    circle = publish(client, narrow, target={"kind": "circle", "circle": {"lat": CENTRE_1[0], "lon": CENTRE_1[1],
                                                                          "radius_m": 100}})
    assert circle.status_code == 201 and circle.json_body["reaches"] == [N1]
    # A commune-wide call of the same publisher: a link limited to N1 may not organise it
    wide = publish(client, link(pid)).json_body
    outside = client.get(f"/api/v1/publish/volunteering/{wide['id']}/sign-ups", headers=as_link(narrow))
    assert outside.status_code == 403 and error_of(outside)["fields"] == {"call_id": "outside this link's scope"}
    # Another publisher's link: it does not exist for it
    other = link(publisher(kind="partner", name="Scouts"))
    assert client.get(f"/api/v1/publish/volunteering/{wide['id']}/sign-ups", headers=as_link(other)).status_code == 404
    # A link that may not publish events publishes no calls
    news_only = link(pid, categories=["information"])
    assert publish(client, news_only).status_code == 403


def test_a_partners_call_waits_for_approval_when_its_announcements_do(client, act_as, by_link):
    partner = publisher(kind="partner", name="Scouts")
    pending = publish(client, link(partner))
    assert pending.status_code == 201 and pending.json_body["status"] == "pending"
    act_as(ANNA)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body["calls"] == []
    assert client.get(f"/api/v1/volunteering/{pending.json_body['id']}").status_code == 404
    assert client.post(f"/api/v1/volunteering/{pending.json_body['id']}/shifts/01/sign-up").status_code == 404
    publishers.set_publishing_settings(LAU2, PublishingSettings(partner_approval=False))
    by_link()
    assert publish(client, link(partner)).json_body["status"] == "open"


def test_bad_publisher_calls_name_the_field(client, by_link):
    token = link(publisher())
    refused = publish(client, token, target={"kind": "neighbourhoods"})
    assert refused.status_code == 400 and "target" in error_of(refused)["fields"]
    refused = publish(client, token, shifts=[{"role": "Stall", "start": "2030-01-01T10:00", "end": "2030-01-01T10:00",
                                              "needed": 1}])
    assert refused.status_code == 400 and "shifts.0.end" in error_of(refused)["fields"]


def test_the_link_cancels_and_moves_its_calls_shifts_and_volunteers_are_told(client, act_as, by_link, outbox):
    from tests.notifications.factories import mails_to
    from tests.volunteering.test_calls import local

    token = link(publisher())
    call = publish(client, token).json_body
    make_resident("U-ANNA", nbh=N1, email_address="anna.volunteer@example.lu")
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up").status_code == 201
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/cancel").status_code == 403  # not hers
    by_link()
    moved = client.post(f"/api/v1/publish/volunteering/{call['id']}/shifts/01/move", headers=as_link(token),
                        body=body({"start": local(soon(30)), "end": local(soon(32))}))
    assert moved.status_code == 200 and moved.json_body["shifts"][0]["moved"] is True
    cancelled = client.post(f"/api/v1/publish/volunteering/{call['id']}/cancel", headers=as_link(token))
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    assert [m["Subject"] for m in mails_to(outbox, "anna.volunteer@example.lu")] == [
        "Shift moved: Flea market: the association needs you", "Shift cancelled: Flea market: the association needs you"]
    act_as(ANNA)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body["calls"] == []


def listed_counts(client, token):
    return [(c["title"], c["shifts"], c["needed"], c["taken"])
            for c in client.get("/api/v1/publish/volunteering", headers=as_link(token)).json_body["calls"]]


def test_the_links_list_counts_who_signed_up_and_withdrew_in_one_query(client, act_as, by_link):
    from chalicelib.store.calls import count_dynamodb_calls

    # Given two calls of the publisher, 4 and 3 people needed
    token = link(publisher())
    first = publish(client, token).json_body
    second = publish(client, token, title="Repair café", shifts=[shift("Repairs", 6, 2, 3)]).json_body
    make_resident("U-ANNA", nbh=N1)
    # When Anna and Carla sign up for the first call's shifts, then Anna withdraws from one
    for who, shift_id in ((ANNA, "01"), (CARLA, "01"), (ANNA, "02")):
        act_as(who)
        assert client.post(f"/api/v1/volunteering/{first['id']}/shifts/{shift_id}/sign-up").status_code == 201
    act_as(CARLA)
    assert client.post(f"/api/v1/volunteering/{second['id']}/shifts/01/sign-up").status_code == 201
    by_link()
    assert listed_counts(client, token) == [("Repair café", 1, 3, 1),
                                            ("Flea market: the association needs you", 2, 4, 3)]
    act_as(ANNA)
    assert client.delete(f"/api/v1/volunteering/{first['id']}/shifts/01/sign-up").status_code == 204
    # Then the link's list follows, reading the link with its publisher, then the calls' items alone (one Query,
    # whatever the number of calls)
    by_link()
    with count_dynamodb_calls() as calls:
        listed = client.get("/api/v1/publish/volunteering", headers=as_link(token)).json_body["calls"]
    assert dict(calls) == {"BatchGetItem": 1, "Query": 1}
    assert [(c["id"], c["taken"], c["needed"], c["status"]) for c in listed] == [
        (second["id"], 1, 3, "open"), (first["id"], 2, 4, "open")]
    # A cancelled call keeps its counts (shown struck out), as its sign-ups stay on the organiser's view
    assert client.post(f"/api/v1/publish/volunteering/{first['id']}/cancel", headers=as_link(token)).status_code == 200
    assert listed_counts(client, token)[1] == ("Flea market: the association needs you", 2, 4, 2)


def test_calls_written_before_get_their_count_of_sign_ups_once(client, act_as, by_link):
    from chalicelib.volunteering.models import CallItem
    from chalicelib.volunteering.service import count_sign_ups

    token = link(publisher())
    call = publish(client, token).json_body
    make_resident("U-ANNA", nbh=N1)
    for who in (ANNA, CARLA):
        act_as(who)
        assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up").status_code == 201
    # Given a call stored before calls counted their sign-ups
    CallItem(*CallItem.key(call["id"])).update(actions=[CallItem.taken.remove()])
    by_link()
    assert listed_counts(client, token)[0][3] == 0
    # When the upgrade step runs (twice)
    assert count_sign_ups() >= 1
    assert count_sign_ups() == 0
    # Then the list counts its people, and sign-ups go on from there
    assert listed_counts(client, token)[0][3] == 2


def test_an_erased_volunteer_leaves_the_count_once(client, act_as, by_link):
    from chalicelib.volunteering.your_data import erase_volunteering

    token = link(publisher())
    call = publish(client, token).json_body
    make_resident("U-ANNA", nbh=N1)
    for who in (ANNA, CARLA):
        act_as(who)
        assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up").status_code == 201
    erase_volunteering("U-ANNA", "anonymise")
    erase_volunteering("U-ANNA", "anonymise")  # again: she is in no shift any more, nothing is counted twice
    by_link()
    assert listed_counts(client, token)[0][3] == 1
