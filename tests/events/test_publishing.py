"""Events by the commune and its partners through the publisher link (issue #11, point 2): targeted as
announcements are (whole commune, chosen neighbourhoods, a circle), within the link's scope (else 403); a
partner's waits for approval as its announcements do; public ones on the commune's public calendar and its
.ics. Through the API on DynamoDB Local."""

import pytest
import recurring_ical_events
from icalendar import Calendar

from chalicelib.adapters import clock
from chalicelib import policy
from chalicelib.policy import ANONYMOUS
from chalicelib.publishers import service as publishers
from chalicelib.publishers.models import PublishingSettings
from chalicelib.store.calls import count_dynamodb_calls
from tests.announcements.world import (
    ANNA, CARLA, CENTRE_1, CLERK, LAU2, N1, N2, as_link, build_commune, link, publisher, resident,
)
from tests.events.test_answers import answer
from tests.notifications.factories import mails_to, make_resident
from tests.helpers import JSON, STAFF, body, error_of

NEXT_YEAR = clock.now().year + 1
CONCERT = {"title": "Concert in the park", "description": "The commune's band.", "category": "culture",
           "start": f"{NEXT_YEAR}-07-04T20:00", "end": f"{NEXT_YEAR}-07-04T22:00", "place": "Parc communal",
           "target": {"kind": "commune"}}
WINDOW = f"?from={NEXT_YEAR}-07-01T00:00&to={NEXT_YEAR}-08-01T00:00"


LINK_READER = policy.principal_for  # who sent a request, read from it (act_as replaces it for the test)


@pytest.fixture
def by_link(monkeypatch):
    """After act_as: requests carry their publisher link again."""
    return lambda: monkeypatch.setattr(policy, "principal_for", LINK_READER)


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def publish(client, token, **fields):
    return client.post("/api/v1/publish/events", headers=as_link(token), body=body({**CONCERT, **fields}))


def published(client, token, **fields):
    response = publish(client, token, **fields)
    assert response.status_code == 201, response.body
    return response.json_body


def calendar_of(client, act_as, who):
    act_as(who)
    response = client.get(f"/api/v1/neighbourhoods/{who.neighbourhood_id}/events{WINDOW}")
    assert response.status_code == 200, response.body
    return [(o["title"], o["publisher_name"], o["commune_wide"]) for o in response.json_body["occurrences"]]


def test_the_commune_publishes_for_every_neighbourhood_and_residents_see_it_in_their_calendar(client, act_as):
    made = published(client, link(publisher()))
    assert (made["review"], made["publisher_name"], made["commune_wide"], made["organisers"]) == \
        ("published", "Service technique", True, [])
    for who in (ANNA, CARLA):
        assert calendar_of(client, act_as, who) == [("Concert in the park", "Service technique", True)]
        act_as(who)
        assert client.get(f"/api/v1/events/{made['id']}").status_code == 200
    # Residents answer it and read its answers (counts: it has no organiser among them)
    act_as(CARLA)
    url = f"/api/v1/events/{made['id']}/occurrences/{made['occurrence_id']}"
    assert client.put(f"{url}/answer", headers=JSON, body=body({"answer": "going"})).status_code == 200
    act_as(ANNA)
    seen = client.get(f"{url}/answers").json_body
    assert (seen["going"], seen["people"]) == (1, None)
    # Carla's personal calendar feed carries it
    act_as(CARLA)
    feed_url = client.post("/api/v1/me/calendar-feeds").json_body["url"]
    act_as(ANONYMOUS)
    feed = client.get(feed_url[feed_url.index("/api/"):])
    assert feed.status_code == 200 and b"SUMMARY:Concert in the park" in feed.body
    # Not public: the commune's public calendar does not show it

    assert client.get(f"/api/v1/communes/{LAU2}/events{WINDOW}").json_body["occurrences"] == []


def test_chosen_neighbourhoods_or_a_circle_reach_only_those(client, act_as):
    token = link(publisher())
    by_choice = published(client, token, title="For Reuler", target={"kind": "neighbourhoods", "neighbourhoods": [N2]})
    circle = {"kind": "circle", "circle": {"lat": CENTRE_1[0], "lon": CENTRE_1[1], "radius_m": 600}}
    published(client, token, title="Around the centre", target=circle)

    assert [t for t, _, _ in calendar_of(client, act_as, ANNA)] == ["Around the centre"]
    assert [t for t, _, _ in calendar_of(client, act_as, CARLA)] == ["For Reuler"]
    act_as(ANNA)
    assert client.get(f"/api/v1/events/{by_choice['id']}").status_code == 404


def test_an_event_outside_the_links_scope_is_refused_403(client, act_as):
    token = link(publisher(), neighbourhoods=[N1])
    for target in ({"kind": "commune"}, {"kind": "neighbourhoods", "neighbourhoods": [N2]}):
        refused = publish(client, token, target=target)
        assert refused.status_code == 403 and error_of(refused)["fields"] == {"target": "outside this link's neighbourhoods"}
    assert published(client, token, target={"kind": "neighbourhoods", "neighbourhoods": [N1]})["review"] == "published"
    works_only = publish(client, link(publisher(), categories=["works"]))
    assert works_only.status_code == 403
    assert error_of(works_only)["fields"] == {"category": "events not allowed by this link"}
    assert [t for t, _, _ in calendar_of(client, act_as, CARLA)] == []


def test_bad_input_names_the_field(client):
    token = link(publisher())
    for fields, name in (({"end": f"{NEXT_YEAR}-07-04T19:00"}, "end"), ({"title": "x" * 121}, "title"),
                         ({"capacity": 0}, "capacity"), ({"start": f"{NEXT_YEAR + 3}-07-04T20:00",
                                                          "end": f"{NEXT_YEAR + 3}-07-04T22:00"}, "start"),
                         ({"co_organisers": ["U-ANNA"]}, "co_organisers"), ({"reach": "nearby"}, "reach"),
                         ({"target": {"kind": "neighbourhoods"}}, "target")):
        response = publish(client, token, **fields)
        assert response.status_code == 400, (fields, response.body)
        assert any(key.startswith(name) for key in error_of(response)["fields"]), (name, error_of(response))


def test_a_partners_event_waits_for_approval_like_its_announcements(client, act_as):
    token = link(publisher(kind="partner", name="Jugendhaus"))
    made = published(client, token, title="Youth night", public=True)
    assert made["review"] == "pending"
    assert calendar_of(client, act_as, ANNA) == []
    assert client.get(f"/api/v1/communes/{LAU2}/events{WINDOW}").json_body["occurrences"] == []

    # The clerk issued the link and registered the partner: their own case
    act_as(CLERK)
    own = client.post(f"/api/v1/communes/{LAU2}/event-reviews/{made['id']}", headers=JSON,
                      body=body({"decision": "approve"}))
    assert own.status_code == 403 and error_of(own)["fields"] == {"event_id": "your own case"}
    act_as(STAFF)
    queue = client.get(f"/api/v1/communes/{LAU2}/event-reviews").json_body["reviews"]
    assert [(r["kind"], r["publisher_name"], r["public"]) for r in queue] == [("publisher", "Jugendhaus", True)]
    approved = client.post(f"/api/v1/communes/{LAU2}/event-reviews/{made['id']}", headers=JSON,
                           body=body({"decision": "approve"}))
    assert approved.status_code == 200, approved.body

    assert calendar_of(client, act_as, CARLA) == [("Youth night", "Jugendhaus", True)]
    public = client.get(f"/api/v1/communes/{LAU2}/events{WINDOW}").json_body["occurrences"]
    assert [o["title"] for o in public] == ["Youth night"]


def test_without_the_approval_setting_partners_publish_at_once(client, act_as):
    publishers.set_publishing_settings(LAU2, PublishingSettings(partner_approval=False))
    made = published(client, link(publisher(kind="partner", name="Club")))
    assert made["review"] == "published"
    assert [t for t, _, _ in calendar_of(client, act_as, ANNA)] == ["Concert in the park"]


def test_public_events_are_on_the_communes_public_calendar_and_its_ics_for_anyone(client, act_as):
    token = link(publisher())
    published(client, token, title="Fête nationale", public=True, rrule=None)
    published(client, token, title="Monthly market", public=True, start=f"{NEXT_YEAR}-07-01T08:00",
              end=f"{NEXT_YEAR}-07-01T12:00", rrule="FREQ=MONTHLY;COUNT=3")
    published(client, token, title="Residents only")

    with count_dynamodb_calls() as calls:
        page = client.get(f"/api/v1/communes/{LAU2}/events{WINDOW}")
    assert page.status_code == 200 and calls == {"Query": 1}
    assert [o["title"] for o in page.json_body["occurrences"]] == ["Monthly market", "Fête nationale"]

    ics = client.get(f"/api/v1/communes/{LAU2}/events.ics")
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert ics.headers["Content-Disposition"].startswith("inline")
    parsed = Calendar.from_ical(ics.body)
    assert "Clervaux" in str(parsed["X-WR-CALNAME"])
    assert sorted(str(e["SUMMARY"]) for e in parsed.walk("VEVENT")) == ["Fête nationale", "Monthly market"]
    expanded = recurring_ical_events.of(parsed).between((NEXT_YEAR, 7, 1), (NEXT_YEAR, 10, 1))
    assert sorted((str(e["SUMMARY"]), e["DTSTART"].dt.month) for e in expanded) == \
        [("Fête nationale", 7), ("Monthly market", 7), ("Monthly market", 8), ("Monthly market", 9)]
    assert b"ORGANIZER" not in ics.body and b"@example" not in ics.body
    assert client.get("/api/v1/communes/0999/events.ics").status_code == 404


def test_a_publisher_changes_and_cancels_its_own_events_through_its_link(client, act_as, by_link):
    token = link(publisher())
    made = published(client, token)
    url = f"/api/v1/publish/events/{made['id']}"
    changed = client.patch(url, headers=as_link(token), body=body({"title": "Concert moved indoors",
                                                                   "place": "Centre culturel"}))
    assert changed.status_code == 200, changed.body
    assert (changed.json_body["title"], changed.json_body["place"], changed.json_body["sequence"],
            changed.json_body["commune_wide"]) == ("Concert moved indoors", "Centre culturel", 1, True)
    assert calendar_of(client, act_as, CARLA) == [("Concert moved indoors", "Service technique", True)]
    by_link()  # the link is the only authority
    # a resident's event's fields only: no co-organisers, no reach; bad input names the field
    for fields, name in (({"co_organisers": ["U-ANNA"]}, "co_organisers"), ({"reach": "nearby"}, "reach"),
                         ({"title": "x" * 121}, "title"), ({"target": {"kind": "commune"}}, "target")):
        refused = client.patch(url, headers=as_link(token), body=body(fields))
        assert refused.status_code == 400 and name in error_of(refused)["fields"], (fields, refused.body)
    # Cancelled: it stays in the calendars, as cancelled; answering it is refused; cancelling again 409
    act_as(ANNA)
    answer = f"/api/v1/events/{made['id']}/occurrences/{made['occurrence_id']}/answer"
    assert client.put(answer, headers=JSON, body=body({"answer": "going"})).status_code == 200
    by_link()
    cancelled = client.post(f"{url}/cancel", headers=as_link(token))
    assert cancelled.status_code == 200, cancelled.body
    assert (cancelled.json_body["status"], cancelled.json_body["sequence"]) == ("cancelled", 2)
    act_as(CARLA)
    seen = client.get(f"/api/v1/neighbourhoods/{N2}/events{WINDOW}").json_body["occurrences"]
    assert [(o["title"], o["status"]) for o in seen] == [("Concert moved indoors", "cancelled")]
    assert client.put(answer, headers=JSON, body=body({"answer": "going"})).status_code == 409
    by_link()
    again = client.post(f"{url}/cancel", headers=as_link(token))
    assert again.status_code == 409 and error_of(again)["fields"] == {"event_id": "cancelled"}
    assert client.patch(url, headers=as_link(token), body=body({"title": "Back on"})).status_code == 409


def test_another_publishers_or_a_residents_event_or_one_outside_the_link_is_refused(client, act_as, by_link):
    service_token = link(publisher())
    made = published(client, service_token, target={"kind": "neighbourhoods", "neighbourhoods": [N2]})
    url = f"/api/v1/publish/events/{made['id']}"
    # another publisher's link; the same publisher's link limited to another neighbourhood; events not allowed
    for token in (link(publisher(kind="partner", name="Club")), link(publisher(), neighbourhoods=[N1]),
                  link(publisher(), categories=["works"])):
        for refused in (client.patch(url, headers=as_link(token), body=body({"title": "Mine now"})),
                        client.post(f"{url}/cancel", headers=as_link(token))):
            assert refused.status_code == 403 and error_of(refused)["fields"] == {"event_id": "outside the link's scope"}
    # a resident's event, and no event at all: not a publisher's event of the commune (404)
    act_as(ANNA)
    theirs = client.post(f"/api/v1/neighbourhoods/{N1}/events", headers=JSON,
                         body=body({k: v for k, v in CONCERT.items() if k != "target"})).json_body
    by_link()
    for event_id in (theirs["id"], "0" * 26):
        assert client.post(f"/api/v1/publish/events/{event_id}/cancel", headers=as_link(service_token)).status_code == 404
    # a partner's event waiting for the commune: not published yet (409)
    pending = published(client, link(publisher(kind="partner", name="Jugendhaus")), title="Youth night")
    assert pending["review"] == "pending"
    assert client.post(f"/api/v1/communes/{LAU2}/events/{pending['id']}/cancel").status_code == 401  # anonymous
    act_as(STAFF)
    waiting = client.post(f"/api/v1/communes/{LAU2}/events/{pending['id']}/cancel")
    assert waiting.status_code == 409 and error_of(waiting)["fields"] == {"event_id": "not published"}
    assert calendar_of(client, act_as, CARLA) == [("Concert in the park", "Service technique", True)]


def test_staff_cancel_a_publishers_event_of_their_commune(client, act_as, by_link):
    made = published(client, link(publisher(kind="partner", name="Club"), neighbourhoods=None), public=True)
    if made["review"] == "pending":
        act_as(STAFF)
        assert client.post(f"/api/v1/communes/{LAU2}/event-reviews/{made['id']}", headers=JSON,
                           body=body({"decision": "approve"})).status_code == 200
    act_as(CARLA)
    resident_cancel = client.post(f"/api/v1/events/{made['id']}/cancel")
    assert resident_cancel.status_code in (403, 404)  # not an organiser: residents do not cancel it
    act_as(STAFF)
    assert client.post(f"/api/v1/communes/0999/events/{made['id']}/cancel").status_code in (403, 404)
    cancelled = client.post(f"/api/v1/communes/{LAU2}/events/{made['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled", cancelled.body
    public = client.get(f"/api/v1/communes/{LAU2}/events{WINDOW}").json_body["occurrences"]
    assert [(o["title"], o["status"]) for o in public] == [("Concert in the park", "cancelled")]
    # a resident's event is its organisers' to cancel (404 here)
    act_as(ANNA)
    theirs = client.post(f"/api/v1/neighbourhoods/{N1}/events", headers=JSON,
                         body=body({k: v for k, v in CONCERT.items() if k != "target"})).json_body
    act_as(STAFF)
    assert client.post(f"/api/v1/communes/{LAU2}/events/{theirs['id']}/cancel").status_code == 404


def test_a_cancelled_publishers_event_tells_those_who_answered(client, act_as, by_link, outbox):
    made = published(client, link(publisher()))
    gina = make_resident("U-gina", nbh=N1)
    act_as(resident("U-gina"))
    assert answer(client, made["id"], made["occurrence_id"]).status_code == 200
    act_as(STAFF)
    assert client.post(f"/api/v1/communes/{LAU2}/events/{made['id']}/cancel").status_code == 200
    [told] = mails_to(outbox, gina.email)
    assert told["Subject"] == f"Cancelled: {CONCERT['title']}"


def test_a_publisher_lists_its_own_events_through_its_link_newest_first(client, act_as, by_link):
    service = publisher()
    token = link(service)
    first = published(client, token)
    second = published(client, token, title="Repair café at the town hall")
    partner_token = link(publisher(kind="partner", name="Club"))
    theirs = published(client, partner_token, title="Club night")
    with count_dynamodb_calls() as calls:
        listed = client.get("/api/v1/publish/events", headers=as_link(token))
    assert listed.status_code == 200, listed.body
    assert [(e["id"], e["review"]) for e in listed.json_body["events"]] == [(second["id"], "published"),
                                                                          (first["id"], "published")]
    assert dict(calls) == {"BatchGetItem": 1, "Query": 1}  # the link with its publisher (every link's), one Query
    assert [e["id"] for e in client.get("/api/v1/publish/events", headers=as_link(partner_token))
            .json_body["events"]] == [theirs["id"]]
    # A link whose categories leave out events lists none; a resident's session is not a link (403)
    assert client.get("/api/v1/publish/events", headers=as_link(link(service, categories=["works"]))
                      ).json_body["events"] == []
    act_as(ANNA)
    assert client.get("/api/v1/publish/events").status_code == 403


def test_a_publishers_event_carries_its_photo_where_it_reaches_and_its_address_is_in_the_commune(client, act_as, app,
                                                                                                 by_link):
    from ops.local_events import LocalEvents
    from tests.photos.test_photos import jpeg_with_gps, put

    token = link(publisher())
    upload = lambda purpose="event": client.post("/api/v1/publish/photos", headers=as_link(token), body=body(  # noqa: E731
        {"purpose": purpose, "content_type": "image/jpeg", "size": 50_000}))
    assert upload("post").status_code == 400 and error_of(upload("post"))["fields"] == {"purpose": "event only"}
    started = upload().json_body
    put(started, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    state = client.get(f"/api/v1/publish/photos/{started['photo_id']}", headers=as_link(token))
    assert state.status_code == 200 and state.json_body["status"] == "ready"
    # Another publisher's link neither follows nor attaches it
    other = link(publisher(kind="partner", name="Club"))
    assert client.get(f"/api/v1/publish/photos/{started['photo_id']}", headers=as_link(other)).status_code == 404
    refused = publish(client, other, photo_id=started["photo_id"])
    assert refused.status_code == 404 and error_of(refused)["fields"] == {"photo_id": "unknown photo"}
    made = published(client, token, photo_id=started["photo_id"], target={"kind": "neighbourhoods",
                                                                           "neighbourhoods": [N2]})
    assert made["photo_id"] == started["photo_id"]
    # Residents of the neighbourhood it reaches see the photo; the others do not
    act_as(CARLA)
    assert client.get(f"/api/v1/photos/{started['photo_id']}").status_code == 200
    act_as(ANNA)
    assert client.get(f"/api/v1/photos/{started['photo_id']}").status_code == 404
    by_link()
    removed = client.patch(f"/api/v1/publish/events/{made['id']}", headers=as_link(token), body=body({"photo_id": None}))
    assert removed.status_code == 200 and removed.json_body["photo_id"] is None
    # An address of another commune: 400 naming the field
    from chalicelib.addresses.service import import_addresses
    from chalicelib.addresses.search import suggest_addresses
    from tests.api.test_neighbourhoods import register_csv
    import_addresses(register_csv([("Rue de Wiltz", "Wiltz", 49.9660, 5.9320)], commune=("Wiltz", "0808")),
                     create_communes=True)
    elsewhere = suggest_addresses("0808", "Rue de Wiltz").addresses[0].id
    outside = publish(client, token, address_id=elsewhere)
    assert outside.status_code == 400 and error_of(outside)["fields"] == {"address_id": "outside the commune"}


def test_the_upgrade_step_lists_the_events_published_before_the_list(client):
    from chalicelib.events.models import EventItem
    from chalicelib.events.publishing import index_publisher_events

    token = link(publisher())
    made = published(client, token)
    EventItem(*EventItem.key(made["id"])).update(actions=[EventItem.gsi1pk.remove(), EventItem.gsi1sk.remove()])
    assert client.get("/api/v1/publish/events", headers=as_link(token)).json_body["events"] == []
    assert index_publisher_events() == 1 and index_publisher_events() == 0  # idempotent
    assert [e["id"] for e in client.get("/api/v1/publish/events", headers=as_link(token)).json_body["events"]] == \
        [made["id"]]
