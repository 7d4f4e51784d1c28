"""Moderating participatory-budget proposals: residents report one, it lands in its proposer's neighbourhood's
reports queue, a moderator hides it (its author and the budget staff still see it; it leaves the ballot and the
results) or shows it again. Through the API on DynamoDB Local."""

from dataclasses import replace

from chalicelib.budget import results as results_service
from chalicelib.policy import ANONYMOUS
from tests.budget.common import BASE, N1, N2, commune, created, move, person, ready_to_vote, resident
from tests.helpers import JSON, STAFF, body, error_of

AMBASSADOR = replace(person("U-AMB"), ambassador_of=frozenset({N1}))


def report(client, edition_id, proposal_id, reason="spam"):
    return client.post(f"{BASE}/{edition_id}/proposals/{proposal_id}/reports", headers=JSON,
                       body=body({"reason": reason, "text": "An advert for a shop"}))


def decide(client, edition_id, proposal_id, action, reason=None):
    payload = {"action": action, **({"reason": reason} if reason else {})}
    return client.post(f"/api/v1/neighbourhoods/{N1}/reports/budget_proposal/{edition_id}.{proposal_id}",
                       headers=JSON, body=body(payload))


def seen_by(client, act_as, edition_id, proposal_id, *people):
    """Who gets the proposal (its page, and the list holding it)."""
    seen = {}
    for who in people:
        act_as(who)
        one = client.get(f"{BASE}/{edition_id}/proposals/{proposal_id}")
        listed = [p["id"] for p in client.get(f"{BASE}/{edition_id}/proposals").json_body["proposals"]]
        seen[who.user_id] = (one.status_code, proposal_id in listed)
    return seen


def test_a_reported_proposal_is_hidden_from_residents_kept_for_its_author_and_staff_then_restored(client, act_as):
    # Given a proposal of Anna's (neighbourhood N1) that Ben (N2) reports
    edition, (a, b, c) = ready_to_vote(client, act_as)
    author, ben = person("U-author"), resident("U-ben", nbh=N2)
    act_as(ben)
    accepted = report(client, edition["id"], a)
    assert accepted.status_code == 201, accepted.body
    assert accepted.json_body == {"target_type": "budget_proposal", "target_id": f"{edition['id']}.{a}",
                                  "reason": "spam"}

    # Then it is in the proposer's neighbourhood's queue, linked to the proposal
    act_as(AMBASSADOR)
    queue = client.get(f"/api/v1/neighbourhoods/{N1}/reports").json_body["targets"]
    assert [(t["target_type"], t["target_id"], t["count"]) for t in queue] == [
        ("budget_proposal", f"{edition['id']}.{a}", 1)]
    assert queue[0]["budget_proposal_id"] == f"{edition['id']}.{a}" and queue[0]["content"]["title"] == "Project 0"

    # When a moderator hides it
    hidden = decide(client, edition["id"], a, "hide", "commercial")
    assert hidden.status_code == 200, hidden.body
    assert hidden.json_body["content"]["hidden"] is True

    # Then another resident no longer finds it; its author and the budget staff do, marked hidden with the reason
    assert seen_by(client, act_as, edition["id"], a, ben, author, STAFF) == {
        "U-ben": (404, False), "U-author": (200, True), "U-STAFF": (200, True)}
    act_as(author)
    mine = client.get(f"{BASE}/{edition['id']}/proposals/{a}", headers={"Accept-Language": "en"}).json_body
    assert mine["hidden"] is True and mine["hidden_reason"] == "commercial" and mine["hidden_reason_text"]
    act_as(ben)
    assert client.get(f"{BASE}/{edition['id']}/proposals/{b}").json_body["hidden"] is False
    assert report(client, edition["id"], a, "other").status_code == 404  # reporting it again: it is not there
    assert client.get(f"{BASE}/{edition['id']}/proposals/{a}/comments").status_code == 404

    # And it is not on the ballot
    response = client.put(f"{BASE}/{edition['id']}/ballot", headers=JSON, body=body({"choices": {a: 1}}))
    assert response.status_code == 400 and error_of(response)["fields"] == {f"choices.{a}": "not on the ballot"}
    assert client.put(f"{BASE}/{edition['id']}/ballot", headers=JSON,
                      body=body({"choices": {b: 1}})).status_code == 201

    # And the moderation log says so
    act_as(AMBASSADOR)
    log = client.get(f"/api/v1/neighbourhoods/{N1}/moderation-log").json_body["entries"]
    assert [(e["action"], e["target_type"]) for e in log] == [("hide", "budget_proposal"),
                                                              ("report", "budget_proposal")]

    # When the moderator shows it again (from the closed reports): back for everyone, and on the ballot
    act_as(AMBASSADOR)
    restored = decide(client, edition["id"], a, "restore")
    assert restored.status_code == 200, restored.body
    assert restored.json_body["content"]["hidden"] is False
    assert seen_by(client, act_as, edition["id"], a, ben) == {"U-ben": (200, True)}
    act_as(ben)
    assert client.get(f"{BASE}/{edition['id']}/proposals/{a}").json_body["hidden"] is False
    assert client.get(f"{BASE}/{edition['id']}/proposals/{a}/comments").status_code == 200
    assert client.put(f"{BASE}/{edition['id']}/ballot", headers=JSON,
                      body=body({"choices": {a: 1}})).status_code == 200


def test_a_hidden_proposal_s_thread_is_its_author_s_and_the_budget_staff_s(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    act_as(resident("U-ben", nbh=N2))
    assert report(client, edition["id"], a).status_code == 201
    act_as(AMBASSADOR)
    assert decide(client, edition["id"], a, "hide", "spam").status_code == 200

    readers = {}
    for who in (person("U-author"), STAFF, person("U-ben", nbh=N2), AMBASSADOR):
        act_as(who)
        readers[who.user_id] = client.get(f"{BASE}/{edition['id']}/proposals/{a}/comments").status_code
    assert readers == {"U-author": 200, "U-STAFF": 200, "U-ben": 404, "U-AMB": 404}
    act_as(person("U-ben", nbh=N2))
    comment = client.post(f"{BASE}/{edition['id']}/proposals/{a}/comments", headers=JSON,
                          body=body({"text": "Still here?"}))
    assert comment.status_code == 404


def test_another_commune_s_path_is_404_and_one_s_own_or_a_second_report_409(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    ben = resident("U-ben", nbh=N2)
    act_as(ben)
    assert report(client, edition["id"], a).status_code == 201

    again = report(client, edition["id"], a)
    assert again.status_code == 409 and "already reported" in error_of(again)["fields"].values()
    wrong = client.post(f"/api/v1/communes/0512/budgets/{edition['id']}/proposals/{a}/reports", headers=JSON,
                        body=body({"reason": "spam"}))
    assert wrong.status_code == 404
    act_as(person("U-far", nbh="0999-x", lau2="0999"))
    assert report(client, edition["id"], a).status_code == 404
    act_as(person("U-author"))
    own = report(client, edition["id"], a)
    assert own.status_code == 409 and error_of(own)["fields"] == {"budget_proposal_id": "yours"}


def test_a_hidden_project_is_left_out_of_the_results(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    act_as(person("U-anna"))
    assert client.put(f"{BASE}/{edition['id']}/ballot", headers=JSON,
                      body=body({"choices": {a: 1, b: 1}})).status_code == 201
    # Hidden after the vote was cast: its votes count for nothing, it is not a project of the election
    act_as(resident("U-ben", nbh=N2))
    assert report(client, edition["id"], a).status_code == 201
    act_as(AMBASSADOR)
    assert decide(client, edition["id"], a, "hide", "misinformation").status_code == 200
    move(client, act_as, edition["id"], "results")
    results_service.run_job({"kind": "budget_results", "edition_id": edition["id"]})

    act_as(STAFF)
    found = client.get(f"{BASE}/{edition['id']}/results").json_body["envelopes"][0]
    assert {p["proposal_id"] for p in found["projects"]} == {b, c}
    assert found["selected"] == [b]
    # Published: the other proposals' discussions are public, the hidden one's stays its author's and the staff's
    version = client.get(f"{BASE}/{edition['id']}").json_body["version"]
    assert client.post(f"{BASE}/{edition['id']}/results/publish", headers=JSON,
                       body=body({"version": version})).status_code == 200
    act_as(ANONYMOUS)
    assert client.get(f"{BASE}/{edition['id']}/proposals/{b}/comments").status_code == 200
    assert client.get(f"{BASE}/{edition['id']}/proposals/{a}/comments").status_code == 404
    act_as(person("U-author"))
    assert client.get(f"{BASE}/{edition['id']}/proposals/{a}/comments").status_code == 200
    act_as(AMBASSADOR)  # restored after publication: public as the others
    assert decide(client, edition["id"], a, "restore").status_code == 200
    act_as(ANONYMOUS)
    assert client.get(f"{BASE}/{edition['id']}/proposals/{a}/comments").status_code == 200


def test_the_queue_decides_only_well_formed_proposal_targets(client, act_as):
    commune(client, act_as)
    created(client, act_as)
    act_as(AMBASSADOR)
    bad = client.post(f"/api/v1/neighbourhoods/{N1}/reports/budget_proposal/NOT-A-PROPOSAL", headers=JSON,
                      body=body({"action": "dismiss"}))
    assert bad.status_code == 400 and "target_id" in error_of(bad)["fields"]
