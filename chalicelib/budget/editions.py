"""Editions of the participatory budget: commune admins create and edit them; their phases move on at their dates
(app.py `budget_phases`, hourly) or by staff, one at a time, with a condition on the phase and version read.

Who reads an edition: its commune's staff and verified residents of the commune (any neighbourhood); anyone once its
results are published. Everyone else is told it does not exist (404). Who takes part (proposes, supports, votes):
verified residents of its scope, each in the envelope of their neighbourhood (`envelope_of`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.budget.models import (
    PHASES, WHOLE_COMMUNE, BallotRules, EditionItem, EditionList, EditionPublic, EditionRequest, Envelope, PhaseDates,
)
from chalicelib.communes import audit
from chalicelib.communes.service import get_commune
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib.policy import Principal, commune_of
from chalicelib.store.table import condition_failed, refused_conditions, table_connection, transaction


def not_found() -> NotFound:
    return NotFound("No such participatory budget.", {"edition_id": "not found"})


# --- who may read, who takes part ---------------------------------------------------------------

def is_commune_resident(principal: Principal, lau2: str) -> bool:
    return (principal.residence_status == "verified" and principal.neighbourhood_id is not None
            and commune_of(principal.neighbourhood_id) == lau2)


def may_read(principal: Principal, item: EditionItem | None, lau2: str) -> EditionItem:
    """The edition if this reader may see it (its commune's staff, its verified residents, anyone once the results
    are published); else 404, as for one that does not exist."""
    if item is None or item.lau2 != lau2:
        raise not_found()
    if item.results_published_at is not None or principal.works_for(lau2) or is_commune_resident(principal, lau2):
        return item
    raise not_found()


def envelopes_of(item: EditionItem) -> list[dict[str, Any]]:
    """Its envelopes; an edition without any has one, the whole commune's."""
    return item.envelopes or [{"id": WHOLE_COMMUNE, "name": dict(item.name), "neighbourhood_ids": [],
                               "amount_cents": item.amount_cents}]


def envelope_of(principal: Principal, item: EditionItem) -> dict[str, Any]:
    """The envelope a resident takes part in; 403 for a resident of the commune outside the scope."""
    if not is_commune_resident(principal, item.lau2):
        raise not_found()
    for envelope in envelopes_of(item):
        if not envelope["neighbourhood_ids"] or principal.neighbourhood_id in envelope["neighbourhood_ids"]:
            return envelope
    raise Forbidden("This participatory budget is for other neighbourhoods of the commune.",
                    {"neighbourhood_id": "outside the budget's scope"})


def envelope_by_id(item: EditionItem, envelope_id: str) -> dict[str, Any]:
    return next(e for e in envelopes_of(item) if e["id"] == envelope_id)


def require_phase(item: EditionItem, *phases: str) -> None:
    if item.phase not in phases:
        raise Conflict(f"This participatory budget is in its {item.phase} phase: this is for its "
                       f"{' or '.join(phases)} phase.", {"phase": item.phase})


# --- reading ------------------------------------------------------------------------------------

def load(edition_id: str, consistent: bool = False) -> EditionItem | None:
    try:
        return EditionItem.get(*EditionItem.key(edition_id), consistent_read=consistent)
    except EditionItem.DoesNotExist:
        return None


def for_staff(lau2: str, edition_id: str) -> EditionItem:
    item = load(edition_id, consistent=True)
    if item is None or item.lau2 != lau2:
        raise not_found()
    return item


def edition_and(edition_id: str, until: str) -> tuple[EditionItem | None, list[dict[str, Any]]]:
    """The edition and the raw items of its partition sorting after it up to the prefix `until` (PROPOSAL#: its
    proposals; RESULT#: and its results): one Query (docs/data-model.md orders the partition)."""
    pk, sk = EditionItem.key(edition_id)
    page = table_connection().query(pk, range_key_condition=EditionItem.sk.between(sk, f"{until}\uffff"))
    found = page.get("Items", [])
    if not found or found[0]["sk"]["S"] != sk:
        return None, []
    return EditionItem.from_raw_data(found[0]), found[1:]


def list_editions(principal: Principal, lau2: str) -> EditionList:
    """The commune's editions, newest first: all of them for its staff and verified residents, those with published
    results for anyone else. One Query."""
    items = EditionItem.gsi1.query(EditionItem.commune_list(lau2), scan_index_forward=False, limit=100)
    everything = principal.works_for(lau2) or is_commune_resident(principal, lau2)
    return EditionList(editions=[public(item) for item in items
                                 if everything or item.results_published_at is not None])


def get_edition(principal: Principal, lau2: str, edition_id: str) -> EditionPublic:
    return public(may_read(principal, load(edition_id), lau2))


def public(item: EditionItem) -> EditionPublic:
    return EditionPublic(
        id=item.edition_id, lau2=item.lau2, version=item.version, phase=item.phase, name=item.name,  # type: ignore[arg-type]
        text=item.text, amount_cents=item.amount_cents,
        envelopes=[Envelope(**e) for e in item.envelopes], ballot=BallotRules(**item.ballot),
        minimum_age=item.minimum_age, support_threshold=item.support_threshold, rule=item.rule,  # type: ignore[arg-type]
        dates=PhaseDates(**item.dates), results_published=item.results_published_at is not None,
        imported=bool(item.imported), created_at=item.created_at)


# --- staff: creating and editing ------------------------------------------------------------------

def _check(lau2: str, request: EditionRequest) -> None:
    languages = get_commune(lau2).languages
    texts = [("name", request.name), ("text", request.text)]
    texts += [(f"envelopes.{i}.name", e.name) for i, e in enumerate(request.envelopes)]
    missing = {f"{field}.{language}": "missing: the commune speaks this language"
               for field, text in texts for language in languages if language not in text}
    if missing:
        raise InvalidInput(f"Give every text in the commune's languages: check {', '.join(missing)}.", missing)
    if request.envelopes:
        published = {n.id for n in list_published(lau2).neighbourhoods}
        unknown = {f"envelopes.{i}.neighbourhood_ids.{j}": "not a published neighbourhood of this commune"
                   for i, e in enumerate(request.envelopes) for j, nbh in enumerate(e.neighbourhood_ids)
                   if nbh not in published}
        if unknown:
            raise InvalidInput(f"Unknown neighbourhoods: check {', '.join(unknown)}.", unknown)


def _fill(item: EditionItem, request: EditionRequest) -> None:
    item.name, item.text, item.amount_cents = dict(request.name), dict(request.text), request.amount_cents
    item.envelopes = [e.model_dump() for e in request.envelopes]
    item.ballot = request.ballot.model_dump()
    item.minimum_age, item.support_threshold, item.rule = request.minimum_age, request.support_threshold, request.rule
    item.dates = {phase: getattr(request.dates, phase).isoformat() for phase in PHASES}


def create(principal: Principal, lau2: str, request: EditionRequest) -> EditionPublic:
    _check(lau2, request)
    edition_id, at = new_id(), now()
    item = EditionItem(*EditionItem.key(edition_id), gsi1pk=EditionItem.commune_list(lau2), gsi1sk=edition_id,
                       edition_id=edition_id, lau2=lau2, version=1, phase="proposals", created_by=principal.user_id or "",
                       created_at=at, updated_at=at)
    _fill(item, request)
    with transaction() as t:
        t.save(item, condition=EditionItem.pk.does_not_exist())
        t.save(audit.entry(lau2, "budget_edition_created", principal.user_id, "budget_edition", edition_id))
    logger.info("budget edition created", edition_id=edition_id, lau2=lau2)
    return public(item)


def edit(principal: Principal, lau2: str, edition_id: str, request: EditionRequest, version: int) -> EditionPublic:
    """Replace an edition until its voting opens (its ballot and amounts are then fixed)."""
    item = for_staff(lau2, edition_id)
    _check(lau2, request)
    if item.version != version:
        raise Conflict("Someone changed this participatory budget meanwhile; reload it.", {"version": "changed"})
    require_phase(item, "proposals", "review")
    _fill(item, request)
    item.version, item.updated_at = version + 1, now()
    try:
        item.save(condition=(EditionItem.version == version) & EditionItem.phase.is_in("proposals", "review"))
    except PutError as error:
        if condition_failed(error):
            raise Conflict("Someone changed this participatory budget meanwhile; reload it.",
                           {"version": "changed"}) from None
        raise
    audit.record(lau2, "budget_edition_changed", principal.user_id, "budget_edition", edition_id)
    return public(item)


# --- phases ---------------------------------------------------------------------------------------

def next_phase(phase: str) -> str | None:
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def move_phase(principal: Principal | None, lau2: str, edition_id: str, phase: str, version: int) -> EditionPublic:
    """Staff move the edition to its next phase (before its date, or after it when the hourly job has not yet)."""
    item = for_staff(lau2, edition_id)
    if item.version != version:
        raise Conflict("Someone changed this participatory budget meanwhile; reload it.", {"version": "changed"})
    if next_phase(item.phase) != phase:
        raise Conflict(f"The next phase after {item.phase} is {next_phase(item.phase) or 'none'}.",
                       {"phase": f"not next after {item.phase}"})
    _advance(item, principal.user_id if principal else None)
    return public(item)


def _advance(item: EditionItem, by: str | None) -> None:
    """One phase on, conditional on the phase and version read; leaving the vote enqueues the results' job."""
    old, new = item.phase, next_phase(item.phase)
    if new is None:
        return
    version = item.version
    item.phase, item.version, item.updated_at = new, version + 1, now()
    try:
        with transaction() as t:
            t.update(item, actions=[EditionItem.phase.set(new), EditionItem.version.set(version + 1),
                                    EditionItem.updated_at.set(item.updated_at)],
                     condition=(EditionItem.phase == old) & (EditionItem.version == version))
            t.save(audit.entry(item.lau2, "budget_phase_changed", by, "budget_edition", item.edition_id, reason=new))
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Someone changed this participatory budget meanwhile; reload it.",
                           {"version": "changed"}) from None
        raise
    logger.info("budget phase moved", edition_id=item.edition_id, phase=new, by_staff=by is not None)
    if new == "results":
        from chalicelib import alerts

        alerts.budget_results(item.edition_id)


def advance_due(moment: datetime) -> int:
    """The hourly job: every edition whose next phase's date has come moves on (as many phases as are due).
    One Query of the communes' list and one per commune (editions are few); answers how many moves."""
    from chalicelib.communes.models import CommuneItem

    moved = 0
    for commune in CommuneItem.by_name.query(CommuneItem.LIST_KEY):
        for item in EditionItem.gsi1.query(EditionItem.commune_list(commune.lau2)):
            while item.phase != PHASES[-1] and datetime.fromisoformat(item.dates[next_phase(item.phase)]) <= moment:
                try:
                    _advance(item, None)
                except Conflict:
                    break  # staff moved it meanwhile
                moved += 1
    return moved


def mark_computed(edition_id: str, at: datetime) -> None:
    try:
        EditionItem(*EditionItem.key(edition_id)).update(actions=[EditionItem.results_computed_at.set(at)],
                                                         condition=EditionItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise
