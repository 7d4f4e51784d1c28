"""Neighbourhood request, response and stored models (kept apart even while they look alike)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pynamodb.exceptions import TransactWriteError, UpdateError
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, field_validator
from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.communes.models import Lau2
from chalicelib.content.counters import count_in_week
from chalicelib.models import Model
from chalicelib.neighbourhoods.partition import DEFAULT_HOUSEHOLDS
from chalicelib.store.table import Entity, Gsi1, condition_failed, refused_conditions, table_connection, transaction

NeighbourhoodName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
# "<lau2>-<res-9 cell without its ffff tail>", e.g. 0501-891fa1d5aa3; a numeric suffix if ever taken.
NeighbourhoodId = Annotated[str, StringConstraints(pattern=r"^[0-9a-z-]{1,40}$")]
# Luxembourg's bounding box: a point outside it (a lost pet's, an event's place) is a typo, not a place here.
LUXEMBOURG = {"lat": (49.44, 50.19), "lon": (5.73, 6.54)}


class Point(Model):
    """A point on the map, stored as its res-9 H3 cell only (a lost pet's last sighting, an event's place)."""

    model_config = ConfigDict(extra="forbid")
    lat: float = Field(ge=LUXEMBOURG["lat"][0], le=LUXEMBOURG["lat"][1], description="inside Luxembourg")
    lon: float = Field(ge=LUXEMBOURG["lon"][0], le=LUXEMBOURG["lon"][1], description="inside Luxembourg")


# --- requests -------------------------------------------------------------------------------

class DraftNeighbourhoodPath(Model):
    lau2: Lau2
    nbh_id: NeighbourhoodId


class ProposalRequest(Model):
    model_config = ConfigDict(extra="forbid")
    households: int = Field(default=DEFAULT_HOUSEHOLDS, ge=10, le=10_000)


def _position(value: list[float]) -> list[float]:
    if len(value) < 2:
        raise ValueError("a position is [longitude, latitude]")
    lon, lat = value[0], value[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("a position is [longitude, latitude] in degrees")
    return value


Position = Annotated[list[float], AfterValidator(_position)]


def _ring(value: list[Position]) -> list[Position]:
    if len(value) < 4 or value[0][:2] != value[-1][:2]:
        raise ValueError("a linear ring has at least 4 positions and ends where it starts")
    return value


Ring = Annotated[list[Position], AfterValidator(_ring)]


class PolygonGeometry(Model):
    type: Literal["Polygon"]
    coordinates: list[Ring] = Field(min_length=1)


class MultiPolygonGeometry(Model):
    type: Literal["MultiPolygon"]
    coordinates: list[Annotated[list[Ring], Field(min_length=1)]] = Field(min_length=1)


class DrawnProperties(Model):
    name: NeighbourhoodName


class DrawnFeature(Model):
    type: Literal["Feature"]
    properties: DrawnProperties
    geometry: PolygonGeometry | MultiPolygonGeometry = Field(discriminator="type")


class DrawnNeighbourhoods(Model):
    """A GeoJSON FeatureCollection: one (Multi)Polygon per neighbourhood, its name in `properties.name`.

    Features with the same name make one neighbourhood.
    """

    type: Literal["FeatureCollection"]
    features: list[DrawnFeature] = Field(min_length=1, max_length=500)


class RenameRequest(Model):
    model_config = ConfigDict(extra="forbid")
    name: NeighbourhoodName
    version: int | None = Field(default=None, description="the draft version you saw; 409 if it changed")


class SplitRequest(Model):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, description="the draft version you saw; 409 if it changed")


class PublishRequest(Model):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(description="the draft version you reviewed; 409 if it changed since")


class MergeRequest(Model):
    model_config = ConfigDict(extra="forbid")
    ids: list[NeighbourhoodId] = Field(min_length=2, max_length=2)
    name: NeighbourhoodName | None = None
    version: int | None = Field(default=None, description="the draft version you saw; 409 if it changed")

    @field_validator("ids")
    @classmethod
    def _two_different(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("name two different neighbourhoods")
        return ids


# --- responses ------------------------------------------------------------------------------

class NeighbourhoodPublic(Model):
    id: str
    name: str
    address_count: int


class NeighbourhoodList(Model):
    neighbourhoods: list[NeighbourhoodPublic]


class NeighbourhoodRef(Model):
    """A published neighbourhood found near a cell; `distance` in grid steps (about 0.35 km each)."""

    lau2: str
    id: str
    name: str
    distance: int


class BoundaryGeometry(Model):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any]


class BoundaryProperties(Model):
    id: str
    name: str
    address_count: int


class BoundaryFeature(Model):
    type: Literal["Feature"] = "Feature"
    geometry: BoundaryGeometry
    properties: BoundaryProperties


class BoundaryCollection(Model):
    """GeoJSON (RFC 7946): positions are [longitude, latitude]."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[BoundaryFeature]


class Overlap(Model):
    cell: str
    ids: list[str] = Field(description="the drawn neighbourhoods covering the cell; it went to the first")


class DraftValidation(Model):
    """`valid` when every populated cell is in exactly one neighbourhood and none is empty.

    Overlaps (drawn only) were resolved to the first polygon in the file and non-contiguous
    neighbourhoods are allowed (a park may separate two streets): both are reported, not blocking.
    """

    valid: bool
    gaps: list[str] = Field(description="populated cells in no neighbourhood")
    gap_addresses: int
    overlaps: list[Overlap]
    non_contiguous: list[str] = Field(description="ids of neighbourhoods whose populated cells are not H3-connected")
    empty: list[str] = Field(description="ids of neighbourhoods without any populated cell")
    outside_cells: int = Field(description="drawn cells without addresses of this commune, dropped")


class DraftNeighbourhood(Model):
    id: str
    name: str
    address_count: int
    cells: int


class Draft(Model):
    lau2: str
    version: int
    source: Literal["proposed", "drawn"]
    households: int | None
    published_version: int | None = Field(description="the draft version last published, if any")
    updated_at: str
    neighbourhoods: list[DraftNeighbourhood]
    validation: DraftValidation


class Publication(Model):
    lau2: str
    version: int
    published_at: str
    neighbourhoods: int
    cells: int
    changed_cells: int = Field(description="cells whose neighbourhood changed: their residents move")
    addresses_assigned: int


# --- stored ---------------------------------------------------------------------------------

class DraftNeighbourhoodMap(MapAttribute):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    cells = ListAttribute(of=UnicodeAttribute)


class OverlapMap(MapAttribute):
    cell = UnicodeAttribute()
    ids = ListAttribute(of=UnicodeAttribute)


class DraftItem(Entity):
    """pk=CELLS#<lau2>, sk=~NBHDRAFT: the whole draft in one item, so edits are one conditional write; kept
    after the commune's cell summaries (chalicelib/addresses), so that the draft and the cells it is checked
    against are one Query. Drafts written before are at `earlier_key` until edited or moved
    (`./noper move-drafts`).

    `version` goes up with every edit; `publishing_until` is a short lease taken while publishing.
    """

    lau2 = UnicodeAttribute()
    version = NumberAttribute()
    source = UnicodeAttribute()
    households = NumberAttribute(null=True)
    published_version = NumberAttribute(null=True)
    neighbourhoods = ListAttribute(of=DraftNeighbourhoodMap)
    overlaps = ListAttribute(of=OverlapMap, default=list)
    outside_cells = NumberAttribute(default=0)
    empty = ListAttribute(of=UnicodeAttribute, default=list)
    publishing_until = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()

    SORT_KEY = "~NBHDRAFT"  # "~": the address import keeps it (addresses.store.KEPT_IN_CELLS)

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return f"CELLS#{lau2}", DraftItem.SORT_KEY

    @staticmethod
    def earlier_key(lau2: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", "NBHDRAFT"


class NeighbourhoodItem(Entity):
    """pk=COMMUNE#<lau2>, sk=NBH#<id>; gsi1pk=NBH#<id>, gsi1sk=NEIGHBOURHOOD (by id alone). Published only."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_id = Gsi1()
    id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    name = UnicodeAttribute()
    address_count = NumberAttribute()
    cells = ListAttribute(of=UnicodeAttribute)
    version = NumberAttribute()
    published_at = UTCDateTimeAttribute()
    # Verified residents, kept by ADD in the transactions that verify, move or erase one (`count_member`);
    # null on items written before it: counted by a Query then (`./noper count-members` sets it).
    member_count = NumberAttribute(null=True)
    # Households (addresses) with at least one verified resident (`count_household`); null before indicators:
    # `./noper indicators rebuild` sets it.
    household_count = NumberAttribute(null=True)

    PREFIX = "NBH#"

    @staticmethod
    def key(lau2: str, nbh_id: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", f"NBH#{nbh_id}"


class ResidentsHeadItem(Entity):
    """pk=COMMUNE#<lau2>, sk=RESIDENTSHEAD#<id>; gsi1pk=NBH#<id>#RESIDENTS, gsi1sk=verified: at the head of the
    neighbourhood's residents on gsi1 (just before `verified#<user>`), written and deleted with the neighbourhood's
    publication, so that the staff's list of its verified residents tells an empty neighbourhood from one that is
    not published in its one Query (#16). Queries of residents by status (`verified#`, `pending#`) never see it."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    id = UnicodeAttribute()
    lau2 = UnicodeAttribute()

    PREFIX = "RESIDENTSHEAD#"
    SORT = "verified"

    @classmethod
    def of(cls, lau2: str, nbh_id: str) -> "ResidentsHeadItem":
        return cls(f"COMMUNE#{lau2}", f"{cls.PREFIX}{nbh_id}", gsi1pk=f"NBH#{nbh_id}#RESIDENTS", gsi1sk=cls.SORT,
                   id=nbh_id, lau2=lau2)


def count_member(writes: Any, lau2: str, nbh_id: str, change: int) -> None:
    """Within a resident's transaction: one verified resident more (1) or fewer (-1) in the neighbourhood.
    Only on a published neighbourhood (the condition; never makes one up): a transaction refused on it
    means the neighbourhood is gone, and the caller writes again without counting."""
    writes.update(NeighbourhoodItem(*NeighbourhoodItem.key(lau2, nbh_id)),
                  actions=[NeighbourhoodItem.member_count.add(change)], condition=NeighbourhoodItem.pk.exists())


class HouseholdItem(Entity):
    """pk=ADDRESS#<address id>, sk=HOUSEHOLD: how many verified residents live at the address (ADD), so that the
    neighbourhood counts the household when its first resident is verified and uncounts it when its last leaves,
    and the neighbourhood it is counted in (`neighbourhood_id`, set with each resident counted in; absent on items
    written before it: a household is then counted in its residents' neighbourhood), so that it moves once when
    new boundaries move its residents (`move_household`)."""

    members = NumberAttribute(default=0)
    neighbourhood_id = UnicodeAttribute(null=True)

    @staticmethod
    def key(address_id: str) -> tuple[str, str]:
        return f"ADDRESS#{address_id}", "HOUSEHOLD"


def count_household(lau2: str, nbh_id: str, address_id: str | None, change: int) -> None:
    """After a resident's transaction that verified (1) or removed (-1) a verified resident at `address_id`: the
    ADD's result tells exactly one writer that the household just got its first resident (or lost its last), who
    counts it on the neighbourhood and in the week's indicators. A crash between the two writes leaves it uncounted
    until `./noper indicators rebuild` (docs/indicators.md).

    A resident counted in also sets the household's neighbourhood: one verified in another neighbourhood than the
    household is counted in (new boundaries published, its other residents not moved yet) moves it there, once."""
    if not address_id or not nbh_id or nbh_id == "-":
        return
    if change > 0:
        result = table_connection().update_item(
            *HouseholdItem.key(address_id),
            actions=[HouseholdItem.members.add(change), HouseholdItem.neighbourhood_id.set(nbh_id)],
            return_values="UPDATED_OLD")
        before = result.get("Attributes", {})
        members = int(before.get("members", {}).get("N", "0"))
        counted_in = before.get("neighbourhood_id", {}).get("S", nbh_id)
        if members == 0:
            _count_households(lau2, {nbh_id: 1})
        elif members > 0 and counted_in != nbh_id:
            _count_households(lau2, {counted_in: -1, nbh_id: 1})
        return
    result = table_connection().update_item(
        *HouseholdItem.key(address_id), actions=[HouseholdItem.members.add(change)], return_values="ALL_NEW")
    after = result["Attributes"]
    if int(after["members"]["N"]) == 0:  # out of the neighbourhood it is counted in
        _count_households(lau2, {after.get("neighbourhood_id", {}).get("S", nbh_id): -1})


def move_household(lau2: str, address_id: str | None, old_id: str, new_id: str) -> bool:
    """After a verified resident followed their address from `old_id` into `new_id` (new boundaries): the
    household moves too, if it is still counted in the old neighbourhood (a missing neighbourhood, on items written
    before it was kept, is the old one) and has a verified resident. The condition lets exactly one of its
    residents' moves, of a publication run again or of two at once, move the count. True for that one."""
    if not address_id or old_id == new_id:
        return False
    household = HouseholdItem(*HouseholdItem.key(address_id))
    try:
        household.update(actions=[HouseholdItem.neighbourhood_id.set(new_id)],
                         condition=(HouseholdItem.members > 0) & (HouseholdItem.neighbourhood_id.does_not_exist()
                                                                  | (HouseholdItem.neighbourhood_id == old_id)))
    except UpdateError as error:
        if condition_failed(error):  # moved by another of its residents, or nobody verified lives there
            return False
        raise
    _count_households(lau2, {old_id: -1, new_id: 1})
    return True


def _count_households(lau2: str, changes: dict[str, int]) -> None:
    """One transaction: each neighbourhood's `household_count` and its week's households gained or lost, only on
    published neighbourhoods (a refused condition: that one is gone, the others are counted without it)."""
    while changes:
        try:
            with transaction() as writes:
                for nbh_id, change in changes.items():
                    writes.update(NeighbourhoodItem(*NeighbourhoodItem.key(lau2, nbh_id)),
                                  actions=[NeighbourhoodItem.household_count.add(change)],
                                  condition=NeighbourhoodItem.pk.exists())
                for nbh_id, change in changes.items():  # last: updates only, after the neighbourhoods' positions
                    count_in_week(writes, nbh_id, **{"households_gained" if change > 0 else "households_lost": 1})
            return
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if not refused:
                raise
            changes = {nbh_id: change for position, (nbh_id, change) in enumerate(changes.items())
                       if position not in refused}


class CellItem(Entity):
    """pk=CELL#<cell>, sk=CELL: the published neighbourhood of a populated res-9 cell.

    A cell on a commune border can hold addresses of two communes: `communes` maps each lau2 to
    {"id", "name"}; `lau2`/`nbh_id`/`name` repeat the entry of the lowest lau2 for one-look reads.
    """

    cell = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    nbh_id = UnicodeAttribute()
    name = UnicodeAttribute()
    communes = MapAttribute()

    @staticmethod
    def key(cell: str) -> tuple[str, str]:
        return f"CELL#{cell}", "CELL"

    def entries(self) -> dict[str, dict[str, str]]:
        """lau2 -> {"id", "name"} of each commune's neighbourhood on this cell."""
        raw = self.communes.as_dict() if hasattr(self.communes, "as_dict") else dict(self.communes or {})
        return {lau2: dict(entry) for lau2, entry in raw.items()}


class BoundaryChangeItem(Entity):
    """pk=COMMUNE#<lau2>, sk=NBHCHANGE#<published_at>#<cell>; gsi1pk=CELL#<cell>, gsi1sk=NBHCHANGE#<published_at>.

    One per cell whose neighbourhood changed at a publication: residents of the cell move from
    `old_id` to `new_id` (None when the cell no longer holds addresses). `residents_moved_at` is
    for the residents feature to set once it has moved them.
    """

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_cell = Gsi1()
    cell = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    old_id = UnicodeAttribute()
    old_name = UnicodeAttribute()
    new_id = UnicodeAttribute(null=True)
    new_name = UnicodeAttribute(null=True)
    version = NumberAttribute()
    changed_at = UTCDateTimeAttribute()
    residents_moved_at = UTCDateTimeAttribute(null=True)

    PREFIX = "NBHCHANGE#"


class PublicationItem(Entity):
    """pk=COMMUNE#<lau2>, sk=NBHPUBLICATION#<published_at>: what each publication did."""

    lau2 = UnicodeAttribute()
    version = NumberAttribute()
    published_at = UTCDateTimeAttribute()
    neighbourhoods = NumberAttribute()
    cells = NumberAttribute()
    changed_cells = NumberAttribute()
    addresses_assigned = NumberAttribute()

    PREFIX = "NBHPUBLICATION#"

    def public(self) -> Publication:
        return Publication(
            lau2=self.lau2, version=self.version, published_at=self.published_at.isoformat(),
            neighbourhoods=self.neighbourhoods, cells=self.cells, changed_cells=self.changed_cells,
            addresses_assigned=self.addresses_assigned,
        )


def neighbourhoods_for_cells(cells: Iterable[str], lau2: str | None = None) -> dict[str, tuple[str, str]]:
    """cell -> (neighbourhood id, name) of the published cells; one BatchGetItem per 100 cells.

    A border cell may belong to two communes: `lau2` picks the commune, else the lowest lau2 wins.
    """
    found = {}
    for item in CellItem.batch_get([CellItem.key(cell) for cell in sorted(set(cells))]):
        entry = item.entries().get(lau2) if lau2 else None
        found[item.cell] = (entry["id"], entry["name"]) if entry else (item.nbh_id, item.name)
    return found
