"""The demo commune's participatory budgets (ops/demo_budget.py), loaded in-process on the test table through the
budget's services, as `./noper demo` and `make run` load them."""

from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.budget import ballots, editions, proposals, results
from chalicelib.policy import ANONYMOUS
from ops.demo import load_demo
from ops.demo_budget import demo_budget_loaded, load_demo_budget


def test_the_demo_has_a_budget_in_its_vote_and_a_past_one_with_published_results():
    loaded = load_demo()
    assert any("participatory budgets" in line and "ben@ voted" in line for line in loaded), loaded
    assert demo_budget_loaded()
    anna, ben = (principal_of(account_of(f"{who}@demo.noper.lu")) for who in ("anna", "ben"))
    lau2 = anna.neighbourhood_id.split("-")[0]
    listed = editions.list_editions(anna, lau2).editions
    voting = next(e for e in listed if e.phase == "voting")
    past = next(e for e in listed if e.phase == "results")
    # The vote: four feasible projects; ben has voted, anna may
    on_ballot = proposals.list_proposals(anna, lau2, voting.id).proposals
    assert len(on_ballot) == 4 and {p.status for p in on_ballot} == {"feasible"}
    assert ballots.my_ballot(ben, lau2, voting.id).voted and not ballots.my_ballot(anna, lau2, voting.id).voted
    # The past election: its results public, funded projects with explanations, greedy beside them
    shown = results.results(ANONYMOUS, lau2, past.id)
    assert shown.published and shown.envelopes[0].selected and shown.envelopes[0].greedy_selected
    assert all("effective_support" in p.explanation for p in shown.envelopes[0].projects)
    assert [e.id for e in editions.list_editions(ANONYMOUS, lau2).editions] == [past.id]
    # A second run adds nothing
    assert load_demo_budget(lau2) == [f"the participatory budgets of {lau2}: already there"]
