"""Neighbourhood events by residents: created in one's own neighbourhood with local times in
Europe/Luxembourg (stored as UTC instants), a place (words, a register address, a map point kept as its res-9
cell), a reach (the neighbourhood, or the neighbourhoods within about 1 km); changed and cancelled by an
organiser; content of the kernel (comments, reports, the week's counters). Through the API on DynamoDB Local."""

from datetime import datetime, timedelta

import h3
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters import clock
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.events.models import EventItem
from tests.api.test_neighbourhoods import TOWN
from tests.api.test_posts import clervaux, make_user, resident  # noqa: F401  (clervaux is a fixture)
from tests.helpers import JSON, body, error_of

N1, N2 = "0501-n1", "0501-n2"
ANNA, BEN = resident("U-anna", nbh=N1), resident("U-ben", nbh=N1)
ELSEWHERE = resident("U-else", nbh=N2)
PENDING = resident("U-pending", nbh=N1, status="pending")
NEXT_YEAR = clock.now().year + 1
FLEA_MARKET = {"title": "Flea market on the square", "description": "Bring a table.\nCoffee from 9.",
               "category": "flea_market", "start": f"{NEXT_YEAR}-05-16T09:00", "end": f"{NEXT_YEAR}-05-16T17:00",
               "place": "Place du Marché"}

NOT_THE_START_DAY = ["TU", "WE", "TH", "FR", "SA", "SU", "MO"][datetime(NEXT_YEAR, 5, 16).weekday()]


def organise(client, act_as, who=ANNA, nbh=None, **fields):
    act_as(who)
    return client.post(f"/api/v1/neighbourhoods/{nbh or who.neighbourhood_id}/events", headers=JSON,
                       body=body({**FLEA_MARKET, **fields}))


def organised(client, act_as, who=ANNA, nbh=None, **fields):
    response = organise(client, act_as, who, nbh, **fields)
    assert response.status_code == 201, response.body
    return response.json_body


def change(client, event_id, **fields):
    return client.patch(f"/api/v1/events/{event_id}", headers=JSON, body=body(fields))


def events_this_week(nbh, moment) -> int:
    try:
        return int(WeekStatsItem.get(*WeekStatsItem.key(nbh, iso_week(moment)), consistent_read=True).events or 0)
    except DoesNotExist:
        return 0


def test_a_resident_organises_an_event_in_local_time_stored_as_utc_and_neighbours_read_it(client, act_as):
    event = organised(client, act_as)
    assert event["start"] == f"{NEXT_YEAR}-05-16T09:00:00+02:00" and event["end"] == f"{NEXT_YEAR}-05-16T17:00:00+02:00"
    assert (event["zone"], event["status"], event["sequence"], event["mine"]) == ("Europe/Luxembourg", "scheduled", 0, True)
    assert event["organisers"] == ["U-anna"] and event["description"] == "Bring a table.\nCoffee from 9."
    stored = EventItem.get(*EventItem.key(event["id"]))
    assert stored.starts_at == datetime.fromisoformat(f"{NEXT_YEAR}-05-16T07:00:00+00:00")
    assert stored.zone == "Europe/Luxembourg"
    assert events_this_week(N1, stored.starts_at) == 1
    act_as(BEN)
    seen = client.get(f"/api/v1/events/{event['id']}").json_body
    assert seen["title"] == "Flea market on the square" and seen["mine"] is False and seen["nearby"] is False
    # Another neighbourhood, a pending resident, staff: it does not exist
    for stranger in (ELSEWHERE, PENDING):
        act_as(stranger)
        missing = client.get(f"/api/v1/events/{event['id']}")
        assert missing.status_code == 404 and error_of(missing)["fields"] == {"event_id": "not found"}
        assert change(client, event["id"], title="Mine now").status_code == 404
        assert client.post(f"/api/v1/events/{event['id']}/cancel").status_code == 404
    act_as(ELSEWHERE)
    assert organise(client, act_as, ELSEWHERE, nbh=N1).status_code == 404


def last_sunday(year, month) -> str:
    day = max(d for d in range(22, 32) if _valid(year, month, d) and datetime(year, month, d).weekday() == 6)
    return f"{year}-{month:02d}-{day:02d}"


def _valid(year, month, day) -> bool:
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True


def test_summer_time_changes_local_times_that_are_skipped_or_shown_twice(client, act_as):
    spring, autumn = last_sunday(NEXT_YEAR, 3), last_sunday(NEXT_YEAR, 10)
    # The last Sunday of March: 02:30 does not exist; read as RFC 5545 says, 03:30 summer time
    march = organised(client, act_as, start=f"{spring}T02:30", end=f"{spring}T04:00")
    assert march["start"] == f"{spring}T03:30:00+02:00"
    assert EventItem.get(*EventItem.key(march["id"])).starts_at.isoformat() == f"{spring}T01:30:00+00:00"
    # The last Sunday of October: 02:30 comes twice; the first one (summer time), unless an offset says otherwise
    october = organised(client, act_as, start=f"{autumn}T02:30", end=f"{autumn}T04:00")
    assert october["start"] == f"{autumn}T02:30:00+02:00" and october["end"] == f"{autumn}T04:00:00+01:00"
    assert EventItem.get(*EventItem.key(october["id"])).starts_at.isoformat() == f"{autumn}T00:30:00+00:00"
    second = organised(client, act_as, start=f"{autumn}T02:30+01:00", end=f"{autumn}T04:00+01:00")
    assert second["start"] == f"{autumn}T02:30:00+01:00"


def test_bad_input_answers_400_naming_the_field_and_writes_nothing(client, act_as):
    cases = [
        ({"end": f"{NEXT_YEAR}-05-16T08:00"}, "end"),  # end before start (the error names `end`)
        ({"start": (clock.now() + timedelta(days=800)).strftime("%Y-%m-%dT10:00"),
          "end": (clock.now() + timedelta(days=800)).strftime("%Y-%m-%dT11:00")}, "start"),  # > 2 years ahead
        ({"start": "2020-01-01T10:00", "end": "2020-01-01T11:00"}, "start"),  # in the past
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"title": "x" * 121}, "title"),
        ({"title": "   "}, "title"),
        ({"category": "rave"}, "category"),
        ({"reach": "nearby"}, "reach"),  # nearby needs a place on the map or in the register
        ({"rrule": "FREQ=YEARLY;COUNT=3"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY"}, "rrule"),  # never ends
        ({"rrule": "FREQ=DAILY;COUNT=201"}, "rrule"),
        ({"rrule": f"FREQ=MONTHLY;UNTIL={NEXT_YEAR + 3}0101"}, "rrule"),  # more than two years
        ({"rrule": f"FREQ=WEEKLY;BYDAY={NOT_THE_START_DAY};COUNT=3"}, "rrule"),  # the start is not one of its days
        ({"end": f"{NEXT_YEAR}-05-24T09:00"}, "end"),  # more than 7 days
        ({"point": {"lat": 48.0, "lon": 6.0}}, "point.lat"),  # not in Luxembourg
    ]
    for fields, named in cases:
        response = organise(client, act_as, **fields)
        assert response.status_code == 400, (fields, response.body)
        assert named in error_of(response)["fields"], (fields, error_of(response))
    assert list(EventItem.scan()) == []


def test_organisers_change_and_cancel_and_the_sequence_grows(client, act_as):
    make_user(BEN, "ben@example.org", None)
    event = organised(client, act_as, co_organisers=["U-ben"])
    assert event["organisers"] == ["U-anna", "U-ben"]
    act_as(BEN)  # a co-organiser changes it, and stays one when naming the co-organisers
    changed = change(client, event["id"], title="Big flea market", capacity=40, start=f"{NEXT_YEAR}-05-16T10:00",
                     co_organisers=["U-ben"])
    assert changed.status_code == 200, changed.body
    changed = changed.json_body
    assert (changed["title"], changed["capacity"], changed["sequence"]) == ("Big flea market", 40, 1)
    assert changed["organisers"] == ["U-anna", "U-ben"]
    # A new start keeps the length
    assert (changed["start"], changed["end"]) == (f"{NEXT_YEAR}-05-16T10:00:00+02:00", f"{NEXT_YEAR}-05-16T18:00:00+02:00")
    bad = change(client, event["id"], end=f"{NEXT_YEAR}-05-16T09:00")
    assert bad.status_code == 400 and "end" in error_of(bad)["fields"]
    act_as(resident("U-carla", nbh=N1))  # a neighbour who does not organise it
    refused = change(client, event["id"], title="Mine")
    assert refused.status_code == 403 and error_of(refused)["fields"] == {"event_id": "not an organiser"}
    assert client.post(f"/api/v1/events/{event['id']}/cancel").status_code == 403
    # Counted in the week of its start: a start in another week moves the count, a cancellation takes it back
    week_before = datetime.fromisoformat(event["start"])
    assert events_this_week(N1, week_before) == 1
    act_as(ANNA)
    moved = change(client, event["id"], start=f"{NEXT_YEAR}-05-26T10:00", end=f"{NEXT_YEAR}-05-26T12:00").json_body
    assert events_this_week(N1, week_before) == 0 and events_this_week(N1, datetime.fromisoformat(moved["start"])) == 1
    cancelled = client.post(f"/api/v1/events/{event['id']}/cancel").json_body
    assert (cancelled["status"], cancelled["sequence"]) == ("cancelled", 3)
    assert events_this_week(N1, datetime.fromisoformat(moved["start"])) == 0
    act_as(BEN)
    assert client.get(f"/api/v1/events/{event['id']}").json_body["status"] == "cancelled"  # still visible
    assert change(client, event["id"], title="Again").status_code == 409
    assert client.post(f"/api/v1/events/{event['id']}/cancel").status_code == 409


def test_co_organisers_are_verified_residents_of_the_neighbourhood(client, act_as):
    make_user(ELSEWHERE, "else@example.org", None)
    refused = organise(client, act_as, co_organisers=["U-else"])
    assert refused.status_code == 404 and "co_organisers" in error_of(refused)["fields"]
    refused = organise(client, act_as, co_organisers=["U-nobody"])
    assert refused.status_code == 404


def test_a_point_is_kept_as_its_cell_and_nearby_reaches_neighbourhoods_within_1_km(client, act_as, clervaux):
    anna = resident("U-anna", nbh=clervaux["south"])
    point = {"lat": TOWN[0] + 0.0015, "lon": TOWN[1]}
    event = organised(client, act_as, anna, point=point, reach="nearby")
    assert event["place_cell"] == h3.latlng_to_cell(point["lat"], point["lon"], 9)
    assert event["reaches"] and clervaux["village"] not in event["reaches"]
    assert clervaux["north"] not in event["reaches"]  # about 1.8 km north
    near = event["reaches"][0]
    stored = EventItem.get(*EventItem.key(event["id"])).attribute_values
    assert "lat" not in str(stored) and str(point["lat"]) not in str(stored)
    act_as(resident("U-near", nbh=near))
    seen = client.get(f"/api/v1/events/{event['id']}").json_body
    assert seen["nearby"] is True
    window = client.get(f"/api/v1/neighbourhoods/{near}/events?from={NEXT_YEAR}-05-01T00:00"
                        f"&to={NEXT_YEAR}-06-01T00:00").json_body["occurrences"]
    assert [(o["event_id"], o["nearby"]) for o in window] == [(event["id"], True)]
    act_as(resident("U-village", nbh=clervaux["village"]))
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    # Back to the neighbourhood only: the nearby calendar forgets it
    act_as(anna)
    assert change(client, event["id"], reach="neighbourhood").json_body["reaches"] == []
    act_as(resident("U-near", nbh=near))
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{near}/events?from={NEXT_YEAR}-05-01T00:00"
                      f"&to={NEXT_YEAR}-06-01T00:00").json_body["occurrences"] == []


def test_a_register_address_of_another_commune_is_refused(client, act_as, clervaux):
    from chalicelib.addresses.service import import_addresses
    from chalicelib.addresses.search import suggest_addresses
    from tests.api.test_neighbourhoods import register_csv

    anna = resident("U-anna", nbh=clervaux["south"])
    here = suggest_addresses("0501", "Grand-Rue").addresses[0].id
    event = organised(client, act_as, anna, address_id=here, reach="nearby")
    assert event["address_id"] == here and event["reaches"]  # nearby from the address's cell
    import_addresses(register_csv([("Rue de Wiltz", "Wiltz", 49.9660, 5.9320)], commune=("Wiltz", "0808")),
                     create_communes=True)
    elsewhere = suggest_addresses("0808", "Rue de Wiltz").addresses[0].id
    refused = organise(client, act_as, anna, address_id=elsewhere)
    assert refused.status_code == 400 and error_of(refused)["fields"] == {"address_id": "outside the commune"}
    unknown = organise(client, act_as, anna, address_id="no-such-address")
    assert unknown.status_code == 404 and error_of(unknown)["fields"] == {"address_id": "unknown address"}


def test_a_point_on_the_map_outside_the_commune_is_refused_naming_the_field(client, act_as, clervaux):
    anna = resident("U-anna", nbh=clervaux["south"])
    for outside in ({"lat": 49.9660, "lon": 5.9320},  # Wiltz, another commune
                    {"lat": 49.6116, "lon": 6.1319}):  # Luxembourg City, no neighbourhood of Clervaux near
        refused = organise(client, act_as, anna, point=outside)
        assert refused.status_code == 400 and error_of(refused)["fields"] == {"point": "outside the commune"}
    event = organised(client, act_as, anna, point={"lat": TOWN[0], "lon": TOWN[1]})
    refused = change(client, event["id"], point={"lat": 49.9660, "lon": 5.9320})
    assert refused.status_code == 400 and error_of(refused)["fields"] == {"point": "outside the commune"}
    assert change(client, event["id"], point={"lat": TOWN[0] + 0.001, "lon": TOWN[1]}).status_code == 200


def test_an_event_takes_comments_and_reports_through_the_kernel(client, act_as):
    event = organised(client, act_as)
    act_as(BEN)
    comment = client.post(f"/api/v1/events/{event['id']}/comments", headers=JSON, body=body({"text": "I bring cake"}))
    assert comment.status_code == 201, comment.body
    assert (comment.json_body["about_kind"], comment.json_body["about_id"]) == ("event", event["id"])
    page = client.get(f"/api/v1/events/{event['id']}/comments").json_body["comments"]
    assert [c["text"] for c in page] == ["I bring cake"]
    assert client.get(f"/api/v1/events/{event['id']}").json_body["comment_count"] == 1
    report = client.post(f"/api/v1/events/{event['id']}/reports", headers=JSON, body=body({"reason": "commercial"}))
    assert report.status_code == 201, report.body
    act_as(ELSEWHERE)
    assert client.get(f"/api/v1/events/{event['id']}/comments").status_code == 404
    assert client.post(f"/api/v1/events/{event['id']}/reports", headers=JSON,
                       body=body({"reason": "spam"})).status_code == 404
    # The neighbourhood's moderator hides it: then only its organisers see it, in the calendar too
    act_as(resident("U-amb", nbh=N1, ambassador=True))
    queue = client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]
    assert [(t["target_type"], t["event_id"]) for t in queue] == [("event", event["id"])]
    decided = client.post(f"/api/v1/neighbourhoods/{N1}/reports/event/{event['id']}", headers=JSON,
                          body=body({"action": "hide", "reason": "commercial"}))
    assert decided.status_code == 200, decided.body
    act_as(BEN)
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    window = f"/api/v1/neighbourhoods/{N1}/events?from={NEXT_YEAR}-05-01T00:00&to={NEXT_YEAR}-06-01T00:00"
    assert client.get(window).json_body["occurrences"] == []
    act_as(ANNA)
    assert client.get(f"/api/v1/events/{event['id']}").json_body["hidden"] is True
    assert len(client.get(window).json_body["occurrences"]) == 1


def test_an_event_carries_one_photo_of_its_organiser_which_follows_its_reach(client, act_as, app, clervaux):
    from ops.local_events import LocalEvents
    from tests.photos.test_photos import jpeg_with_gps, put, start

    anna = resident("U-anna", nbh=clervaux["south"])
    act_as(anna)
    for_a_post = start(client).json_body
    started = start(client, purpose="event").json_body
    for upload in (for_a_post, started):
        put(upload, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    # A photo uploaded for a post, or someone else's, is refused naming the field
    refused = organise(client, act_as, anna, photo_id=for_a_post["photo_id"])
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"photo_id": "uploaded for a post"}
    stranger = organise(client, act_as, resident("U-ben", nbh=clervaux["south"]), photo_id=started["photo_id"])
    assert stranger.status_code == 404 and error_of(stranger)["fields"] == {"photo_id": "unknown photo"}
    event = organised(client, act_as, anna, photo_id=started["photo_id"],
                      point={"lat": TOWN[0] + 0.0015, "lon": TOWN[1]}, reach="nearby")
    assert event["photo_id"] == started["photo_id"]
    window = client.get(f"/api/v1/neighbourhoods/{clervaux['south']}/events?from={NEXT_YEAR}-05-01T00:00"
                        f"&to={NEXT_YEAR}-06-01T00:00").json_body["occurrences"]
    assert [o["photo_id"] for o in window] == [started["photo_id"]]  # the agenda's card shows it
    photo = f"/api/v1/photos/{started['photo_id']}"
    # A nearby neighbourhood the event reaches sees the photo; once the event stays home, no longer
    act_as(resident("U-near", nbh=event["reaches"][0]))
    assert client.get(photo).status_code == 200
    act_as(anna)
    assert change(client, event["id"], reach="neighbourhood").status_code == 200
    act_as(resident("U-near", nbh=event["reaches"][0]))
    assert client.get(photo).status_code == 404
    # Removed on edit
    act_as(anna)
    assert change(client, event["id"], photo_id=None).json_body["photo_id"] is None


def test_the_event_gives_its_place_centre_and_address_label_for_its_map(client, act_as, clervaux):
    from chalicelib.addresses.search import suggest_addresses

    anna = resident("U-anna", nbh=clervaux["south"])
    found = suggest_addresses("0501", "Grand-Rue").addresses[0]
    event = organised(client, act_as, anna, address_id=found.id)
    cell = h3.latlng_to_cell(event["place_centre"]["lat"], event["place_centre"]["lon"], 9)
    assert event["address"] == found.label and event["place_cell"] is None and cell  # the address's cell
    point = {"lat": TOWN[0] + 0.0015, "lon": TOWN[1]}
    moved = change(client, event["id"], point=point).json_body
    lat, lon = h3.cell_to_latlng(h3.latlng_to_cell(point["lat"], point["lon"], 9))
    assert moved["place_centre"] == {"lat": round(lat, 6), "lon": round(lon, 6)}  # the cell's centre, not the point
    assert change(client, event["id"], address_id=None, point=None).json_body["place_centre"] is None
    # An address outside the commune on edit: 400 naming the field
    from chalicelib.addresses.service import import_addresses
    from tests.api.test_neighbourhoods import register_csv
    import_addresses(register_csv([("Rue de Wiltz", "Wiltz", 49.9660, 5.9320)], commune=("Wiltz", "0808")),
                     create_communes=True)
    elsewhere = suggest_addresses("0808", "Rue de Wiltz").addresses[0].id
    refused = change(client, event["id"], address_id=elsewhere)
    assert refused.status_code == 400 and error_of(refused)["fields"] == {"address_id": "outside the commune"}
