"""Secret ballots and paper ballots of a participatory budget, through the API on DynamoDB Local."""

import io
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.budget import ballots as ballots_service, paper as paper_service
from chalicelib.budget.models import BallotItem, BallotRequest, CardItem, TallyItem, VotedItem
from chalicelib.content.counters import WeekStatsItem, iso_week
from chalicelib.policy import ANONYMOUS
from chalicelib.verification.codes import printed
from tests.budget.common import BASE, N1, move, person, ready_to_vote, resident
from tests.helpers import JSON, STAFF, body, error_of


def vote(client, edition_id, choices):
    return client.put(f"{BASE}/{edition_id}/ballot", headers=JSON, body=body({"choices": choices}))


def tallies(edition_id):
    return {t.sk: (int(t.count), int(t.voters)) for t in TallyItem.query(f"BUDGET#{edition_id}",
                                                                          TallyItem.sk.startswith("TALLY#"))}


def ballots_counted(nbh=N1):
    """The week's `ballots` counter of the neighbourhood (the commune's indicators)."""
    try:
        return int(WeekStatsItem.get(*WeekStatsItem.key(nbh, iso_week()), consistent_read=True).ballots or 0)
    except WeekStatsItem.DoesNotExist:
        return 0


def test_a_resident_votes_then_changes_their_ballot_and_totals_follow(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    anna = person("U-anna")
    act_as(anna)
    first = vote(client, edition["id"], {a: 1, b: 1})
    assert first.status_code == 201 and first.json_body["choices"] == {a: 1, b: 1}
    changed = vote(client, edition["id"], {b: 1, c: 1})
    assert changed.status_code == 200
    mine = client.get(f"{BASE}/{edition['id']}/ballot").json_body
    assert mine["voted"] and mine["channel"] == "online" and mine["choices"] == {b: 1, c: 1}
    assert mine["budget_cents"] == 100_000

    counts = tallies(edition["id"])
    assert counts[f"TALLY#commune#{a}"] == (0, 0)
    assert counts[f"TALLY#commune#{b}"] == (1, 1) and counts[f"TALLY#commune#{c}"] == (1, 1)
    assert counts["TALLY#commune#~ballots"][0] == 1
    act_as(STAFF)
    totals = client.get(f"{BASE}/{edition['id']}/totals").json_body
    assert totals["ballots"] == {"commune": 1} and totals["points"] == {a: 0, b: 1, c: 1}


@pytest.mark.parametrize("ballot, choices, field, words", [
    ({"type": "approval"}, lambda a, b, c: {a: 1, b: 1, c: 1}, "choices", "Over the budget"),
    ({"type": "approval"}, lambda a, b, c: {a: 2}, f"choices.", "approval"),
    ({"type": "approval_count", "max_projects": 1}, lambda a, b, c: {a: 1, b: 1}, "choices", "Too many projects"),
    ({"type": "cumulative", "max_points": 5}, lambda a, b, c: {a: 3, b: 3}, "choices", "Points beyond the maximum"),
    ({"type": "approval"}, lambda a, b, c: {"01ARZ3NDEKTSV4RRFFQ69G5FAV": 1}, "choices.01ARZ3NDEKTSV4RRFFQ69G5FAV",
     "Not on this ballot"),
    ({"type": "approval"}, lambda a, b, c: {}, "choices", "at least one"),
])
def test_a_ballot_is_checked_against_its_type_naming_the_problem(client, act_as, ballot, choices, field, words):
    edition, (a, b, c) = ready_to_vote(client, act_as, ballot=ballot)
    act_as(person("U-anna"))

    response = vote(client, edition["id"], choices(a, b, c))

    assert response.status_code == 400, response.body
    error = error_of(response)
    assert any(name.startswith(field) for name in error["fields"]) and words in error["message"], error


def test_a_project_not_feasible_is_not_on_the_ballot(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    from chalicelib.budget.models import ProposalItem

    ProposalItem(*ProposalItem.key(edition["id"], c)).update(actions=[ProposalItem.status.set("not_feasible")])
    act_as(person("U-anna"))
    response = vote(client, edition["id"], {c: 1})
    assert response.status_code == 400 and error_of(response)["fields"] == {f"choices.{c}": "not on the ballot"}


def test_voting_outside_the_voting_phase_is_409_and_strangers_get_404(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    for stranger in (person("U-far", nbh="0999-x", lau2="0999"), person("U-pending", status="pending")):
        act_as(stranger)
        assert vote(client, edition["id"], {a: 1}).status_code == 404
    act_as(ANONYMOUS)
    assert vote(client, edition["id"], {a: 1}).status_code == 401
    move(client, act_as, edition["id"], "results")
    act_as(person("U-anna"))
    late = vote(client, edition["id"], {a: 1})
    assert late.status_code == 409 and error_of(late)["fields"] == {"phase": "results"}


def test_concurrent_submissions_of_one_resident_leave_one_ballot(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    anna = person("U-anna")
    choices = [{a: 1}, {b: 1}, {c: 1}, {a: 1, c: 1}, {b: 1, c: 1}] * 2

    def submit(chosen):
        return ballots_service.vote(anna, "0501", edition["id"], BallotRequest(choices=chosen))[1]

    counted = ballots_counted()
    with ThreadPoolExecutor(max_workers=6) as pool:
        firsts = list(pool.map(submit, choices))
    assert ballots_counted() == counted + 1  # the commune's indicators: one person's ballot, counted once

    stored = list(BallotItem.query(f"BUDGET#{edition['id']}", BallotItem.sk.startswith("BALLOT#")))
    assert sum(firsts) == 1 and len(stored) == 1
    counts = tallies(edition["id"])
    assert counts["TALLY#commune#~ballots"][0] == 1
    for pid in (a, b, c):
        assert counts.get(f"TALLY#commune#{pid}", (0, 0))[0] == stored[0].choices.get(pid, 0)


def test_fifty_concurrent_ballots_leave_exact_totals(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    patterns = [{a: 1}, {b: 1}, {a: 1, b: 1}, {c: 1}, {b: 1, c: 1}]
    people = [(person(f"U-v{i}"), patterns[i % len(patterns)]) for i in range(50)]

    def submit(entry):
        who, chosen = entry
        return ballots_service.vote(who, "0501", edition["id"], BallotRequest(choices=chosen))[1]

    counted = ballots_counted()
    with ThreadPoolExecutor(max_workers=10) as pool:
        assert all(pool.map(submit, people))
    assert ballots_counted() == counted + 50

    expected = {pid: sum(1 for _, chosen in people if pid in chosen) for pid in (a, b, c)}
    counts = tallies(edition["id"])
    assert counts["TALLY#commune#~ballots"][0] == 50
    assert {pid: counts[f"TALLY#commune#{pid}"][0] for pid in (a, b, c)} == expected
    assert len(list(BallotItem.query(f"BUDGET#{edition['id']}", BallotItem.sk.startswith("BALLOT#")))) == 50


def test_the_ballot_is_secret_staff_responses_never_hold_voter_ids(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    anna = person("U-anna-secret")
    act_as(anna)
    vote(client, edition["id"], {a: 1})
    # Stored: the ballot holds no user id; the has-voted marker holds no choice
    ballot = next(iter(BallotItem.query(f"BUDGET#{edition['id']}", BallotItem.sk.startswith("BALLOT#"))))
    assert "U-anna-secret" not in json.dumps(ballot.attribute_values, default=str)
    marker = VotedItem.get(*VotedItem.key(edition["id"], "U-anna-secret"))
    assert set(marker.attribute_values) <= {"pk", "sk", "gsi1pk", "gsi1sk", "edition_id", "channel", "first_at",
                                            "neighbourhood_id"}  # where the voter lived: the indicators' count
    # No staff route answers with a voter's id
    act_as(STAFF)
    for url in (f"{BASE}/{edition['id']}", f"{BASE}/{edition['id']}/proposals", f"{BASE}/{edition['id']}/totals"):
        response = client.get(url)
        assert response.status_code == 200 and b"U-anna-secret" not in response.body, url
    # Staff have no ballot of their own to read here, and cannot read another's
    assert client.get(f"{BASE}/{edition['id']}/ballot").status_code == 404


def _cards(client, act_as, edition_id, user_ids, monkeypatch):
    issued = []
    real = paper_service.new_code

    def remembered():
        code = real()
        issued.append(code)
        return code

    monkeypatch.setattr(paper_service, "new_code", remembered)
    act_as(STAFF)
    response = client.post(f"{BASE}/{edition_id}/paper-cards", headers={**JSON, "Accept": "application/pdf"},
                           body=body({"user_ids": user_ids, "language": "de"}))
    assert response.status_code == 201, response.body
    assert response.body.startswith(b"%PDF")
    return [printed(code) for code in issued]


def test_paper_ballots_vote_once_and_never_beside_an_online_ballot(client, act_as, monkeypatch):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    offline, online = resident("U-offline"), resident("U-online")
    act_as(STAFF)
    strangers = client.post(f"{BASE}/{edition['id']}/paper-cards", headers={**JSON, "Accept": "application/pdf"},
                            body=body({"user_ids": ["U-nobody"]}))
    assert strangers.status_code == 400 and error_of(strangers)["fields"] == {
        "user_ids.0": "not a verified resident of the commune"}
    card_offline, card_online = _cards(client, act_as, edition["id"], ["U-offline", "U-online"], monkeypatch)
    url = f"{BASE}/{edition['id']}/paper-ballots"
    counted = ballots_counted()

    # The online voter's card no longer votes
    act_as(online)
    assert vote(client, edition["id"], {a: 1}).status_code == 201
    act_as(STAFF)
    refused = client.post(url, headers=JSON, body=body({"code": card_online, "choices": {b: 1}}))
    assert refused.status_code == 409 and error_of(refused)["fields"] == {"ballot": "voted online"}

    # A card votes once, validated as online ballots are
    over = client.post(url, headers=JSON, body=body({"code": card_offline, "choices": {a: 1, b: 1, c: 1}}))
    entered = client.post(url, headers=JSON, body=body({"code": card_offline.lower(), "choices": {b: 1}}))
    again = client.post(url, headers=JSON, body=body({"code": card_offline, "choices": {c: 1}}))
    unknown = client.post(url, headers=JSON, body=body({"code": "0000-0000-00", "choices": {c: 1}}))
    assert over.status_code == 400
    assert entered.status_code == 201 and entered.json_body == {"edition_id": edition["id"], "envelope_id": "commune",
                                                                "entered": True}
    assert again.status_code == 409 and error_of(again)["fields"] == {"code": "used"}
    assert unknown.status_code == 404

    # Its holder cannot vote online after it, and does not see the paper choices as theirs
    act_as(offline)
    late = vote(client, edition["id"], {c: 1})
    assert late.status_code == 409 and error_of(late)["fields"] == {"ballot": "voted paper"}
    mine = client.get(f"{BASE}/{edition['id']}/ballot").json_body
    assert mine["voted"] and mine["channel"] == "paper" and mine["choices"] == {}
    counts = tallies(edition["id"])
    assert counts["TALLY#commune#~ballots"][0] == 2 and counts[f"TALLY#commune#{b}"][0] == 1
    assert ballots_counted() == counted + 2  # one online, one on paper (in its holder's neighbourhood, from the card)
    assert sum(int(card.used) for card in CardItem.query(f"BUDGET#{edition['id']}", CardItem.sk.startswith("CARD#"))) == 1


def test_cards_for_a_real_address_go_to_each_of_its_verified_residents_with_their_street(client, act_as, outbox):
    """On the real register sample (Clervaux), residents signed up and verified through the API as people are."""
    from pypdf import PdfReader

    from tests.api.test_launch_material import verified_resident
    from tests.api.test_residence import publish_clervaux
    from tests.api.test_letters import resident_headers

    publish_clervaux()
    home = "7984-20"  # Kaesfurterstrooss 20, 9755 Hupperdange
    for email in ("marie@example.lu", "jean@example.lu"):
        verified_resident(client, outbox, email, home)
    resident_headers(client, outbox, "paul@example.lu", home)  # pending: no card
    verified_resident(client, outbox, "elsewhere@example.lu", "7984-24")
    edition, (a, _, _) = ready_to_vote(client, act_as)
    act_as(STAFF)
    url = f"{BASE}/{edition['id']}/paper-cards"
    pdf = {**JSON, "Accept": "application/pdf"}

    empty = client.post(url, headers=pdf, body=body({"address_ids": [home, "7984-22"]}))
    printed_cards = client.post(url, headers=pdf, body=body({"address_ids": [home], "language": "fr"}))

    assert empty.status_code == 400 and error_of(empty)["fields"] == {"address_ids.1": "no verified resident lives there"}
    assert printed_cards.status_code == 201, printed_cards.body
    cards = list(CardItem.query(f"BUDGET#{edition['id']}", CardItem.sk.startswith("CARD#")))
    assert len(cards) == 2 and len({c.user_id for c in cards}) == 2  # the two verified residents, not the pending one
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(printed_cards.body)).pages]
    assert len(pages) == 2 and all("Kaesfurterstrooss 20" in page for page in pages)
    assert all("1,000.00 EUR" in " ".join(page.split()) and "?" not in page for page in pages)  # the amount, legible
    # And a card's code votes once, on paper, for its holder
    code = next(line.strip() for line in pages[0].splitlines() if re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}",
                                                                              line.strip()))
    entered = client.post(f"{BASE}/{edition['id']}/paper-ballots", headers=JSON, body=body({"code": code,
                                                                                            "choices": {a: 1}}))
    again = client.post(f"{BASE}/{edition['id']}/paper-ballots", headers=JSON, body=body({"code": code,
                                                                                          "choices": {a: 1}}))
    assert entered.status_code == 201 and again.status_code == 409
    assert tallies(edition["id"])["TALLY#commune#~ballots"][0] == 1
