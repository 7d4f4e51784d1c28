"""iCalendar feeds: one event's .ics and a resident's personal feed URL (created, listed, revoked: 404 then),
parsed back with `icalendar` and expanded by a second implementation (`recurring-ical-events`), giving the same
occurrences as the API's calendar, across a change of summer time, with a cancelled and a moved occurrence."""

from datetime import datetime, timedelta

import recurring_ical_events
from icalendar import Calendar

from chalicelib.events.feeds import _luxembourg
from chalicelib.events.recurrence import zone
from tests.api.test_posts import make_user
from tests.events.test_events import ANNA, BEN, ELSEWHERE, N1, NEXT_YEAR, organised
from tests.events.test_recurrence import FIRST_TUESDAY, WALK
from tests.helpers import JSON, body


def api_occurrences(client, start, end):
    page = client.get(f"/api/v1/neighbourhoods/{N1}/events?from={start}&to={end}").json_body
    return page["occurrences"]


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("inline")
    return Calendar.from_ical(response.body)


def test_one_events_ics_round_trips_through_a_second_implementation_across_summer_time(client, act_as):
    walk = organised(client, act_as, **{**WALK, "description": "Meet at the church.\nBring a lamp; and boots, please."})
    act_as(ANNA)
    found = api_occurrences(client, f"{FIRST_TUESDAY}T00:00", f"{NEXT_YEAR}-05-31T00:00")
    second, fifth = found[1]["occurrence_id"], found[4]["occurrence_id"]
    client.post(f"/api/v1/events/{walk['id']}/occurrences/{second}/cancel")
    day = found[4]["start"][:10]
    client.post(f"/api/v1/events/{walk['id']}/occurrences/{fifth}/move", headers=JSON,
                body=body({"start": f"{day}T18:00", "end": f"{day}T19:30"}))
    act_as(BEN)
    cal = parsed(client.get(f"/api/v1/events/{walk['id']}/calendar.ics"))
    events = [c for c in cal.walk("VEVENT")]
    assert {str(e["UID"]) for e in events} == {f"{walk['id']}@noper"}
    series = next(e for e in events if "RRULE" in e)
    assert series["DTSTART"].params["TZID"] == "Europe/Luxembourg"
    assert series["DTSTART"].dt.strftime("%H:%M") == "19:00" and int(series["SEQUENCE"]) == 2
    assert str(series["DESCRIPTION"]) == "Meet at the church.\nBring a lamp; and boots, please."
    assert b"ORGANIZER" not in client.get(f"/api/v1/events/{walk['id']}/calendar.ics").body
    # The VTIMEZONE says its transitions with RRULEs, and they are Luxembourg's
    vtimezone = cal.walk("VTIMEZONE")[0]
    assert all("RRULE" in part and "RDATE" not in part for part in vtimezone.subcomponents)
    assert [e for e in events if "RECURRENCE-ID" in e][0]["RECURRENCE-ID"].dt.strftime("%H:%M") == "19:00"
    # Expanded by recurring-ical-events: the same occurrences as the API's (the cancelled one left out)
    theirs = sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in
                    recurring_ical_events.of(cal).between(datetime(NEXT_YEAR, 1, 1), datetime(NEXT_YEAR, 12, 31)))
    ours = sorted((datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"]))
                  for o in api_occurrences(client, f"{FIRST_TUESDAY}T00:00", f"{NEXT_YEAR}-05-31T00:00")
                  if o["status"] == "scheduled")
    assert len(ours) == 7 and theirs == ours
    assert {start.utcoffset() for start, _ in theirs} == {timedelta(hours=1), timedelta(hours=2)}
    # Another neighbourhood: 404
    act_as(ELSEWHERE)
    assert client.get(f"/api/v1/events/{walk['id']}/calendar.ics").status_code == 404


def test_the_vtimezone_gives_luxembourgs_offsets():
    luxembourg = _luxembourg().to_tz()
    for moment in (datetime(NEXT_YEAR, 1, 15, 12), datetime(NEXT_YEAR, 7, 1, 12), datetime(NEXT_YEAR + 1, 3, 30, 12),
                   datetime(NEXT_YEAR + 1, 10, 30, 12)):
        assert moment.replace(tzinfo=luxembourg).utcoffset() == moment.replace(tzinfo=zone()).utcoffset(), moment


def test_a_personal_feed_serves_the_neighbourhoods_events_until_revoked(client, act_as):
    make_user(BEN, "ben@example.org", None)
    walk = organised(client, act_as, **WALK)
    party = organised(client, act_as, title="Street party", category="party", start=f"{NEXT_YEAR}-06-20T18:00",
                      end=f"{NEXT_YEAR}-06-21T01:00")
    act_as(ANNA)
    client.post(f"/api/v1/events/{party['id']}/cancel")
    act_as(BEN)
    created = client.post("/api/v1/me/calendar-feeds")
    assert created.status_code == 201, created.body
    url = created.json_body["url"]
    path = url[url.index("/api/v1/"):]
    assert [f["id"] for f in client.get("/api/v1/me/calendar-feeds").json_body["feeds"]] == [created.json_body["id"]]
    assert "url" not in client.get("/api/v1/me/calendar-feeds").json_body["feeds"][0]
    act_as(ELSEWHERE)  # the URL alone is the authority (no session is read)
    feed = client.get(path)
    cal = parsed(feed)
    by_uid = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(by_uid) == {f"{walk['id']}@noper", f"{party['id']}@noper"}
    assert str(by_uid[f"{party['id']}@noper"]["STATUS"]) == "CANCELLED"
    assert "RRULE" in by_uid[f"{walk['id']}@noper"]
    assert "REFRESH-INTERVAL" in cal and "X-PUBLISHED-TTL" in cal
    assert b"example.org" not in feed.body and b"U-ben" not in feed.body and b"U-anna" not in feed.body
    # Someone else cannot revoke it; its owner can, and then it is gone
    act_as(ANNA)
    assert client.delete(f"/api/v1/me/calendar-feeds/{created.json_body['id']}").status_code == 404
    act_as(BEN)
    assert client.delete(f"/api/v1/me/calendar-feeds/{created.json_body['id']}").status_code == 204
    assert client.get(path).status_code == 404
    assert client.get("/api/v1/calendar-feeds/" + "x" * 43 + "/calendar.ics").status_code == 404
