"""The outcome of a participatory budget: the Method of Equal Shares with the Add1 completion and the comparison
step with greedy, as equalshares.net defines them, and greedy by votes (or points).

Interface only for now: `greedy` works, `equal_shares` follows.

Tie rule (both methods, every round, every Add1 round): lowest cost first, then most supporters (votes), then a lot
drawn before the computation from the seed (`draw_lot`), the same for every round.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

RULES = ("equalshares/add1", "greedy")


@dataclass(frozen=True)
class Election:
    budget: int  # in the smallest currency unit (cents) or the file's unit: integers only
    projects: dict[str, int]  # project id -> cost
    ballots: tuple[dict[str, int], ...]  # one per voter: project id -> points (approval: 1)
    kind: str = "approval"  # "approval" | "cumulative"


@dataclass
class Outcome:
    rule: str  # "equalshares/add1" | "greedy"
    selected: list[str]  # in the order chosen
    spent: int
    lot: list[str]  # the drawn tie-break order, published with the results
    explanations: dict[str, dict] = field(default_factory=dict)
    comparison: dict | None = None


def draw_lot(projects, seed: str = "") -> list[str]:
    """The lot: project ids ordered by sha256(seed, id) (then id), drawn before the computation."""
    return sorted(projects, key=lambda p: (hashlib.sha256(f"{seed}\x00{p}".encode()).hexdigest(), p))


def _supporters(election: Election) -> dict[str, int]:
    votes = {p: 0 for p in election.projects}
    for ballot in election.ballots:
        for p, points in ballot.items():
            if points > 0 and p in votes:
                votes[p] += 1
    return votes


def _points(election: Election) -> dict[str, int]:
    points = {p: 0 for p in election.projects}
    for ballot in election.ballots:
        for p, given in ballot.items():
            if given > 0 and p in points:
                points[p] += given
    return points


def greedy(election: Election, *, seed: str = "") -> Outcome:
    """Greedy by votes (approval) or points (cumulative): the most supported project first, skipping the ones that
    no longer fit the money left."""
    lot = draw_lot(election.projects, seed)
    rank = {p: i for i, p in enumerate(lot)}
    votes = _supporters(election)
    score = _points(election) if election.kind == "cumulative" else votes
    order = sorted((p for p in election.projects if score[p] > 0),
                   key=lambda p: (-score[p], election.projects[p], -votes[p], rank[p]))
    selected, spent = [], 0
    for p in order:
        if spent + election.projects[p] <= election.budget:
            selected.append(p)
            spent += election.projects[p]
    explanations = {p: {"votes": votes[p], "points": score[p], "cost": election.projects[p],
                        "funded": p in selected} for p in election.projects}
    return Outcome(rule="greedy", selected=selected, spent=spent, lot=lot, explanations=explanations)


def equal_shares(election: Election, *, completion: str = "add1", comparison: bool = True,
                 seed: str = "") -> Outcome:
    raise NotImplementedError("equal shares: coming in the next commit")


def outcome(election: Election, rule: str, *, seed: str = "") -> Outcome:
    """The outcome by the rule's name: "equalshares/add1" (with the comparison step), "equalshares/add1-nocomparison",
    "equalshares" (no completion) or "greedy"."""
    if rule == "greedy":
        return greedy(election, seed=seed)
    if rule in ("equalshares/add1", "equalshares/add1-comparison"):
        return equal_shares(election, seed=seed)
    if rule == "equalshares/add1-nocomparison":
        return equal_shares(election, comparison=False, seed=seed)
    if rule == "equalshares":
        return equal_shares(election, completion="none", comparison=False, seed=seed)
    raise ValueError(f"unknown rule {rule!r}: one of {', '.join(RULES)}")


