"""The results of a participatory budget (pure: no database): the official outcomes of real elections from pabulib,
and properties of the Method of Equal Shares on random small elections, checked against a plain voter-by-voter
implementation of equalshares.net's definition."""

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.budget import pabulib, rules
from chalicelib.budget.rules import Election, draw_lot, equal_shares, greedy, outcome

DATA = Path(__file__).resolve().parent.parent / "data" / "pabulib"
ROOT = Path(__file__).resolve().parent.parent.parent
EQUAL_SHARES_FILES = ["Poland_Wieliczka_2023_Green_Budget.pb", "Poland_Swiecie_2023.pb", "Netherlands_Assen_2024.pb"]


def load(name):
    pb = pabulib.read(DATA / name)
    return pb, pabulib.election(pb)


@pytest.mark.parametrize("name", EQUAL_SHARES_FILES)
def test_equal_shares_gives_the_official_outcome(name):
    pb, election = load(name)

    result = outcome(election, pb.meta["rule"])

    assert result.rule == "equalshares/add1"
    assert sorted(result.selected) == sorted(pb.selected())
    assert result.spent == sum(election.projects[p] for p in pb.selected()) <= election.budget
    assert result.comparison["winner"] == "equal_shares"


def test_wieliczka_order_of_funding_and_comparison():
    pb, election = load("Poland_Wieliczka_2023_Green_Budget.pb")

    result = equal_shares(election)

    assert result.share == 315  # each voter's share after the Add1 rounds: 1,000,000 / 6,586 = 151.8... at first
    assert result.selected[:3] == ["24", "41", "40"]  # the most voted first: nobody has paid anything yet
    assert result.comparison["prefer_equal_shares"] > result.comparison["prefer_greedy"]


def test_czestochowa_is_greedy_by_points_within_the_budget():
    pb, election = load("Poland_Czestochowa_2020_Grabowka.pb")
    assert pb.meta["rule"] == "greedy" and election.kind == "cumulative" and pb.selected() is None

    result = outcome(election, pb.meta["rule"])

    by_points = sorted(pb.projects, key=lambda row: -int(row["score"]))
    expected, left = [], election.budget
    for row in by_points:
        if int(row["cost"]) <= left:
            expected.append(row["project_id"])
            left -= int(row["cost"])
    assert result.selected == expected == ["196", "443", "463", "47", "198"]
    assert result.explanations["448"]["reason"] == "did_not_fit" and result.explanations["196"]["reason"] == "greedy"
    assert result.spent == 215294
    assert {p: result.explanations[p]["points"] for p in expected} == {
        row["project_id"]: int(row["score"]) for row in pb.projects if row["project_id"] in expected}


def test_explanations_say_who_paid_and_where_the_money_went():
    pb, election = load("Netherlands_Assen_2024.pb")

    result = equal_shares(election)

    funded = result.explanations["3"]
    assert funded["funded"] and funded["votes"] == 43 and funded["cost"] == 7200
    assert funded["paying_in_full"] + funded["paying_all_they_had"] == 43
    assert funded["payment"] * funded["paying_in_full"] <= 7200
    assert funded["effective_support"] >= 1
    unfunded = result.explanations["8"]
    assert not unfunded["funded"] and unfunded["effective_support"] < 1
    assert unfunded["supporters_paid_for"]  # project id -> share of its 25 supporters who paid for it
    assert all(p in result.selected and 0 < share <= 1 for p, share in unfunded["supporters_paid_for"].items())
    assert result.lot == draw_lot(election.projects) and sorted(result.lot) == sorted(election.projects)


def test_the_command_prints_the_official_winners():
    done = subprocess.run([str(ROOT / "noper"), "budget", "outcome", str(DATA / "Poland_Swiecie_2023.pb")],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    printed = json.loads(done.stdout)
    assert printed["rule"] == "equalshares/add1"
    assert sorted(printed["selected"]) == sorted(pabulib.read(DATA / "Poland_Swiecie_2023.pb").selected())
    assert printed["seconds"] >= 0

    done = subprocess.run([sys.executable, "-m", "ops.cli", "budget", "outcome", "--rule", "greedy",
                           str(DATA / "Poland_Swiecie_2023.pb")], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert json.loads(done.stdout)["rule"] == "greedy"

    wieliczka = DATA / "Poland_Wieliczka_2023_Green_Budget.pb"  # its file names the comparison step
    done = subprocess.run([str(ROOT / "noper"), "budget", "outcome", str(wieliczka)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    printed = json.loads(done.stdout)
    assert printed["rule"] == "equalshares/add1-comparison" and printed["comparison_winner"] == "equal_shares"
    assert sorted(printed["selected"]) == sorted(pabulib.read(wieliczka).selected())


def test_the_command_refuses_a_missing_file_and_an_unknown_rule(tmp_path):
    missing = subprocess.run([str(ROOT / "noper"), "budget", "outcome", str(tmp_path / "none.pb")],
                             capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode != 0 and "none.pb" in missing.stderr
    unknown = subprocess.run([str(ROOT / "noper"), "budget", "outcome", "--rule", "phragmen",
                              str(DATA / "Netherlands_Assen_2024.pb")], capture_output=True, text=True, cwd=ROOT)
    assert unknown.returncode != 0 and "phragmen" in unknown.stderr


# --- a plain implementation of the definition, voter by voter, to check the fast one against --------------------


def tie_key(election, seed=""):
    lot = draw_lot(election.projects, seed)
    votes = {p: sum(1 for b in election.ballots if b.get(p, 0) > 0) for p in election.projects}
    points = {p: sum(b.get(p, 0) for b in election.ballots if b.get(p, 0) > 0) for p in election.projects}
    return lambda p: (election.projects[p], -points[p], -votes[p], lot.index(p))


def plain_mes(election, share, seed=""):
    key = tie_key(election, seed)
    budget = [share] * len(election.ballots)
    cost = election.projects
    supporters = {p: [(i, b[p]) for i, b in enumerate(election.ballots) if b.get(p, 0) > 0] for p in cost}
    winners = sorted((p for p in cost if cost[p] == 0 and supporters[p]), key=key)
    remaining = {p for p in cost if cost[p] > 0 and supporters[p]}
    while True:
        counts = {}
        for p in sorted(remaining):
            if sum(budget[i] for i, _ in supporters[p]) < cost[p]:
                continue
            paid, weight = Fraction(0), sum(w for _, w in supporters[p])
            for i, w in sorted(supporters[p], key=lambda s: budget[s[0]] / s[1]):
                q = (cost[p] - paid) / weight
                if q * w > budget[i]:
                    paid += budget[i]
                    weight -= w
                else:
                    counts[p] = (cost[p] / q, q)
                    break
        if not counts:
            return winners, budget
        top = max(count for count, _ in counts.values())
        chosen = min((p for p in counts if counts[p][0] == top), key=key)
        q = counts[chosen][1]
        for i, w in supporters[chosen]:
            budget[i] -= min(budget[i], q * w)
        winners.append(chosen)
        remaining.discard(chosen)


def plain_equal_shares(election, seed=""):
    """MES with the budget, then each voter's share from its whole units rounded down, one unit more each round
    while the outcome fits in the budget (and not every supported project is funded yet); then the comparison."""
    n = len(election.ballots)
    winners, _ = plain_mes(election, Fraction(election.budget, n), seed)
    supported = {p for p in election.projects
                 if election.projects[p] > 0 and any(b.get(p, 0) for b in election.ballots)}
    share = election.budget // (n * election.unit) * election.unit
    while not supported <= set(winners):
        share += election.unit
        following, _ = plain_mes(election, Fraction(share), seed)
        if sum(election.projects[p] for p in following) > election.budget:
            break
        winners = following
    greedy_winners = greedy(election, seed=seed).selected
    prefer_mes = prefer_greedy = 0
    for ballot in election.ballots:
        a = sum(points for p, points in ballot.items() if p in winners)
        b = sum(points for p, points in ballot.items() if p in greedy_winners)
        prefer_mes += a > b
        prefer_greedy += b > a
    return greedy_winners if prefer_greedy > prefer_mes else winners


@st.composite
def elections(draw, kind=None):
    kind = kind or draw(st.sampled_from(["approval", "cumulative"]))
    many = draw(st.integers(1, 7))
    projects = {f"p{i}": draw(st.integers(0, 60) if i == 0 else st.integers(1, 60)) for i in range(many)}
    ids = list(projects)
    ballots = []
    for _ in range(draw(st.integers(1, 12))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=many))
        points = draw(st.lists(st.integers(1, 4), min_size=len(chosen), max_size=len(chosen)))
        ballots.append({p: (given if kind == "cumulative" else 1) for p, given in zip(chosen, points)})
    return Election(budget=draw(st.integers(0, 150)), projects=projects, ballots=tuple(ballots), kind=kind,
                    unit=draw(st.sampled_from([1, 1, 2, 5])))


@settings(max_examples=300, deadline=None)
@given(elections())
def test_equal_shares_is_the_plain_definition(election):
    assert equal_shares(election).selected == plain_equal_shares(election)


@settings(max_examples=200, deadline=None)
@given(elections())
def test_equal_shares_never_exceeds_the_budget(election):
    without = equal_shares(election, completion="none", comparison=False)
    with_add1 = equal_shares(election, comparison=False)
    compared = equal_shares(election)

    for result in (without, with_add1, compared):
        assert result.spent == sum(election.projects[p] for p in result.selected) <= election.budget
        assert len(set(result.selected)) == len(result.selected)


@settings(max_examples=200, deadline=None)
@given(elections())
def test_after_add1_no_unfunded_project_that_fits_could_still_be_paid_by_its_supporters(election):
    result = equal_shares(election, comparison=False)
    _, left = plain_mes(election, result.share)

    assert sorted(plain_mes(election, result.share)[0]) == sorted(result.selected)
    for p, cost in election.projects.items():
        supporters = [i for i, ballot in enumerate(election.ballots) if ballot.get(p, 0) > 0]
        if p not in result.selected and supporters and cost <= election.budget - result.spent:
            assert sum(left[i] for i in supporters) < cost


@settings(max_examples=150, deadline=None)
@given(elections(), st.randoms(use_true_random=False), st.text(max_size=4))
def test_results_do_not_depend_on_the_order_of_ballots_or_projects(election, rnd, seed):
    ballots = [dict(rnd.sample(list(b.items()), len(b))) for b in election.ballots]
    rnd.shuffle(ballots)
    projects = dict(rnd.sample(list(election.projects.items()), len(election.projects)))
    shuffled = Election(budget=election.budget, projects=projects, ballots=tuple(ballots), kind=election.kind,
                        unit=election.unit)

    for rule in ("equalshares/add1", "greedy"):
        first, second = outcome(election, rule, seed=seed), outcome(shuffled, rule, seed=seed)
        assert first.selected == second.selected and first.lot == second.lot


def test_ties_go_to_the_cheaper_project_then_the_more_voted_then_the_lot():
    # a and b tie in every respect: the lot decides, the same lot in every Add1 round
    election = Election(budget=20, projects={"a": 10, "b": 10, "c": 20},
                        ballots=({"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 1}))
    for seed in ("", "2026", "x"):
        lot = draw_lot(election.projects, seed)
        result = equal_shares(election, comparison=False, seed=seed)
        assert result.selected == sorted("ab", key=lot.index) and result.lot == lot
    # the same effective vote count (2): the cheaper first
    cheaper = Election(budget=40, projects={"a": 20, "b": 10}, ballots=({"a": 1, "b": 1}, {"a": 1, "b": 1}))
    assert equal_shares(cheaper, completion="none", comparison=False).selected == ["b", "a"]
    # greedy: the same votes, the cheaper first; the same votes and cost, the one with more points
    assert greedy(Election(budget=10, projects={"a": 6, "b": 4}, ballots=({"a": 1}, {"b": 1}))).selected == ["b", "a"]
    points = Election(budget=4, projects={"a": 4, "b": 4}, ballots=({"a": 1, "b": 3}, {"a": 2, "b": 1}),
                      kind="cumulative")
    assert greedy(points).selected == ["b"]


def test_add1_raises_shares_by_whole_units():
    election = Election(budget=100, projects={"x": 40, "y": 60, "z": 70},
                        ballots=({"x": 1, "y": 1}, {"x": 1, "z": 1}, {"y": 1}))
    result = equal_shares(election, comparison=False)
    assert result.share == int(result.share) and result.spent <= 100 and result.rounds > 1
    # the same election in cents, one euro (100 cents) at a time: the same outcome
    cents = Election(budget=10000, projects={"x": 4000, "y": 6000, "z": 7000}, ballots=election.ballots, unit=100)
    in_cents = equal_shares(cents, comparison=False)
    assert in_cents.share == result.share * 100 and in_cents.selected == result.selected


def test_random_larger_elections_agree_with_the_plain_definition():
    rnd = random.Random(13)
    for _ in range(15):
        projects = {f"p{i}": rnd.randint(1, 30) * 100 for i in range(rnd.randint(3, 10))}
        ballots = tuple({p: 1 for p in rnd.sample(list(projects), rnd.randint(1, len(projects)))}
                        for _ in range(rnd.randint(20, 60)))
        election = Election(budget=rnd.randint(10, 80) * 100, projects=projects, ballots=ballots)
        assert equal_shares(election).selected == plain_equal_shares(election)


def test_unknown_rules_and_completions_are_refused():
    election = Election(budget=10, projects={"a": 5}, ballots=({"a": 1},))
    with pytest.raises(ValueError, match="phragmen"):
        outcome(election, "phragmen")
    with pytest.raises(ValueError, match="completion"):
        equal_shares(election, completion="utilitarian")
    assert outcome(election, "equalshares/add1-comparison").selected == ["a"]
    assert equal_shares(Election(budget=10, projects={"a": 5}, ballots=())).selected == []


@settings(max_examples=300, deadline=None)
@given(elections(), st.integers(0, 40), st.sampled_from([1, 2, 3, 7]))
def test_the_filtered_run_decides_as_the_exact_one(election, whole, parts):
    # small integers make many exact ties and voters left with exactly nothing: the cases floats cannot decide
    share = Fraction(whole * parts + 1, parts) if whole else Fraction(election.budget, max(1, len(election.ballots)))
    prep = rules._Prepared(election, "")

    assert rules._mes(prep, share).winners == rules._mes(prep, share, exactly=True).winners


def test_greedy_is_taken_only_when_more_voters_prefer_it_and_the_reasons_say_so():
    # 2 voters, 5 to spend: equal shares cannot fund anything within the budget; greedy funds c, voter 1's project
    election = Election(budget=5, projects={"a": 7, "b": 10, "c": 4, "d": 8},
                        ballots=({"a": 1, "b": 1, "c": 1, "d": 1}, {"a": 1, "b": 1, "d": 1}))

    result = equal_shares(election)

    assert result.selected == ["c"] and result.spent == 4
    assert result.comparison == {"greedy": ["c"], "prefer_equal_shares": 0, "prefer_greedy": 1, "winner": "greedy",
                                 "same": False}
    assert result.explanations["c"]["reason"] == "greedy"
    assert result.explanations["a"]["reason"] == "shares_spent"
    assert equal_shares(election, comparison=False).selected == []


def test_the_outcome_as_json_keeps_exact_fractions():
    pb, election = load("Netherlands_Assen_2024.pb")
    result = equal_shares(election)

    data = json.loads(json.dumps(rules.to_json(result)))

    assert data["selected"] == result.selected and data["share"] == str(result.share)
    funded = data["explanations"]["3"]
    assert Fraction(funded["payment"]) == result.explanations["3"]["payment"]
    assert funded["payment_float"] == round(float(result.explanations["3"]["payment"]), 4)
    assert funded["reason"] == "equal_shares"
    unfunded = data["explanations"]["8"]
    assert unfunded["reason"] == "shares_spent" and all(Fraction(v) for v in unfunded["supporters_paid_for"].values())


def test_pabulib_rule_names():
    election = Election(budget=10, projects={"a": 5, "b": 6}, ballots=({"a": 1}, {"b": 1}, {"b": 1}))
    assert outcome(election, "equalshares").rule == "equalshares"
    assert outcome(election, "equalshares/add1-comparison").rule == "equalshares/add1"
    with pytest.raises(ValueError, match="greedy-threshold"):
        outcome(election, "greedy-threshold")
