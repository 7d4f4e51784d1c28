"""A participatory budget's results: computed by the job when the vote closes, published by staff, then public."""

import csv
import io

from chalicelib.budget import ballots as ballots_service, results as results_service
from chalicelib.budget.models import BallotRequest, ResultItem
from chalicelib.communes.audit import audit_log
from chalicelib.policy import ANONYMOUS
from tests.budget.common import BASE, move, person, ready_to_vote
from tests.helpers import JSON, STAFF, body, error_of


def voted(edition_id, ballots):
    for i, choices in enumerate(ballots):
        ballots_service.vote(person(f"U-v{i}"), "0501", edition_id, BallotRequest(choices=choices))


def test_closing_the_vote_computes_results_staff_publish_them_then_anyone_reads(client, act_as):
    # Given 100,000 cents and projects of 30,000 (a), 50,000 (b), 40,000 (c); b most voted, then a, then c
    edition, (a, b, c) = ready_to_vote(client, act_as, rule="greedy")
    voted(edition["id"], [{a: 1, b: 1}, {b: 1}, {b: 1, c: 1}, {a: 1}, {a: 1, c: 1}, {b: 1}])
    url = f"{BASE}/{edition['id']}/results"

    # When the vote closes, the job (run in-process on the test stage) computes the outcome
    move(client, act_as, edition["id"], "results")
    stored = ResultItem.get(*ResultItem.key(edition["id"], "commune"))
    assert stored.result["selected"] == [b, a]

    act_as(person("U-v0"))
    not_yet = client.get(url)
    assert not_yet.status_code == 409 and error_of(not_yet)["fields"] == {"edition_id": "results not published"}
    act_as(ANONYMOUS)
    assert client.get(url).status_code == 404
    act_as(STAFF)
    early = client.get(url).json_body
    assert early["published"] is False and early["envelopes"][0]["selected"] == [b, a]
    current = client.get(f"{BASE}/{edition['id']}").json_body
    published = client.post(f"{url}/publish", headers=JSON, body=body({"version": current["version"]}))
    assert published.status_code == 200 and published.json_body["published"] is True
    assert audit_log("0501").entries[0].action == "budget_results_published"

    # Then anyone reads the results, the edition and its proposals
    act_as(ANONYMOUS)
    public = client.get(url).json_body
    envelope = public["envelopes"][0]
    assert envelope["budget_cents"] == 100_000 and envelope["ballots"] == 6
    assert envelope["spent_cents"] == 80_000 and envelope["greedy_selected"] == [b, a]
    by_id = {p["proposal_id"]: p for p in envelope["projects"]}
    assert (by_id[b]["votes"], by_id[b]["funded"], by_id[c]["funded"]) == (4, True, False)
    assert by_id[a]["cost_cents"] == 30_000 and by_id[a]["title"] == "Project 0"
    assert client.get(f"{BASE}/{edition['id']}").status_code == 200
    assert client.get(f"{BASE}/{edition['id']}/proposals").status_code == 200
    assert [e["id"] for e in client.get(BASE).json_body["editions"]] == [edition["id"]]
    table = client.get(f"{url}.csv")
    rows = list(csv.reader(io.StringIO(table.body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["envelope", "project_id", "title"] and len(rows) == 4
    assert {(r[1], r[6]) for r in rows[1:]} == {(a, "1"), (b, "1"), (c, "0")}


def test_the_job_is_idempotent_and_skips_editions_still_voting(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as, rule="greedy")
    voted(edition["id"], [{a: 1}])
    assert results_service.run_job({"edition_id": edition["id"]}) == 0  # still voting: nothing
    move(client, act_as, edition["id"], "results")
    first = ResultItem.get(*ResultItem.key(edition["id"], "commune")).result
    assert results_service.run_job({"edition_id": edition["id"]}) == 1
    assert ResultItem.get(*ResultItem.key(edition["id"], "commune")).result == first


def test_funded_projects_progress_is_posted_after_publication(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as, rule="greedy")
    voted(edition["id"], [{a: 1}, {b: 1}])
    move(client, act_as, edition["id"], "results")
    act_as(STAFF)
    progress = f"{BASE}/{edition['id']}/proposals/{a}/implementation"
    early = client.put(progress, headers=JSON, body=body({"state": "planned"}))
    assert early.status_code == 409
    version = client.get(f"{BASE}/{edition['id']}").json_body["version"]
    client.post(f"{BASE}/{edition['id']}/results/publish", headers=JSON, body=body({"version": version}))
    unfunded = client.put(f"{BASE}/{edition['id']}/proposals/{c}/implementation", headers=JSON,
                          body=body({"state": "planned"}))
    posted = client.put(progress, headers=JSON, body=body({"state": "in_progress", "note": "Works start in May."}))
    assert unfunded.status_code == 409 and error_of(unfunded)["fields"] == {"proposal_id": "not funded"}
    assert posted.status_code == 200 and posted.json_body["funded"] is True
    assert client.get(f"{BASE}/{edition['id']}/proposals/{c}").json_body["funded"] is False  # its page says so
    assert posted.json_body["implementation"]["state"] == "in_progress"
    assert posted.json_body["implementation"]["note"] == "Works start in May."


def test_equal_shares_by_default_with_explanations_and_greedy_beside_it(client, act_as):
    # 100,000 cents; a majority of 4 approves the two dearest projects, 2 voters the cheapest one
    edition, (a, b, c) = ready_to_vote(client, act_as, costs=(20_000, 50_000, 50_000), rule="equalshares/add1")
    voted(edition["id"], [{b: 1, c: 1}] * 4 + [{a: 1}] * 2)
    move(client, act_as, edition["id"], "results")
    act_as(STAFF)
    envelope = client.get(f"{BASE}/{edition['id']}/results").json_body["envelopes"][0]

    assert envelope["rule"] == "equalshares/add1" and envelope["spent_cents"] <= 100_000
    assert set(envelope["greedy_selected"]) == {b, c}  # greedy gives the majority everything
    # Equal shares alone funds a (the two's share) and b; the comparison step asks the voters: the four prefer
    # greedy's two projects of theirs, the two equal shares' one: greedy is taken, and the record says why
    comparison = envelope["comparison"]
    assert comparison["winner"] == "greedy" and (comparison["prefer_greedy"], comparison["prefer_equal_shares"]) == (4, 2)
    assert set(envelope["selected"]) == {b, c}
    by_id = {p["proposal_id"]: p for p in envelope["projects"]}
    assert "effective_support" in by_id[a]["explanation"] and by_id[b]["votes"] == 4
    assert len(envelope["lot"]) == 3


def test_add1_raises_shares_by_whole_euros_for_an_edition_counted_in_cents():
    from chalicelib.budget.models import EditionItem, ProposalItem

    # Given an edition in cents (the app's) and one imported in whole units (`unit_cents` 100)
    def election(unit_cents):
        edition = EditionItem("BUDGET#E", "EDITION", unit_cents=unit_cents, ballot={"type": "approval"})
        proposals = [ProposalItem("BUDGET#E", f"PROPOSAL#{p}", proposal_id=p, status="feasible", envelope_id="all",
                                  final_cents=cost) for p, cost in (("a", 6_000_000), ("b", 5_000_000))]
        return results_service.election_of(edition, {"id": "all", "amount_cents": 10_000_000}, proposals,
                                           [{"a": 1}, {"b": 1}, {"a": 1, "b": 1}])

    in_cents, in_euros = election(1), election(100)
    # Then both step one euro a round: 100 cents, or 1 whole unit
    assert (in_cents.unit, in_cents.budget) == (100, 10_000_000)
    assert (in_euros.unit, in_euros.budget) == (1, 100_000)
    # and come to the same outcome
    from chalicelib.budget import rules
    assert rules.equal_shares(in_cents).selected == rules.equal_shares(in_euros).selected


def test_a_progress_photo_is_the_communes_and_shows_where_the_proposal_shows(client, act_as, app):
    from ops.local_events import LocalEvents
    from tests.photos.test_photos import jpeg_with_gps, put

    edition, (a, b, c) = ready_to_vote(client, act_as, rule="greedy")
    voted(edition["id"], [{a: 1}, {b: 1}])
    move(client, act_as, edition["id"], "results")
    act_as(STAFF)
    start = f"{BASE}/{edition['id']}/proposals/{a}/photos"
    photo = {"purpose": "proposal", "content_type": "image/jpeg", "size": 50_000}
    early = client.post(start, headers=JSON, body=body(photo))
    assert early.status_code == 409 and error_of(early)["fields"] == {"edition_id": "results not published"}
    version = client.get(f"{BASE}/{edition['id']}").json_body["version"]
    client.post(f"{BASE}/{edition['id']}/results/publish", headers=JSON, body=body({"version": version}))
    wrong = client.post(start, headers=JSON, body=body({**photo, "purpose": "post"}))
    unfunded = client.post(f"{BASE}/{edition['id']}/proposals/{c}/photos", headers=JSON, body=body(photo))
    assert wrong.status_code == 400 and error_of(wrong)["fields"] == {"purpose": "proposal only"}
    assert unfunded.status_code == 409 and error_of(unfunded)["fields"] == {"proposal_id": "not funded"}

    # When staff upload a photo and name it with the progress
    started = client.post(start, headers=JSON, body=body(photo))
    assert started.status_code == 201, started.body
    photo_id = started.json_body["photo_id"]
    shown = f"{BASE}/{edition['id']}/proposals/{a}/photos/{photo_id}"
    progress = f"{BASE}/{edition['id']}/proposals/{a}/implementation"
    waiting = client.put(progress, headers=JSON, body=body({"state": "done", "photo_id": photo_id}))
    assert waiting.status_code == 409 and error_of(waiting)["fields"] == {"photo_id": "photo is waiting"}
    assert client.get(shown).json_body["status"] == "waiting"  # staff follow it before it is named
    act_as(ANONYMOUS)
    assert client.get(shown).status_code == 404  # not named yet: nobody else reads it
    act_as(STAFF)
    put(started.json_body, jpeg_with_gps())
    assert LocalEvents(app).poll_once() == 1
    posted = client.put(progress, headers=JSON, body=body({"state": "done", "photo_id": photo_id}))
    assert posted.status_code == 200 and posted.json_body["implementation"]["photo_id"] == photo_id

    # Then anyone reads it through the proposal once the results are published, not through another proposal
    act_as(ANONYMOUS)
    answer = client.get(shown)
    assert answer.status_code == 200 and answer.json_body["status"] == "ready"
    assert "X-Amz-Expires=300" in answer.json_body["display_url"]
    assert client.get(f"{BASE}/{edition['id']}/proposals/{b}/photos/{photo_id}").status_code == 404
    assert client.get(f"/api/v1/communes/0502/budgets/{edition['id']}/proposals/{a}/photos/{photo_id}").status_code == 404



def test_proposals_discussions_are_public_with_the_results_and_still_written_by_residents_only(client, act_as):
    from ops.budget_editions import _open_threads
    from tests.budget.common import resident

    edition, (a, b, c) = ready_to_vote(client, act_as, rule="greedy")
    url = f"{BASE}/{edition['id']}/proposals/{a}/comments"
    act_as(resident("U-talker"))
    assert client.post(url, headers=JSON, body=body({"text": "Where exactly?"})).status_code == 201
    voted(edition["id"], [{a: 1}])
    move(client, act_as, edition["id"], "results")
    act_as(ANONYMOUS)
    assert client.get(url).status_code == 404  # computed, not published: still the commune's
    act_as(STAFF)
    version = client.get(f"{BASE}/{edition['id']}").json_body["version"]
    assert client.post(f"{BASE}/{edition['id']}/results/publish", headers=JSON,
                       body=body({"version": version})).status_code == 200
    act_as(ANONYMOUS)
    assert [c["text"] for c in client.get(url).json_body["comments"]] == ["Where exactly?"]
    assert _open_threads(None) == 0  # the upgrade step finds it public already, and keeps it so
    assert client.get(url).status_code == 200
    act_as(person("U-far", nbh="0999-x", lau2="0999"))
    assert client.get(url).status_code == 200
    assert client.post(url, headers=JSON, body=body({"text": "Hello"})).status_code == 404
