"""Participatory budget editions, proposals and their review, through the API on DynamoDB Local."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.adapters import clock
from chalicelib.budget import editions, proposals as proposals_service
from chalicelib.budget.models import SupportItem
from chalicelib.communes.audit import audit_log
from chalicelib.policy import ANONYMOUS, Principal
from tests.budget.common import (
    BASE, commune, created, edition_payload, every, feasible, move, person, proposed, resident,
)
from tests.api.test_posts import clervaux
from tests.helpers import JSON, STAFF, body, error_of
from tests.notifications.factories import mails_to

__all__ = ["clervaux"]  # the fixture, reused
EDITOR = Principal(user_id="U-editor", staff=frozenset({("0501", "editor")}))


def _without(mapping, key):
    return {k: v for k, v in mapping.items() if k != key}


@pytest.mark.parametrize("change, field", [
    (lambda p: {**p, "name": _without(p["name"], "de")}, "name.de"),
    (lambda p: {**p, "amount_cents": 0}, "amount_cents"),
    (lambda p: {**p, "ballot": {"type": "approval_count"}}, "ballot"),
    (lambda p: {**p, "ballot": {"type": "cumulative"}}, "ballot"),
    (lambda p: {**p, "ballot": {"type": "ranked"}}, "ballot.type"),
    (lambda p: {**p, "rule": "borda"}, "rule"),
    (lambda p: {**p, "dates": {**p["dates"], "voting": p["dates"]["proposals"]}}, "dates"),
    (lambda p: {**p, "envelopes": [{"id": "north", "name": every("North"), "neighbourhood_ids": ["0501-nowhere"],
                                    "amount_cents": p["amount_cents"]}]}, "envelopes.0.neighbourhood_ids.0"),
    (lambda p: {**p, "envelopes": [{"id": "north", "name": every("North"), "neighbourhood_ids": ["0501-n1"],
                                    "amount_cents": 5}]}, "body"),
    (lambda p: {**p, "colour": "red"}, "colour"),
])
def test_an_edition_validates_its_fields_naming_them(client, act_as, change, field):
    commune(client, act_as)

    response = client.post(BASE, headers=JSON, body=body(change(edition_payload())))

    assert response.status_code == 400 and field in error_of(response)["fields"], error_of(response)


def test_admins_create_and_edit_editions_editors_cannot(client, act_as):
    commune(client, act_as)
    act_as(EDITOR)
    assert client.post(BASE, headers=JSON, body=body(edition_payload())).status_code == 403
    edition = created(client, act_as)
    assert edition["phase"] == "proposals" and edition["amount_cents"] == 100_000
    assert edition["envelopes"] == [] and edition["ballot"]["type"] == "approval"

    changed = client.put(f"{BASE}/{edition['id']}", headers=JSON,
                         body=body({**edition_payload(amount=250_000), "version": 1}))
    stale = client.put(f"{BASE}/{edition['id']}", headers=JSON, body=body({**edition_payload(), "version": 1}))

    assert changed.status_code == 200 and changed.json_body["amount_cents"] == 250_000
    assert stale.status_code == 409 and error_of(stale)["fields"] == {"version": "changed"}
    actions = [e.action for e in audit_log("0501").entries]
    assert "budget_edition_created" in actions and "budget_edition_changed" in actions


def test_an_edition_is_read_by_the_communes_residents_and_staff_only_until_results(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as)
    url = f"{BASE}/{edition['id']}"
    for reader, status in ((person("U-n1"), 200), (person("U-n2", nbh="0501-n2"), 200), (STAFF, 200),
                           (ANONYMOUS, 404), (person("U-pending", status="pending"), 404),
                           (person("U-far", nbh="0999-x", lau2="0999"), 404),
                           (Principal(user_id="U-admin-far", staff=frozenset({("0999", "admin")})), 404)):
        act_as(reader)
        assert client.get(url).status_code == status, reader
        assert client.get(f"{url}/proposals").status_code == status, reader
    # Another commune's path never shows it
    act_as(STAFF)
    assert client.get(f"/api/v1/communes/0999/budgets/{edition['id']}").status_code == 404
    act_as(ANONYMOUS)
    assert client.get(BASE).json_body == {"editions": []}
    act_as(person("U-n1"))
    assert [e["id"] for e in client.get(BASE).json_body["editions"]] == [edition["id"]]


def test_phases_move_one_at_a_time_by_staff_or_at_their_dates(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as)
    url = f"{BASE}/{edition['id']}/phase"
    skipping = client.post(url, headers=JSON, body=body({"phase": "voting", "version": 1}))
    stale = client.post(url, headers=JSON, body=body({"phase": "review", "version": 7}))
    assert skipping.status_code == 409 and error_of(skipping)["fields"] == {"phase": "not next after proposals"}
    assert stale.status_code == 409
    assert move(client, act_as, edition["id"], "review")["phase"] == "review"

    # The hourly job moves it on at its dates: past voting's and results' dates, two phases on
    moved = editions.advance_due(clock.now() + timedelta(days=61))

    assert moved == 2
    assert editions.load(edition["id"]).phase == "results"
    assert editions.advance_due(clock.now() + timedelta(days=61)) == 0


def test_residents_propose_in_the_proposal_phase_only(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as)
    anna = resident("U-anna")
    proposal = proposed(client, act_as, anna, edition["id"], title="Trees on the square", cents=12_345)
    assert proposal["status"] == "submitted" and proposal["mine"] and proposal["estimated_cents"] == 12_345

    act_as(anna)
    bad = client.post(f"{BASE}/{edition['id']}/proposals", headers=JSON,
                      body=body({"title": "x", "description": "y", "category": "spaceships", "estimated_cents": 5}))
    paris = client.post(f"{BASE}/{edition['id']}/proposals", headers=JSON,
                        body=body({"title": "x", "description": "y", "category": "sport", "estimated_cents": 5,
                                   "location": {"lat": 48.85, "lon": 2.35}}))
    assert bad.status_code == 400 and "category" in error_of(bad)["fields"]
    assert paris.status_code == 400 and "location.lat" in error_of(paris)["fields"]
    # A resident of another commune, a pending one: not here
    for stranger in (person("U-far", nbh="0999-x", lau2="0999"), person("U-pending", status="pending")):
        act_as(stranger)
        assert client.post(f"{BASE}/{edition['id']}/proposals", headers=JSON,
                           body=body({"title": "x", "description": "y", "category": "sport",
                                      "estimated_cents": 5})).status_code == 404

    move(client, act_as, edition["id"], "review")
    act_as(anna)
    late = client.post(f"{BASE}/{edition['id']}/proposals", headers=JSON,
                       body=body({"title": "x", "description": "y", "category": "sport", "estimated_cents": 5}))
    assert late.status_code == 409 and error_of(late)["fields"] == {"phase": "review"}


def test_a_resident_supports_once_and_the_threshold_brings_it_to_review(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as, edition_payload(threshold=2))
    proposal = proposed(client, act_as, resident("U-anna"), edition["id"])
    url = f"{BASE}/{edition['id']}/proposals/{proposal['id']}/support"
    act_as(person("U-ben"))
    first, again = client.put(url), client.put(url)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json_body == {"proposal_id": proposal["id"], "supports": 1, "status": "submitted"}
    act_as(person("U-carla", nbh="0501-n2"))  # any neighbourhood of a whole-commune budget
    assert client.put(url).json_body == {"proposal_id": proposal["id"], "supports": 2, "status": "in_review"}
    one = client.get(f"{BASE}/{edition['id']}/proposals/{proposal['id']}").json_body
    assert one["supported"] is True and one["supports"] == 2


def test_concurrent_supports_are_counted_exactly(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as, edition_payload(threshold=15))
    proposal = proposed(client, act_as, resident("U-anna"), edition["id"])
    people = [person(f"U-s{i}") for i in range(30)]

    def support(who):
        return proposals_service.support(who, "0501", edition["id"], proposal["id"])[1]

    with ThreadPoolExecutor(max_workers=8) as pool:
        firsts = list(pool.map(support, people + people[:10]))

    stored = proposals_service.load_proposal(edition["id"], proposal["id"])
    marks = list(SupportItem.query(f"BUDGET#{edition['id']}", SupportItem.sk.startswith("SUPPORT#")))
    assert sum(firsts) == 30 and stored.supports == 30 == len(marks) and stored.status == "in_review"


def test_staff_review_with_a_reason_never_their_own_and_the_proposer_is_emailed(client, act_as, outbox):
    commune(client, act_as)
    edition = created(client, act_as, edition_payload(threshold=1))
    anna = resident("U-anna")
    proposal = proposed(client, act_as, anna, edition["id"], title="Playground")
    url = f"{BASE}/{edition['id']}/proposals/{proposal['id']}/review"
    decision = {"decision": "feasible", "final_cents": 45_000, "reason": "The works department checked it."}
    act_as(STAFF)
    below = client.post(url, headers=JSON, body=body(decision))
    assert below.status_code == 409 and error_of(below)["fields"] == {"proposal_id": "below the threshold"}
    act_as(person("U-ben"))
    client.put(f"{BASE}/{edition['id']}/proposals/{proposal['id']}/support")

    # A staff member who proposed it does not decide
    own = Principal(user_id="U-anna", lau2="0501", neighbourhood_id="0501-n1", residence_status="verified",
                    staff=frozenset({("0501", "admin")}))
    act_as(own)
    refused = client.post(url, headers=JSON, body=body(decision))
    assert refused.status_code == 403 and error_of(refused)["fields"] == {"proposal_id": "your own case"}
    act_as(STAFF)
    no_cost = client.post(url, headers=JSON, body=body({"decision": "feasible", "reason": "Fine by us."}))
    no_reason = client.post(url, headers=JSON, body=body({"decision": "not_feasible"}))
    assert no_cost.status_code == 400 and no_reason.status_code == 400 and "reason" in error_of(no_reason)["fields"]
    decided = client.post(url, headers=JSON, body=body(decision))

    assert decided.status_code == 200
    assert decided.json_body["status"] == "feasible" and decided.json_body["final_cents"] == 45_000
    assert decided.json_body["reason"] == "The works department checked it."
    entry = audit_log("0501").entries[0]
    assert (entry.action, entry.subject_type, entry.subject_id) == ("budget_proposal_feasible", "budget_proposal",
                                                                    proposal["id"])
    told = mails_to(outbox, "u-anna@example.org")
    assert len(told) == 1 and "Playground" in told[0]["Subject"]
    assert "The works department checked it." in told[0].get_body(("plain",)).get_content()


def test_merging_a_duplicate_carries_its_supports_counting_each_supporter_once(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as)
    kept = proposed(client, act_as, resident("U-anna"), edition["id"], title="Bike racks")
    duplicate = proposed(client, act_as, resident("U-ben"), edition["id"], title="Bicycle parking")
    for who, pids in (("U-c1", [kept, duplicate]), ("U-c2", [duplicate]), ("U-c3", [duplicate]), ("U-c4", [kept])):
        act_as(person(who))
        for p in pids:
            assert client.put(f"{BASE}/{edition['id']}/proposals/{p['id']}/support").status_code == 201
    act_as(STAFF)
    url = f"{BASE}/{edition['id']}/proposals/{duplicate['id']}/merge"
    itself = client.post(url, headers=JSON, body=body({"into": duplicate["id"], "reason": "Same idea."}))
    merged = client.post(url, headers=JSON, body=body({"into": kept["id"], "reason": "Same idea."}))

    assert itself.status_code == 400
    assert merged.status_code == 200, merged.body
    assert merged.status_code == 200 and merged.json_body["supports"] == 4  # c1 once, c2, c3, c4
    gone = client.get(f"{BASE}/{edition['id']}/proposals/{duplicate['id']}").json_body
    assert gone["status"] == "merged" and gone["merged_into"] == kept["id"] and gone["reason"] == "Same idea."
    act_as(person("U-c5"))
    assert client.put(f"{BASE}/{edition['id']}/proposals/{duplicate['id']}/support").status_code == 409
    assert audit_log("0501").entries[0].action == "budget_proposals_merged"


def test_a_scoped_edition_lets_only_its_envelopes_residents_take_part(client, act_as, clervaux):
    south, north, village = clervaux["south"], clervaux["north"], clervaux["village"]
    envelopes = [{"id": "town", "name": every("Town"), "neighbourhood_ids": [south, north], "amount_cents": 60_000},
                 {"id": "village", "name": every("Village"), "neighbourhood_ids": [village], "amount_cents": 40_000}]
    edition = created(client, act_as, edition_payload(envelopes=envelopes))
    assert [e["id"] for e in edition["envelopes"]] == ["town", "village"]
    townsman = resident("U-town", nbh=south)
    proposal = proposed(client, act_as, townsman, edition["id"])
    assert proposal["envelope_id"] == "town"
    # The village's residents read it, but support the village's proposals only
    act_as(person("U-village", nbh=village))
    assert client.get(f"{BASE}/{edition['id']}/proposals/{proposal['id']}").status_code == 200
    other = client.put(f"{BASE}/{edition['id']}/proposals/{proposal['id']}/support")
    assert other.status_code == 409 and error_of(other)["fields"] == {"proposal_id": "another envelope"}


def test_residents_discuss_a_proposal_with_the_shared_comments(client, act_as):
    commune(client, act_as)
    edition = created(client, act_as)
    proposal = proposed(client, act_as, resident("U-anna"), edition["id"], title="Skate park")
    url = f"{BASE}/{edition['id']}/proposals/{proposal['id']}/comments"
    ben = resident("U-ben", nbh="0501-n2")
    act_as(ben)
    written = client.post(url, headers=JSON, body=body({"text": "Yes, near the sports hall?"}))
    assert written.status_code == 201, written.body
    act_as(person("U-carla"))
    reply = client.post(url, headers=JSON, body=body({"text": "Good place.", "reply_to": written.json_body["id"]}))
    assert reply.status_code == 201
    page = client.get(url).json_body
    assert [c["text"] for c in page["comments"]] == ["Yes, near the sports hall?", "Good place."]
    assert client.get(f"{BASE}/{edition['id']}/proposals/{proposal['id']}").json_body["comment_count"] == 2
    for stranger in (ANONYMOUS, person("U-far", nbh="0999-x", lau2="0999")):
        act_as(stranger)
        assert client.get(url).status_code == 404
    act_as(STAFF)
    assert client.get(url).status_code == 200
    act_as(person("U-carla"))
    elsewhere = f"/api/v1/communes/0999/budgets/{edition['id']}/proposals/{proposal['id']}/comments"
    act_as(person("U-far", nbh="0999-x", lau2="0999"))
    assert client.post(elsewhere, headers=JSON, body=body({"text": "Hello"})).status_code == 404


def test_a_proposal_carries_its_proposers_photos_which_the_whole_commune_sees(client, act_as, app, clervaux):
    from ops.local_events import LocalEvents
    from tests.photos.test_photos import jpeg_with_gps, put, start

    edition = created(client, act_as)
    anna = resident("U-anna", nbh=clervaux["south"])
    act_as(anna)
    for_a_post = start(client).json_body
    started = start(client, purpose="proposal").json_body
    for upload in (for_a_post, started):
        put(upload, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    url = f"{BASE}/{edition['id']}/proposals"
    payload = {"title": "Bench", "description": "By the pond", "category": "public_space", "estimated_cents": 900}
    refused = client.post(url, headers=JSON, body=body({**payload, "photo_ids": [for_a_post["photo_id"]]}))
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"photo_id": "uploaded for a post"}
    made = client.post(url, headers=JSON, body=body({**payload, "photo_ids": [started["photo_id"]]}))
    assert made.status_code == 201 and made.json_body["photo_ids"] == [started["photo_id"]]
    act_as(resident("U-village", nbh=clervaux["village"]))
    assert client.get(f"/api/v1/photos/{started['photo_id']}").status_code == 200
    # Through the proposal, its photo shows where the proposal shows: its commune's staff too, no stranger yet
    shown = f"{url}/{made.json_body['id']}/photos/{started['photo_id']}"
    for reader in (resident("U-village", nbh=clervaux["village"]), STAFF):
        act_as(reader)
        assert client.get(shown).json_body["status"] == "ready"
    act_as(ANONYMOUS)
    assert client.get(shown).status_code == 404
    act_as(anna)  # and only its own photos: the one uploaded for a post is not the proposal's
    assert client.get(f"{url}/{made.json_body['id']}/photos/{for_a_post['photo_id']}").status_code == 404


def test_a_proposal_takes_one_real_pdf_from_its_proposer_and_readers_get_a_link(client, act_as):
    from chalicelib.adapters.aws import client as aws_client
    from chalicelib.budget import documents
    from chalicelib.config import get_settings

    commune(client, act_as)
    edition = created(client, act_as)
    anna = resident("U-anna")
    proposal = proposed(client, act_as, anna, edition["id"])
    url = f"{BASE}/{edition['id']}/proposals/{proposal['id']}/document"
    bucket = get_settings().uploads_bucket
    act_as(person("U-ben"))
    pdf = {"name": "plan.pdf", "content_type": "application/pdf", "size": 40}
    assert client.post(url, headers=JSON, body=body(pdf)).status_code == 403  # not the proposer
    act_as(anna)
    too_big = client.post(url, headers=JSON, body=body({**pdf, "size": 30 * 1024 * 1024}))
    assert too_big.status_code in (400, 413)
    for data, outcome in ((b"MZ\x90\x00 not a pdf", "failed"), (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "ready")):
        started = client.post(url, headers=JSON, body=body({**pdf, "size": len(data)}))
        assert started.status_code == 201, started.body
        key = started.json_body["fields"]["key"]
        assert key == f"incoming/budget/{edition['id']}/{proposal['id']}"
        aws_client("s3").put_object(Bucket=bucket, Key=key, Body=data)
        assert documents.process_uploaded_document(bucket, key) == outcome
        assert documents.process_uploaded_document(bucket, key) in ("ignored", "gone")  # twice: nothing more
        assert client.get(f"{BASE}/{edition['id']}/proposals/{proposal['id']}").json_body["document"]["status"] == outcome
    act_as(person("U-carla", nbh="0501-n2"))
    link = client.get(url)
    assert link.status_code == 200 and link.json_body["name"] == "plan.pdf" and "budget/" in link.json_body["url"]
    act_as(ANONYMOUS)
    assert client.get(url).status_code == 404
