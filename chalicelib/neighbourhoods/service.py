"""Drafting, reviewing and publishing a commune's neighbourhoods, and looking them up.

A commune has at most one draft (one item, edited by conditional writes on its `version`) and
one published set (neighbourhood items + `CELL#` items). Publishing copies the draft over the
published set, records a boundary change per cell that moved, and tells the address register
(`publishing.py` writes it, under a lease on the draft).
docs/neighbourhoods.md explains the rules; docs/data-model.md the keys.

Somewhat over 400 lines for a reason: the draft's edits (propose, draw, rename, merge, split) share
its internals (loading, editing under its version, validating, keeping published ids and names).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import h3
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.clock import now
from chalicelib.communes import audit
from chalicelib.communes.models import CommuneItem, CommunePublic
from chalicelib.communes.service import fold
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.neighbourhoods import geo, register
from chalicelib.neighbourhoods.models import (
    BoundaryChangeItem,
    BoundaryCollection,
    BoundaryFeature,
    BoundaryGeometry,
    BoundaryProperties,
    CellItem,
    Draft,
    DraftItem,
    DraftNeighbourhood,
    DraftNeighbourhoodMap,
    DraftValidation,
    DrawnNeighbourhoods,
    NeighbourhoodItem,
    NeighbourhoodList,
    NeighbourhoodPublic,
    NeighbourhoodRef,
    Overlap,
    OverlapMap,
    Publication,
    neighbourhoods_for_cells,  # noqa: F401 (other concerns ask the service for it)
)
from chalicelib.neighbourhoods.partition import (
    RESOLUTION,
    are_adjacent,
    is_contiguous,
    name_regions,
    partition,
    split_in_two,
)
from chalicelib.neighbourhoods.publishing import (
    lease_free, raise_if_conditional, release_lease, take_lease, write_published,
)
from chalicelib.neighbourhoods.register import count_addresses
from chalicelib.observability import logger
from chalicelib.store.table import condition_failed, table_connection

# grid_disk k for "within about 1 km": at res 9 neighbouring cell centres are ~0.35 km apart,
# so the centres of ring 3 lie ~1.0 km away (lost pets, alerts).
WITHIN_ABOUT_1_KM = 3
MAX_DRAWN_SPAN_DEGREES = 1.0  # a commune fits in 0.5°; refuses world-sized polygons before H3 fills them


# --- look-ups for everyone and for other features -------------------------------------------

def list_published(lau2: str) -> NeighbourhoodList:
    items = NeighbourhoodItem.query(
        f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX),
        attributes_to_get=["id", "name", "address_count"],
    )
    neighbourhoods = [NeighbourhoodPublic(id=i.id, name=i.name, address_count=i.address_count) for i in items]
    return NeighbourhoodList(neighbourhoods=sorted(neighbourhoods, key=lambda n: (fold(n.name), n.id)))


def commune_and_neighbourhoods(lau2: str) -> tuple[CommunePublic, NeighbourhoodList]:
    """The commune (404 when unknown) and its published neighbourhoods in one Query of its partition, from
    `COMMUNE` to the last `NBH#…`: nothing else of the partition sorts between them (docs/data-model.md)."""
    pk, sk = CommuneItem.key(lau2)
    condition = NeighbourhoodItem.sk.between(sk, f"{NeighbourhoodItem.PREFIX}\uffff")
    commune, neighbourhoods, start = None, [], None
    while True:  # one page, unless the neighbourhoods' cells pass 1 MB
        page = table_connection().query(pk, range_key_condition=condition, exclusive_start_key=start)
        for raw in page.get("Items", []):
            if raw["sk"]["S"] == sk:
                commune = CommuneItem.from_raw_data(raw).public()
            elif raw["sk"]["S"].startswith(NeighbourhoodItem.PREFIX):
                item = NeighbourhoodItem.from_raw_data(raw)
                neighbourhoods.append(NeighbourhoodPublic(id=item.id, name=item.name, address_count=item.address_count))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if commune is None:
        raise NotFound(f"No commune {lau2} on Noper.", {"lau2": "unknown commune"})
    return commune, NeighbourhoodList(neighbourhoods=sorted(neighbourhoods, key=lambda n: (fold(n.name), n.id)))


def published_boundaries(lau2: str) -> BoundaryCollection:
    items = NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX))
    features = [_feature(i.id, i.name, i.address_count, i.cells) for i in items]
    return BoundaryCollection(features=sorted(features, key=lambda f: (fold(f.properties.name), f.properties.id)))


def neighbourhoods_near(cell: str, k: int = 2) -> list[NeighbourhoodRef]:
    """Published neighbourhoods within k grid steps of the cell (k=WITHIN_ABOUT_1_KM for ~1 km),
    nearest first; `h3.grid_disk` plus one batch read."""
    if not h3.is_valid_cell(cell) or h3.get_resolution(cell) != RESOLUTION:
        raise InvalidInput("Give an H3 cell at resolution 9.", {"cell": "not a res-9 H3 cell"})
    if not 0 <= k <= 10:
        raise InvalidInput("k is between 0 and 10.", {"k": "out of range"})
    steps = {c: d for d in range(k, -1, -1) for c in h3.grid_ring(cell, d)}
    nearest: dict[tuple[str, str], NeighbourhoodRef] = {}
    for item in CellItem.batch_get([CellItem.key(c) for c in sorted(steps)]):
        for lau2, entry in item.entries().items():
            ref = NeighbourhoodRef(lau2=lau2, id=entry["id"], name=entry["name"], distance=steps[item.cell])
            if (lau2, ref.id) not in nearest or ref.distance < nearest[(lau2, ref.id)].distance:
                nearest[(lau2, ref.id)] = ref
    return sorted(nearest.values(), key=lambda r: (r.distance, r.lau2, r.id))


# --- the draft --------------------------------------------------------------------------------

def get_draft(lau2: str) -> Draft:
    return _public(*_draft_and_populated(lau2))


def draft_boundaries(lau2: str) -> BoundaryCollection:
    item, populated = _draft_and_populated(lau2)
    features = []
    for n in item.neighbourhoods:
        cells = [c for c in n.cells if c in populated]
        if cells:
            features.append(_feature(n.id, n.name, count_addresses(cells, populated), cells))
    return BoundaryCollection(features=features)


def propose(lau2: str, households: int) -> Draft:
    """A new draft partitioning the commune's populated cells; neighbourhoods that continue a
    published one (largest address overlap) keep its id and name."""
    populated = _require_addresses(lau2)
    regions = partition({cell: s.address_count for cell, s in populated.items()}, households)
    neighbourhoods = _identify(lau2, regions, populated)
    item = _replace_draft(lau2, "proposed", households, neighbourhoods)
    logger.info("neighbourhoods proposed", lau2=lau2, neighbourhoods=len(neighbourhoods), households=households)
    return _public(item, populated)


def import_drawn(lau2: str, drawn: DrawnNeighbourhoods) -> Draft:
    """A new draft from drawn polygons (features with the same name make one neighbourhood).

    A cell covered by two neighbourhoods goes to the first in the file and is reported as an
    overlap; cells without addresses of the commune are dropped; populated cells no polygon
    covers are reported as gaps (and block publishing).
    """
    names: list[str] = []
    cells_of: dict[str, set[str]] = {}
    for index, feature in enumerate(drawn.features):
        geometry = feature.geometry.model_dump()
        _check_span(geometry, f"features.{index}.geometry")
        key = fold(feature.properties.name)
        if key not in cells_of:
            names.append(feature.properties.name)
            cells_of[key] = set()
        cells_of[key] |= geo.polygon_cells(geometry)
    populated = _require_addresses(lau2)
    owner: dict[str, int] = {}
    covered_by: dict[str, list[int]] = {}
    outside: set[str] = set()
    for index, name in enumerate(names):
        for cell in sorted(cells_of[fold(name)]):
            if cell not in populated:
                outside.add(cell)
                continue
            owner.setdefault(cell, index)
            covered_by.setdefault(cell, []).append(index)
    regions = {index: [] for index in range(len(names))}
    for cell in sorted(owner):
        regions[owner[cell]].append(cell)
    kept = [index for index in range(len(names)) if regions[index]]
    ids = _ids(lau2, [regions[i] for i in kept], populated)
    neighbourhoods = [(ids[n], names[i], regions[i]) for n, i in enumerate(kept)]
    id_of = dict(zip(kept, ids))
    overlaps = [(cell, [id_of[i] for i in indexes]) for cell, indexes in sorted(covered_by.items()) if len(indexes) > 1]
    empty = [names[i] for i in range(len(names)) if not regions[i]]
    item = _replace_draft(lau2, "drawn", None, neighbourhoods, overlaps, len(outside), empty)
    logger.info("neighbourhoods drawn", lau2=lau2, neighbourhoods=len(neighbourhoods), overlaps=len(overlaps))
    return _public(item, populated)


def rename(lau2: str, nbh_id: str, name: str, version: int | None = None) -> Draft:
    def change(item: DraftItem, populated: dict[str, Any]) -> None:
        target = _find(item, nbh_id)
        _check_name_free(item, name, except_ids={nbh_id})
        target.name = name

    return _edit(lau2, version, change)


def merge(lau2: str, ids: list[str], name: str | None = None, version: int | None = None) -> Draft:
    """One neighbourhood from two adjacent ones; it keeps the id (and, unless named, the name) of
    the one with more addresses."""

    def change(item: DraftItem, populated: dict[str, Any]) -> None:
        a, b = sorted((_find(item, i, field="ids") for i in ids), key=lambda n: (-count_addresses(n.cells, populated), n.id))
        if not are_adjacent(a.cells, b.cells):
            raise Conflict("Only neighbouring neighbourhoods can be merged.", {"ids": "not adjacent"})
        _check_name_free(item, name or a.name, except_ids={a.id, b.id})
        a.cells = sorted(set(a.cells) | set(b.cells))
        a.name = name or a.name
        item.neighbourhoods = [n for n in item.neighbourhoods if n.id != b.id]

    return _edit(lau2, version, change)


def split(lau2: str, nbh_id: str, version: int | None = None) -> Draft:
    """Two contiguous halves of about equal address count; the larger keeps the id and name."""

    def change(item: DraftItem, populated: dict[str, Any]) -> None:
        target = _find(item, nbh_id)
        cells = [c for c in target.cells if c in populated]
        if len(cells) < 2:
            raise Conflict("A neighbourhood of one populated cell cannot be split.", {"nbh_id": "a single cell"})
        first, second = split_in_two(cells, {c: populated[c].address_count for c in cells})
        taken = [n.name for n in item.neighbourhoods]
        streets, localities = _naming_tables(populated)
        (name,) = name_regions([second], streets, localities, taken=taken)
        new_id = _fresh_id(lau2, second, {n.id for n in item.neighbourhoods})
        target.cells = first
        item.neighbourhoods.append(DraftNeighbourhoodMap(id=new_id, name=name, cells=second))

    return _edit(lau2, version, change)


# --- publishing -------------------------------------------------------------------------------

def publish(lau2: str, version: int | None = None, by: str | None = None) -> Publication:
    """Make the draft (at `version`, if given) the commune's neighbourhoods (409 unless it validates).

    Idempotent: publishing the same draft again rewrites the same items and records no change.
    A lease on the draft keeps a concurrent edit or publication out until this one is done.
    """
    item, populated = _load_draft(lau2), _populated(lau2)
    if version is not None and version != item.version:
        raise Conflict(f"The draft is at version {item.version}: reload it.", {"version": "the draft changed meanwhile"})
    validation = _validate(item, populated)
    if not validation.valid:
        raise Conflict(
            f"The draft does not validate: {len(validation.gaps)} populated cells are in no neighbourhood.",
            {"gaps": f"{len(validation.gaps)} cells, {validation.gap_addresses} addresses"}
            if validation.gaps else {"neighbourhoods": "none with addresses"},
        )
    stamp = now()
    take_lease(item, stamp)
    try:
        publication = write_published(lau2, item, populated, stamp)
    except BaseException:
        release_lease(item, published=False)
        raise
    release_lease(item, published=True)
    audit.record(lau2, "neighbourhoods_published", by, "neighbourhoods", str(item.version),
                 f"{len(item.neighbourhoods)} neighbourhoods, {publication.changed_cells} cells changed")
    logger.info("neighbourhoods published", lau2=lau2, version=item.version, changed_cells=publication.changed_cells)
    return publication


def boundary_changes(lau2: str, published_at: datetime | None = None) -> list[BoundaryChangeItem]:
    """Cells whose neighbourhood changed, oldest first; of one publication when `published_at` is given."""
    prefix = BoundaryChangeItem.PREFIX + (published_at.isoformat() if published_at else "")
    return list(BoundaryChangeItem.query(f"COMMUNE#{lau2}", BoundaryChangeItem.sk.startswith(prefix)))


# --- draft internals --------------------------------------------------------------------------

def _draft_and_populated(lau2: str) -> tuple[DraftItem, dict[str, Any]]:
    """The draft and the commune's cell summaries in one Query of their partition (a draft written before
    it moved there: one GetItem more)."""
    populated, kept = register.populated_cells_and_kept(lau2, consistent=True)
    raw = kept.get(DraftItem.SORT_KEY)
    return (DraftItem.from_raw_data(raw) if raw else _load_draft(lau2)), populated


def _load_draft(lau2: str) -> DraftItem:
    found = _find_draft(lau2)
    if found is None:
        raise NotFound(f"Commune {lau2} has no neighbourhood draft: propose or draw one.", {"lau2": "no draft"})
    return found


def _find_draft(lau2: str) -> DraftItem | None:
    for key in (DraftItem.key(lau2), DraftItem.earlier_key(lau2)):
        try:
            return DraftItem.get(*key, consistent_read=True)
        except DoesNotExist:
            continue
    return None


def move_draft(lau2: str) -> bool:
    """Move a draft written before drafts lived next to the cell summaries (`./noper move-drafts`, once when
    upgrading; a new draft moves it too): the copy only if none is there, then the old one deleted."""
    try:
        earlier = DraftItem.get(*DraftItem.earlier_key(lau2), consistent_read=True)
    except DoesNotExist:
        return False
    moved = DraftItem(*DraftItem.key(lau2), **{name: getattr(earlier, name) for name in DraftItem.get_attributes()
                                               if name not in ("pk", "sk")})
    try:
        moved.save(condition=DraftItem.pk.does_not_exist())
    except PutError as error:
        if not condition_failed(error):
            raise  # else: moved before, its old copy left behind
    earlier.delete()
    return True


def _populated(lau2: str) -> dict[str, Any]:
    return register.populated_cells(lau2)


def _require_addresses(lau2: str) -> dict[str, Any]:
    populated = _populated(lau2)
    if not populated:
        raise Conflict(f"Commune {lau2} has no addresses: import the register first.", {"lau2": "no addresses"})
    return populated


def _replace_draft(
    lau2: str, source: str, households: int | None, neighbourhoods: list[tuple[str, str, list[str]]],
    overlaps: list[tuple[str, list[str]]] = (), outside_cells: int = 0, empty: list[str] = (),
) -> DraftItem:
    stamp = now()
    move_draft(lau2)  # one written before drafts lived next to the cells
    try:
        current = DraftItem.get(*DraftItem.key(lau2), consistent_read=True)
    except DoesNotExist:
        current = None
    item = DraftItem(
        *DraftItem.key(lau2), lau2=lau2, version=(current.version + 1) if current else 1, source=source,
        households=households, published_version=current.published_version if current else None,
        neighbourhoods=[DraftNeighbourhoodMap(id=i, name=n, cells=c) for i, n, c in neighbourhoods],
        overlaps=[OverlapMap(cell=c, ids=ids) for c, ids in overlaps], outside_cells=outside_cells,
        empty=list(empty), updated_at=stamp,
    )
    condition = (
        (DraftItem.version == current.version) & lease_free(stamp) if current else DraftItem.pk.does_not_exist()
    )
    try:
        item.save(condition=condition)
    except PutError as error:
        raise_if_conditional(error, "The draft changed or is being published; reload it and try again.")
        raise
    return item


def _edit(lau2: str, version: int | None, change: Callable[[DraftItem, dict[str, Any]], None]) -> Draft:
    item, populated = _load_draft(lau2), _populated(lau2)
    if version is not None and version != item.version:
        raise Conflict(f"The draft is at version {item.version}: reload it.", {"version": "the draft changed meanwhile"})
    seen = item.version
    change(item, populated)
    stamp = now()
    item.version = seen + 1
    item.updated_at = stamp
    try:
        item.save(condition=(DraftItem.version == seen) & lease_free(stamp))
    except PutError as error:
        raise_if_conditional(error, "The draft changed or is being published; reload it and try again.")
        raise
    return _public(item, populated)


def _find(item: DraftItem, nbh_id: str, field: str = "nbh_id") -> DraftNeighbourhoodMap:
    for n in item.neighbourhoods:
        if n.id == nbh_id:
            return n
    raise NotFound(f"The draft has no neighbourhood {nbh_id}.", {field: "unknown neighbourhood"})


def _check_name_free(item: DraftItem, name: str, except_ids: set[str]) -> None:
    if any(fold(n.name) == fold(name) for n in item.neighbourhoods if n.id not in except_ids):
        raise Conflict(f"Another neighbourhood is already called {name}.", {"name": "already used"})


def _public(item: DraftItem, populated: dict[str, Any]) -> Draft:
    return Draft(
        lau2=item.lau2, version=item.version, source=item.source,
        households=int(item.households) if item.households is not None else None,
        published_version=int(item.published_version) if item.published_version is not None else None,
        updated_at=item.updated_at.isoformat(),
        neighbourhoods=[
            DraftNeighbourhood(
                id=n.id, name=n.name, address_count=count_addresses(n.cells, populated),
                cells=sum(1 for c in n.cells if c in populated),
            )
            for n in item.neighbourhoods
        ],
        validation=_validate(item, populated),
    )


def _validate(item: DraftItem, populated: dict[str, Any]) -> DraftValidation:
    seen: dict[str, list[str]] = {}
    for n in item.neighbourhoods:
        for cell in n.cells:
            if cell in populated:
                seen.setdefault(cell, []).append(n.id)
    ids = {n.id for n in item.neighbourhoods}
    overlaps = [Overlap(cell=o.cell, ids=list(o.ids)) for o in item.overlaps if len(ids & set(o.ids)) > 1]
    overlaps += [Overlap(cell=c, ids=owners) for c, owners in sorted(seen.items()) if len(owners) > 1]
    gaps = sorted(set(populated) - set(seen))
    live = [n for n in item.neighbourhoods if any(c in populated for c in n.cells)]
    live_ids = {n.id for n in live}
    empty = list(item.empty) + [n.name for n in item.neighbourhoods if n.id not in live_ids]
    non_contiguous = [n.id for n in live if not is_contiguous(c for c in n.cells if c in populated)]
    return DraftValidation(
        valid=bool(live) and not gaps and not any(len(o) > 1 for o in seen.values()),
        gaps=gaps, gap_addresses=count_addresses(gaps, populated), overlaps=overlaps, non_contiguous=non_contiguous,
        empty=empty, outside_cells=int(item.outside_cells or 0),
    )


def _identify(lau2: str, regions: list[list[str]], populated: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(id, name, cells) per region: continuing a published neighbourhood keeps its id and name."""
    ids = _ids(lau2, regions, populated)
    published = _published_names(lau2)
    kept = {i: published[nbh_id] for i, nbh_id in enumerate(ids) if nbh_id in published}
    fresh = [i for i in range(len(regions)) if i not in kept]
    streets, localities = _naming_tables(populated)
    names = dict(kept)
    names.update(zip(fresh, name_regions([regions[i] for i in fresh], streets, localities, taken=kept.values())))
    return [(ids[i], names[i], regions[i]) for i in range(len(regions))]


def _ids(lau2: str, regions: list[list[str]], populated: dict[str, Any]) -> list[str]:
    """Reuse the id of the published neighbourhood each region overlaps most (by addresses), each
    once, largest overlaps first; other regions get `<lau2>-<their first cell>`."""
    owner = _published_owner(lau2)
    overlaps = []
    for index, region in enumerate(regions):
        shared = Counter()
        for cell in region:
            if cell in owner:
                shared[owner[cell]] += populated[cell].address_count if cell in populated else 0
        overlaps += [(-count, nbh_id, index) for nbh_id, count in shared.items() if count > 0]
    ids: dict[int, str] = {}
    for _, nbh_id, index in sorted(overlaps):
        if index not in ids and nbh_id not in ids.values():
            ids[index] = nbh_id
    used = set(ids.values()) | set(owner.values())
    for index, region in enumerate(regions):
        if index not in ids:
            ids[index] = _fresh_id(lau2, region, used)
            used.add(ids[index])
    return [ids[i] for i in range(len(regions))]


def _fresh_id(lau2: str, cells: list[str], used: set[str]) -> str:
    base = f"{lau2}-{min(cells)[:-4]}"  # res-9 cells end in "ffff"
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _published_owner(lau2: str) -> dict[str, str]:
    items = NeighbourhoodItem.query(
        f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX), attributes_to_get=["id", "cells"]
    )
    return {cell: item.id for item in items for cell in item.cells}


def _published_names(lau2: str) -> dict[str, str]:
    return {i.id: i.name for i in list_published(lau2).neighbourhoods}


def _naming_tables(populated: dict[str, Any]) -> tuple[dict[str, Counter], dict[str, Counter]]:
    streets = {cell: Counter(s.streets) for cell, s in populated.items()}
    localities = {cell: Counter(s.localities) for cell, s in populated.items()}
    return streets, localities


def _feature(nbh_id: str, name: str, address_count: int, cells: list[str]) -> BoundaryFeature:
    return BoundaryFeature(
        geometry=BoundaryGeometry(**geo.boundary(cells)),
        properties=BoundaryProperties(id=nbh_id, name=name, address_count=address_count),
    )


def _check_span(geometry: dict[str, Any], field: str) -> None:
    rings = geometry["coordinates"] if geometry["type"] == "Polygon" else [r for p in geometry["coordinates"] for r in p]
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    if max(lons) - min(lons) > MAX_DRAWN_SPAN_DEGREES or max(lats) - min(lats) > MAX_DRAWN_SPAN_DEGREES:
        raise InvalidInput("A neighbourhood polygon is far larger than a commune.", {field: "too large"})
