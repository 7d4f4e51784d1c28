"""A proposal's photos: the proposer's (uploaded with the proposal, chalicelib/budget/proposals.py) and the commune's
photo of a funded project's progress (staff upload it here, then name it with the progress, results.track).

Both are read through the proposal, so they follow the edition's publicity as the proposal does (its commune's staff
and verified residents; anyone once the results are published): one BatchGetItem (the edition, the proposal, the
photo). The commune's photos are the commune's: kept in the budget's own place (`<lau2>-budget`), owned by
`COMMUNE#<lau2>`, in no staff member's "your data". While one is processing, its commune's staff follow it.
"""

from __future__ import annotations

from chalicelib.budget import discussion, editions
from chalicelib.budget.models import EditionItem, ProposalItem, ResultItem
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.photos import service as photos
from chalicelib.photos.models import PhotoItem, PhotoPublic, PhotoUploadRequest, PhotoUploadStarted
from chalicelib.policy import Principal
from chalicelib.store.table import read_items


def place(lau2: str) -> str:
    """Where the commune's budget photos are stored (in the photos' key space, as a neighbourhood id would be)."""
    return f"{lau2}-budget"


def commune_owner(lau2: str) -> str:
    return f"COMMUNE#{lau2}"


def _no_such_photo() -> NotFound:
    return NotFound("No such photo of this proposal.", {"photo_id": "not found"})


def funded(edition: EditionItem, proposal: ProposalItem) -> None:
    """Progress (and its photo) is for projects funded by published results; else 409 naming why."""
    if edition.results_published_at is None:
        raise Conflict("Progress is posted on funded projects once the results are published.",
                       {"edition_id": "results not published"})
    try:
        found = ResultItem.get(*ResultItem.key(edition.edition_id, proposal.envelope_id), consistent_read=True)
    except ResultItem.DoesNotExist:
        found = None
    if found is None or proposal.proposal_id not in found.result["selected"]:
        raise Conflict("This project was not funded.", {"proposal_id": "not funded"})


def start_progress_photo(principal: Principal, lau2: str, edition_id: str, proposal_id: str,
                         request: PhotoUploadRequest) -> PhotoUploadStarted:
    """Staff start uploading a photo of a funded project's progress (purpose `proposal`)."""
    from chalicelib.budget.proposals import load_proposal

    if request.purpose != "proposal":
        raise InvalidInput("A project's progress photo is uploaded for a proposal.", {"purpose": "proposal only"})
    edition = editions.for_staff(lau2, edition_id)
    funded(edition, load_proposal(edition_id, proposal_id))
    return photos.start_upload(principal, request, neighbourhood_id=place(lau2), owner=commune_owner(lau2))


def check_progress_photo(principal: Principal, lau2: str, photo_id: str | None) -> None:
    """A progress photo named with the progress: the commune's, of the budget's place, ready (else 404 / 409)."""
    photos.check_attachable(principal, photo_id, place(lau2), "proposal", owner=commune_owner(lau2))


def proposal_photo(principal: Principal, lau2: str, edition_id: str, proposal_id: str, photo_id: str) -> PhotoPublic:
    """A photo of the proposal (the proposer's or its progress'), for whoever may read the proposal; the commune's
    staff also follow a progress photo of their commune before it is named. One BatchGetItem."""
    keys = [EditionItem.key(edition_id), ProposalItem.key(edition_id, proposal_id), PhotoItem.key(photo_id)]
    found = read_items(keys)
    edition = editions.may_read(principal, EditionItem.from_raw_data(found[keys[0]]) if keys[0] in found else None,
                                lau2)
    if keys[1] not in found:
        from chalicelib.budget.proposals import not_found

        raise not_found()
    if keys[2] not in found:
        raise _no_such_photo()
    proposal, photo = ProposalItem.from_raw_data(found[keys[1]]), PhotoItem.from_raw_data(found[keys[2]])
    if not discussion.shown_to(principal, edition.lau2, proposal):  # hidden by a moderator: its author's and staff's
        raise _no_such_photo()
    progress = (proposal.implementation or {}).get("photo_id")
    named = photo_id in (proposal.photo_ids or []) or photo_id == progress
    following = principal.works_for(edition.lau2) and photo.owner_id == commune_owner(edition.lau2)
    if not (named or following):
        raise _no_such_photo()
    return photos.view(photo)
