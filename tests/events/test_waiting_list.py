"""The waiting list's time-limited confirmation: a freed place is held for the first in line for 24 hours, then
passes on in order (on the next answer or read of the occurrence, or by the hourly job), exactly once; under
simultaneous answers and confirmations the places going and held never pass the capacity."""

import threading
from datetime import timedelta

from chalicelib.adapters import clock
from chalicelib.adapters.aws import unavailable
from chalicelib.events import answers as answers_module
from chalicelib.events.models import AnswerRequest, OccurrenceAnswersItem
from chalicelib.notifications.event_reminders import remind_events
from tests.api.test_posts import make_user, resident
from tests.events.test_answers import answer, answers
from tests.events.test_events import ANNA, BEN, N1, organised
from tests.notifications.factories import mails_to


def stored(event_id, occurrence):
    return OccurrenceAnswersItem.get(*OccurrenceAnswersItem.key(event_id, occurrence), consistent_read=True)


def test_a_hold_not_confirmed_in_24_hours_passes_to_the_next_in_line_once(client, act_as, outbox):
    event = organised(client, act_as, capacity=1)
    occurrence = event["occurrence_id"]
    carla, dan, eve = resident("U-carla", nbh=N1), resident("U-dan", nbh=N1), resident("U-eve", nbh=N1)
    for who, address in ((BEN, "ben"), (carla, "carla"), (dan, "dan"), (eve, "eve")):
        make_user(who, f"{address}-hold@example.org", None)
    for who in (BEN, carla, dan, eve):
        act_as(who)
        answer(client, event["id"], occurrence)
    act_as(BEN)
    freed = answer(client, event["id"], occurrence, "not_going").json_body
    assert (freed["going"], freed["offered"], freed["waiting"], freed["places_left"]) == (0, 1, 2, 0)
    item = stored(event["id"], occurrence)
    assert item.answers["U-carla"]["state"] == "offered" and item.gsi1pk == "EVENTOFFERS"
    assert len(mails_to(outbox, "carla-hold@example.org")) == 1
    start = clock.now()
    # 23 hours on: still Carla's; a newcomer waits behind the others
    with clock.still_at(start + timedelta(hours=23)):
        act_as(resident("U-fred", nbh=N1))
        assert answer(client, event["id"], occurrence).json_body["mine"]["position"] == 3
        act_as(carla)
        assert answers(client, event["id"], occurrence)["mine"]["state"] == "offered"
    # 25 hours on: the next read of the occurrence passes it on to Dan
    with clock.still_at(start + timedelta(hours=25)):
        act_as(eve)
        seen = answers(client, event["id"], occurrence)
        assert seen["mine"] == {"answer": "going", "extra": 0, "state": "waiting", "position": 1, "show_name": False,
                                "until": None, "missed": False}
        act_as(carla)
        missed = answers(client, event["id"], occurrence)["mine"]
        assert (missed["state"], missed["missed"]) == ("not_going", True)
        act_as(dan)
        assert answers(client, event["id"], occurrence)["mine"]["state"] == "offered"
    assert len(mails_to(outbox, "dan-hold@example.org")) == 1
    # Nobody opens the event for two days: the hourly job passes Dan's hold on to Eve, once
    with clock.still_at(start + timedelta(hours=50)):
        remind_events(clock.now())
        remind_events(clock.now())  # a retried run finds nothing left to pass on
        assert answers_module.pass_on_offers(clock.now()) == 0
    item = stored(event["id"], occurrence)
    assert [item.answers[user]["state"] for user in ("U-carla", "U-dan", "U-eve", "U-fred")] == [
        "not_going", "not_going", "offered", "waiting"]
    assert item.queue == ["U-fred"] and (int(item.offered), int(item.going)) == (1, 0)
    assert len(mails_to(outbox, "eve-hold@example.org")) == 1 and len(mails_to(outbox, "dan-hold@example.org")) == 1
    # Eve confirms in time: she goes, and the occurrence leaves the index of holds
    with clock.still_at(start + timedelta(hours=60)):
        act_as(eve)
        assert answer(client, event["id"], occurrence).json_body["mine"]["state"] == "going"
    item = stored(event["id"], occurrence)
    assert item.gsi1pk is None and item.gsi1sk is None and int(item.going) == 1


def test_a_hold_ends_at_the_start_at_the_latest(client, act_as):
    event = organised(client, act_as, capacity=1)
    occurrence = event["occurrence_id"]
    for who in (BEN, resident("U-carla", nbh=N1)):
        act_as(who)
        answer(client, event["id"], occurrence)
    from datetime import datetime
    eve_of_it = datetime.fromisoformat(event["start"]) - timedelta(hours=2)
    with clock.still_at(eve_of_it):
        act_as(BEN)
        answer(client, event["id"], occurrence, "maybe")
        act_as(resident("U-carla", nbh=N1))
        until = answers(client, event["id"], occurrence)["mine"]["until"]
    assert datetime.fromisoformat(until) == datetime.fromisoformat(event["start"])


def test_simultaneous_answers_and_confirmations_never_pass_the_capacity_and_holds_follow_the_line(client, act_as):
    event = organised(client, act_as, capacity=10)
    event_id, occurrence = event["id"], event["occurrence_id"]
    going = [resident(f"U-g{index:02d}", nbh=N1) for index in range(10)]
    waiting = [resident(f"U-w{index:02d}", nbh=N1) for index in range(10)]
    newcomers = [resident(f"U-n{index:02d}", nbh=N1) for index in range(10)]
    for who in going + waiting:
        answers_module.answer(who, event_id, occurrence, AnswerRequest(answer="going"))
    line = list(stored(event_id, occurrence).queue)
    assert line == [who.user_id for who in waiting]
    # At once: 5 going drop out, the 10 waiting answer going again (a hold's confirmation, or keeping their turn),
    # 10 newcomers answer going
    leaving = going[:5]
    calls = [(who, "not_going") for who in leaving] + [(who, "going") for who in waiting + newcomers]
    barrier, seen, problems = threading.Barrier(len(calls)), [], []

    def send(who, kind):
        barrier.wait()
        for _ in range(10):
            try:
                seen.append(answers_module.answer(who, event_id, occurrence, AnswerRequest(answer=kind)))
                return
            except Exception as error:  # noqa: BLE001
                if not unavailable(error):
                    problems.append(error)
                    return

    threads = [threading.Thread(target=send, args=call) for call in calls]
    [t.start() for t in threads], [t.join() for t in threads]
    assert problems == [] and len(seen) == len(calls)
    assert all(shown.going + shown.offered <= 10 for shown in seen)
    item = stored(event_id, occurrence)
    states = {user: entry["state"] for user, entry in item.answers.items()}
    taken = [user for user, state in states.items() if state in ("going", "offered")]
    assert len(taken) == 10 and int(item.going) + int(item.offered) == 10
    # The five places went to the first five in line (held or confirmed), never to a newcomer
    assert sorted(u for u in taken if u.startswith("U-w")) == line[:5]
    assert not [u for u in taken if u.startswith("U-n")]
    assert item.queue[:5] == line[5:] and len(item.queue) == 15
    # They confirm; then the capacity is exactly reached, nobody held
    for user in line[:5]:
        answers_module.answer(resident(user, nbh=N1), event_id, occurrence, AnswerRequest(answer="going"))
    item = stored(event_id, occurrence)
    assert (int(item.going), int(item.offered), int(item.waiting)) == (10, 0, 15)
    act_as(ANNA)
    assert answers(client, event_id, occurrence)["places_left"] == 0
