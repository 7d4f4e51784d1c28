"""Between GeoJSON and H3 cells: drawn polygons to cells, cells to boundaries."""

from __future__ import annotations

from typing import Any

import h3

from chalicelib.neighbourhoods.partition import RESOLUTION


def polygon_cells(geometry: dict[str, Any]) -> set[str]:
    """Res-9 cells whose centre lies inside the (Multi)Polygon; positions are [lon, lat]."""
    return set(h3.geo_to_cells(geometry, RESOLUTION))


def boundary(cells: list[str]) -> dict[str, Any]:
    """The outline of the cells as a GeoJSON Polygon or MultiPolygon (closed rings, [lon, lat])."""
    shape = h3.cells_to_geo(sorted(cells))
    return {"type": shape["type"], "coordinates": _lists(shape["coordinates"])}


def _lists(value: Any) -> Any:
    """h3 answers nested tuples; JSON wants lists. A position is a pair of floats."""
    if isinstance(value[0], float):
        return list(value)
    return [_lists(part) for part in value]
