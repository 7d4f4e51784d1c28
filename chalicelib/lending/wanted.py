"""Things wanted: what a resident would borrow if a neighbour lent it. Its author closes it."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.lending.models import LendingLink, WantedCreate, WantedItem, WantedList, WantedPublic
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import condition_failed, transaction


def ask(principal: Principal, neighbourhood_id: str, request: WantedCreate) -> WantedPublic:
    wanted_id = new_id()
    wanted = WantedItem(*WantedItem.key(neighbourhood_id, wanted_id), wanted_id=wanted_id,
                        neighbourhood_id=neighbourhood_id, author_id=principal.user_id, name=request.name,
                        description=request.description, state="open", created_at=now())
    link = LendingLink(*LendingLink.key(principal.user_id, "wanted", wanted_id), kind="wanted", target_id=wanted_id,
                       role="author", neighbourhood_id=neighbourhood_id)
    with transaction() as writes:
        writes.save(wanted, condition=WantedItem.pk.does_not_exist())
        writes.save(link)
    logger.info("wanted asked", wanted_id=wanted_id, nbh=neighbourhood_id)
    return public_wanted(wanted, principal)


def wanted_in(principal: Principal, neighbourhood_id: str) -> WantedList:
    """The open ones, newest first (one Query on the neighbourhood's small WANTED partition)."""
    partition, _ = WantedItem.key(neighbourhood_id, "")
    found = [w for w in WantedItem.query(partition, scan_index_forward=False) if w.state == "open"]
    return WantedList(wanted=[public_wanted(w, principal) for w in found])


def close(principal: Principal, neighbourhood_id: str, wanted_id: str) -> WantedPublic:
    try:
        wanted = WantedItem.get(*WantedItem.key(neighbourhood_id, wanted_id))
    except DoesNotExist:
        raise NotFound("No such wanted thing.", {"wanted_id": "not found"}) from None
    if wanted.author_id != principal.user_id:
        raise Forbidden("Only who asked for it closes it.", {"wanted_id": "not yours"})
    try:
        wanted.update(actions=[WantedItem.state.set("closed"), WantedItem.closed_at.set(now())],
                      condition=WantedItem.state == "open")
    except UpdateError as error:
        if condition_failed(error):
            raise Conflict("It is closed already.", {"wanted_id": "closed"}) from None
        raise
    return public_wanted(wanted, principal)


def public_wanted(wanted: WantedItem, principal: Principal) -> WantedPublic:
    return WantedPublic(id=wanted.wanted_id, neighbourhood_id=wanted.neighbourhood_id, author_id=wanted.author_id,
                        mine=wanted.author_id is not None and wanted.author_id == principal.user_id, name=wanted.name,
                        description=wanted.description or "", state=wanted.state,  # type: ignore[arg-type]
                        created_at=wanted.created_at.isoformat())
