"""Participatory budgets in and out of pabulib's `.pb` format (chalicelib/budget/pabulib.py reads and writes it).

- `import_file` loads a past election as a closed edition of a commune (`./noper budget import FILE.pb --commune
  LAU2`, and the demo): its projects as feasible proposals (their pabulib id and name kept in the text), its ballots
  as anonymous ballots (keyed by an HMAC of the file's voter number: no person, no has-voted marker), totals written
  once; then the results' job computes its outcome. Amounts stay in the file's unit for the arithmetic
  (`unit_cents` 100: Add1 raises shares by one unit, as the file's own outcome was computed) and are shown in cents.
- `export_text` writes one envelope of an edition as a `.pb` file, voters anonymised (numbered 1..n, ballots only),
  with the computed `selected` column once there are results (`./noper budget export`, and the results.pb route).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.budget import ballots, editions, pabulib, results
from chalicelib.budget.models import (
    PHASES, WHOLE_COMMUNE, BallotItem, EditionItem, ProposalItem, ResultItem, TallyItem,
)
from chalicelib.communes.service import get_commune
from chalicelib.errors import Conflict, NotFound
from chalicelib.policy import Principal

UNIT = 100  # a pabulib file's amounts are whole currency units


def import_file(path: str | Path, lau2: str, *, phase: str = "results", by: str = "") -> str:
    """Load a pabulib election into the commune as an edition (closed by default: its results are computed at once;
    `phase="voting"` leaves its ballot box open, for a demo). Answers the edition's id."""
    pb = pabulib.read(path)
    election = pabulib.election(pb)
    languages = get_commune(lau2).languages
    description = pb.meta.get("description") or Path(path).stem
    title = f"{description} ({pb.meta.get('instance', '')})".replace(" ()", "")
    at = now()
    closing = PHASES.index(phase)
    dates = {name: (at + timedelta(days=30 * (i - closing) - (1 if i <= closing else 0))).isoformat()
             for i, name in enumerate(PHASES)}
    kind = election.kind
    ballot = {"type": "cumulative", "max_points": int(pb.meta.get("max_sum_points") or max(
        [sum(b.values()) for b in election.ballots] or [1]))} if kind == "cumulative" else {"type": "approval"}
    if kind != "cumulative" and pb.meta.get("max_length"):
        ballot = {"type": "approval_count", "max_projects": int(pb.meta["max_length"])}
    rule = "greedy" if results.rules.PABULIB_RULES.get(pb.meta.get("rule", "")) == "greedy" else "equalshares/add1"
    edition_id = new_id()
    source = f"pabulib: {Path(path).name} ({pb.meta.get('country', '')}, {pb.meta.get('unit', '')})"
    item = EditionItem(*EditionItem.key(edition_id), gsi1pk=EditionItem.commune_list(lau2), gsi1sk=edition_id,
                       edition_id=edition_id, lau2=lau2, version=1, phase=phase,
                       name={lang: title for lang in languages}, text={lang: source for lang in languages},
                       amount_cents=election.budget * UNIT, envelopes=[], ballot=ballot, minimum_age=None,
                       support_threshold=1, rule=rule, dates=dates, imported=1, unit_cents=UNIT, created_by=by,
                       created_at=at, updated_at=at)
    names = {row["project_id"]: row.get("name") or row["project_id"] for row in pb.projects}
    ours = {pid: new_id() for pid in election.projects}
    votes = Counter(p for b in election.ballots for p in b)
    points = Counter()
    for b in election.ballots:
        points.update(b)
    item.save(condition=EditionItem.pk.does_not_exist())
    with ProposalItem.batch_write() as batch:
        for pid, cost in election.projects.items():
            batch.save(ProposalItem(*ProposalItem.key(edition_id, ours[pid]), proposal_id=ours[pid],
                                    edition_id=edition_id, envelope_id=WHOLE_COMMUNE, author_id=None,
                                    author_name=None, title=names[pid][:160],
                                    description=f"{names[pid]} (pabulib project {pid})", category="other",
                                    estimated_cents=cost * UNIT, final_cents=cost * UNIT, photo_ids=[],
                                    supports=votes[pid], status="feasible", reason=source, version=1,
                                    created_at=at))
        for number, given in enumerate(election.ballots, start=1):
            batch.save(BallotItem(*BallotItem.key(edition_id, ballots.voter_key(edition_id, f"pabulib-{number}")),
                                  envelope_id=WHOLE_COMMUNE, choices={ours[p]: v for p, v in given.items()},
                                  version=1))
        for pid in election.projects:
            batch.save(TallyItem(*TallyItem.key(edition_id, WHOLE_COMMUNE, ours[pid]), count=points[pid],
                                 voters=votes[pid], lau2=lau2))
        batch.save(TallyItem(*TallyItem.key(edition_id, WHOLE_COMMUNE, TallyItem.BALLOTS),
                             count=len(election.ballots), voters=0, lau2=lau2))
    if phase in ("results", "implementation"):
        results.run_job({"edition_id": edition_id})
    return edition_id


def export_text(edition_id: str, envelope_id: str | None = None) -> tuple[str, str]:
    """(file name, `.pb` text) of one envelope (the first by default), voters anonymised."""
    item = editions.load(edition_id, consistent=True)
    if item is None:
        raise NotFound("No such participatory budget.", {"edition_id": "not found"})
    envelopes = editions.envelopes_of(item)
    envelope = next((e for e in envelopes if e["id"] == (envelope_id or envelopes[0]["id"])), None)
    if envelope is None:
        raise NotFound("No such envelope.", {"envelope": "not found"})
    proposals = list(ProposalItem.query(f"BUDGET#{edition_id}", ProposalItem.sk.startswith(ProposalItem.PREFIX)))
    election = results.election_of(item, envelope, proposals, ballots.stored_ballots(edition_id).get(envelope["id"], []))
    meta = {"description": next(iter(item.name.values())), "country": "Luxembourg", "unit": item.lau2,
            "instance": item.created_at.strftime("%Y"), "currency": "EUR",
            "rule": item.rule, "vote_type": election.kind}
    if item.unit_cents != 1:
        meta["comment"] = f"amounts in units of {item.unit_cents} cents"
    if item.ballot.get("max_points"):
        meta["max_sum_points"] = str(item.ballot["max_points"])
    if item.ballot.get("max_projects"):
        meta["max_length"] = str(item.ballot["max_projects"])
    pb = pabulib.from_election(election, meta, {p.proposal_id: p.title for p in proposals})
    try:
        found = ResultItem.get(*ResultItem.key(edition_id, envelope["id"]), consistent_read=True).result
    except ResultItem.DoesNotExist:
        found = None
    if found is not None:
        for row in pb.projects:
            row["selected"] = "1" if row["project_id"] in found["selected"] else "0"
    return f"budget-{edition_id}-{envelope['id']}.pb", pabulib.dumps(pb)


def results_pb(principal: Principal, lau2: str, edition_id: str) -> tuple[str, str]:
    """The results route's `.pb`: whoever may read the results (published, or staff before)."""
    results.results(principal, lau2, edition_id)  # 404 / 409 as the results
    item = editions.load(edition_id)
    if item is None or item.results_computed_at is None:
        raise Conflict("The results are being computed.", {"edition_id": "not computed yet"})
    return export_text(edition_id)
