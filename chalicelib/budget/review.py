"""The commune reviews proposals: feasible (with its final cost) or not, always with a reason residents read; merging
duplicates (supports carried over, each supporter counted once). Every decision is in the commune's audit log, nobody
decides on their own proposal, and the proposer is emailed (chalicelib/notifications/moments.py `budget_reviewed`).
"""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from chalicelib.adapters.clock import now
from chalicelib.budget import editions
from chalicelib.budget.models import ProposalMerge, ProposalItem, ProposalPublic, ReviewDecision, SupportItem
from chalicelib.budget.proposals import to_review_at_threshold, load_proposal, public
from chalicelib.communes import audit
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.observability import logger
from chalicelib.policy import Principal, not_own_case
from chalicelib.store.table import read_items, refused_conditions, transaction

DECIDABLE = ("in_review", "feasible", "not_feasible")


def _reviewable(principal: Principal, lau2: str, edition_id: str, proposal_id: str) -> ProposalItem:
    item = editions.for_staff(lau2, edition_id)
    editions.require_phase(item, "proposals", "review")
    proposal = load_proposal(edition_id, proposal_id)
    not_own_case("budget.review", principal, [proposal.author_id] if proposal.author_id else [])
    if proposal.status == "submitted":
        raise Conflict(f"This proposal has not reached the {item.support_threshold} supports that bring it to "
                       "review.", {"proposal_id": "below the threshold"})
    if proposal.status not in DECIDABLE:
        raise Conflict("This proposal was merged into another.", {"proposal_id": proposal.status})
    return proposal


def decide(principal: Principal, lau2: str, edition_id: str, proposal_id: str,
           request: ReviewDecision) -> ProposalPublic:
    proposal = _reviewable(principal, lau2, edition_id, proposal_id)
    version = proposal.version
    proposal.status, proposal.reason, proposal.decided_by = request.decision, request.reason, principal.user_id
    proposal.final_cents = request.final_cents if request.decision == "feasible" else None
    proposal.version = version + 1
    action = "budget_proposal_feasible" if request.decision == "feasible" else "budget_proposal_not_feasible"
    try:
        with transaction() as t:
            t.update(proposal, actions=[ProposalItem.status.set(proposal.status),
                                        ProposalItem.reason.set(request.reason),
                                        ProposalItem.decided_by.set(principal.user_id or ""),
                                        (ProposalItem.final_cents.set(request.final_cents) if request.final_cents
                                         and request.decision == "feasible" else ProposalItem.final_cents.remove()),
                                        ProposalItem.version.set(version + 1)],
                     condition=(ProposalItem.version == version) & ProposalItem.status.is_in(*DECIDABLE))
            t.save(audit.entry(lau2, action, principal.user_id, "budget_proposal", proposal_id, request.reason))
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Someone decided on this proposal meanwhile; reload it.", {"proposal_id": "changed"}) from None
        raise
    from chalicelib import alerts

    alerts.budget_reviewed(edition_id, proposal_id, version + 1)
    logger.info("budget proposal reviewed", edition_id=edition_id, proposal_id=proposal_id, decision=request.decision)
    return public(proposal, principal.user_id)


def merge(principal: Principal, lau2: str, edition_id: str, proposal_id: str, request: ProposalMerge) -> ProposalPublic:
    """Merge a duplicate into the proposal that stays: the duplicate is closed first (no support reaches it after),
    then each of its supporters who does not already support the other is added there, once each (conditional puts
    and one atomic ADD per hundred)."""
    if request.into == proposal_id:
        raise InvalidInput("A proposal cannot be merged into itself.", {"into": "the same proposal"})
    duplicate = _reviewable(principal, lau2, edition_id, proposal_id)
    kept = load_proposal(edition_id, request.into)
    not_own_case("budget.review", principal, [kept.author_id] if kept.author_id else [])
    if kept.status == "merged" or kept.envelope_id != duplicate.envelope_id:
        raise Conflict("Merge into a proposal of the same envelope that is not merged itself.", {"into": kept.status})
    try:
        with transaction() as t:
            t.update(duplicate, actions=[ProposalItem.status.set("merged"), ProposalItem.merged_into.set(request.into),
                                         ProposalItem.reason.set(request.reason),
                                         ProposalItem.decided_by.set(principal.user_id or ""),
                                         ProposalItem.version.set(duplicate.version + 1)],
                     condition=(ProposalItem.version == duplicate.version) & ProposalItem.status.is_in(*DECIDABLE))
            t.condition_check(ProposalItem, *ProposalItem.key(edition_id, request.into),
                              condition=ProposalItem.status != "merged")
            t.save(audit.entry(lau2, "budget_proposals_merged", principal.user_id, "budget_proposal", proposal_id,
                               f"into {request.into}: {request.reason}"))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise Conflict("Someone changed these proposals meanwhile; reload them.", {"proposal_id": "changed"}) from None
        raise
    carried = carry_supports(edition_id, proposal_id, request.into)
    to_review_at_threshold(editions.load(edition_id, consistent=True), edition_id, request.into)
    from chalicelib import alerts

    alerts.budget_reviewed(edition_id, proposal_id, duplicate.version + 1)
    logger.info("budget proposals merged", edition_id=edition_id, carried=carried)
    return public(load_proposal(edition_id, request.into), principal.user_id)


def carry_supports(edition_id: str, source: str, target: str) -> int:
    """Each supporter of `source` supports `target`, counted once; idempotent (a second run adds nobody)."""
    supporters = [s.user_id for s in SupportItem.query(f"BUDGET#{edition_id}",
                                                       SupportItem.sk.startswith(f"SUPPORT#{source}#"),
                                                       consistent_read=True)]
    carried = 0
    for start in range(0, len(supporters), 99):
        chunk = supporters[start:start + 99]
        while chunk:
            present = read_items([SupportItem.key(edition_id, target, user) for user in chunk], consistent=True)
            new = [user for user in chunk if SupportItem.key(edition_id, target, user) not in present]
            if not new:
                break
            at = now()
            try:
                with transaction() as t:
                    for user in new:
                        t.save(SupportItem(*SupportItem.key(edition_id, target, user),
                                           gsi1pk=SupportItem.supporter(user), gsi1sk=f"{edition_id}#{target}",
                                           edition_id=edition_id, proposal_id=target, user_id=user, created_at=at),
                               condition=SupportItem.pk.does_not_exist())
                    t.update(ProposalItem(*ProposalItem.key(edition_id, target)),
                             actions=[ProposalItem.supports.add(len(new))])
            except TransactWriteError:
                continue  # one supported the target meanwhile, or a conflict: read again
            carried += len(new)
            break
    return carried
