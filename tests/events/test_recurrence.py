"""Repeating events: an RRULE subset expanded on read in the event's zone (a weekly 19:00 stays 19:00 across
summer time), one occurrence cancelled or moved, and the calendar's window of occurrences (one Query a page,
nearby events included). Through the API on DynamoDB Local; the rule's parsing without it."""

from datetime import datetime, timedelta

import pytest

from chalicelib.events.calendar import CalendarEntryItem
from chalicelib.events.recurrence import RuleError, check, parse
from tests.events.test_events import ANNA, BEN, ELSEWHERE, N1, NEXT_YEAR, last_sunday, organised
from tests.helpers import JSON, body, error_of

SPRING = last_sunday(NEXT_YEAR, 3)
# A Tuesday three weeks before summer time begins: the walk every Tuesday at 19:00, eight times
FIRST_TUESDAY = (datetime.fromisoformat(SPRING) - timedelta(days=19)).date().isoformat()
WALK = {"title": "Evening walk", "category": "walk_sport", "start": f"{FIRST_TUESDAY}T19:00",
        "end": f"{FIRST_TUESDAY}T20:30", "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=8", "place": "Church"}


def window(client, start, end, nbh=N1, cursor=None):
    url = f"/api/v1/neighbourhoods/{nbh}/events?from={start}&to={end}" + (f"&cursor={cursor}" if cursor else "")
    response = client.get(url)
    assert response.status_code == 200, response.body
    return response.json_body


def test_the_rule_subset_and_its_limits():
    assert parse("rrule:freq=weekly;byday=tu,th;count=10").text == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"
    assert parse("FREQ=MONTHLY;BYDAY=1SA;INTERVAL=1;UNTIL=20281231").text == "FREQ=MONTHLY;BYDAY=1SA;UNTIL=20281231"
    for bad in ("FREQ=YEARLY;COUNT=2", "FREQ=WEEKLY", "FREQ=WEEKLY;COUNT=2;UNTIL=20280101", "FREQ=WEEKLY;BYDAY=1TU;COUNT=2",
                "FREQ=DAILY;BYHOUR=3;COUNT=2", "FREQ=DAILY;INTERVAL=0;COUNT=2", "FREQ=DAILY;COUNT=201", "FREQ=DAILY;;COUNT=2"):
        with pytest.raises(RuleError):
            parse(bad)
    start = datetime(NEXT_YEAR, 1, 5, 10)
    assert len(check(parse("FREQ=DAILY;COUNT=200"), start)) == 200
    with pytest.raises(RuleError, match="two years"):
        check(parse("FREQ=MONTHLY;COUNT=30"), start)
    with pytest.raises(RuleError, match="200"):
        check(parse(f"FREQ=DAILY;UNTIL={NEXT_YEAR}1231"), start)


def test_a_weekly_event_keeps_its_local_hour_across_summer_time(client, act_as):
    walk = organised(client, act_as, **WALK)
    assert walk["rrule"] == "FREQ=WEEKLY;BYDAY=TU;COUNT=8"
    act_as(BEN)
    found = window(client, f"{FIRST_TUESDAY}T00:00", f"{NEXT_YEAR}-05-31T00:00")["occurrences"]
    assert len(found) == 8 and all(o["event_id"] == walk["id"] and o["recurring"] for o in found)
    starts = [datetime.fromisoformat(o["start"]) for o in found]
    assert {s.strftime("%H:%M %a") for s in starts} == {"19:00 Tue"}
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1)] * 3 + [timedelta(hours=2)] * 5
    assert [datetime.fromisoformat(o["end"]).strftime("%H:%M") for o in found] == ["20:30"] * 8
    # Each occurrence is named by its original start in UTC
    assert found[0]["occurrence_id"] == f"{FIRST_TUESDAY.replace('-', '')}T180000Z"
    assert found[3]["occurrence_id"].endswith("T170000Z")
    # Stored once (expanded on read), with one calendar entry per local day holding an occurrence, keyed by its start
    entries = list(CalendarEntryItem.query(CalendarEntryItem.partition(N1)))
    assert [e.sk.split("#")[0] for e in entries] == [o["occurrence_id"][:4] + "-" + o["occurrence_id"][4:6] + "-"
                                                    + o["occurrence_id"][6:11] + ":" + o["occurrence_id"][11:13] + ":"
                                                    + o["occurrence_id"][13:15] + "Z" for o in found]
    assert all(e.event["rrule"] == walk["rrule"] for e in entries)


def test_one_occurrence_cancelled_and_another_moved(client, act_as):
    walk = organised(client, act_as, **WALK)
    act_as(BEN)
    found = window(client, f"{FIRST_TUESDAY}T00:00", f"{NEXT_YEAR}-05-31T00:00")["occurrences"]
    second, fifth = found[1]["occurrence_id"], found[4]["occurrence_id"]
    # Not an organiser: 403; not one of its occurrences: 404
    refused = client.post(f"/api/v1/events/{walk['id']}/occurrences/{second}/cancel")
    assert refused.status_code == 403
    act_as(ANNA)
    for wrong in (f"{second[:-2]}1Z", "20271399T250000Z"):
        unknown = client.post(f"/api/v1/events/{walk['id']}/occurrences/{wrong}/cancel")
        assert unknown.status_code == 404 and error_of(unknown)["fields"] == {"occurrence_id": "not one of its occurrences"}
    cancelled = client.post(f"/api/v1/events/{walk['id']}/occurrences/{second}/cancel")
    assert cancelled.status_code == 200, cancelled.body
    assert cancelled.json_body["exceptions"] == [{"occurrence_id": second, "cancelled": True, "start": None, "end": None}]
    assert cancelled.json_body["sequence"] == 1
    assert client.post(f"/api/v1/events/{walk['id']}/occurrences/{second}/cancel").status_code == 409
    fifth_day = found[4]["start"][:10]
    moved = client.post(f"/api/v1/events/{walk['id']}/occurrences/{fifth}/move", headers=JSON,
                        body=body({"start": f"{fifth_day}T18:00", "end": f"{fifth_day}T19:30"}))
    assert moved.status_code == 200, moved.body
    bad = client.post(f"/api/v1/events/{walk['id']}/occurrences/{fifth}/move", headers=JSON,
                      body=body({"start": f"{fifth_day}T18:00", "end": f"{fifth_day}T17:00"}))
    assert bad.status_code == 400 and "end" in error_of(bad)["fields"]
    act_as(BEN)
    after = window(client, f"{FIRST_TUESDAY}T00:00", f"{NEXT_YEAR}-05-31T00:00")["occurrences"]
    assert len(after) == 8
    by_id = {o["occurrence_id"]: o for o in after}
    assert by_id[second]["status"] == "cancelled"
    assert by_id[fifth]["moved"] is True and by_id[fifth]["start"] == f"{fifth_day}T18:00:00+02:00"
    assert [o["status"] for o in after].count("cancelled") == 1


def test_the_window_reads_what_overlaps_it_and_nearby_events(client, act_as):
    single = organised(client, act_as, title="Street party", category="party", start=f"{NEXT_YEAR}-06-20T18:00",
                       end=f"{NEXT_YEAR}-06-21T01:00")
    later = organised(client, act_as, title="Cleaning day", category="cleaning_day", start=f"{NEXT_YEAR}-07-04T09:00",
                      end=f"{NEXT_YEAR}-07-04T12:00")
    monthly = organised(client, act_as, title="Repair café", category="repair_cafe", start=f"{NEXT_YEAR}-01-09T14:00",
                        end=f"{NEXT_YEAR}-01-09T17:00", rrule="FREQ=MONTHLY;BYDAY=2SA;COUNT=12")
    act_as(BEN)
    june = window(client, f"{NEXT_YEAR}-06-01T00:00", f"{NEXT_YEAR}-07-01T00:00")["occurrences"]
    assert [(o["event_id"], o["start"][:10]) for o in june] == [(monthly["id"], f"{NEXT_YEAR}-06-12"),
                                                                (single["id"], f"{NEXT_YEAR}-06-20")]
    # An event running into the window from before it is in it
    night = window(client, f"{NEXT_YEAR}-06-21T00:00", f"{NEXT_YEAR}-06-22T00:00")["occurrences"]
    assert [o["event_id"] for o in night] == [single["id"]]
    assert window(client, f"{NEXT_YEAR}-07-01T00:00", f"{NEXT_YEAR}-07-05T00:00")["occurrences"][0]["event_id"] == later["id"]
    # Wider than 92 days, or ending before it starts: 400 naming `to`
    for query in (f"from={NEXT_YEAR}-01-01T00:00&to={NEXT_YEAR}-06-01T00:00",
                  f"from={NEXT_YEAR}-06-01T00:00&to={NEXT_YEAR}-05-01T00:00"):
        refused = client.get(f"/api/v1/neighbourhoods/{N1}/events?{query}")
        assert refused.status_code == 400 and "to" in error_of(refused)["fields"]
    # A start far beyond every event, its end left out: an empty month, not a refusal
    far = client.get(f"/api/v1/neighbourhoods/{N1}/events?from=7216-12-03T01:51:21Z")
    assert far.status_code == 200 and far.json_body["occurrences"] == [], far.body
    # A cursor this calendar did not give names nothing
    assert client.get(f"/api/v1/neighbourhoods/{N1}/events?cursor=eyJwayI6ICJ4In0").status_code == 404
    # Another neighbourhood's calendar: 404
    act_as(ELSEWHERE)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/events").status_code == 404
    assert window(client, f"{NEXT_YEAR}-06-01T00:00", f"{NEXT_YEAR}-07-01T00:00", nbh=ELSEWHERE.neighbourhood_id)[
        "occurrences"] == []


def test_new_times_forget_the_occurrences_changes_and_a_cancelled_series_shows_cancelled(client, act_as):
    walk = organised(client, act_as, **WALK)
    act_as(ANNA)
    first = f"{FIRST_TUESDAY.replace('-', '')}T180000Z"
    assert client.post(f"/api/v1/events/{walk['id']}/occurrences/{first}/cancel").status_code == 200
    changed = client.patch(f"/api/v1/events/{walk['id']}", headers=JSON, body=body({"rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=4"}))
    assert changed.status_code == 200 and changed.json_body["exceptions"] == []
    too_many = client.patch(f"/api/v1/events/{walk['id']}", headers=JSON, body=body({"rrule": "FREQ=DAILY;COUNT=500"}))
    assert too_many.status_code == 400 and "rrule" in error_of(too_many)["fields"]
    client.post(f"/api/v1/events/{walk['id']}/cancel")
    act_as(BEN)
    found = window(client, f"{FIRST_TUESDAY}T00:00", f"{NEXT_YEAR}-05-31T00:00")["occurrences"]
    assert [o["status"] for o in found] == ["cancelled"] * 4


def test_a_series_already_begun_changes_its_rule_without_a_new_start(client, act_as, monkeypatch):
    walk = organised(client, act_as, **WALK)
    begun = datetime.fromisoformat(f"{FIRST_TUESDAY}T20:00+01:00") + timedelta(days=8)
    monkeypatch.setattr("chalicelib.events.service.now", lambda: begun)
    act_as(ANNA)
    longer = client.patch(f"/api/v1/events/{walk['id']}", headers=JSON, body=body({"rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=12"}))
    assert longer.status_code == 200, longer.body
    # Moving its start into the past is refused, naming it
    past = client.patch(f"/api/v1/events/{walk['id']}", headers=JSON, body=body({"start": f"{FIRST_TUESDAY}T18:00"}))
    assert past.status_code == 400 and error_of(past)["fields"] == {"start": "in the past"}
