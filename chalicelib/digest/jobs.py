"""The digest's jobs: one per published neighbourhood of a week. What the schedule enqueues
(`fanout`) and what `./noper digest` runs in-process (`service.run_week`)."""

from __future__ import annotations

from typing import Iterator

from chalicelib.communes.models import CommuneItem
from chalicelib.digest import QUEUE  # noqa: F401  (the fan-out's and infra's name for it)
from chalicelib.neighbourhoods.models import NeighbourhoodItem


def published_neighbourhoods(lau2: str | None = None) -> Iterator[dict[str, str]]:
    """Every published neighbourhood (of one commune, or all): id, lau2, name."""
    communes = [lau2] if lau2 else [c.lau2 for c in CommuneItem.by_name.query(CommuneItem.LIST_KEY,
                                                                             attributes_to_get=["lau2"])]
    for each in communes:
        for item in NeighbourhoodItem.query(f"COMMUNE#{each}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX),
                                            attributes_to_get=["id", "lau2", "name"]):
            yield {"neighbourhood_id": item.id, "lau2": item.lau2, "name": item.name}


def jobs_for(week: str, lau2: str | None = None, neighbourhood_id: str | None = None) -> list[dict[str, str]]:
    return [{**nbh, "week": week} for nbh in published_neighbourhoods(lau2)
            if neighbourhood_id is None or nbh["neighbourhood_id"] == neighbourhood_id]
