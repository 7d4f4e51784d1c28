"""Past elections in and out of pabulib's `.pb`: `./noper budget import` and `export`, and the results.pb route."""

import argparse
from pathlib import Path

from chalicelib.budget import pabulib
from chalicelib.budget.models import ProposalItem, ResultItem, VotedItem
from chalicelib.policy import ANONYMOUS
from ops import budget_editions
from tests.budget.common import BASE, commune, person
from tests.helpers import JSON, STAFF, body

DATA = Path(__file__).parents[1] / "data" / "pabulib"
SWIECIE = DATA / "Poland_Swiecie_2023.pb"
GRABOWKA = DATA / "Poland_Czestochowa_2020_Grabowka.pb"


def imported(path, open_vote=False):
    args = argparse.Namespace(file=str(path), commune="0501", open=open_vote)
    assert budget_editions._import(args) == 0
    from chalicelib.budget.models import EditionItem

    return next(iter(EditionItem.gsi1.query(EditionItem.commune_list("0501"), scan_index_forward=False)))


def test_an_imported_election_is_a_closed_edition_whose_outcome_is_the_files(client, act_as, capsys):
    commune(client, act_as)
    item = imported(SWIECIE)
    pb = pabulib.read(SWIECIE)

    assert item.phase == "results" and item.imported == 1 and item.amount_cents == int(pb.meta["budget"]) * 100
    proposals = list(ProposalItem.query(item.pk, ProposalItem.sk.startswith("PROPOSAL#")))
    source_of = {p.proposal_id: p.description.rsplit("pabulib project ", 1)[1].rstrip(")") for p in proposals}
    result = ResultItem.get(*ResultItem.key(item.edition_id, "commune")).result
    assert sorted(source_of[p] for p in result["selected"]) == sorted(pb.selected())
    assert result["ballots"] == len(pb.votes) and result["rule"] == "equalshares/add1"
    funded = next(p for p in result["projects"] if p["funded"])
    assert 0 < funded["explanation"]["effective_support"] and "/" in funded["explanation"]["effective_support_exact"]
    # Anonymous ballots: nobody is marked as having voted
    assert list(VotedItem.query(item.pk, VotedItem.sk.startswith("VOTED#"))) == []
    assert "as edition" in capsys.readouterr().out


def test_an_edition_exports_to_pb_and_reads_back_the_same_election(client, act_as, tmp_path):
    commune(client, act_as)
    item = imported(GRABOWKA)
    out = tmp_path / "again.pb"

    assert budget_editions._export(argparse.Namespace(edition_id=item.edition_id, output=str(out),
                                                      envelope=None)) == 0

    original, again = pabulib.election(pabulib.read(GRABOWKA)), pabulib.election(pabulib.read(out))
    assert again.kind == "cumulative" == original.kind and again.budget == original.budget
    assert sorted(again.projects.values()) == sorted(original.projects.values())
    assert sorted(sorted(b.values()) for b in again.ballots) == sorted(sorted(b.values()) for b in original.ballots)
    written = pabulib.read(out)
    assert [row["voter_id"] for row in written.votes] == [str(n) for n in range(1, len(written.votes) + 1)]
    assert "selected" in written.projects[0]


def test_the_results_pb_route_follows_the_results_visibility(client, act_as):
    commune(client, act_as)
    item = imported(GRABOWKA)
    url = f"{BASE}/{item.edition_id}/results.pb"
    act_as(ANONYMOUS)
    assert client.get(url).status_code == 404
    act_as(person("U-anna"))
    assert client.get(url).status_code == 409
    act_as(STAFF)
    assert client.get(url).status_code == 200
    client.post(f"{BASE}/{item.edition_id}/results/publish", headers=JSON, body=body({"version": item.version}))
    act_as(ANONYMOUS)
    public = client.get(url)
    assert public.status_code == 200 and public.body.decode().startswith("META")


def test_an_import_left_open_takes_ballots(client, act_as):
    commune(client, act_as)
    item = imported(SWIECIE, open_vote=True)
    assert item.phase == "voting"
    act_as(person("U-anna"))
    proposals = client.get(f"{BASE}/{item.edition_id}/proposals").json_body["proposals"]
    cheapest = min(proposals, key=lambda p: p["final_cents"])
    response = client.put(f"{BASE}/{item.edition_id}/ballot", headers=JSON,
                          body=body({"choices": {cheapest["id"]: 1}}))
    assert response.status_code == 201
