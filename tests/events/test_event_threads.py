"""An event's comments are one Query (#16): the head of its thread (`ThreadHeadItem`) says who reads them, kept in
step with the event wherever its readers change (created, approved for the whole commune or withdrawn, hidden by a
moderator or shown again, a co-organiser added while hidden), with the answers its own page gives. Through the API
on DynamoDB Local."""

from dataclasses import replace

import pytest

from chalicelib.comments.models import ThreadHeadItem
from chalicelib.content import kinds
from chalicelib.content.kinds import Change
from chalicelib.errors import Conflict
from chalicelib.events.service import head_threads
from chalicelib.moderation.service import audit_entry
from chalicelib.publishers import service as publishers
from chalicelib.publishers.models import PublishingSettings
from tests.announcements.world import ANNA, BEN, CARLA, LAU2, N1, N2, build_commune, link, publisher, resident
from tests.events.test_approval import asked, decided, organised
from tests.events.test_publishing import by_link, published  # noqa: F401  (by_link is a fixture)
from tests.helpers import JSON, STAFF, body
from chalicelib.store.calls import count_dynamodb_calls

AMBASSADOR = replace(resident("U-AMB"), ambassador_of=frozenset({N1}))
DORA = resident("U-DORA")


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def thread(client, event_id):
    return client.get(f"/api/v1/events/{event_id}/comments")


def readers(client, act_as, event_id, *people):
    """Who reads the event's comments, and whether that agrees with the event's own page, person by person."""
    answers = {}
    for who in people:
        act_as(who)
        comments, page = thread(client, event_id).status_code, client.get(f"/api/v1/events/{event_id}").status_code
        assert comments == page, (who.user_id, comments, page)
        answers[who.user_id] = comments
    return answers


def test_an_events_comments_are_one_query_and_follow_who_reads_it(client, act_as):
    # Given an event of N1 with a comment
    event = organised(client, act_as)
    act_as(BEN)
    assert client.post(f"/api/v1/events/{event['id']}/comments", headers=JSON,
                       body=body({"text": "I bring cake"})).status_code == 201

    # When a neighbour reads its comments: the head and the page in one Query; another neighbourhood: 404
    with count_dynamodb_calls() as calls:
        read = thread(client, event["id"])
    assert read.status_code == 200 and [c["text"] for c in read.json_body["comments"]] == ["I bring cake"]
    assert dict(calls) == {"Query": 1}
    assert readers(client, act_as, event["id"], ANNA, BEN, CARLA) == {"U-ANNA": 200, "U-BEN": 200, "U-CARLA": 404}

    # Approved for the whole commune: N2 reads them too; withdrawn: no longer
    assert asked(client, act_as, event["id"]).status_code == 201
    assert readers(client, act_as, event["id"], CARLA) == {"U-CARLA": 404}  # waiting: still N1's only
    assert decided(client, act_as, event["id"], "approve").status_code == 200
    act_as(CARLA)
    with count_dynamodb_calls() as calls:
        assert thread(client, event["id"]).status_code == 200
    assert dict(calls) == {"Query": 1}
    assert decided(client, act_as, event["id"], "withdraw", "Not on a school day").status_code == 200
    assert readers(client, act_as, event["id"], BEN, CARLA) == {"U-BEN": 200, "U-CARLA": 404}

    # Hidden by a moderator: its organisers only, a co-organiser added meanwhile too; shown again: its neighbours
    act_as(BEN)
    assert client.post(f"/api/v1/events/{event['id']}/reports", headers=JSON,
                       body=body({"reason": "commercial"})).status_code == 201
    act_as(AMBASSADOR)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/event/{event['id']}", headers=JSON,
                       body=body({"action": "hide", "reason": "commercial"})).status_code == 200
    assert readers(client, act_as, event["id"], ANNA, BEN, DORA) == {"U-ANNA": 200, "U-BEN": 404, "U-DORA": 404}
    act_as(ANNA)
    assert client.patch(f"/api/v1/events/{event['id']}", headers=JSON,
                        body=body({"co_organisers": [BEN.user_id]})).status_code == 200
    assert readers(client, act_as, event["id"], BEN, DORA) == {"U-BEN": 200, "U-DORA": 404}
    act_as(AMBASSADOR)
    assert client.post(f"/api/v1/neighbourhoods/{N1}/reports/event/{event['id']}", headers=JSON,
                       body=body({"action": "restore"})).status_code == 200
    assert readers(client, act_as, event["id"], BEN, DORA, CARLA) == {"U-BEN": 200, "U-DORA": 200, "U-CARLA": 404}


def test_a_thread_written_before_heads_reads_the_event_and_the_upgrade_step_heads_it_once(client, act_as):
    # Given an event whose thread has no head (written before events had them)
    event = organised(client, act_as)
    ThreadHeadItem(*ThreadHeadItem.key("event", event["id"])).delete()

    # Then its comments read the event first, with the same answers
    act_as(BEN)
    with count_dynamodb_calls() as calls:
        assert thread(client, event["id"]).status_code == 200
    assert dict(calls) == {"GetItem": 1, "Query": 1}
    assert readers(client, act_as, event["id"], BEN, CARLA) == {"U-BEN": 200, "U-CARLA": 404}

    # And the upgrade step writes its head, once
    assert head_threads() >= 1 and head_threads() == 0
    head = ThreadHeadItem.get(*ThreadHeadItem.key("event", event["id"]))
    assert head.neighbourhood_ids == [N1] and head.only_among is None
    act_as(BEN)
    with count_dynamodb_calls() as calls:
        assert thread(client, event["id"]).status_code == 200
    assert dict(calls) == {"Query": 1}


def test_a_partners_event_has_no_readers_until_approved_then_its_targets(client, act_as, by_link):
    # Given a partner's event waiting for the commune, with a thread head written with it
    token = link(publisher(kind="partner", name="Jugendhaus"))
    made = published(client, token, title="Youth night")
    assert made["review"] == "pending"

    # Then nobody reads its comments; approved for the whole commune, residents of every neighbourhood do,
    # in one Query
    assert readers(client, act_as, made["id"], ANNA, CARLA) == {"U-ANNA": 404, "U-CARLA": 404}
    act_as(STAFF)
    assert client.post(f"/api/v1/communes/{LAU2}/event-reviews/{made['id']}", headers=JSON,
                       body=body({"decision": "approve"})).status_code == 200
    assert readers(client, act_as, made["id"], ANNA, CARLA) == {"U-ANNA": 200, "U-CARLA": 200}
    act_as(CARLA)
    with count_dynamodb_calls() as calls:
        assert thread(client, made["id"]).status_code == 200
    assert dict(calls) == {"Query": 1}

    # And one published at once to N2 only is N2's
    publishers.set_publishing_settings(LAU2, PublishingSettings(partner_approval=False))
    by_link()
    only_n2 = published(client, link(publisher(kind="partner", name="Club")),
                        target={"kind": "neighbourhoods", "neighbourhoods": [N2]})
    assert readers(client, act_as, only_n2["id"], ANNA, CARLA) == {"U-ANNA": 404, "U-CARLA": 200}


def test_hiding_an_event_changed_since_the_moderator_read_it_answers_409(client, act_as):
    # Given an event read by a moderation decision, then changed by its organiser
    event = organised(client, act_as)
    content = kinds.load("event", event["id"])
    act_as(ANNA)
    assert client.patch(f"/api/v1/events/{event['id']}", headers=JSON,
                        body=body({"title": "Flea market, bigger"})).status_code == 200

    # When the hide is written from what it read
    hide = Change(hide=True, reason="spam", note=None, by="U-AMB", action="hide")
    with pytest.raises(Conflict):
        kinds.kind("event").hide(content, hide, audit_entry(N1, "hide", "U-AMB", "event", event["id"], "spam"))

    # Then nothing changed: shown, its neighbours read its comments; read again, the hide holds
    assert readers(client, act_as, event["id"], BEN) == {"U-BEN": 200}
    kinds.kind("event").hide(kinds.load("event", event["id"]), hide,
                             audit_entry(N1, "hide", "U-AMB", "event", event["id"], "spam"))
    assert readers(client, act_as, event["id"], ANNA, BEN) == {"U-ANNA": 200, "U-BEN": 404}
