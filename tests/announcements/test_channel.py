"""Announcements: targeting, approval, the residents' channel, the public list and Atom feed, the digest."""

from datetime import timedelta

import feedparser
import pytest

from chalicelib.adapters import clock
from chalicelib.announcements import service
from chalicelib.announcements.models import Circle
from chalicelib.publishers.targeting import circle_cells
from chalicelib.communes.audit import audit_log
from chalicelib.policy import ANONYMOUS, Principal
from chalicelib.publishers import links, service as publishers
from chalicelib.publishers.models import LinkRequest, PublishingSettings
from chalicelib.store.calls import count_dynamodb_calls
from tests.announcements.world import (
    ANNA, BEN, CARLA, CELLS_1, CENTRE_1, CENTRE_2, CLERK, LAU2, N1, N2, PENDING, announcement, as_link, build_commune,
    link, publisher,
)
from tests.helpers import JSON, STAFF, body, error_of


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def published(client, token, payload):
    response = client.post("/api/v1/publish/announcements", headers=as_link(token), body=body(payload))
    assert response.status_code == 201, response.body
    return response.json_body


def channel_of(client, act_as, principal, **query):
    act_as(principal)
    query.setdefault("language", "en")  # the web app sends its language
    url = "/api/v1/me/announcements" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    response = client.get(url)
    assert response.status_code == 200, response.body
    return response.json_body


def titles(page):
    return [a["title"] for a in page["announcements"]]


def test_an_announcement_for_a_reaches_as_residents_and_not_bs(client, act_as):
    token = link(publisher())
    made = published(client, token, announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]}, title="For N1"))

    assert made["status"] == "published"
    assert made["target_names"] == ["Clervaux-Centre"]
    assert titles(channel_of(client, act_as, ANNA)) == ["For N1"]
    assert titles(channel_of(client, act_as, CARLA)) == []
    assert titles(channel_of(client, act_as, PENDING)) == []  # not verified: not (yet) a resident


def test_a_whole_commune_announcement_reaches_every_neighbourhood(client, act_as):
    published(client, link(publisher()), announcement(title="Everyone"))

    assert titles(channel_of(client, act_as, ANNA)) == ["Everyone"]
    assert titles(channel_of(client, act_as, CARLA)) == ["Everyone"]


def test_a_neighbourhood_published_later_gets_the_current_whole_commune_announcements(client, act_as, monkeypatch):
    from chalicelib.neighbourhoods.models import NeighbourhoodItem

    published(client, link(publisher()), announcement(title="Everyone", days=30))
    published(client, link(publisher()), announcement(title="Short", days=1))
    published(client, link(publisher()), announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]}, title="N1"))
    NeighbourhoodItem(*NeighbourhoodItem.key(LAU2, "0501-new"), gsi1pk="NBH#0501-new", gsi1sk="NEIGHBOURHOOD",
                      id="0501-new", lau2=LAU2, name="Nei", address_count=10, cells=[], version=2,
                      published_at=clock.now()).save()
    newcomer = Principal(user_id="U-NEW", lau2=LAU2, neighbourhood_id="0501-new", residence_status="verified")
    assert titles(channel_of(client, act_as, newcomer)) == []
    later = clock.now() + timedelta(days=2)
    monkeypatch.setattr(service, "now", lambda: later)

    assert service.reach_neighbourhoods(LAU2) == 3  # the current one ("Short" expired), into each neighbourhood
    assert titles(channel_of(client, act_as, newcomer)) == ["Everyone"]
    assert titles(channel_of(client, act_as, ANNA)) == ["N1", "Everyone"]  # written again, not twice


def test_a_circle_reaches_the_neighbourhoods_it_covers():
    # Given a 600 m circle on N1's centre, and a 3.5 km circle between N1 and N2
    small = Circle(lat=CENTRE_1[0], lon=CENTRE_1[1], radius_m=600)
    large = Circle(lat=(CENTRE_1[0] + CENTRE_2[0]) / 2, lon=CENTRE_1[1], radius_m=3500)

    from chalicelib.publishers.targeting import resolve
    from chalicelib.announcements.models import Target

    assert set(CELLS_1) <= circle_cells(small)
    assert resolve(LAU2, Target(kind="circle", circle=small), None)[0] == [N1]
    assert resolve(LAU2, Target(kind="circle", circle=large), None)[0] == [N1, N2]


def test_a_circle_drawn_through_the_form_reaches_only_its_neighbourhood(client, act_as):
    circle = {"lat": CENTRE_2[0], "lon": CENTRE_2[1], "radius_m": 400}
    made = published(client, link(publisher()), announcement({"kind": "circle", "circle": circle}, title="Reuler only"))

    assert made["target_kind"] == "circle" and made["target_names"] == ["Reuler"]
    assert titles(channel_of(client, act_as, CARLA)) == ["Reuler only"]
    assert titles(channel_of(client, act_as, ANNA)) == []


def test_a_circle_reaching_nobody_is_refused(client):
    far = {"lat": 49.6, "lon": 6.13, "radius_m": 200}
    response = client.post("/api/v1/publish/announcements", headers=as_link(link(publisher())),
                           body=body(announcement({"kind": "circle", "circle": far})))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"target.circle": "reaches nobody"}


def test_residents_read_their_language_else_the_communes(client, act_as):
    published(client, link(publisher()), announcement(title="Works"))

    assert titles(channel_of(client, act_as, ANNA, language="en")) == ["Works"]
    assert titles(channel_of(client, act_as, ANNA, language="de")) == ["FR Works"]  # commune: lb, fr, de


def test_the_body_is_sanitised_markdown(client, act_as):
    payload = announcement()
    payload["versions"] = [{"language": "fr", "title": "T",
                            "body": "**Bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://clervaux.lu)"}]
    made = published(client, link(publisher()), payload)

    assert "<strong>Bold</strong>" in made["html"]
    assert "<script>" not in made["html"] and "javascript:" not in made["html"].split("href")[-1]
    assert '<a href="https://clervaux.lu" rel="noopener noreferrer nofollow">ok</a>' in made["html"]


def test_the_channel_is_newest_first_without_expired_ones_and_pages(client, act_as, monkeypatch):
    token = link(publisher())
    published(client, token, announcement(title="Short", days=1))
    for number in range(service.PAGE + 2):
        published(client, token, announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]}, title=f"N{number}"))
    later = clock.now() + timedelta(days=2)
    monkeypatch.setattr(service, "now", lambda: later)

    act_as(ANNA)
    with count_dynamodb_calls() as calls:
        first = client.get("/api/v1/me/announcements?language=en").json_body
    second = client.get(f"/api/v1/me/announcements?language=en&cursor={first['cursor']}").json_body

    assert calls == {"Query": 1}  # the neighbourhood's partition holds the whole-commune ones too
    everything = titles(first) + titles(second)
    assert everything == [f"N{n}" for n in reversed(range(service.PAGE + 2))]  # "Short" has expired
    assert len(titles(first)) == service.PAGE and second["cursor"] is None


def test_a_tampered_cursor_is_a_404(client, act_as):
    act_as(ANNA)
    response = client.get("/api/v1/me/announcements?cursor=bm90LWEta2V5")
    assert response.status_code == 404 and error_of(response)["fields"] == {"cursor": "not one this list gave"}


def test_partner_announcements_wait_for_approval_then_reach_residents(client, act_as, monkeypatch):
    token = link(publisher(kind="partner", name="Jugendhaus"))
    made = published(client, token, announcement(title="Youth night", category="event"))
    assert made["status"] == "pending" and made["publisher_kind"] == "partner"
    assert titles(channel_of(client, act_as, ANNA)) == []

    act_as(STAFF)
    queue = client.get(f"/api/v1/communes/{LAU2}/announcement-reviews?status=pending").json_body
    assert [a["id"] for a in queue["announcements"]] == [made["id"]]
    approved = client.post(f"/api/v1/communes/{LAU2}/announcement-reviews/{made['id']}", headers=JSON,
                           body=body({"decision": "approve"}))
    again = client.post(f"/api/v1/communes/{LAU2}/announcement-reviews/{made['id']}", headers=JSON,
                        body=body({"decision": "approve"}))

    assert approved.status_code == 200 and approved.json_body["status"] == "published"
    assert again.status_code == 409
    assert client.get(f"/api/v1/communes/{LAU2}/announcement-reviews").json_body["announcements"] == []
    page = channel_of(client, act_as, ANNA)
    assert titles(page) == ["Youth night"] and page["announcements"][0]["publisher_name"] == "Jugendhaus"


def test_the_staff_member_who_issued_the_link_or_registered_the_publisher_does_not_approve(client, act_as):
    # Separation of duties: an announcement sent through a link a staff member issued (or from a publisher
    # they registered) is their own case; another staff member decides, and the audit log says who.
    made = published(client, link(publisher(kind="partner", name="Jugendhaus")), announcement(title="Youth night"))
    club = publisher(kind="partner", name="Club")
    other = published(client, links.issue(LAU2, LinkRequest(publisher_id=club), issued_by="U-THIRD").token,
                      announcement(title="Other"))
    url = f"/api/v1/communes/{LAU2}/announcement-reviews/{made['id']}"

    act_as(CLERK)  # issued the link and registered the publisher of both
    for announcement_id in (made["id"], other["id"]):
        for decision in ("approve", "reject"):
            refused = client.post(f"/api/v1/communes/{LAU2}/announcement-reviews/{announcement_id}", headers=JSON,
                                  body=body({"decision": decision, "reason": "mine"}))
            assert refused.status_code == 403, (announcement_id, decision)
            assert error_of(refused)["fields"] == {"announcement_id": "your own case"}
    act_as(Principal(user_id="U-THIRD", staff=STAFF.staff))  # issued the second one's link only
    assert client.post(url, headers=JSON, body=body({"decision": "approve"})).status_code == 200
    assert client.post(f"/api/v1/communes/{LAU2}/announcement-reviews/{other['id']}", headers=JSON,
                       body=body({"decision": "approve"})).status_code == 403

    entry = audit_log(LAU2).entries[0]
    assert (entry.action, entry.by.id, entry.subject_type, entry.subject_id) == \
        ("announcement_approved", "U-THIRD", "announcement", made["id"])


def test_without_the_approval_setting_partners_publish_at_once(client, act_as):
    publishers.set_publishing_settings(LAU2, PublishingSettings(partner_approval=False))
    made = published(client, link(publisher(kind="partner", name="Jugendhaus")), announcement(title="Now"))

    assert made["status"] == "published"
    assert titles(channel_of(client, act_as, BEN)) == ["Now"]


def test_a_rejected_one_never_shows_and_a_withdrawn_one_disappears(client, act_as):
    partner = link(publisher(kind="partner", name="Club"))
    pending = published(client, partner, announcement(title="Ad"))
    live = published(client, link(publisher()), announcement(title="Live"))
    act_as(STAFF)
    for announcement_id, decision in ((pending["id"], "reject"), (live["id"], "withdraw")):
        response = client.post(f"/api/v1/communes/{LAU2}/announcement-reviews/{announcement_id}", headers=JSON,
                               body=body({"decision": decision, "reason": "no"}))
        assert response.status_code == 200, response.body

    assert titles(channel_of(client, act_as, ANNA)) == []


def test_public_announcements_are_readable_without_an_account_and_private_ones_are_not(client, act_as):
    token = link(publisher())
    public = published(client, token, announcement(title="Public", public=True))
    private = published(client, token, announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]}, title="Private"))
    act_as(ANONYMOUS)

    listed = client.get(f"/api/v1/communes/{LAU2}/announcements?language=en").json_body
    assert titles(listed) == ["Public"]
    assert client.get(f"/api/v1/announcements/{public['id']}").status_code == 200
    assert client.get(f"/api/v1/announcements/{private['id']}").status_code == 404
    act_as(CARLA)
    assert client.get(f"/api/v1/announcements/{private['id']}").status_code == 404
    act_as(ANNA)
    assert client.get(f"/api/v1/announcements/{private['id']}?language=en").json_body["title"] == "Private"


def test_the_atom_feed_is_valid_and_holds_only_public_announcements(client):
    token = link(publisher())
    published(client, token, announcement(title="Public one", public=True))
    published(client, token, announcement(title="Residents only"))

    response = client.get(f"/api/v1/communes/{LAU2}/announcements.atom")
    feed = feedparser.parse(response.body)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml"
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Clervaux"
    assert [entry.title for entry in feed.entries] == ["FR Public one"]  # the commune's first language with a version
    entry = feed.entries[0]
    public_id = client.get(f"/api/v1/communes/{LAU2}/announcements").json_body["announcements"][0]["id"]
    site = feed.feed.link.split(f"/communes/{LAU2}")[0]
    assert site.startswith("http")
    # Links go to the commune's public page (no account needed), to the announcement's anchor there.
    assert feed.feed.link == f"{site}/communes/{LAU2}#announcements"
    assert entry.link == f"{site}/communes/{LAU2}#announcement-{public_id}"
    assert "/announcements?id=" not in response.body.decode().replace(entry.id, "")  # only the permanent entry id
    assert entry.author == "Service technique" and entry.id == f"{site}/announcements?id={public_id}"
    assert "<strong>all week</strong>" not in entry.summary  # French version
    assert entry.tags[0].term == "information"


def test_for_digest_gives_what_a_resident_of_the_neighbourhood_sees_in_the_window(client):
    token = link(publisher())
    since = clock.now()
    published(client, token, announcement({"kind": "neighbourhoods", "neighbourhoods": [N1]}, title="N1 works"))
    published(client, token, announcement(title="Commune", category="waste"))
    published(client, token, announcement({"kind": "neighbourhoods", "neighbourhoods": [N2]}, title="N2 only"))
    until = clock.now() + timedelta(seconds=1)

    digest = service.for_digest(LAU2, N1, since, until, "en")
    before = service.for_digest(LAU2, N1, since - timedelta(days=7), since, "en")

    assert [(a.title, a.category) for a in digest] == [("Commune", "waste"), ("N1 works", "information")]
    assert all(a.link_path == f"/announcements?id={a.id}" for a in digest)
    assert before == []
