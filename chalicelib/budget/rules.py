"""The outcome of a participatory budget: the Method of Equal Shares (MES) with the Add1 completion and the
comparison step with greedy, as equalshares.net defines them, and greedy by votes (or points).

**Method of Equal Shares, cost utilities.** Every voter gets an equal share of the budget. A project can be bought
when its supporters together still hold its cost; they pay it as equally as possible: each pays the same price q
(times the points they gave it, for cumulative ballots), and a supporter holding less than that pays all they have
left. Among the projects that can be bought, the one whose supporters pay the least per unit of its cost (the
greatest *effective vote count* cost / q: its number of votes while nobody has spent anything) is bought first;
the supporters' shares go down by what they paid, and so on until no project can be bought. A cumulative ballot's
points weigh its utility (points x cost), as equalshares.net's code for points does.

**Add1 completion.** MES usually leaves money unspent. MES is first computed with the budget; then, from each voter's
share rounded down to whole currency units (`Election.unit` budget units: 1 when amounts are whole euros, 100 when
they are cents), each voter's share is raised by one unit per round and MES computed again, keeping each outcome that
still costs at most the budget and stopping at the first that would cost more (the one before is the result), or
once every project with a supporter is funded. It does not stop at the first outcome no project can be added to:
the outcome is not monotone in the share (Wieliczka 2023's official outcome is only reached by going on).

**Comparison step.** The outcome is compared with greedy's: each voter prefers the one that funds more of the
projects they voted for (more of their points, for cumulative ballots); greedy's outcome is taken only when more
voters prefer it than prefer equal shares'. `Outcome.comparison` records both counts and which one won.

**Greedy.** Projects by decreasing votes (points for cumulative ballots), each funded if it fits in the money left.

**Ties** (both methods, every step, every Add1 round): lowest cost first, then most points (the votes, for approval
ballots), then most supporters, then a lot: the projects ordered by the SHA-256 of the seed and their id
(`draw_lot`), drawn before the computation and published with the results (`Outcome.lot`). Nothing depends on the
order of the ballots or of the projects.

**Exact arithmetic.** Amounts are integers; shares, prices and effective vote counts are `fractions.Fraction`s.
Floats are only a filter: each carries a bound on its error, and a decision is taken on floats only when the bound
makes it certain, on the exact fractions otherwise (`_mes`). Speed also comes from voters as bits of integers (one
bit set per amount held), and from recomputing a project's price only when some of its supporters paid for another
project and it can still beat the best one found. docs/participatory-budget.md explains it all for residents.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

RULES = ("equalshares/add1", "greedy")
# pabulib's `rule` names computed here (others, e.g. greedy-threshold whose threshold the file does not give, are
# refused): the rule, and for equal shares its completion and whether the comparison step is made. Noper's own
# "equalshares/add1" makes the comparison step (it records which outcome won; on the shared files equal shares does).
PABULIB_RULES = {
    "equalshares/add1": ("equalshares/add1", "add1", True),
    "equalshares/add1-comparison": ("equalshares/add1", "add1", True),
    "equalshares": ("equalshares", "none", False),
    "greedy": ("greedy", None, None),
}


@dataclass(frozen=True)
class Election:
    budget: int  # in the smallest currency unit (cents) or the file's unit: integers only
    projects: dict[str, int]  # project id -> cost
    ballots: tuple[dict[str, int], ...]  # one per voter: project id -> points (approval: 1)
    kind: str = "approval"  # "approval" | "cumulative"
    unit: int = 1  # budget units in one whole currency unit (100 when amounts are cents): Add1's step per voter


@dataclass
class Outcome:
    rule: str  # "equalshares/add1" | "greedy"
    selected: list[str]  # in the order chosen
    spent: int
    lot: list[str]  # the drawn tie-break order, published with the results
    # per project: votes, points, cost, funded, and for equal shares effective_support (money its supporters held /
    # its cost, when it was bought or at the end), effective_vote_count, the payment of its supporters when funded
    # (`payment`: what each paying in full paid, `paying_in_full`, `paying_all_they_had`), for unfunded projects
    # `supporters_paid_for`: project id -> share of its supporters who had paid for it (Fractions).
    explanations: dict[str, dict] = field(default_factory=dict)
    comparison: dict | None = None  # {"greedy": [...], "prefer_equal_shares": n, "prefer_greedy": m, "winner": ...}
    share: Fraction | None = None  # each voter's share of the budget in the run kept (equal shares)
    rounds: int = 0  # MES runs computed (equal shares: 1 + the Add1 rounds)


def draw_lot(projects, seed: str = "") -> list[str]:
    """The lot: project ids ordered by sha256(seed, id) (then id), drawn before the computation."""
    return sorted(projects, key=lambda p: (hashlib.sha256(f"{seed}\x00{p}".encode()).hexdigest(), p))


class _Prepared:
    """An election grouped for computing: identical ballots once with their number of voters."""

    def __init__(self, election: Election, seed: str) -> None:
        if election.budget < 0 or any(cost < 0 for cost in election.projects.values()):
            raise ValueError("the budget and costs are whole amounts, not negative")
        self.election = election
        self.cost = dict(election.projects)
        self.lot = draw_lot(self.cost, seed)
        rank = {p: i for i, p in enumerate(self.lot)}
        groups = Counter(tuple(sorted((p, given) for p, given in ballot.items() if given > 0 and p in self.cost))
                         for ballot in election.ballots)
        self.types = sorted(groups.items())  # ((project, points)...), number of voters
        self.voters = len(election.ballots)
        self.votes = dict.fromkeys(self.cost, 0)
        self.points = dict.fromkeys(self.cost, 0)
        for items, many in self.types:
            for p, given in items:
                self.votes[p] += many
                self.points[p] += many * given
        # each project's supporters as bit sets of voters (bit i: the i-th ballot), one per number of points given
        bits: dict[str, dict[int, int]] = {p: {} for p in self.cost}
        for i, ballot in enumerate(election.ballots):
            for p, given in ballot.items():
                if given > 0 and p in bits:
                    bits[p][given] = bits[p].get(given, 0) | 1 << i
        self.bits = {p: sorted(by_points.items()) for p, by_points in bits.items()}
        self.everyone = (1 << self.voters) - 1
        self.anyone = {p: sum(voters for _, voters in by_points) for p, by_points in self.bits.items()}
        # the projects sharing a supporter with each project
        self.neighbours = {p: {other for other in self.cost if self.anyone[p] & self.anyone[other]} for p in self.cost}
        # the tie rule: lowest cost, most points, most supporters, the lot
        self.tie_key = {p: (self.cost[p], -self.points[p], -self.votes[p], rank[p]) for p in self.cost}
        self.free = sorted((p for p in self.cost if self.cost[p] == 0 and self.votes[p]), key=self.tie_key.get)
        self.candidates = [p for p in self.cost if self.cost[p] > 0 and self.votes[p]]


@dataclass
class _Run:
    winners: list[str]
    share: Fraction
    price: dict[str, Fraction]  # winner -> price per point
    support: dict[str, Fraction]  # project -> money behind it / cost (when bought, or when it could no longer be)
    eff: dict[str, Fraction]  # winner -> its effective vote count when bought
    payers: dict[str, int]  # winner -> bit set of the voters who paid something for it
    in_full: dict[str, int]  # winner -> how many paid the full price (the others paid all they had left)


def _price(cost: int, groups: list[tuple[Fraction, float, int, int]]) -> Fraction | None:
    """The price per point a project's supporters pay when they split its cost as equally as they can (who cannot pay
    it pays all they have left), or None when they cannot afford it together. `groups`: (money one holds, that as a
    float, points given, how many hold that and gave these points), sorted here by money per point."""
    groups.sort(key=lambda g: g[1] / g[2])  # the floats' order, then checked on the fractions
    if any(first[0] * second[2] > second[0] * first[2] for first, second in zip(groups, groups[1:])):
        groups.sort(key=lambda g: g[0] / g[2])
    money = sum(value * many for value, _, _, many in groups)
    if money < cost:
        return None
    spent, weight = Fraction(0), sum(given * many for _, _, given, many in groups)
    for value, _, given, many in groups:
        q = (cost - spent) / weight
        if q * given > value:
            spent += value * many
            weight -= given * many
        else:
            return q
    raise AssertionError("an affordable project always has a price")  # pragma: no cover


# --- one run of MES: floats with a bound on their error decide whatever they decide for sure, fractions the rest --

_EPS = 2.0 ** -50  # a few times a double's rounding error, per operation


class _Amount:
    """An amount some voters hold in a filtered run: a float `f` within `e` of the exact amount, which is computed
    only when a decision needs it (`exact`): the amount it came from less the price of a project times the points."""

    __slots__ = ("f", "e", "x", "parent", "bought", "points", "projects")

    def __init__(self, f: float, e: float, x: Fraction | None = None, parent: _Amount | None = None,
                 bought: _Bought | None = None, points: int = 0) -> None:
        self.f, self.e, self.x, self.parent, self.bought, self.points = f, e, x, parent, bought, points
        self.projects: list[str] = []  # the projects some of the voters holding it may support

    def exact(self) -> Fraction:
        if self.x is None:
            self.x = self.parent.exact() - self.bought.exact_price() * self.points
        return self.x


class _Bought:
    """A project bought in a filtered run: its cost and its supporters' amounts then, for its exact price."""

    __slots__ = ("cost", "groups", "q")

    def __init__(self, cost: int, groups: list, q: Fraction | None) -> None:
        self.cost, self.groups, self.q = cost, groups, q

    def exact_price(self) -> Fraction:
        if self.q is None:
            self.q = _price(self.cost, [(a.exact(), a.f, w, many) for a, w, many in self.groups])
        return self.q


def _float_price(cost: int, groups: list) -> tuple | None:
    """`_price` in floats: (price, its error bound, how many groups pay all they have) when every decision in it is
    sure despite the errors, None when one is too close to call. `groups`: (amount, points, how many)."""
    groups.sort(key=lambda g: g[0].f / g[1])
    money = sum(a.f * many for a, _, many in groups)
    slack = sum(a.e * many for a, _, many in groups) + len(groups) * _EPS * money
    if money + slack < cost:
        return 0.0, 0.0, -1  # surely unaffordable
    if money - slack < cost:
        return None
    spent = error = 0.0
    weight = sum(w * many for _, w, many in groups)
    poor = 0
    for a, w, many in groups:
        q = (cost - spent) / weight
        if q * w > a.f:
            spent += a.f * many
            error += a.e * many
            weight -= w * many
            poor += 1
        else:
            break
    q = (cost - spent) / weight
    e_q = (error + (poor + 2) * _EPS * (cost + spent)) / weight + _EPS * q
    for index, (a, w, _) in enumerate(groups):
        gap = q - a.f / w if index < poor else a.f / w - q
        if gap <= e_q + (a.e + _EPS * a.f) / w:
            return None
    if q <= 2 * e_q:
        return None
    return q, e_q, poor


def _mes(prep: _Prepared, share: Fraction, *, exactly: bool = False, record: bool = False) -> _Run:
    """One run of MES where every voter starts with `share`.

    Voters are bits: `holding` maps each amount some voters still hold (above 0) to the bit set of those voters, so
    a project's supporters holding each amount are counted with one AND and a bit count per amount (`where` lists
    the amounts a project's supporters may hold), and paying for a project moves the bits of its supporters from
    each amount to that amount less the price. A project's price is recomputed only when some of its supporters paid
    since, and only when it may still beat the best one found: effective vote counts only go down.

    Filtered (the default): prices, counts and amounts are floats with a bound on their error; a decision the bound
    leaves open (a tie, a supporter who can just pay, money just enough) is taken on the exact fractions, computed
    for the amounts involved only then (`_Amount.exact`). `exactly`: every price on fractions. `record`: also what
    the explanations need (exact prices, effective support, who paid)."""
    cost, bits = prep.cost, prep.bits
    root = _Amount(float(share), 0.0, share)
    if Fraction(root.f) != share:
        root.e = abs(root.f) * _EPS
    holding: dict[_Amount, int] = {root: prep.everyone} if share > 0 else {}
    remaining = set(prep.candidates)
    anyone = prep.anyone
    # project -> the amounts that may be held by some of its supporters (an amount no longer held is skipped)
    where: dict[str, dict[_Amount, None]] = {p: ({root: None} if share > 0 else {}) for p in remaining}
    root.projects = list(remaining)
    top = {p: float(prep.points[p]) for p in remaining}  # effective vote count, or an upper bound, in floats
    top_e = dict.fromkeys(remaining, 0.0)  # their error bounds
    known: dict[str, tuple] = {}  # project -> (groups, price, price's error, poor groups, exact price or None)
    winners = list(prep.free)
    price: dict[str, Fraction] = {}
    support: dict[str, Fraction] = {}
    eff: dict[str, Fraction] = {}
    payers: dict[str, int] = {}
    in_full: dict[str, int] = {}

    def evaluate(p: str, exactly: bool = False) -> bool:
        """Compute p's price (exactly if asked or too close to call); False when its supporters cannot afford it."""
        groups, gone, supporters_of_p = [], [], bits[p]
        for amount in where[p]:
            voters = holding.get(amount, 0)
            before = len(groups)
            for given, supporters in supporters_of_p:
                many = (voters & supporters).bit_count()
                if many:
                    groups.append((amount, given, many))
            if len(groups) == before:
                gone.append(amount)  # none of p's supporters holds it any more: for good
        for amount in gone:
            del where[p][amount]
        if record:
            support[p] = sum(a.exact() * many for a, _, many in groups) / cost[p]
        found = None if exactly else _float_price(cost[p], groups)
        if found is not None and found[2] == -1:
            return False
        if found is None:
            q = _price(cost[p], [(a.exact(), a.f, w, many) for a, w, many in groups])
            if q is None:
                return False
            groups.sort(key=lambda g: g[0].exact() / g[1])
            poor = sum(1 for a, w, _ in groups if q * w > a.exact())
            eff = cost[p] / q
            known[p] = (groups, float(q), 0.0, poor, q)
            top[p], top_e[p] = float(eff), abs(float(eff)) * _EPS
            return True
        q, e_q, poor = found
        known[p] = (groups, q, e_q, poor, None)
        top[p] = cost[p] / q
        top_e[p] = cost[p] * e_q / (q * (q - e_q)) + _EPS * top[p]
        return True

    while remaining:
        low = 0.0  # the best effective vote count found is surely at least this
        looked: list[str] = []
        for p in sorted(remaining, key=top.__getitem__, reverse=True):
            if top[p] + top_e[p] < low:
                continue  # surely below the best: counts only go down as money is spent
            if p not in known and not evaluate(p, exactly):
                remaining.discard(p)
                continue
            looked.append(p)
            low = max(low, top[p] - top_e[p])
        if not looked:
            break
        leader = max(looked, key=top.__getitem__)
        close = [p for p in looked if top[p] + top_e[p] >= top[leader] - top_e[leader]]
        if len(close) > 1:
            for p in close:
                if known[p][4] is None:
                    evaluate(p, exactly=True)
            best = max(cost[p] / known[p][4] for p in close)
            chosen = min((p for p in close if cost[p] / known[p][4] == best), key=prep.tie_key.__getitem__)
        else:
            chosen = leader
        winners.append(chosen)
        remaining.discard(chosen)
        groups, q, e_q, poor, q_x = known.pop(chosen)
        bought = _Bought(cost[chosen], groups, q_x)
        if record:
            price[chosen] = bought.exact_price()
            eff[chosen] = cost[chosen] / price[chosen]
        rich = {(id(a), w) for a, w, _ in groups[poor:]}
        paying, full, arriving = 0, 0, {}
        nearby = remaining & prep.neighbours[chosen]
        for amount in where.pop(chosen):
            voters = holding.get(amount)
            if voters is None:
                continue
            for given, supporters in bits[chosen]:
                moving = voters & supporters
                if not moving:
                    continue
                voters ^= moving
                paying |= moving
                if (id(amount), given) not in rich:
                    continue  # paid all they had
                full += moving.bit_count()
                if q_x is not None:
                    x = amount.exact() - q_x * given
                    if x == 0:
                        continue
                    left = _Amount(float(x), abs(float(x)) * _EPS, x)
                else:
                    f = amount.f - q * given
                    left = _Amount(f, amount.e + given * e_q + 2 * _EPS * (amount.f + q * given), None, amount,
                                   bought, given)
                arriving[left] = moving
                left.projects = [p for p in amount.projects if p in nearby and moving & anyone[p]]
                for p in left.projects:
                    where[p][left] = None
            if voters:
                holding[amount] = voters
            else:
                del holding[amount]
        holding.update(arriving)
        if record:
            payers[chosen], in_full[chosen] = paying, full
        for p in nearby:
            if p in known and paying & anyone[p]:
                del known[p]
    return _Run(winners=winners, share=share, price=price, support=support, eff=eff, payers=payers,
                in_full=in_full)


def _spent(prep: _Prepared, winners) -> int:
    return sum(prep.cost[p] for p in winners)


def _greedy_order(prep: _Prepared) -> list[str]:
    score = prep.points if prep.election.kind == "cumulative" else prep.votes
    return sorted((p for p in prep.cost if score[p] > 0), key=lambda p: (-score[p], *prep.tie_key[p]))


def _greedy_selection(prep: _Prepared) -> list[str]:
    selected, spent = [], 0
    for p in _greedy_order(prep):
        if spent + prep.cost[p] <= prep.election.budget:
            selected.append(p)
            spent += prep.cost[p]
    return selected


def _basics(prep: _Prepared, selected) -> dict[str, dict]:
    chosen = set(selected)
    return {p: {"votes": prep.votes[p], "points": prep.points[p], "cost": prep.cost[p], "funded": p in chosen}
            for p in prep.cost}


def greedy(election: Election, *, seed: str = "") -> Outcome:
    """Greedy by votes (approval) or points (cumulative): the most supported project first, skipping the ones that
    no longer fit the money left."""
    prep = _Prepared(election, seed)
    selected = _greedy_selection(prep)
    explanations = _basics(prep, selected)
    for p, info in explanations.items():
        info["reason"] = "greedy" if info["funded"] else ("no_votes" if not prep.votes[p] else "did_not_fit")
    return Outcome(rule="greedy", selected=selected, spent=_spent(prep, selected), lot=prep.lot,
                   explanations=explanations)


def _compare(prep: _Prepared, mes: list[str], greedy_winners: list[str]) -> dict:
    """Equalshares.net's comparison step: how many voters prefer each outcome (more of their votes, or points,
    funded); greedy wins only when more voters prefer it."""
    in_mes, in_greedy = set(mes), set(greedy_winners)
    prefer_mes = prefer_greedy = 0
    for items, many in prep.types:
        a = sum(given for p, given in items if p in in_mes)
        b = sum(given for p, given in items if p in in_greedy)
        if a > b:
            prefer_mes += many
        elif b > a:
            prefer_greedy += many
    winner = "greedy" if prefer_greedy > prefer_mes else "equal_shares"
    return {"greedy": list(greedy_winners), "prefer_equal_shares": prefer_mes, "prefer_greedy": prefer_greedy,
            "winner": winner, "same": in_mes == in_greedy}


def _explain(prep: _Prepared, run: _Run, selected: list[str]) -> dict[str, dict]:
    explanations = _basics(prep, selected)
    supporters = {p: sum(voters for _, voters in prep.bits[p]) for p in prep.cost}
    for p, info in explanations.items():
        info["effective_support"] = run.support.get(p)
        info["effective_vote_count"] = run.eff.get(p)
    for p in run.winners:
        if p in run.price:  # not a free project
            explanations[p].update(payment=run.price[p] if prep.election.kind == "approval" else None,
                                   price_per_point=run.price[p], paying_in_full=run.in_full[p],
                                   paying_all_they_had=prep.votes[p] - run.in_full[p])
    for p in prep.cost:
        if p in run.winners or not prep.votes[p]:
            continue
        went = {s: Fraction((supporters[p] & run.payers[s]).bit_count(), prep.votes[p])
                for s in run.winners if s in run.payers}
        explanations[p]["supporters_paid_for"] = dict(sorted(((s, share) for s, share in went.items() if share),
                                                             key=lambda item: (-item[1], run.winners.index(item[0]))))
    return explanations


def _add1(prep: _Prepared, completion: str, run) -> tuple[list[str], Fraction, int]:
    """The winners, each voter's share and the runs computed: MES with the budget, then (Add1) from each voter's
    share rounded down to whole units, one unit more per round while the outcome still fits in the budget, until
    every project with a supporter is funded."""
    budget, n = prep.election.budget, prep.voters
    share = Fraction(budget, n)
    winners, rounds = run(prep, share), 1
    if completion == "add1":
        unit = max(1, prep.election.unit)
        step = budget // (n * unit) * unit
        everything = set(prep.candidates)
        while not everything <= set(winners):
            step += unit
            following = run(prep, Fraction(step))
            rounds += 1
            if _spent(prep, following) > budget:
                break
            winners, share = following, Fraction(step)
    return winners, share, rounds


def equal_shares(election: Election, *, completion: str = "add1", comparison: bool = True,
                 seed: str = "") -> Outcome:
    """The Method of Equal Shares with cost utilities, the Add1 completion (`completion="add1"`, or "none") and the
    comparison step with greedy (module docstring)."""
    if completion not in ("add1", "none"):
        raise ValueError(f"unknown completion {completion!r}: add1 or none")
    prep = _Prepared(election, seed)
    rule = "equalshares/add1" if completion == "add1" else "equalshares"
    if prep.voters == 0:
        run = _mes(prep, Fraction(0), exactly=True, record=True)
        return Outcome(rule=rule, selected=list(prep.free), spent=0, lot=prep.lot,
                       explanations=_explain(prep, run, list(prep.free)), comparison=None, share=Fraction(0), rounds=1)
    winners, share, rounds = _add1(prep, completion, lambda prep, share: _mes(prep, share).winners)
    run = _mes(prep, share, exactly=True, record=True)
    if run.winners != winners:  # pragma: no cover - only if the filter's error bounds were wrong: every run exact
        winners, share, rounds = _add1(prep, completion, lambda prep, share: _mes(prep, share, exactly=True).winners)
        run = _mes(prep, share, exactly=True, record=True)
    mes = list(run.winners)
    selected, compared = mes, None
    if comparison:
        compared = _compare(prep, mes, _greedy_selection(prep))
        if compared["winner"] == "greedy":
            selected = list(compared["greedy"])
    explanations = _explain(prep, run, selected)
    for p, info in explanations.items():
        if p in selected:
            info["reason"] = "equal_shares" if p in mes else "greedy"
        elif p in mes:
            info["reason"] = "greedy_preferred"  # equal shares funded it, but more voters preferred greedy's outcome
        else:
            info["reason"] = "no_votes" if not prep.votes[p] else "shares_spent"
    return Outcome(rule=rule, selected=selected, spent=_spent(prep, selected), lot=prep.lot,
                   explanations=explanations, comparison=compared, share=share, rounds=rounds)


def outcome(election: Election, rule: str, *, seed: str = "") -> Outcome:
    """The outcome by the rule's name: "equalshares/add1" (with the comparison step) or "greedy"; pabulib's names
    (`PABULIB_RULES`) are taken too."""
    if rule not in PABULIB_RULES:
        raise ValueError(f"unknown rule {rule!r}: one of {', '.join(RULES)}")
    name, completion, comparison = PABULIB_RULES[rule]
    if name == "greedy":
        return greedy(election, seed=seed)
    return equal_shares(election, completion=completion, comparison=comparison, seed=seed)


def to_json(result: Outcome) -> dict:
    """The outcome as JSON-ready data, to store and to publish: fractions as exact "numerator/denominator" text
    (`Fraction(text)` reads them back), with a rounded `*_float` beside the ones a page shows."""

    def plain(value):
        if isinstance(value, Fraction):
            return str(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        return value

    explanations = {}
    for p, info in result.explanations.items():
        shown = plain(info)
        for key in ("effective_support", "payment", "price_per_point"):
            if isinstance(info.get(key), Fraction):
                shown[f"{key}_float"] = round(float(info[key]), 4)
        explanations[p] = shown
    return {"rule": result.rule, "selected": list(result.selected), "spent": result.spent, "lot": list(result.lot),
            "share": plain(result.share), "rounds": result.rounds, "comparison": plain(result.comparison),
            "explanations": explanations}
