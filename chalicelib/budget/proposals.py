"""Proposals of a participatory budget: verified residents of its scope propose projects during the proposal phase
and support them, once each (a conditional put of the support and an atomic ADD on the proposal's count in one
transaction: a count is never doubled nor lost). A proposal reaching the edition's threshold moves to the review
queue (`in_review`). Every verified resident of the commune reads them; anyone once the results are published. One a
moderator hid is its author's and the budget staff's only (`discussion.shown_to`).
"""

from __future__ import annotations

import secrets
import time

import h3
from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.budget import discussion, editions
from chalicelib.budget.models import (
    EditionItem, Implementation, ProposalDocument, ProposalItem, ProposalList, ProposalPublic, BudgetProposalRequest, Support, SupportItem,
)
from chalicelib.content.hiding import hidden_fields
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.neighbourhoods.models import Point, neighbourhoods_for_cells
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib.photos import service as photos
from chalicelib.policy import Principal, commune_of
from chalicelib.store.table import condition_failed, read_items, refused_conditions, transaction

SUPPORT_ATTEMPTS = 8


def not_found() -> NotFound:
    return NotFound("No such proposal.", {"proposal_id": "not found"})


def propose(principal: Principal, lau2: str, edition_id: str, request: BudgetProposalRequest) -> ProposalPublic:
    item = editions.may_read(principal, editions.load(edition_id, consistent=True), lau2)
    envelope = editions.envelope_of(principal, item)
    editions.require_phase(item, "proposals")
    if now() < _date(item, "proposals"):
        raise Conflict("Proposals open on the edition's date.", {"phase": "not open yet"})
    cell = None
    if request.location is not None:
        cell = h3.latlng_to_cell(request.location.lat, request.location.lon, 9)
        found = neighbourhoods_for_cells([cell], lau2).get(cell)
        if found is None or commune_of(found[0]) != lau2:
            raise InvalidInput("The place must be inside the commune.", {"location": "outside the commune"})
    photo_ids = list(dict.fromkeys(request.photo_ids))
    for photo_id in photo_ids:  # the proposer's own, ready, uploaded for a proposal in their neighbourhood
        photos.check_attachable(principal, photo_id, principal.neighbourhood_id or "", "proposal")
    from chalicelib.accounts.service import load_user  # accounts is imported lazily, as elsewhere

    user = load_user(principal.user_id)
    proposal_id, at = new_id(), now()
    proposal = ProposalItem(*ProposalItem.key(edition_id, proposal_id), gsi1pk=ProposalItem.author(user.user_id),
                            gsi1sk=f"{edition_id}#{proposal_id}", proposal_id=proposal_id, edition_id=edition_id,
                            envelope_id=envelope["id"], author_id=user.user_id, author_name=user.shown_name() or None,
                            title=request.title, description=request.description, category=request.category,
                            estimated_cents=request.estimated_cents, location_cell=cell, photo_ids=photo_ids,
                            supports=0, status="submitted", created_at=at,
                            neighbourhood_id=principal.neighbourhood_id)
    try:
        with transaction() as t:
            t.condition_check(EditionItem, *EditionItem.key(edition_id), condition=EditionItem.phase == "proposals")
            t.save(proposal, condition=ProposalItem.pk.does_not_exist())
            t.save(discussion.head_of(lau2, edition_id, proposal_id))
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("The proposal phase has closed.", {"phase": "closed"}) from None
        raise
    if photo_ids:  # read where the proposal is: every neighbourhood of the commune
        reach = [n.id for n in list_published(lau2).neighbourhoods if n.id != principal.neighbourhood_id]
        for photo_id in photo_ids:
            photos.share_photo(photo_id, reach)
    logger.info("budget proposal made", edition_id=edition_id, proposal_id=proposal_id)
    return public(proposal, principal.user_id)


def _date(item: EditionItem, phase: str):
    from datetime import datetime

    return datetime.fromisoformat(item.dates[phase])


def list_proposals(principal: Principal, lau2: str, edition_id: str, language: str = DEFAULT) -> ProposalList:
    """The edition's proposals, oldest first: one Query of its partition (the edition, then its proposals)."""
    item, raws = editions.edition_and(edition_id, ProposalItem.PREFIX)
    editions.may_read(principal, item, lau2)
    proposals = [ProposalItem.from_raw_data(raw) for raw in raws if raw["sk"]["S"].startswith(ProposalItem.PREFIX)]
    return ProposalList(proposals=[public(p, principal.user_id, language) for p in proposals
                                   if discussion.shown_to(principal, lau2, p)])


def get_proposal(principal: Principal, lau2: str, edition_id: str, proposal_id: str,
                 language: str = DEFAULT) -> ProposalPublic:
    """One proposal, and whether I support it: one BatchGetItem (the edition, the proposal, my support)."""
    keys = [EditionItem.key(edition_id), ProposalItem.key(edition_id, proposal_id),
            SupportItem.key(edition_id, proposal_id, principal.user_id or "-")]
    found = read_items(keys, consistent=True)
    edition = found.get(keys[0])
    editions.may_read(principal, EditionItem.from_raw_data(edition) if edition else None, lau2)
    if keys[1] not in found:
        raise not_found()
    proposal = ProposalItem.from_raw_data(found[keys[1]])
    if not discussion.shown_to(principal, lau2, proposal):
        raise not_found()
    view = public(proposal, principal.user_id, language)
    if principal.user_id:
        view.supported = keys[2] in found
    return view


def load_proposal(edition_id: str, proposal_id: str) -> ProposalItem:
    try:
        return ProposalItem.get(*ProposalItem.key(edition_id, proposal_id), consistent_read=True)
    except ProposalItem.DoesNotExist:
        raise not_found() from None


def support(principal: Principal, lau2: str, edition_id: str, proposal_id: str) -> tuple[Support, bool]:
    """Support a proposal once (a second time answers 200 with nothing changed; the first 201)."""
    item = editions.may_read(principal, editions.load(edition_id, consistent=True), lau2)
    envelope = editions.envelope_of(principal, item)
    editions.require_phase(item, "proposals")
    proposal = load_proposal(edition_id, proposal_id)
    if proposal.envelope_id != envelope["id"]:
        raise Conflict("This proposal is for another part of the commune: its residents support it.",
                       {"proposal_id": "another envelope"})
    if proposal.status not in ("submitted", "in_review"):
        raise Conflict("This proposal no longer takes supports.", {"proposal_id": proposal.status})
    user_id = principal.user_id or ""
    mark = SupportItem(*SupportItem.key(edition_id, proposal_id, user_id), gsi1pk=SupportItem.supporter(user_id),
                       gsi1sk=f"{edition_id}#{proposal_id}", edition_id=edition_id, proposal_id=proposal_id,
                       user_id=user_id, created_at=now())
    for attempt in range(SUPPORT_ATTEMPTS):
        try:
            with transaction() as t:
                t.condition_check(EditionItem, *EditionItem.key(edition_id), condition=EditionItem.phase == "proposals")
                t.save(mark, condition=SupportItem.pk.does_not_exist())
                t.update(ProposalItem(*ProposalItem.key(edition_id, proposal_id)),
                         actions=[ProposalItem.supports.add(1)],
                         condition=ProposalItem.status.is_in("submitted", "in_review"))
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if 0 in refused:
                raise Conflict("The proposal phase has closed.", {"phase": "closed"}) from None
            if 1 in refused:
                current = load_proposal(edition_id, proposal_id)
                return Support(proposal_id=proposal_id, supports=current.supports, status=current.status), False  # type: ignore[arg-type]
            if 2 in refused:
                raise Conflict("This proposal no longer takes supports.", {"proposal_id": "decided"}) from None
            time.sleep(0.01 * (attempt + 1) + secrets.randbelow(20) / 1000)  # a concurrent supporter: again
            continue
        break
    else:
        raise Conflict("Many neighbours support this at the same moment; try again.", {"proposal_id": "busy"})
    current = to_review_at_threshold(item, edition_id, proposal_id)
    return Support(proposal_id=proposal_id, supports=current.supports, status=current.status), True  # type: ignore[arg-type]


def to_review_at_threshold(item: EditionItem, edition_id: str, proposal_id: str) -> ProposalItem:
    """After each support: a submitted proposal with enough supports goes to the review queue (each supporter's
    request tries after its own ADD, so the one reaching the threshold, or a later one, moves it)."""
    proposal = ProposalItem(*ProposalItem.key(edition_id, proposal_id))
    try:
        proposal.update(actions=[ProposalItem.status.set("in_review")],
                        condition=(ProposalItem.status == "submitted")
                        & (ProposalItem.supports >= item.support_threshold))
    except UpdateError as error:
        if not condition_failed(error):
            raise
    return load_proposal(edition_id, proposal_id)


def public(item: ProposalItem, reader: str | None, language: str = DEFAULT) -> ProposalPublic:
    location = None
    if item.location_cell:
        lat, lon = h3.cell_to_latlng(item.location_cell)
        location = Point(lat=lat, lon=lon)
    return ProposalPublic(
        id=item.proposal_id, edition_id=item.edition_id, envelope_id=item.envelope_id, title=item.title,
        description=item.description, category=item.category, estimated_cents=item.estimated_cents,
        final_cents=item.final_cents, location=location, photo_ids=list(item.photo_ids or []),
        author_name=item.author_name, supports=item.supports, status=item.status,  # type: ignore[arg-type]
        reason=item.reason, merged_into=item.merged_into,
        implementation=Implementation(**item.implementation) if item.implementation else None, funded=item.funded,
        comment_count=int(item.comment_count or 0),
        document=ProposalDocument(**item.document) if item.document else None,
        mine=reader is not None and item.author_id == reader, created_at=item.created_at,
        **hidden_fields(item, language))
