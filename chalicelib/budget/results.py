"""The results of an edition: computed by a job outside the API request when its vote closes (the phase moving to
`results` enqueues `{"kind": "budget_results", "edition_id"}` on the alerts queue; chalicelib/notifications/
alert_queue.py runs it), published on staff's action.

Per envelope, the job builds a `rules.Election` from the stored ballots (anonymous: the choices only) and the feasible
projects' final costs, computes the edition's rule (the Method of Equal Shares with Add1 by default) and greedy beside
it, and stores both with the lot drawn and the explanations (`RESULT#<envelope>`). Rerunning it writes the same.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.clock import now
from chalicelib.budget import ballots, discussion, editions, rules
from chalicelib.budget.models import (
    EditionItem, EnvelopeResult, ImplementationRequest, ProgressItem, ProjectResult, ProposalItem, ProposalPublic,
    ResultItem, ResultsPublic, SupportItem,
)
from chalicelib.budget.photos import check_progress_photo, funded
from chalicelib.communes import audit
from chalicelib.errors import Conflict
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import condition_failed


def election_of(item: EditionItem, envelope: dict[str, Any], proposals: list[ProposalItem],
                cast: list[dict[str, int]]) -> rules.Election:
    unit = int(item.unit_cents or 1)
    projects = {p.proposal_id: int(p.final_cents or 0) // unit for p in proposals
                if p.status == "feasible" and p.envelope_id == envelope["id"] and not p.hidden}  # hidden: not on it
    kind = "cumulative" if item.ballot["type"] == "cumulative" else "approval"
    # Add1 raises each voter's share by one whole euro a round (equalshares.net), not by one cent: `unit` budget
    # units make a euro (100 for an edition in cents; 1 for an imported election counted in whole units).
    return rules.Election(budget=int(envelope["amount_cents"]) // unit, projects=projects,
                          ballots=tuple({p: v for p, v in b.items() if p in projects} for b in cast), kind=kind,
                          unit=max(1, 100 // unit))


def run_job(job: dict[str, Any]) -> int:
    """Compute and store an edition's results (each envelope); answers how many envelopes."""
    edition_id = job["edition_id"]
    item = editions.load(edition_id, consistent=True)
    if item is None or item.phase not in ("results", "implementation"):
        return 0
    proposals = list(ProposalItem.query(f"BUDGET#{edition_id}", ProposalItem.sk.startswith(ProposalItem.PREFIX),
                                        consistent_read=True))
    cast = ballots.stored_ballots(edition_id)
    at = now()
    for envelope in editions.envelopes_of(item):
        election = election_of(item, envelope, proposals, cast.get(envelope["id"], []))
        stored = compute(item, envelope, election, proposals)
        ResultItem(*ResultItem.key(edition_id, envelope["id"]), envelope_id=envelope["id"], result=stored,
                   computed_at=at).save()
    editions.mark_computed(edition_id, at)
    logger.info("budget results computed", edition_id=edition_id, envelopes=len(editions.envelopes_of(item)))
    return len(editions.envelopes_of(item))


def compute(item: EditionItem, envelope: dict[str, Any], election: rules.Election,
            proposals: list[ProposalItem]) -> dict[str, Any]:
    seed, unit = f"{item.edition_id}#{envelope['id']}", int(item.unit_cents or 1)
    chosen = rules.outcome(election, item.rule, seed=seed)
    greedy = chosen if item.rule == "greedy" else rules.outcome(election, "greedy", seed=seed)
    titles = {p.proposal_id: p.title for p in proposals}
    votes = {p: 0 for p in election.projects}
    points = {p: 0 for p in election.projects}
    for ballot in election.ballots:
        for pid, given in ballot.items():
            if given > 0:
                votes[pid] += 1
                points[pid] += given
    projects = [ProjectResult(proposal_id=pid, title=titles.get(pid, pid), cost_cents=cost * unit, votes=votes[pid],
                              points=points[pid], funded=pid in chosen.selected,
                              funded_by_greedy=pid in greedy.selected,
                              explanation=storable(chosen.explanations.get(pid, {}), unit))
                for pid, cost in election.projects.items()]
    projects.sort(key=lambda r: (not r.funded, -r.votes, r.cost_cents, r.proposal_id))
    return EnvelopeResult(envelope_id=envelope["id"], budget_cents=election.budget * unit,
                          ballots=len(election.ballots), rule=chosen.rule, selected=list(chosen.selected),
                          spent_cents=chosen.spent * unit, greedy_selected=list(greedy.selected),
                          greedy_spent_cents=greedy.spent * unit, lot=list(chosen.lot),
                          comparison=storable(chosen.comparison, 1) if chosen.comparison else None,
                          projects=projects).model_dump()


MONEY = ("cost", "payment")  # explanation entries in the election's unit: stored in cents


def storable(explanation: dict[str, Any], unit: int) -> dict[str, Any]:
    """An explanation as JSON: each exact fraction as a rounded float (for the screens' "each paid €2.43",
    "effective support 140 %") with the exact `"n/d"` beside it under `<name>_exact`; amounts in cents; nested
    shares (who paid for what: `supporters_paid_for`) likewise, as floats."""
    kept: dict[str, Any] = {}
    for name, value in explanation.items():
        scale = unit if name in MONEY else 1
        if isinstance(value, Fraction):
            exact = value * scale
            kept[name] = round(float(exact), 6)
            kept[f"{name}_exact"] = f"{exact.numerator}/{exact.denominator}"
        elif isinstance(value, dict):
            kept[name] = {k: round(float(v), 6) if isinstance(v, Fraction) else v for k, v in value.items()}
        elif isinstance(value, (tuple, set, frozenset)):
            kept[name] = list(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            kept[name] = value * scale
        else:
            kept[name] = value
    return kept


def results(principal: Principal, lau2: str, edition_id: str) -> ResultsPublic:
    """The results: for anyone once published; before, for the commune's staff only (residents: 409, not yet).
    One Query (the edition, its proposals, its results)."""
    item, raws = editions.edition_and(edition_id, "RESULT#")
    item = editions.may_read(principal, item, lau2)
    published = item.results_published_at is not None
    if not published and not principal.works_for(lau2):
        raise Conflict("The results are not published yet.", {"edition_id": "results not published"})
    found = [ResultItem.from_raw_data(raw) for raw in raws if raw["sk"]["S"].startswith("RESULT#")]
    return ResultsPublic(edition_id=edition_id, published=published, computed_at=item.results_computed_at,
                         envelopes=[EnvelopeResult(**r.result) for r in found])


def publish(principal: Principal, lau2: str, edition_id: str, version: int) -> ResultsPublic:
    item = editions.for_staff(lau2, edition_id)
    if item.results_computed_at is None:
        raise Conflict("The results are being computed; try again in a moment.", {"edition_id": "not computed yet"})
    if item.version != version:
        raise Conflict("Someone changed this participatory budget meanwhile; reload it.", {"version": "changed"})
    try:
        item.update(actions=[EditionItem.results_published_at.set(now()), EditionItem.version.set(version + 1)],
                    condition=(EditionItem.version == version) & EditionItem.results_published_at.does_not_exist())
    except UpdateError as error:
        if condition_failed(error):
            raise Conflict("Already published, or changed meanwhile; reload it.", {"version": "changed"}) from None
        raise
    audit.record(lau2, "budget_results_published", principal.user_id, "budget_edition", edition_id)
    proposals = list(ProposalItem.query(EditionItem.key(edition_id)[0], ProposalItem.sk.startswith(ProposalItem.PREFIX)))
    _mark_funded(edition_id, proposals)
    discussion.open_threads(lau2, proposals)
    return results(principal, lau2, edition_id)


def _mark_funded(edition_id: str, proposals: list[ProposalItem]) -> None:
    """Each project on the ballot learns whether the published results fund it (its page says so): one Query of the
    results, an UpdateItem a project (staff publish once)."""
    selected = {pid for result in ResultItem.query(EditionItem.key(edition_id)[0], ResultItem.sk.startswith("RESULT#"))
                for pid in result.result["selected"]}
    for proposal in proposals:
        if proposal.status == "feasible":
            try:  # never writes back a project erased meanwhile (its author's account deleted)
                proposal.update(actions=[ProposalItem.funded.set(proposal.proposal_id in selected)],
                                condition=ProposalItem.pk.exists())
            except UpdateError as error:
                if not condition_failed(error):
                    raise


def results_csv(principal: Principal, lau2: str, edition_id: str) -> tuple[str, str]:
    """(file name, CSV with a BOM): one row per envelope and project."""
    found = results(principal, lau2, edition_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["envelope", "project_id", "title", "cost_eur", "votes", "points", "funded", "funded_by_greedy"])
    for envelope in found.envelopes:
        for project in envelope.projects:
            title = project.title
            if title[:1] in ("=", "+", "-", "@"):
                title = "'" + title  # no formula for a spreadsheet
            writer.writerow([envelope.envelope_id, project.proposal_id, title, f"{project.cost_cents / 100:.2f}",
                             project.votes, project.points, int(project.funded), int(project.funded_by_greedy)])
    return f"budget-{edition_id}.csv", "\ufeff" + out.getvalue()


# --- implementation tracking --------------------------------------------------------------------

def track(principal: Principal, lau2: str, edition_id: str, proposal_id: str,
          request: ImplementationRequest) -> ProposalPublic:
    """Staff post a funded project's progress (planned, in progress, done, an optional photo uploaded first:
    chalicelib/budget/photos.py); its supporters read it in their weekly digest (chalicelib/digest/content.py)."""
    from chalicelib.budget.proposals import load_proposal, public

    proposal = load_proposal(edition_id, proposal_id)
    funded(editions.for_staff(lau2, edition_id), proposal)
    check_progress_photo(principal, lau2, request.photo_id)
    at = now()
    proposal.implementation = {"state": request.state, "note": request.note, "photo_id": request.photo_id,
                               "at": at.isoformat()}
    proposal.update(actions=[ProposalItem.implementation.set(proposal.implementation)],
                    condition=ProposalItem.pk.exists())
    supporters = {s.user_id for s in SupportItem.query(f"BUDGET#{edition_id}",
                                                       SupportItem.sk.startswith(f"SUPPORT#{proposal_id}#"))}
    ProgressItem(ProgressItem.partition(lau2), f"{at.isoformat()}#{proposal_id}", edition_id=edition_id,
                 proposal_id=proposal_id, title=proposal.title, state=request.state, note=request.note or None,
                 supporters=supporters or None, at=at, ttl=at + timedelta(days=60)).save()
    audit.record(lau2, "budget_implementation_updated", principal.user_id, "budget_proposal", proposal_id,
                 request.state)
    return public(proposal, principal.user_id)


def progress_between(lau2: str, start: datetime, end: datetime) -> list[ProgressItem]:
    """The commune's posted progress of funded projects in [start, end): one Query (the weekly digest)."""
    return list(ProgressItem.query(ProgressItem.partition(lau2),
                                   ProgressItem.sk.between(start.isoformat(), end.isoformat())))
