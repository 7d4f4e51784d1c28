"""Writing a publication: the draft's neighbourhoods and `CELL#` items replace the published set,
each cell that moved gets a boundary change, the address register is told; and the lease that keeps
edits and other publications out meanwhile. `service.publish` checks the draft and calls it.
docs/neighbourhoods.md explains the rules; docs/data-model.md the keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.errors import Conflict
from chalicelib.neighbourhoods import register
from chalicelib.neighbourhoods.models import (
    BoundaryChangeItem, CellItem, DraftItem, NeighbourhoodItem, Publication, PublicationItem, ResidentsHeadItem,
)
from chalicelib.neighbourhoods.register import count_addresses
from chalicelib.store.table import condition_failed

PUBLISH_LEASE = timedelta(minutes=2)


def write_published(lau2: str, draft: DraftItem, populated: dict[str, Any], stamp: datetime) -> Publication:
    new_map: dict[str, tuple[str, str]] = {}
    live = []
    for n in draft.neighbourhoods:
        cells = sorted(c for c in n.cells if c in populated)
        if cells:
            live.append((n.id, n.name, cells))
            new_map.update({c: (n.id, n.name) for c in cells})
    old_items = list(
        NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX))
    )
    old_map = {c: (i.id, i.name) for i in old_items for c in i.cells}

    kept = {i.id for i in old_items}
    for nbh_id, name, cells in live:  # kept ones: their member count stays, as residents' moves change it
        if nbh_id in kept:
            NeighbourhoodItem(*NeighbourhoodItem.key(lau2, nbh_id)).update(actions=[
                NeighbourhoodItem.name.set(name), NeighbourhoodItem.address_count.set(count_addresses(cells, populated)),
                NeighbourhoodItem.cells.set(cells), NeighbourhoodItem.version.set(draft.version),
                NeighbourhoodItem.published_at.set(stamp)])
    with NeighbourhoodItem.batch_write() as batch:
        for nbh_id, name, cells in live:
            batch.save(ResidentsHeadItem.of(lau2, nbh_id))  # kept ones too: published before the head existed
            if nbh_id in kept:
                continue
            batch.save(NeighbourhoodItem(
                *NeighbourhoodItem.key(lau2, nbh_id), gsi1pk=f"NBH#{nbh_id}", gsi1sk="NEIGHBOURHOOD", id=nbh_id,
                lau2=lau2, name=name, address_count=count_addresses(cells, populated), cells=cells, version=draft.version,
                published_at=stamp, member_count=0,  # residents moved in are counted as they move
            ))
        for old in old_items:
            if old.id not in {nbh_id for nbh_id, _, _ in live}:
                batch.delete(old)
                batch.delete(ResidentsHeadItem.of(lau2, old.id))

    _write_cells(lau2, new_map, old_map)

    changed = [c for c in sorted(old_map) if new_map.get(c, (None, None))[0] != old_map[c][0]]
    with BoundaryChangeItem.batch_write() as batch:
        for cell in changed:
            new_id, new_name = new_map.get(cell, (None, None))
            batch.save(BoundaryChangeItem(
                f"COMMUNE#{lau2}", f"{BoundaryChangeItem.PREFIX}{stamp.isoformat()}#{cell}",
                gsi1pk=f"CELL#{cell}", gsi1sk=f"{BoundaryChangeItem.PREFIX}{stamp.isoformat()}", cell=cell,
                lau2=lau2, old_id=old_map[cell][0], old_name=old_map[cell][1], new_id=new_id, new_name=new_name,
                version=draft.version, changed_at=stamp,
            ))

    assigned = register.assign_neighbourhoods(lau2, new_map)
    register.move_residents(lau2, {old_map[cell][0] for cell in changed}, stamp)
    record = PublicationItem(
        f"COMMUNE#{lau2}", f"{PublicationItem.PREFIX}{stamp.isoformat()}", lau2=lau2, version=draft.version,
        published_at=stamp, neighbourhoods=len(live), cells=len(new_map), changed_cells=len(changed),
        addresses_assigned=assigned,
    )
    record.save()
    return record.public()


def _write_cells(lau2: str, new_map: dict[str, tuple[str, str]], old_map: dict[str, tuple[str, str]]) -> None:
    """Upsert this commune's entry on every CELL# item it touches, keeping other communes' entries."""
    cells = sorted(set(new_map) | set(old_map))
    existing = {item.cell: item.entries() for item in CellItem.batch_get([CellItem.key(c) for c in cells])}
    with CellItem.batch_write() as batch:
        for cell in cells:
            before = existing.get(cell, {})
            after = {k: v for k, v in before.items() if k != lau2}
            if cell in new_map:
                after[lau2] = {"id": new_map[cell][0], "name": new_map[cell][1]}
            if after == before:
                continue
            if not after:
                batch.delete(CellItem(*CellItem.key(cell)))
                continue
            first = min(after)
            batch.save(CellItem(
                *CellItem.key(cell), cell=cell, lau2=first, nbh_id=after[first]["id"], name=after[first]["name"],
                communes=after,
            ))


def take_lease(item: DraftItem, stamp: datetime) -> None:
    try:
        item.update(
            actions=[DraftItem.publishing_until.set(stamp + PUBLISH_LEASE)],
            condition=(DraftItem.version == item.version) & lease_free(stamp),
        )
    except UpdateError as error:
        raise_if_conditional(error, "The draft changed or is being published; reload it and try again.")
        raise


def release_lease(item: DraftItem, published: bool) -> None:
    actions = [DraftItem.publishing_until.remove()]
    if published:
        actions.append(DraftItem.published_version.set(item.version))
    item.update(actions=actions)


def lease_free(stamp: datetime):
    return DraftItem.publishing_until.does_not_exist() | (DraftItem.publishing_until < stamp)


def raise_if_conditional(error: PutError | UpdateError, message: str) -> None:
    if condition_failed(error):
        raise Conflict(message, {"version": "the draft changed meanwhile"}) from None


def head_residents(lau2: str) -> int:
    """Once, after upgrading to the head of a neighbourhood's residents (#16, `./noper head-residents`): each
    published neighbourhood of the commune gets it (one Query, one BatchWriteItem; idempotent). Answers how many."""
    published = list(NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)))
    with ResidentsHeadItem.batch_write() as batch:
        for neighbourhood in published:
            batch.save(ResidentsHeadItem.of(lau2, neighbourhood.id))
    return len(published)
