"""Whom a publisher's announcement or event reaches: the whole commune, chosen neighbourhoods, or a circle drawn
on the map, turned into H3 res-9 cells and, through the published CELL# mapping, into neighbourhoods.
Here, below both announcements and events, so that both publish through the one targeting."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import h3
from pydantic import ConfigDict, Field, StringConstraints, model_validator

from chalicelib.errors import Forbidden, InvalidInput
from chalicelib.models import Model
from chalicelib.neighbourhoods.service import list_published, neighbourhoods_for_cells
from chalicelib.policy import PublisherLink

RESOLUTION = 9
MAX_RADIUS_M = 5000


class Circle(Model):
    model_config = ConfigDict(extra="forbid")
    lat: float = Field(ge=49.4, le=50.2, description="centre, WGS84 (Luxembourg)")
    lon: float = Field(ge=5.7, le=6.6)
    radius_m: int = Field(ge=50, le=MAX_RADIUS_M)


class Target(Model):
    # `_complete`, as the document states it: neighbourhoods need at least one, a circle its centre and radius
    model_config = ConfigDict(extra="forbid", json_schema_extra={"allOf": [
        {"if": {"properties": {"kind": {"const": "neighbourhoods"}}},
         "then": {"required": ["neighbourhoods"], "properties": {"neighbourhoods": {"type": "array", "minItems": 1}}}},
        {"if": {"properties": {"kind": {"const": "circle"}}},
         "then": {"required": ["circle"], "properties": {"circle": {"type": "object"}}}}]})
    kind: Literal["commune", "neighbourhoods", "circle"]
    neighbourhoods: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] | None = Field(
        None, max_length=100)
    circle: Circle | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Target":
        if self.kind == "neighbourhoods" and not self.neighbourhoods:
            raise ValueError("choose at least one neighbourhood")
        if self.kind == "circle" and self.circle is None:
            raise ValueError("give the circle's centre and radius")
        return self


def circle_cells(circle: Circle) -> set[str]:
    """The res-9 cells whose centre lies within the circle, plus the centre's own cell."""
    centre = h3.latlng_to_cell(circle.lat, circle.lon, RESOLUTION)
    spacing = math.sqrt(3) * h3.average_hexagon_edge_length(RESOLUTION, unit="m")  # centre to centre
    k = math.ceil(circle.radius_m / spacing) + 1
    inside = {cell for cell in h3.grid_disk(centre, k)
              if h3.great_circle_distance(h3.cell_to_latlng(cell), (circle.lat, circle.lon), unit="m") <= circle.radius_m}
    return inside | {centre}


def resolve(lau2: str, target: Target, link: PublisherLink | None) -> tuple[list[str] | None, dict[str, str]]:
    """(targeted neighbourhood ids, None for the whole commune; names of the commune's neighbourhoods).
    Refuses a target outside the link's scope (403 naming `target`)."""
    names = {n.id: n.name for n in list_published(lau2).neighbourhoods}
    if target.kind == "commune":
        if link is not None and link.neighbourhoods is not None:
            raise Forbidden("This link may not address the whole commune.", {"target": "outside this link's neighbourhoods"})
        return None, names
    if target.kind == "neighbourhoods":
        chosen = set(target.neighbourhoods or ())
        unknown = sorted(chosen - set(names))
        if unknown:
            raise InvalidInput("Choose published neighbourhoods of this commune.",
                               {"target.neighbourhoods": f"unknown: {', '.join(unknown)}"})
    else:
        assert target.circle is not None
        found = neighbourhoods_for_cells(circle_cells(target.circle), lau2)
        chosen = {nbh_id for nbh_id, _name in found.values() if nbh_id in names}
        if not chosen:
            raise InvalidInput("The circle reaches no neighbourhood of this commune.", {"target.circle": "reaches nobody"})
    if link is not None and link.neighbourhoods is not None and not chosen <= link.neighbourhoods:
        raise Forbidden("This link may not address these neighbourhoods.", {"target": "outside this link's neighbourhoods"})
    return sorted(chosen), names
