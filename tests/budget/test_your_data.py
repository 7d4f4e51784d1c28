"""The participatory budget in "your data": proposals and supports exported, a vote said but never what; erasure
takes the links off, removes undecided proposals and keeps decided ones without their author."""

import json

from chalicelib.accounts.content_owners import content_owners
from chalicelib.budget.models import BallotItem, ProposalItem, SupportItem, VotedItem
from chalicelib.budget.your_data import erase_budget, export_budget
from tests.budget.common import BASE, person, ready_to_vote, proposed, resident
from tests.helpers import JSON, body


def test_export_says_i_voted_not_what_and_erasure_unlinks_me(client, act_as):
    edition, (a, b, c) = ready_to_vote(client, act_as)
    act_as(person("U-author"))
    client.put(f"{BASE}/{edition['id']}/ballot", headers=JSON, body=body({"choices": {a: 1}}))
    assert "budget" in [owner.name for owner in content_owners()]

    exported = export_budget("U-author")

    assert sorted(p["proposal_id"] for p in exported["proposals"]) == sorted([a, b, c])
    assert exported["voted"] == [{"edition_id": edition["id"], "channel": "online",
                                  "note": "your choices are secret: not exported"}]
    assert a not in json.dumps(exported["voted"])
    supporter = export_budget("U-supporter")
    assert sorted(s["proposal_id"] for s in supporter["supports"]) == sorted([a, b, c])

    erase_budget("U-author", "remove")
    erase_budget("U-supporter", "remove")

    pk = f"BUDGET#{edition['id']}"
    assert list(VotedItem.query(pk, VotedItem.sk.startswith("VOTED#"))) == []
    assert list(SupportItem.query(pk, SupportItem.sk.startswith("SUPPORT#"))) == []
    assert len(list(BallotItem.query(pk, BallotItem.sk.startswith("BALLOT#")))) == 1  # the vote cast stays counted
    kept = ProposalItem.get(*ProposalItem.key(edition["id"], a))  # decided: the commune's project, no author
    assert kept.author_id is None and kept.author_name is None and kept.supports == 1


def test_an_undecided_proposal_goes_with_its_author(client, act_as):
    edition, _ = ready_to_vote(client, act_as)
    from chalicelib.budget.models import EditionItem

    EditionItem(*EditionItem.key(edition["id"])).update(actions=[EditionItem.phase.set("proposals")])
    mine = proposed(client, act_as, resident("U-late"), edition["id"], title="Fountain")
    erase_budget("U-late", "remove")
    pk, sk = ProposalItem.key(edition["id"], mine["id"])
    assert ProposalItem.count(pk, ProposalItem.sk == sk, consistent_read=True) == 0
