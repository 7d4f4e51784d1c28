"""The calendar's "my events" filter (issue #11, point 5: organised or answered) without a call per event: each
occurrence of the calendar says whether I organise it (`mine`, from the same Query), and `GET /api/v1/me/events`
(one Query of my own links) lists the occurrences I answered going or maybe."""

from tests.api.test_posts import resident
from tests.events.test_answers import answer
from tests.events.test_events import ANNA, BEN, N1, NEXT_YEAR, organised
from tests.events.test_recurrence import WALK


def test_the_calendar_says_mine_and_my_events_lists_what_i_answered(client, act_as):
    flea = organised(client, act_as)
    walk = organised(client, act_as, who=BEN, **WALK)
    act_as(BEN)
    page = client.get(f"/api/v1/neighbourhoods/{N1}/events?from={NEXT_YEAR}-03-01T00:00&to={NEXT_YEAR}-05-31T00:00")
    assert page.status_code == 200, page.body
    occurrences = page.json_body["occurrences"]
    assert {o["event_id"]: o["mine"] for o in occurrences} == {flea["id"]: False, walk["id"]: True}
    first, second = [o["occurrence_id"] for o in occurrences if o["event_id"] == walk["id"]][:2]
    act_as(ANNA)
    assert all(not o["mine"] for o in client.get(
        f"/api/v1/neighbourhoods/{N1}/events?from={NEXT_YEAR}-03-01T00:00&to={NEXT_YEAR}-05-31T00:00"
    ).json_body["occurrences"] if o["event_id"] == walk["id"])
    answer(client, walk["id"], first, "maybe")
    answer(client, walk["id"], second, "going")
    answer(client, walk["id"], second, "not_going")  # changed its mind: no longer one of hers
    mine = client.get("/api/v1/me/events")
    assert mine.status_code == 200, mine.body
    assert mine.json_body == {"organised": [flea["id"]],
                              "answered": [{"event_id": walk["id"], "occurrence_id": first, "answer": "maybe"}]}
    act_as(resident("U-nobody", nbh=N1))
    assert client.get("/api/v1/me/events").json_body == {"organised": [], "answered": []}
