"""The demo commune's participatory budgets (issue #13): "Budget 2027", in its voting phase — anna@ and ben@ proposed
projects, neighbours supported them, the commune's staff found them feasible with their costs, ben@ has voted — and
a past election with its results published, imported from a real pabulib file (tests/data/pabulib/
Poland_Swiecie_2023.pb, pabulib.org, open data) as `./noper budget import` does. Everything goes through the budget's
services as through the API. Idempotent: a marker item (`DEMO#BUDGET`, `<lau2>`) is written once they are in.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.store.table import Entity
from ops import demo_commune
from ops.demo_life import ANNA, BEN, CARLA

REVIEWER = "demo-reviewer"  # the staff member who sets up and reviews (proposes nothing)
PAST_ELECTION = Path(__file__).resolve().parent.parent / "tests" / "data" / "pabulib" / "Poland_Swiecie_2023.pb"
LANGUAGES = ("lb", "fr", "de", "en", "pt")
NAME = {"lb": "Biergerbudget 2027", "fr": "Budget participatif 2027", "de": "Bürgerbudget 2027",
        "en": "Participatory budget 2027", "pt": "Orçamento participativo 2027"}
TEXT = {"lb": "Propositiounen fir eis Gemeng: d'Gemeng gëtt 60.000 € aus.",
        "fr": "Vos projets pour la commune : la commune y consacre 60 000 €.",
        "de": "Ihre Projekte für die Gemeinde: die Gemeinde stellt 60.000 € bereit.",
        "en": "Your projects for the commune: the commune sets aside €60,000.",
        "pt": "Os seus projetos para a comuna: a comuna reserva 60 000 €."}
PROJECTS = (  # (proposer, title, description, category, estimated, final cost in cents)
    (ANNA, "Benches and shade on the church square", "Six benches and three trees where people wait for the bus.",
     "public_space", 1_800_000, 2_100_000),
    (BEN, "Safe bike parking at the school", "Covered bike racks for 40 bikes next to the school gate.",
     "mobility", 2_500_000, 2_400_000),
    (CARLA, "Wildflower meadow by the stream", "Sow and care for a meadow for bees along the path by the stream.",
     "environment", 900_000, 1_200_000),
    (ANNA, "Outdoor table tennis", "Two concrete table tennis tables by the playground.", "sport", 1_500_000,
     1_600_000),
)


class DemoBudgetItem(Entity):
    """pk=DEMO#BUDGET, sk=<lau2>: the demo participatory budgets of this commune are in (ops only)."""

    loaded_at = UTCDateTimeAttribute()

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return "DEMO#BUDGET", lau2


def demo_budget_loaded(lau2: str = demo_commune.LAU2) -> bool:
    try:
        DemoBudgetItem.get(*DemoBudgetItem.key(lau2), consistent_read=True)
    except DemoBudgetItem.DoesNotExist:
        return False
    return True


def load_demo_budget(lau2: str = demo_commune.LAU2) -> list[str]:
    """Idempotent: nothing happens when the budgets are already in."""
    if demo_budget_loaded(lau2):
        return [f"the participatory budgets of {lau2}: already there"]
    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.roles import account_of
    from chalicelib.adapters.clock import now
    from chalicelib.budget import ballots, editions, exchange, proposals, results, review
    from chalicelib.budget.models import (
        BallotRequest, BallotRules, BudgetProposalRequest, EditionRequest, PhaseDates, ReviewDecision,
    )
    from chalicelib.policy import Principal

    people = {email: principal_of(account_of(email)) for email in (ANNA, BEN, CARLA)}
    if any(p.residence_status != "verified" for p in people.values()):
        return [f"the participatory budgets of {lau2}: skipped (the demo residents are not verified)"]
    staff = Principal(user_id=REVIEWER, staff=frozenset({(lau2, "admin")}))
    at = now()
    dates = PhaseDates(proposals=at - timedelta(days=60), review=at - timedelta(days=30), voting=at - timedelta(days=2),
                       results=at + timedelta(days=19), implementation=at + timedelta(days=120))
    edition = editions.create(staff, lau2, EditionRequest(
        name=NAME, text=TEXT, amount_cents=6_000_000, ballot=BallotRules(type="approval"), minimum_age=16,
        support_threshold=2, rule="equalshares/add1", dates=dates))
    made = []
    for proposer, title, description, category, estimated, _ in PROJECTS:
        made.append(proposals.propose(people[proposer], lau2, edition.id, BudgetProposalRequest(
            title=title, description=description, category=category, estimated_cents=estimated)))
    for made_one, (proposer, *_rest) in zip(made, PROJECTS):
        for supporter in (email for email in people if email != proposer):
            proposals.support(people[supporter], lau2, edition.id, made_one.id)
    current = editions.move_phase(staff, lau2, edition.id, "review", edition.version)
    for made_one, (*_, final) in zip(made, PROJECTS):
        review.decide(staff, lau2, edition.id, made_one.id, ReviewDecision(
            decision="feasible", final_cents=final, reason="The technical service checked the place and the cost."))
    editions.move_phase(staff, lau2, edition.id, "voting", current.version)
    ballots.vote(people[BEN], lau2, edition.id, BallotRequest(choices={made[1].id: 1, made[2].id: 1}))
    past = exchange.import_file(PAST_ELECTION, lau2, by=REVIEWER)
    results.publish(staff, lau2, past, editions.load(past, consistent=True).version)
    DemoBudgetItem(*DemoBudgetItem.key(lau2), loaded_at=at).save()
    return [f"the participatory budgets of {lau2}: one voting ({len(made)} projects, ben@ voted), one past election "
            f"with published results ({PAST_ELECTION.name})"]
