"""Cancelling tells everyone who answered: the event, or one occurrence of a series, cancelled by an organiser
emails those going, maybe going or waiting on the list (not those not going), each once, in their language, per
their `events` choice, with an unsubscribe link."""

from chalicelib.notifications import settings
from tests.api.test_posts import resident
from tests.events.test_answers import answer
from tests.events.test_events import ANNA, N1, NEXT_YEAR, organised
from tests.events.test_recurrence import WALK
from tests.notifications.factories import make_resident, mails_to


def neighbours(*names, **choices):
    made = {name: make_resident(f"U-{name}", nbh=N1, languages=choices.get(name, ("en",))) for name in names}
    return {name: (resident(user.user_id, nbh=N1), user.email) for name, user in made.items()}


def test_cancelling_an_event_tells_those_going_maybe_or_waiting_not_those_not_going(client, act_as, outbox):
    event = organised(client, act_as, capacity=1)
    occurrence = event["occurrence_id"]
    people = neighbours("gina", "hugo", "ines", "jo", "kim", ines=("de",))
    for name, kind in (("gina", "going"), ("hugo", "maybe"), ("ines", "going"), ("jo", "not_going")):
        act_as(people[name][0])
        answer(client, event["id"], occurrence, kind)
    settings.change("U-kim", {"events": False})  # kim answered but asked for no such emails
    act_as(people["kim"][0])
    answer(client, event["id"], occurrence, "maybe")
    act_as(ANNA)
    assert client.post(f"/api/v1/events/{event['id']}/cancel").status_code == 200

    [gina] = mails_to(outbox, people["gina"][1])
    assert gina["Subject"] == f"Cancelled: {event['title']}" and gina["List-Unsubscribe"]
    assert len(mails_to(outbox, people["hugo"][1])) == 1
    [ines] = mails_to(outbox, people["ines"][1])  # waiting on the list: told too, in German
    assert ines["Subject"].startswith("Abgesagt")
    assert mails_to(outbox, people["jo"][1]) == [] and mails_to(outbox, people["kim"][1]) == []


def test_cancelling_one_occurrence_tells_those_who_answered_it_only(client, act_as, outbox):
    walk = organised(client, act_as, **WALK)
    page = client.get(f"/api/v1/neighbourhoods/{N1}/events?from={WALK['start']}&to={NEXT_YEAR}-05-31T00:00").json_body
    first, second = page["occurrences"][0]["occurrence_id"], page["occurrences"][1]["occurrence_id"]
    people = neighbours("lea", "max")
    act_as(people["lea"][0])
    answer(client, walk["id"], second, "going")
    act_as(people["max"][0])
    answer(client, walk["id"], first, "going")
    act_as(ANNA)
    assert client.post(f"/api/v1/events/{walk['id']}/occurrences/{second}/cancel").status_code == 200
    assert len(mails_to(outbox, people["lea"][1])) == 1
    assert mails_to(outbox, people["max"][1]) == []
    # The whole series cancelled next: each who answered a coming occurrence, once
    assert client.post(f"/api/v1/events/{walk['id']}/cancel").status_code == 200
    assert len(mails_to(outbox, people["max"][1])) == 1
    assert len(mails_to(outbox, people["lea"][1])) == 1  # hers was cancelled and told before: not again
