"""The participatory budget's part of "your data". Export: the proposals a resident made, the proposals they
support, and the editions they voted in and how (online, paper), never what: a ballot is secret, kept under a key
only their session computes, and no export opens it. Erasure: the supports' links go (the counts stay, as votes cast
do); the has-voted markers go (nothing links the person to the ballot box any more); their proposals are removed when
the commune has not decided on them yet, else kept without their author (they are the commune's projects then, and
"anonymise" keeps them all without their author).
"""

from __future__ import annotations

from typing import Any

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.budget.models import ProposalItem, SupportItem, VotedItem
from chalicelib.observability import logger

UNDECIDED = ("submitted", "in_review")


def _proposals(user_id: str) -> list[ProposalItem]:
    return list(ProposalItem.gsi1.query(ProposalItem.author(user_id)))


def _supports(user_id: str) -> list[SupportItem]:
    return list(SupportItem.gsi1.query(SupportItem.supporter(user_id)))


def _voted(user_id: str) -> list[VotedItem]:
    return list(VotedItem.gsi1.query(VotedItem.voter(user_id)))


def export_budget(user_id: str) -> dict[str, Any]:
    return {
        "proposals": [{"edition_id": p.edition_id, "proposal_id": p.proposal_id, "title": p.title,
                       "description": p.description, "category": p.category, "estimated_cents": p.estimated_cents,
                       "status": p.status, "created_at": p.created_at.isoformat()} for p in _proposals(user_id)],
        "supports": [{"edition_id": s.edition_id, "proposal_id": s.proposal_id, "at": s.created_at.isoformat()}
                     for s in _supports(user_id)],
        "voted": [{"edition_id": v.edition_id, "channel": v.channel, "note": "your choices are secret: not exported"}
                  for v in _voted(user_id)],
    }


def erase_budget(user_id: str, choice: ContentChoice) -> None:
    for support in _supports(user_id):
        support.delete()
    for marker in _voted(user_id):
        marker.delete()
    for proposal in _proposals(user_id):
        if choice == "remove" and proposal.status in UNDECIDED:
            proposal.delete()
            continue
        proposal.update(actions=[ProposalItem.author_id.remove(), ProposalItem.author_name.remove(),
                                 ProposalItem.gsi1pk.remove(), ProposalItem.gsi1sk.remove()],
                        condition=ProposalItem.pk.exists())
    logger.info("participatory budget data erased with its account")


register_content_owner(ContentOwner(name="budget", export=export_budget, erase=erase_budget))
