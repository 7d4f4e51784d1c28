"""The digest's "coming up": the events of the 7 days after the week that the neighbourhood's calendar shows
(its own, nearby ones reaching it, the commune's), not cancelled, soonest first, in the resident's language
(issue #11, point 5). Through the API and the digest's run on DynamoDB Local."""

from datetime import timedelta

from chalicelib.digest import service
from chalicelib.digest.weeks import week_bounds
from chalicelib.events.recurrence import ZONE, to_local
from tests.digest.test_digest import (  # noqa: F401  (fixtures)
    N1, N2, delivered, neighbourhood_week, parts, resident, week,
)
from tests.helpers import JSON, body

HEADING = {"en": "Coming up in the next 7 days", "lb": "An de nächste 7 Deeg", "de": "In den nächsten 7 Tagen"}


def organise(client, act_as, who, title, start, nbh=N1, hours=2):
    act_as(who)
    fields = {"title": title, "category": "party", "start": start.strftime("%Y-%m-%dT%H:%M"),
              "end": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"), "place": "Kiosk"}
    response = client.post(f"/api/v1/neighbourhoods/{nbh}/events", headers=JSON, body=body(fields))
    assert response.status_code == 201, response.body
    return response.json_body


def test_the_digest_lists_the_coming_weeks_events_of_the_neighbourhood(client, act_as, neighbourhood_week, outbox,
                                                                        week):
    _, end = week_bounds(week)
    local_end = to_local(end, ZONE).replace(tzinfo=None)  # Monday 00:00 after the week, Luxembourg time
    organise(client, act_as, resident("anna"), "Repair café", local_end + timedelta(days=2, hours=18))
    organise(client, act_as, resident("dani"), "Flea market", local_end + timedelta(days=1, hours=9))
    organise(client, act_as, resident("anna"), "Too late", local_end + timedelta(days=8, hours=9))
    gone = organise(client, act_as, resident("anna"), "Called off", local_end + timedelta(days=3, hours=9))
    act_as(resident("anna"))
    assert client.post(f"/api/v1/events/{gone['id']}/cancel").status_code == 200
    organise(client, act_as, resident("otto", N2), "Am Duerf only", local_end + timedelta(days=2, hours=9), nbh=N2)
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    text, html = parts(sent["anna@example.lu"])
    assert HEADING["en"] in text and HEADING["en"] in html
    coming = text.split(HEADING["en"])[1]
    assert coming.index("Flea market") < coming.index("Repair café")  # soonest first
    assert "Too late" not in text and "Called off" not in text and "Am Duerf only" not in text
    assert "/events/" in html
    carla_text, _ = parts(sent["carla@example.lu"])
    assert HEADING["lb"] in carla_text and "Repair café" in carla_text


def test_events_alone_make_a_digest_and_the_week_without_any_lists_none(client, act_as, outbox, week):
    from tests.digest.test_digest import make_resident, publish

    publish(N1, "Op der Hiel")
    make_resident("anna", language="de")
    before = set(outbox.glob("*.eml"))
    assert service.run_neighbourhood(N1, "0501", "Op der Hiel", week).sent == 0  # nothing at all: no email

    _, end = week_bounds(week)
    organise(client, act_as, resident("anna"), "Nachbarschaftsfest",
             to_local(end, ZONE).replace(tzinfo=None) + timedelta(days=4, hours=15))
    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    assert report.sent == 1
    text, _ = parts(delivered(outbox, before)["anna@example.lu"])
    assert HEADING["de"] in text and "Nachbarschaftsfest" in text


def test_coming_up_leaves_out_the_events_organised_by_someone_the_resident_blocked(client, act_as, neighbourhood_week,
                                                                                   outbox, week):
    _, end = week_bounds(week)
    local_end = to_local(end, ZONE).replace(tzinfo=None)
    organise(client, act_as, resident("anna"), "Repair café", local_end + timedelta(days=2, hours=18))
    organise(client, act_as, resident("dani"), "Flea market", local_end + timedelta(days=1, hours=9))
    before = set(outbox.glob("*.eml"))

    service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    ben_text, ben_html = parts(sent["ben@example.lu"])  # Ben blocked Anna (the fixture)
    assert "Flea market" in ben_text and "Repair café" not in ben_text and "Repair café" not in ben_html
    anna_text, _ = parts(sent["anna@example.lu"])
    assert "Flea market" in anna_text and "Repair café" in anna_text
