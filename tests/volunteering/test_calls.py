"""Calls for volunteers (issue #12): a verified resident publishes a call with roles and shifts in their
neighbourhood; neighbours read it and its list, sign up and withdraw; the organiser sees who signed up, cancels or
moves a shift (volunteers emailed), confirms who came after the shift (counted once in the weekly counters).
Through the API on DynamoDB Local."""

import threading
from datetime import datetime, timedelta

import pytest
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters import clock
from chalicelib.adapters.aws import unavailable
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.errors import Refused
from chalicelib.events.recurrence import to_local
from chalicelib.policy import Principal
from chalicelib.volunteering import signups as signups_module
from chalicelib.volunteering.models import CallItem, ShiftItem
from tests.announcements.world import ANNA, BEN, CARLA, N1, N2, PENDING, build_commune, resident
from tests.helpers import JSON, STAFF, body, error_of
from tests.notifications.factories import mails_to, make_resident

ZONE = "Europe/Luxembourg"


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def local(moment: datetime) -> str:
    return to_local(moment, ZONE).replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")


def soon(hours: float) -> datetime:
    return (clock.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def shift(role="Stall", start=2.0, length=2.0, needed=2):
    return {"role": role, "start": local(soon(start)), "end": local(soon(start + length)), "needed": needed}


def call_body(**fields):
    return {"title": "Flea market volunteers", "what": "Set up, hold the stall, clean up", "why": "For the school",
            "place": "Place du Marché", "skills": ["event_setup", "cleaning"], "min_age_note": "16 and over",
            "pairing": "none", "shifts": [shift("Set-up", 2, 2, 2), shift("Stall", 4, 4, 3), shift("Clean-up", 8, 2, 2)],
            **fields}


def publish(client, act_as, who=ANNA, nbh=N1, **fields):
    act_as(who)
    return client.post(f"/api/v1/neighbourhoods/{nbh}/volunteering", headers=JSON, body=body(call_body(**fields)))


def published(client, act_as, who=ANNA, **fields):
    response = publish(client, act_as, who, **fields)
    assert response.status_code == 201, response.body
    return response.json_body


def sign_up(client, call_id, shift_id):
    return client.post(f"/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up")


def week(nbh, moment=None):
    try:
        item = WeekStatsItem.get(*WeekStatsItem.key(nbh, iso_week(moment)), consistent_read=True)
    except DoesNotExist:
        return {"calls": 0, "volunteer_actions": 0, "volunteer_hours": 0, "shifts_filled": 0}
    return {"calls": int(item.calls or 0), "volunteer_actions": int(item.volunteer_actions or 0),
            "volunteer_hours": float(item.volunteer_hours or 0), "shifts_filled": int(item.shifts_filled or 0)}


def test_a_resident_publishes_a_call_with_shifts_and_only_neighbours_read_it(client, act_as):
    call = published(client, act_as)
    assert (call["status"], call["mine"], call["organisers"], call["contact"]) == ("open", True, ["U-ANNA"], "U-ANNA")
    assert [s["role"] for s in call["shifts"]] == ["Set-up", "Stall", "Clean-up"]
    assert [s["shift_id"] for s in call["shifts"]] == ["01", "02", "03"]
    assert call["shifts"][0]["start"].endswith(("+01:00", "+02:00")) and call["skills"] == ["event_setup", "cleaning"]
    stored = ShiftItem.get(*ShiftItem.key(call["id"], "01"))
    assert stored.starts_at.tzinfo is not None and stored.zone == ZONE
    assert week(N1)["calls"] == 1
    act_as(BEN)
    seen = client.get(f"/api/v1/volunteering/{call['id']}").json_body
    assert seen["mine"] is False and [s["mine"] for s in seen["shifts"]] == ["can_sign_up"] * 3
    listed = client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body
    assert [(c["id"], c["shifts"], c["needed"], c["nearby"]) for c in listed["calls"]] == [(call["id"], 3, 7, False)]
    # Another neighbourhood's resident, a pending one, staff: it does not exist
    for stranger in (CARLA, PENDING, STAFF):
        act_as(stranger)
        missing = client.get(f"/api/v1/volunteering/{call['id']}")
        assert missing.status_code == 404 and error_of(missing)["fields"] == {"call_id": "not found"}
        assert sign_up(client, call["id"], "01").status_code == 404
    act_as(CARLA)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{N2}/volunteering").json_body["calls"] == []


@pytest.mark.parametrize("fields, field", [
    ({"shifts": [{"role": "Stall", "start": "2030-05-16T10:00", "end": "2030-05-16T09:00", "needed": 2}]}, "shifts.0.end"),
    ({"shifts": [{"role": "Stall", "start": "2030-05-16T10:00", "end": "2030-05-16T12:00", "needed": 0}]}, "shifts.0.needed"),
    ({"shifts": [{"role": "Stall", "start": "2030-05-16T10:00", "end": "2030-05-16T12:00", "needed": 101}]}, "shifts.0.needed"),
    ({"shifts": []}, "shifts"),
    ({"skills": ["juggling"]}, "skills.0"),
    ({"pairing": "pen_pals"}, "pairing"),
    ({"title": "   "}, "title"),
])
def test_bad_calls_are_refused_naming_the_field(client, act_as, fields, field):
    refused = publish(client, act_as, **fields)
    assert refused.status_code == 400, refused.body
    assert field in error_of(refused)["fields"], error_of(refused)


def test_more_than_fifty_shifts_or_a_shift_in_the_past_are_refused(client, act_as):
    refused = publish(client, act_as, shifts=[shift(start=2 + i) for i in range(51)])
    assert refused.status_code == 400 and "shifts" in error_of(refused)["fields"]
    refused = publish(client, act_as, shifts=[shift(), shift(start=-3)])
    assert refused.status_code == 400 and error_of(refused)["fields"] == {"shifts.1.start": "in the past"}
    assert publish(client, act_as, shifts=[shift(start=2 + i, length=0.5) for i in range(50)]).status_code == 201


def test_a_call_names_an_event_of_its_own_neighbourhood_only(client, act_as):
    act_as(CARLA)
    year = clock.now().year + 1
    event = client.post(f"/api/v1/neighbourhoods/{N2}/events", headers=JSON, body=body({
        "title": "Reuler fair", "category": "flea_market", "start": f"{year}-05-16T09:00",
        "end": f"{year}-05-16T17:00"})).json_body
    refused = publish(client, act_as, event_id=event["id"])
    assert refused.status_code == 404 and error_of(refused)["fields"] == {"event_id": "not found"}
    act_as(ANNA)
    own = client.post(f"/api/v1/neighbourhoods/{N1}/events", headers=JSON, body=body({
        "title": "Centre fair", "category": "flea_market", "start": f"{year}-05-16T09:00",
        "end": f"{year}-05-16T17:00"})).json_body
    call = published(client, act_as, event_id=own["id"])
    assert call["event_id"] == own["id"]
    # The event's page lists its open call ("Volunteers wanted"), until the call is cancelled
    act_as(BEN)
    shown = client.get(f"/api/v1/events/{own['id']}").json_body["volunteer_calls"]
    assert shown == [{"id": call["id"], "title": "Flea market volunteers"}]
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{call['id']}/cancel").status_code == 200
    assert client.get(f"/api/v1/events/{own['id']}").json_body["volunteer_calls"] == []


def test_signing_up_and_withdrawing_with_the_reasons_for_a_refusal(client, act_as):
    call = published(client, act_as, shifts=[shift("Set-up", 2, 2, 1), shift("Stall", 3, 2, 2), shift("Late", 6, 1, 2)])
    make_resident("U-CAT", nbh=N1)
    act_as(BEN)
    done = sign_up(client, call["id"], "02")
    assert done.status_code == 201 and done.json_body["status"] == "coming" and done.json_body["role"] == "Stall"
    again = sign_up(client, call["id"], "02")
    assert again.status_code == 409 and error_of(again)["code"] == "already_signed_up"
    assert error_of(again)["fields"] == {"shift_id": "signed up already"}
    # 01 (2–4) overlaps 02 (3–5): the call's page says so, signing up says why
    seen = client.get(f"/api/v1/volunteering/{call['id']}").json_body
    assert [s["mine"] for s in seen["shifts"]] == ["clash", "signed_up", "can_sign_up"]
    clash = sign_up(client, call["id"], "01")
    assert clash.status_code == 409 and error_of(clash)["code"] == "shift_clash"
    act_as(resident("U-CAT"))
    assert sign_up(client, call["id"], "01").status_code == 201
    act_as(resident("U-DAN"))
    full = sign_up(client, call["id"], "01")
    assert full.status_code == 409 and error_of(full)["code"] == "shift_full" and error_of(full)["fields"] == {"shift_id": "full"}
    assert client.get(f"/api/v1/volunteering/{call['id']}").json_body["shifts"][0]["mine"] == "full"
    # Withdrawing frees the place, until the shift starts
    act_as(BEN)
    assert client.delete(f"/api/v1/volunteering/{call['id']}/shifts/02/sign-up").status_code == 204
    assert client.get(f"/api/v1/volunteering/{call['id']}").json_body["shifts"][1]["taken"] == 0
    missing = client.delete(f"/api/v1/volunteering/{call['id']}/shifts/02/sign-up")
    assert missing.status_code == 404 and error_of(missing)["fields"] == {"shift_id": "not signed up"}
    act_as(resident("U-CAT"))
    with clock.still_at(soon(2.5)):
        late = client.delete(f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up")
        assert late.status_code == 409 and error_of(late)["code"] == "shift_started"
    act_as(BEN)
    with clock.still_at(soon(3.5)):
        started = sign_up(client, call["id"], "02")
        assert started.status_code == 409 and error_of(started)["code"] == "shift_started"
    with clock.still_at(soon(5.5)):
        ended = sign_up(client, call["id"], "02")
        assert ended.status_code == 409 and error_of(ended)["code"] == "shift_ended"
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/03/cancel").status_code == 200
    act_as(BEN)
    cancelled = sign_up(client, call["id"], "03")
    assert cancelled.status_code == 409 and error_of(cancelled)["code"] == "shift_cancelled"


def test_a_sign_up_sent_again_with_its_idempotency_key_answers_the_same(client, act_as):
    call = published(client, act_as, shifts=[shift("Stall", 2, 2, 1)])
    act_as(BEN)
    url = f"/api/v1/volunteering/{call['id']}/shifts/01/sign-up"
    first = client.post(url, headers={"Idempotency-Key": "sign-up-ben-0001"})
    again = client.post(url, headers={"Idempotency-Key": "sign-up-ben-0001"})
    assert (first.status_code, again.status_code) == (201, 201) and first.json_body == again.json_body
    twice = client.post(url, headers={"Idempotency-Key": "sign-up-ben-0002"})
    assert twice.status_code == 409 and error_of(twice)["code"] == "already_signed_up"
    assert ShiftItem.get(*ShiftItem.key(call["id"], "01"), consistent_read=True).people == {"U-BEN"}


def test_a_shift_of_another_call_that_overlaps_is_a_clash(client, act_as):
    first = published(client, act_as, shifts=[shift("Stall", 2, 2, 2)])
    second = published(client, act_as, title="Shopping round", shifts=[shift("Shopping", 3, 2, 2)])
    act_as(BEN)
    assert sign_up(client, first["id"], "01").status_code == 201
    clash = sign_up(client, second["id"], "01")
    assert clash.status_code == 409 and error_of(clash)["code"] == "shift_clash"
    assert error_of(clash)["fields"] == {"shift_id": "clashes with another shift of yours"}


def test_forty_simultaneous_sign_ups_for_twelve_places_make_exactly_twelve(client, act_as):
    call = published(client, act_as, shifts=[shift("Clean-up", 2, 3, 12)])
    neighbours = [resident(f"U-n{index:02d}") for index in range(40)]
    barrier, results, refusals = threading.Barrier(len(neighbours)), {}, {}

    def sign(who):
        barrier.wait()
        for _ in range(10):  # as the web app does after a 503: DynamoDB Local on a busy machine can be slow
            try:
                results[who.user_id] = signups_module.sign_up(who, call["id"], "01")
                return
            except Refused as refusal:
                refusals[who.user_id] = refusal.code
                return
            except Exception as error:  # noqa: BLE001
                if not unavailable(error):
                    raise

    threads = [threading.Thread(target=sign, args=(who,)) for who in neighbours]
    [t.start() for t in threads], [t.join() for t in threads]

    assert len(results) == 12 and set(refusals.values()) == {"shift_full"} and len(refusals) == 28
    stored = ShiftItem.get(*ShiftItem.key(call["id"], "01"), consistent_read=True)
    assert stored.people == set(results)
    act_as(ANNA)
    listed = client.get(f"/api/v1/volunteering/{call['id']}/sign-ups").json_body["shifts"][0]["volunteers"]
    assert sorted(v["user_id"] for v in listed) == sorted(results)
    assert week(N1, to_local(stored.starts_at, ZONE))["shifts_filled"] == 1


def test_simultaneous_sign_ups_of_one_person_to_overlapping_shifts_make_one_others_unaffected(client, act_as):
    """The clash is checked in the database (the person's sign-up ledger): of two overlapping sign-ups of one person
    sent at once, exactly one commits; eight people doing so at the same instant each get one shift."""
    first = published(client, act_as, shifts=[shift("Stall", 2, 2, 8)])
    second = published(client, act_as, title="Shopping round", shifts=[shift("Shopping", 3, 2, 8)])
    people = [resident(f"U-c{index:02d}") for index in range(8)]
    attempts = [(who, call["id"]) for who in people for call in (first, second)]
    barrier, results, refusals, lock = threading.Barrier(len(attempts)), {}, {}, threading.Lock()

    def sign(who, call_id):
        barrier.wait()
        for _ in range(10):  # as the web app does after a 503: DynamoDB Local on a busy machine can be slow
            try:
                signups_module.sign_up(who, call_id, "01")
                with lock:
                    results.setdefault(who.user_id, []).append(call_id)
                return
            except Refused as refusal:
                with lock:
                    refusals.setdefault(who.user_id, []).append(refusal.code)
                return
            except Exception as error:  # noqa: BLE001
                if not unavailable(error):
                    raise

    threads = [threading.Thread(target=sign, args=attempt) for attempt in attempts]
    [t.start() for t in threads], [t.join() for t in threads]

    assert {who: len(calls) for who, calls in results.items()} == {who.user_id: 1 for who in people}
    assert refusals == {who.user_id: ["shift_clash"] for who in people}
    taken = [ShiftItem.get(*ShiftItem.key(call["id"], "01"), consistent_read=True).people or set()
             for call in (first, second)]
    assert not taken[0] & taken[1] and taken[0] | taken[1] == {who.user_id for who in people}
    # Withdrawing frees the person's time: the other shift is theirs to take now
    someone = people[0]
    mine, other = results[someone.user_id][0], ({first["id"], second["id"]} - set(results[someone.user_id])).pop()
    act_as(someone)
    assert client.delete(f"/api/v1/volunteering/{mine}/shifts/01/sign-up").status_code == 204
    assert sign_up(client, other, "01").status_code == 201
    # A shift cancelled leaves the volunteers' ledgers: no clash with it any more
    act_as(ANNA)
    assert client.post(f"/api/v1/volunteering/{other}/shifts/01/cancel").status_code == 200
    act_as(someone)
    assert sign_up(client, mine, "01").status_code == 201


def test_the_organiser_sees_names_and_confirms_who_came_counted_once_even_when_retried(client, act_as):
    make_resident("U-BEN", nbh=N1)
    make_resident("U-CARL", nbh=N1)
    call = published(client, act_as, shifts=[shift("Stall", 2, 3, 3)])
    for who in (BEN, resident("U-CARL")):
        act_as(who)
        assert sign_up(client, call["id"], "01").status_code == 201
    act_as(BEN)
    assert client.get(f"/api/v1/volunteering/{call['id']}/sign-ups").status_code == 403
    act_as(ANNA)
    names = client.get(f"/api/v1/volunteering/{call['id']}/sign-ups").json_body["shifts"][0]["volunteers"]
    assert [(v["user_id"], v["name"], v["attendance"]) for v in names] == [("U-BEN", "Ben", None), ("U-CARL", "Carl", None)]
    url = f"/api/v1/volunteering/{call['id']}/shifts/01/attendance"
    confirm = {"people": [{"user_id": "U-BEN", "came": True, "hours": 2.5}, {"user_id": "U-CARL", "came": False}]}
    early = client.post(url, headers=JSON, body=body(confirm))
    assert early.status_code == 409 and error_of(early)["code"] == "shift_not_ended"
    after = soon(5.5)
    with clock.still_at(after):
        stranger = client.post(url, headers=JSON, body=body({"people": [{"user_id": "U-CARLA", "came": True, "hours": 1}]}))
        assert stranger.status_code == 400 and error_of(stranger)["fields"] == {"people.0.user_id": "did not sign up for this shift"}
        bad = client.post(url, headers=JSON, body=body({"people": [{"user_id": "U-BEN", "came": True, "hours": 30}]}))
        assert bad.status_code == 400 and "people.0.hours" in error_of(bad)["fields"]
        no_hours = client.post(url, headers=JSON, body=body({"people": [{"user_id": "U-BEN", "came": True}]}))
        assert no_hours.status_code == 400 and "people.0.hours" in error_of(no_hours)["fields"]
        for _ in range(3):  # the request retried: counted once
            done = client.post(url, headers=JSON, body=body(confirm))
            assert done.status_code == 200, done.body
        changed = client.post(url, headers=JSON, body=body({"people": [{"user_id": "U-BEN", "came": True, "hours": 4}]}))
        assert changed.status_code == 409 and error_of(changed)["fields"] == {"people.0.user_id": "confirmed already"}
        shown = done.json_body["shifts"][0]["volunteers"]
        assert [(v["attendance"], v["hours"]) for v in shown] == [("came", 2.5), ("absent", None)]
        counted = week(N1, to_local(soon(2), ZONE))
        assert (counted["volunteer_actions"], counted["volunteer_hours"]) == (1, 2.5)
        # The volunteer's shifts and record; the no-show is not told
        act_as(BEN)
        mine = client.get("/api/v1/me/shifts").json_body["shifts"]
        assert [(s["status"], s["hours"]) for s in mine] == [("confirmed", 2.5)]
        record = client.get("/api/v1/me/volunteering/record").json_body
        assert (record["name"], record["total_hours"], record["total_actions"]) == ("Ben", 2.5, 1)
        assert [(e["title"], e["role"], e["hours"]) for e in record["entries"]] == [("Flea market volunteers", "Stall", 2.5)]
        assert record["activities"][0]["actions"] == 1
        act_as(resident("U-CARL"))
        assert [s["status"] for s in client.get("/api/v1/me/shifts").json_body["shifts"]] == ["ended"]
        assert client.get("/api/v1/me/volunteering/record").json_body["entries"] == []


def test_cancelling_or_moving_a_shift_emails_its_volunteers(client, act_as, outbox):
    # an address of its own: the outbox is the session's, other tests email ben@example.lu
    make_resident("U-BEN", nbh=N1, email_address="ben.shifts@example.lu")
    call = published(client, act_as, shifts=[shift("Stall", 3, 2, 2), shift("Clean-up", 6, 1, 2)])
    act_as(BEN)
    assert sign_up(client, call["id"], "01").status_code == 201
    assert sign_up(client, call["id"], "02").status_code == 201
    act_as(BEN)
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/cancel").status_code == 403
    act_as(ANNA)
    moved = client.post(f"/api/v1/volunteering/{call['id']}/shifts/01/move", headers=JSON,
                        body=body({"start": local(soon(26)), "end": local(soon(28))}))
    assert moved.status_code == 200 and moved.json_body["shifts"][0]["moved"] is True
    assert client.post(f"/api/v1/volunteering/{call['id']}/shifts/02/cancel").status_code == 200
    subjects = [m["Subject"] for m in mails_to(outbox, "ben.shifts@example.lu")]
    assert subjects == ["Shift moved: Flea market volunteers", "Shift cancelled: Flea market volunteers"]
    act_as(BEN)
    mine = client.get("/api/v1/me/shifts").json_body["shifts"]
    assert [(s["shift_id"], s["status"]) for s in mine] == [("02", "cancelled"), ("01", "coming")]
    assert mine[1]["start"].startswith(local(soon(26)))


def test_comments_and_reports_work_on_a_call_through_the_kernel(client, act_as):
    call = published(client, act_as)
    act_as(BEN)
    said = client.post(f"/api/v1/volunteering/{call['id']}/comments", headers=JSON, body=body({"text": "I can bring a table"}))
    assert said.status_code == 201, said.body
    assert [c["text"] for c in client.get(f"/api/v1/volunteering/{call['id']}/comments").json_body["comments"]] == \
        ["I can bring a table"]
    assert client.get(f"/api/v1/volunteering/{call['id']}").json_body["comment_count"] == 1
    reported = client.post(f"/api/v1/volunteering/{call['id']}/reports", headers=JSON, body=body({"reason": "spam"}))
    assert reported.status_code == 201, reported.body
    act_as(CARLA)
    assert client.get(f"/api/v1/volunteering/{call['id']}/comments").status_code == 404
    # The neighbourhood's moderator hides it: then only its organiser sees it, in the list too
    act_as(Principal(user_id="U-amb", lau2="0501", neighbourhood_id=N1, residence_status="verified",
                     ambassador_of=frozenset({N1})))
    queue = client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]
    assert [(t["target_type"], t["call_id"]) for t in queue] == [("call", call["id"])]
    decided = client.post(f"/api/v1/neighbourhoods/{N1}/reports/call/{call['id']}", headers=JSON,
                          body=body({"action": "hide", "reason": "spam"}))
    assert decided.status_code == 200, decided.body
    act_as(BEN)
    assert client.get(f"/api/v1/volunteering/{call['id']}").status_code == 404
    assert client.get(f"/api/v1/volunteering/{call['id']}/comments").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body["calls"] == []
    act_as(ANNA)
    assert client.get(f"/api/v1/volunteering/{call['id']}").json_body["hidden"] is True
    assert [c["mine"] for c in client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body["calls"]] == [True]


def test_moving_a_shift_is_checked_as_creating_one(client, act_as):
    call = published(client, act_as)
    url = f"/api/v1/volunteering/{call['id']}/shifts/01/move"
    backwards = client.post(url, headers=JSON, body=body({"start": local(soon(5)), "end": local(soon(4))}))
    assert backwards.status_code == 400 and "end" in error_of(backwards)["fields"]
    past = client.post(url, headers=JSON, body=body({"start": local(soon(-5)), "end": local(soon(-4))}))
    assert past.status_code == 400 and error_of(past)["fields"] == {"start": "in the past"}
    missing = client.post(f"/api/v1/volunteering/{call['id']}/shifts/09/move", headers=JSON,
                          body=body({"start": local(soon(5)), "end": local(soon(6))}))
    assert missing.status_code == 404 and error_of(missing)["fields"] == {"shift_id": "not one of its shifts"}


def test_cancelling_a_call_takes_it_off_the_list(client, act_as):
    call = published(client, act_as)
    assert client.post(f"/api/v1/volunteering/{call['id']}/cancel").json_body["status"] == "cancelled"
    again = client.post(f"/api/v1/volunteering/{call['id']}/cancel")
    assert again.status_code == 409
    act_as(BEN)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/volunteering").json_body["calls"] == []
    assert [s["mine"] for s in client.get(f"/api/v1/volunteering/{call['id']}").json_body["shifts"]] == ["cancelled"] * 3
    assert CallItem.get(*CallItem.key(call["id"])).listed_sk is None


def test_my_calls_lists_what_i_organise_newest_first_with_its_stage(client, act_as):
    organiser = resident("U-ORGANISER-CALLS")
    first = published(client, act_as, who=organiser, title="Leaf raking", shifts=[shift("Rake", 1, 2, 2)])
    second = published(client, act_as, who=organiser, title="Reading afternoon", shifts=[shift("Read", 30, 2, 1)])
    act_as(organiser)
    mine = client.get("/api/v1/me/calls")
    assert mine.status_code == 200
    assert [(c["id"], c["title"], c["stage"], c["status"]) for c in mine.json_body["calls"]] == [
        (second["id"], "Reading afternoon", "coming", "open"), (first["id"], "Leaf raking", "coming", "open")]
    with clock.still_at(soon(2)):  # the raking has begun: confirm who came once it ends
        assert [c["stage"] for c in client.get("/api/v1/me/calls").json_body["calls"]] == ["coming", "under_way"]
    with clock.still_at(soon(4)):  # over: no longer in the neighbourhood's open calls, still in mine
        assert [c["stage"] for c in client.get("/api/v1/me/calls").json_body["calls"]] == ["coming", "over"]
    act_as(BEN)  # a neighbour's calls are not mine; their sign-ups are counted on them
    assert sign_up(client, second["id"], "01").status_code == 201
    assert all(c["id"] not in (first["id"], second["id"]) for c in client.get("/api/v1/me/calls").json_body["calls"])
    act_as(organiser)
    assert [(c["taken"], c["needed"]) for c in client.get("/api/v1/me/calls").json_body["calls"]] == [(1, 1), (0, 2)]
    act_as(PENDING)
    assert client.get("/api/v1/me/calls").json_body == {"calls": []}
