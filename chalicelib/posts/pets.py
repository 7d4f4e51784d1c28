"""Where and when a lost or found pet was last seen, as a post keeps it and as people read it.

The map point is never stored: only its res-9 H3 cell (about 0.1 km²). When the post is written the cell is
named once — the street with most addresses in it and its locality (the commune's cell summary, one GetItem)
and the neighbourhood it belongs to (`CELL#<cell>`, one GetItem) — so the post page and the alert say
"near Kaesfurterstrooss, Hupperdange" without a read per view. The time is the writer's, else the moment of
writing; edits without one keep the earlier time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import h3
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.clock import now
from chalicelib.addresses.service import cell_summary
from chalicelib.neighbourhoods.models import CellItem

CELL_RESOLUTION = 9


def locate(content: dict[str, Any], lau2: str | None, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Turn a pet's request fields (`last_seen` point, optional `last_seen_at`) into what is stored."""
    point = content.pop("last_seen")  # never stored: only its res-9 cell
    cell = h3.latlng_to_cell(point["lat"], point["lon"], CELL_RESOLUTION)
    content["last_seen_cell"] = cell
    seen = content.get("last_seen_at") or (previous or {}).get("last_seen_at") or now().isoformat()
    content["last_seen_at"] = datetime.fromisoformat(seen).astimezone(now().tzinfo).isoformat()
    same_cell = previous and previous.get("last_seen_cell") == cell and previous.get("last_seen_place")
    content["last_seen_place"] = previous["last_seen_place"] if same_cell else place_of(cell, lau2)  # type: ignore[index]
    return content


def place_of(cell: str, lau2: str | None) -> dict[str, str | None]:
    """The street (most addresses in the cell), locality and neighbourhood of a cell; each None if unknown."""
    street = locality = neighbourhood = None
    try:
        mapped = CellItem.get(*CellItem.key(cell))
        entries = mapped.entries()
        neighbourhood = (entries.get(lau2 or "") or {}).get("name") or mapped.name
        lau2 = lau2 if lau2 in entries else mapped.lau2
    except DoesNotExist:
        pass
    summary = cell_summary(lau2, cell) if lau2 else None
    if summary is not None:
        street = max(summary.streets.items(), key=lambda pair: (pair[1], pair[0]))[0] if summary.streets else None
        locality = max(summary.localities.items(), key=lambda pair: (pair[1], pair[0]))[0] if summary.localities else None
    return {"street": street, "locality": locality, "neighbourhood": neighbourhood}


def last_seen_at(content: dict[str, Any], posted: datetime) -> datetime:
    """When the pet was last seen; posts written before the field say when they were posted."""
    seen = content.get("last_seen_at")
    return datetime.fromisoformat(seen) if seen else posted


def place_label(content: dict[str, Any]) -> str:
    """"Kaesfurterstrooss, Hupperdange (Hupperdange-Nord)": the parts known, the neighbourhood only if it adds."""
    place = content.get("last_seen_place") or {}
    parts = [part for part in (place.get("street"), place.get("locality")) if part]
    neighbourhood = place.get("neighbourhood")
    label = ", ".join(parts)
    if neighbourhood and neighbourhood not in parts:
        label = f"{label} ({neighbourhood})" if label else neighbourhood
    return label
