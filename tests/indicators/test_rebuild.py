"""The rebuild recomputes the counters of events, volunteering and consultations from their stored items, in the
neighbourhood and week their own writes counted them: written through the real paths, zeroed, rebuilt, compared."""

from datetime import datetime, timedelta, timezone

from chalicelib.adapters import clock
from chalicelib.content.counters import WeekStatsItem
from chalicelib.events.recurrence import occurrence_id, to_instant
from chalicelib.indicators.rebuild import REBUILT, rebuild, recount
from chalicelib.policy import Principal
from chalicelib.volunteering import buddies
from tests.api.test_posts import clervaux, resident  # noqa: F401  (clervaux is a fixture)
from tests.consultations.test_consultations import answer as answer_consultation, draft, published as consulted
from tests.events.test_events import FLEA_MARKET, organised
from tests.events.test_recurrence import FIRST_TUESDAY, WALK
from tests.helpers import JSON, body
from tests.notifications.factories import make_resident

LAU2 = "0501"
OTHERS = ("events", "event_answers", "event_going", "consultation_answers", "volunteer_actions", "volunteer_hours",
          "calls", "shifts_filled", "buddies_paired")


def counted() -> dict[tuple[str, str], dict[str, float]]:
    """The commune's counters of other concerns per (neighbourhood, week), those not zero (the residents here are
    written as verified, not verified through the app: their `verified_gained` is the rebuild's own)."""
    found = {}
    for item in WeekStatsItem.query(WeekStatsItem.partition(LAU2), consistent_read=True):
        figures = {name: float(getattr(item, name) or 0) for name in OTHERS if getattr(item, name)}
        if figures:
            found[(item.neighbourhood_id, item.week)] = figures
    return found


def total(figures: dict[tuple[str, str], dict[str, float]], name: str) -> float:
    return sum(week.get(name, 0) for week in figures.values())


def zero() -> None:
    for item in WeekStatsItem.query(WeekStatsItem.partition(LAU2), consistent_read=True):
        item.update(actions=[getattr(WeekStatsItem, name).set(0) for name in REBUILT])


def answer_event(client, act_as, who, event_id, occurrence, kind="going", extra=0):
    act_as(who)
    response = client.put(f"/api/v1/events/{event_id}/occurrences/{occurrence}/answer", headers=JSON,
                          body=body({"answer": kind, "extra": extra}))
    assert response.status_code == 200, response.body


def test_the_rebuild_recomputes_events_volunteering_and_consultations_as_their_writes_counted(
        client, act_as, clervaux):  # noqa: F811
    south = clervaux["south"]
    names = ("org", "ben", "carl", "dora", "emil")
    organiser, ben, carl, dora, emil = (resident(f"U-{name}", nbh=south) for name in names)
    for who in (organiser, ben, carl, dora, emil):
        make_resident(who.user_id, nbh=south, languages=("fr",))
    # Given an event of 4 places: 2 going, then 1 more, 2 waiting who are offered the place freed and confirm
    market = organised(client, act_as, organiser, nbh=south, capacity=4)
    first = market["occurrence_id"]
    answer_event(client, act_as, ben, market["id"], first, extra=1)
    answer_event(client, act_as, carl, market["id"], first)
    answer_event(client, act_as, dora, market["id"], first, extra=1)  # waits: 3 + 2 > 4
    answer_event(client, act_as, emil, market["id"], first, kind="not_going")
    answer_event(client, act_as, ben, market["id"], first, kind="maybe")  # Dora is offered the place
    answer_event(client, act_as, dora, market["id"], first, extra=1)  # and confirms it
    # a series whose fifth walk moved into the next week, answered there; a cancelled event, answered before
    walk = organised(client, act_as, organiser, nbh=south, **WALK)
    fifth = occurrence_id(to_instant(datetime.fromisoformat(f"{FIRST_TUESDAY}T19:00") + timedelta(weeks=4)))
    moved_day = (datetime.fromisoformat(FIRST_TUESDAY) + timedelta(weeks=4, days=6)).date().isoformat()
    act_as(organiser)
    moved = client.post(f"/api/v1/events/{walk['id']}/occurrences/{fifth}/move", headers=JSON,
                        body=body({"start": f"{moved_day}T18:00", "end": f"{moved_day}T19:30"}))
    assert moved.status_code == 200, moved.body
    answer_event(client, act_as, carl, walk["id"], fifth, extra=2)
    off = organised(client, act_as, organiser, nbh=south, **{**FLEA_MARKET, "title": "Called off"})
    answer_event(client, act_as, ben, off["id"], off["occurrence_id"])
    act_as(organiser)
    assert client.post(f"/api/v1/events/{off['id']}/cancel").status_code == 200
    # a call with a shift filled by two volunteers, who came (2.5 and 1 hours)
    start = (clock.now() + timedelta(hours=2)).astimezone(timezone.utc).replace(second=0, microsecond=0)
    shift = {"role": "Stall", "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(), "needed": 2}
    act_as(organiser)
    call = client.post(f"/api/v1/neighbourhoods/{south}/volunteering", headers=JSON,
                       body=body({"title": "Stall volunteers", "shifts": [shift]}))
    assert call.status_code == 201, call.body
    call_id = call.json_body["id"]
    for volunteer in (ben, carl):
        act_as(volunteer)
        assert client.post(f"/api/v1/volunteering/{call_id}/shifts/01/sign-up").status_code == 201
    with clock.still_at(start + timedelta(hours=4)):
        act_as(organiser)
        came = [{"user_id": "U-ben", "came": True, "hours": 2.5}, {"user_id": "U-carl", "came": True, "hours": 1}]
        confirmed = client.post(f"/api/v1/volunteering/{call_id}/shifts/01/attendance", headers=JSON,
                                body=body({"people": came}))
        assert confirmed.status_code == 200, confirmed.body
    # a buddy pair made (both accepted)
    act_as(emil)
    offered = client.put("/api/v1/me/volunteering", headers=JSON, body=body({"languages": ["fr"], "buddy": True}))
    assert offered.status_code == 200, offered.body
    pair = buddies.offer_buddy("U-dora")
    for who in ("U-dora", "U-emil"):
        buddies.change(Principal(user_id=who), pair.pair_id, "accept")
    # a consultation answered by two residents, one changing their answer
    consultation = consulted(client, act_as, draft([south]))
    for who in (ben, carl, ben):
        act_as(who)
        assert answer_consultation(client, south, consultation["id"], {"trees": "trees"}).status_code in (200, 201)
    before = counted()
    assert set(OTHERS) <= set(REBUILT)
    assert {name: total(before, name) for name in OTHERS} == {
        "events": 2, "event_answers": 6, "event_going": 3 + 3 + 1, "consultation_answers": 2,
        "volunteer_actions": 2, "volunteer_hours": 3.5, "calls": 1, "shifts_filled": 1, "buddies_paired": 1}

    # When every counter the rebuild recomputes is zeroed, then rebuilt
    zero()
    weeks = rebuild(LAU2)

    # Then each comes back as the writes counted it, in the same neighbourhood and week; a second run the same
    assert counted() == before
    assert rebuild(LAU2) == weeks and counted() == before


def test_a_partners_call_counts_the_week_it_was_approved_and_an_ended_pair_the_week_it_ended():
    nbh = f"{LAU2}-commune"

    def stamp(day: int) -> dict[str, str]:
        return {"S": f"2026-03-{day:02d}T10:00:00.000000+0000"}

    items = [
        {"pk": {"S": "VCALL#C1"}, "sk": {"S": "CALL"}, "neighbourhood_id": {"S": nbh}, "created_at": stamp(2)},
        {"pk": {"S": "VCALL#C1"}, "sk": {"S": "APPROVAL"}, "status": {"S": "withdrawn"}, "decided_at": stamp(23)},
        {"pk": {"S": f"COMMUNE#{LAU2}#AUDIT"}, "sk": {"S": "2026-03-10T10:00:00+00:00#A"},
         "action": {"S": "call_approved"}, "subject_id": {"S": "C1"}, "at": stamp(10)},
        {"pk": {"S": "VCALL#C2"}, "sk": {"S": "CALL"}, "neighbourhood_id": {"S": nbh}, "created_at": stamp(2)},
        {"pk": {"S": "VCALL#C2"}, "sk": {"S": "APPROVAL"}, "status": {"S": "refused"}, "decided_at": stamp(3)},
        *({"pk": {"S": f"USER#{who}#BUDDYPAIRS"}, "sk": {"S": "PAIR1"}, "neighbourhood_id": {"S": f"{LAU2}-n1"},
           "newcomer_id": {"S": "U-a"}, "buddy_id": {"S": "U-b"}, "state": {"S": "ended"},
           "accepted_by": {"SS": ["U-a", "U-b"]}, "changed_at": stamp(17)} for who in ("U-a", "U-b")),
        {"pk": {"S": "USER#U-c#BUDDYPAIRS"}, "sk": {"S": "PAIR2"}, "neighbourhood_id": {"S": f"{LAU2}-n1"},
         "newcomer_id": {"S": "U-c"}, "buddy_id": {"S": "U-b"}, "state": {"S": "ended"},
         "accepted_by": {"SS": ["U-c"]}, "changed_at": stamp(17)},  # ended before both accepted: never made
    ]
    counts, _ = recount(items, LAU2)
    assert counts == {(nbh, "2026-W11"): {"calls": 1}, (f"{LAU2}-n1", "2026-W12"): {"buddies_paired": 1}}


def test_ballots_are_recounted_from_the_has_voted_markers_that_keep_a_neighbourhood():
    def voted(user: str, nbh: str | None) -> dict[str, dict[str, str]]:
        marker = {"pk": {"S": "BUDGET#E1"}, "sk": {"S": f"VOTED#{user}"}, "edition_id": {"S": "E1"},
                  "channel": {"S": "online"}, "first_at": {"S": "2026-03-17T10:00:00.000000+0000"}}
        return {**marker, "neighbourhood_id": {"S": nbh}} if nbh else marker

    ballot = {"pk": {"S": "BUDGET#E1"}, "sk": {"S": "BALLOT#k"}, "envelope_id": {"S": "commune"}}
    items = [voted("U-a", f"{LAU2}-n1"), voted("U-b", f"{LAU2}-n1"), voted("U-old", None), ballot]
    counts, _ = recount(items, LAU2)
    assert counts == {(f"{LAU2}-n1", "2026-W12"): {"ballots": 2}}  # a marker from before it kept one: not counted
