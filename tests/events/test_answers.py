"""Answers to an event: going / maybe / not going with extra people, per occurrence; a capacity never passed
under simultaneous answers, a waiting list in arrival order, a freed place to the first in line (told by email);
organisers see names, residents counts; past or cancelled: 409; counted in the week."""

import threading
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from chalicelib.adapters.aws import unavailable
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.events import answers as answers_module
from chalicelib.events.models import AnswerRequest, OccurrenceAnswersItem
from chalicelib.events.recurrence import to_local
from tests.api.test_posts import make_user, resident
from tests.events.test_events import ANNA, BEN, ELSEWHERE, N1, NEXT_YEAR, organised
from tests.events.test_recurrence import WALK
from tests.helpers import JSON, body, error_of
from tests.notifications.factories import mails_to


def answer(client, event_id, occurrence, kind="going", extra=0):
    return client.put(f"/api/v1/events/{event_id}/occurrences/{occurrence}/answer", headers=JSON,
                      body=body({"answer": kind, "extra": extra}))


def answers(client, event_id, occurrence):
    response = client.get(f"/api/v1/events/{event_id}/occurrences/{occurrence}/answers")
    assert response.status_code == 200, response.body
    return response.json_body


def test_thirty_simultaneous_answers_for_ten_places_make_ten_going_and_twenty_waiting_in_order(client, act_as):
    event = organised(client, act_as, capacity=10)
    occurrence = event["occurrence_id"]
    neighbours = [resident(f"U-n{index:02d}", nbh=N1) for index in range(30)]
    barrier, results = threading.Barrier(len(neighbours)), {}

    def answer_going(who):
        barrier.wait()
        for _ in range(10):  # as the web app does after a 503: DynamoDB Local on a busy machine can be slow to answer
            try:
                results[who.user_id] = answers_module.answer(who, event["id"], occurrence,
                                                             AnswerRequest(answer="going"))
                return
            except Exception as error:  # noqa: BLE001
                if not unavailable(error):
                    raise

    threads = [threading.Thread(target=answer_going, args=(who,)) for who in neighbours]
    [t.start() for t in threads], [t.join() for t in threads]

    assert len(results) == 30
    stored = OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(event["id"], occurrence), consistent_read=True)
    states = [entry["state"] for entry in stored.answers.values()]
    assert (states.count("going"), states.count("waiting")) == (10, 20)
    assert (int(stored.going), int(stored.waiting)) == (10, 20) and int(stored.version) >= 30
    # The waiting list is in the order the answers landed, each told their turn
    waiting_since = [stored.answers[user]["at"] for user in stored.queue]
    assert len(stored.queue) == 20 and waiting_since == sorted(waiting_since)
    act_as(neighbours[0])
    counts = answers(client, event["id"], occurrence)
    assert (counts["going"], counts["waiting"], counts["places_left"]) == (10, 20, 0)
    for place, user in enumerate(stored.queue, start=1):
        act_as(resident(user, nbh=N1))
        assert answers(client, event["id"], occurrence)["mine"]["position"] == place


def test_a_freed_place_is_held_for_the_first_in_line_who_is_told_by_email_and_confirms(client, act_as, outbox):
    event = organised(client, act_as, capacity=3)
    occurrence = event["occurrence_id"]
    carla, dan, eve = resident("U-carla", nbh=N1), resident("U-dan", nbh=N1), resident("U-eve", nbh=N1)
    for who, address in ((BEN, "ben"), (carla, "carla"), (dan, "dan"), (eve, "eve")):
        make_user(who, f"{address}@example.org", None)
    act_as(BEN)
    assert answer(client, event["id"], occurrence, extra=1).json_body["mine"]["state"] == "going"  # 2 places
    act_as(carla)
    assert answer(client, event["id"], occurrence).json_body["places_left"] == 0
    act_as(dan)
    waiting = answer(client, event["id"], occurrence, extra=1).json_body  # needs 2
    assert waiting["mine"] == {"answer": "going", "extra": 1, "state": "waiting", "position": 1, "show_name": False,
                               "until": None, "missed": False}
    act_as(eve)
    assert answer(client, event["id"], occurrence).json_body["mine"]["position"] == 2
    # Carla frees one place: Dan (2 people) does not fit, and nobody passes him in line
    act_as(carla)
    assert answer(client, event["id"], occurrence, "not_going").json_body["going"] == 2
    act_as(eve)
    assert answers(client, event["id"], occurrence)["mine"]["state"] == "waiting"
    # Ben comes alone: the two places are held for Dan, who gets an email; nobody else may take them
    act_as(BEN)
    after = answer(client, event["id"], occurrence, extra=0).json_body
    assert (after["going"], after["offered"], after["waiting"], after["places_left"]) == (1, 2, 1, 0)
    act_as(dan)
    held = answers(client, event["id"], occurrence)["mine"]
    assert held["state"] == "offered" and held["until"] and held["position"] is None
    told = mails_to(outbox, "dan@example.org")
    assert len(told) == 1 and "Flea market on the square" in told[0]["Subject"]
    text = told[0].get_body(preferencelist=("plain",)).get_content()
    assert f"/events/{event['id']}?occurrence={occurrence}" in text
    assert mails_to(outbox, "eve@example.org") == []
    act_as(carla)  # the held places are not free: Carla waits behind Eve
    assert answer(client, event["id"], occurrence).json_body["mine"] == {
        "answer": "going", "extra": 0, "state": "waiting", "position": 2, "show_name": False, "until": None,
        "missed": False}
    # Dan confirms (going): the held places are his
    act_as(dan)
    confirmed = answer(client, event["id"], occurrence, extra=1).json_body
    assert confirmed["mine"]["state"] == "going" and (confirmed["going"], confirmed["offered"]) == (3, 0)
    # Going already, asking for more places than are left: 409 naming `extra`
    refused = answer(client, event["id"], occurrence, extra=3)
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"extra": "more than the places left"}
    # The organiser adds a place: it is held for Eve, next in line, who gets an email and declines it
    act_as(ANNA)
    assert client.patch(f"/api/v1/events/{event['id']}", headers=JSON, body=body({"capacity": 4})).status_code == 200
    act_as(eve)
    assert answers(client, event["id"], occurrence)["mine"]["state"] == "offered"
    assert len(mails_to(outbox, "eve@example.org")) == 1
    declined = answer(client, event["id"], occurrence, "not_going").json_body
    assert declined["mine"]["state"] == "not_going" and declined["offered"] == 1  # now held for Carla
    act_as(carla)
    assert answers(client, event["id"], occurrence)["mine"]["state"] == "offered"
    # No limit any more: everyone waiting goes, holds included
    act_as(ANNA)
    act_as(resident("U-fred", nbh=N1))
    answer(client, event["id"], occurrence, extra=2)
    act_as(ANNA)
    assert client.patch(f"/api/v1/events/{event['id']}", headers=JSON, body=body({"capacity": None})).status_code == 200
    seen = answers(client, event["id"], occurrence)
    assert seen["waiting"] == 0 and seen["offered"] == 1  # Carla's hold stands until she confirms


def test_organisers_see_names_and_residents_counts(client, act_as):
    make_user(BEN, "ben@example.org", None)
    event = organised(client, act_as)
    occurrence = event["occurrence_id"]
    act_as(BEN)
    mine = answer(client, event["id"], occurrence, "maybe", extra=2).json_body
    assert (mine["maybe"], mine["going"], mine["capacity"], mine["places_left"], mine["people"]) == (3, 0, None, None, None)
    act_as(ANNA)
    assert answer(client, event["id"], occurrence).status_code == 200
    seen = answers(client, event["id"], occurrence)
    assert [(p["user_id"], p["state"], p["extra"]) for p in seen["people"]] == [("U-anna", "going", 0),
                                                                                 ("U-ben", "maybe", 2)]
    act_as(ELSEWHERE)
    assert client.get(f"/api/v1/events/{event['id']}/occurrences/{occurrence}/answers").status_code == 404
    assert answer(client, event["id"], occurrence).status_code == 404


def test_answers_to_a_series_are_per_occurrence_and_counted_in_the_week(client, act_as):
    walk = organised(client, act_as, **WALK)
    act_as(BEN)
    page = client.get(f"/api/v1/neighbourhoods/{N1}/events?from={WALK['start']}&to={NEXT_YEAR}-05-31T00:00").json_body
    first, second = page["occurrences"][0], page["occurrences"][1]
    answer(client, walk["id"], first["occurrence_id"], extra=2)
    assert answers(client, walk["id"], second["occurrence_id"])["going"] == 0
    assert answers(client, walk["id"], first["occurrence_id"])["going"] == 3
    from datetime import datetime
    week = iso_week(to_local(datetime.fromisoformat(first["start"])))
    stats = WeekStatsItem.get(*WeekStatsItem.key(N1, week), consistent_read=True)
    assert (int(stats.event_answers), int(stats.event_going)) == (1, 3)
    answer(client, walk["id"], first["occurrence_id"], "not_going")
    stats = WeekStatsItem.get(*WeekStatsItem.key(N1, week), consistent_read=True)
    assert (int(stats.event_answers), int(stats.event_going)) == (1, 0)
    # Not one of its occurrences: 404
    missing = answer(client, walk["id"], "20990101T000000Z")
    assert missing.status_code == 404 and error_of(missing)["fields"] == {"occurrence_id": "not one of its occurrences"}


def test_answering_a_cancelled_or_started_occurrence_is_refused(client, act_as, monkeypatch):
    walk = organised(client, act_as, **WALK)
    act_as(BEN)
    page = client.get(f"/api/v1/neighbourhoods/{N1}/events?from={WALK['start']}&to={NEXT_YEAR}-05-31T00:00").json_body
    first, second = page["occurrences"][0]["occurrence_id"], page["occurrences"][1]["occurrence_id"]
    act_as(ANNA)
    client.post(f"/api/v1/events/{walk['id']}/occurrences/{second}/cancel")
    act_as(BEN)
    refused = answer(client, walk["id"], second)
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"occurrence_id": "cancelled"}
    from datetime import datetime
    started = datetime.fromisoformat(page["occurrences"][0]["start"]) + timedelta(minutes=1)
    monkeypatch.setattr("chalicelib.events.answers.now", lambda: started)
    refused = answer(client, walk["id"], first)
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"occurrence_id": "past"}
    monkeypatch.undo()
    act_as(ANNA)
    client.post(f"/api/v1/events/{walk['id']}/cancel")
    act_as(BEN)
    assert answer(client, walk["id"], page["occurrences"][2]["occurrence_id"]).status_code == 409
    assert clock.now()  # the clock itself untouched
    try:
        OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(walk["id"], second))
        raise AssertionError("a refused answer wrote something")
    except DoesNotExist:
        pass


def test_residents_see_the_names_of_neighbours_who_chose_to_be_shown_organisers_every_name(client, act_as):
    event = organised(client, act_as)
    occurrence = event["occurrence_id"]
    carla, dan = resident("U-carla", nbh=N1), resident("U-dan", nbh=N1)
    for who, address in ((BEN, "ben"), (carla, "carla"), (dan, "dan")):
        make_user(who, f"{address}@example.org", None)
        UserItem.get(*UserItem.key(who.user_id)).update(actions=[UserItem.display_name.set(address.title())])
    act_as(BEN)
    mine = client.put(f"/api/v1/events/{event['id']}/occurrences/{occurrence}/answer", headers=JSON,
                      body=body({"answer": "going", "show_name": True})).json_body["mine"]
    assert mine["show_name"] is True
    act_as(carla)
    answer(client, event["id"], occurrence, "maybe")  # not shown: the default
    act_as(dan)
    client.put(f"/api/v1/events/{event['id']}/occurrences/{occurrence}/answer", headers=JSON,
               body=body({"answer": "not_going", "show_name": True}))
    seen = answers(client, event["id"], occurrence)
    assert (seen["going"], seen["maybe"], seen["not_going"]) == (1, 1, 1) and seen["people"] is None
    assert [neighbour["state"] for neighbour in seen["shown"]] == ["going"]
    assert seen["shown"][0]["name"].startswith("Ben") and "user_id" not in seen["shown"][0]
    act_as(ANNA)
    people = answers(client, event["id"], occurrence)["people"]
    assert {person["user_id"]: person["show_name"] for person in people} == {
        BEN.user_id: True, carla.user_id: False, dan.user_id: True}
    assert all(person["name"] for person in people)
    # A show_name that is not a boolean: 400 naming it
    act_as(carla)
    refused = client.put(f"/api/v1/events/{event['id']}/occurrences/{occurrence}/answer", headers=JSON,
                         body=body({"answer": "going", "show_name": "yes"}))
    assert refused.status_code == 400 and "show_name" in error_of(refused)["fields"]
