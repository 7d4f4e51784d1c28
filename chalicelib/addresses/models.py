"""Address request, response and stored models (kept apart even while they look alike)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.communes.models import Lau2
from chalicelib.models import Model
from chalicelib.store.table import Entity

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
REFUSED_KEPT = 500  # refused rows listed in an import's status; the count covers all

ImportId = Annotated[str, StringConstraints(pattern=r"^\d{14}[0-9a-f]{8}$")]
# needs_confirmation: the file would retire more than 10 % of the commune's addresses; nothing was written
# and the file is kept (7 days) until an admin confirms (then waiting again, with allow_retire).
ImportStatus = Literal["waiting", "running", "needs_confirmation", "done", "failed"]


# --- requests -------------------------------------------------------------------------------

class AddressSearchQuery(Model):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class AddressImportPath(Model):
    lau2: Lau2
    import_id: ImportId


class AddressImportRequest(Model):
    model_config = ConfigDict(extra="forbid")
    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    size: int = Field(gt=0, description="bytes; at most 64 MiB (larger answers 413)",
                      json_schema_extra={"maximum": MAX_UPLOAD_BYTES})


# --- responses ------------------------------------------------------------------------------

class NeighbourhoodRef(Model):
    id: str
    name: str


class AddressSuggestion(Model):
    id: str
    label: str
    street: str
    number: str
    postcode: str
    locality: str
    neighbourhood: NeighbourhoodRef | None


class AddressSuggestions(Model):
    addresses: list[AddressSuggestion]


class AddressPublic(AddressSuggestion):
    """One address of the register, as the neighbourhood and verification code reads it."""

    lau2: str
    commune: str
    lat: float
    lon: float
    cell: str
    retired: bool


class CellSummary(Model):
    address_count: int
    streets: dict[str, int]
    localities: dict[str, int]


class PresignedUpload(Model):
    url: str
    fields: dict[str, str]


class AddressImportStarted(Model):
    import_id: str
    upload: PresignedUpload
    max_bytes: int


class RefusedLine(Model):
    line: int
    reason: str


class AddressImportSummary(Model):
    import_id: str
    filename: str
    status: ImportStatus
    rows_total: int
    rows_done: int
    added: int
    updated: int
    unchanged: int
    retired: int
    kept: int = Field(description="addresses the file no longer lists, kept because it has refused lines")
    would_retire: int = Field(description="needs_confirmation: how many addresses the file would retire")
    active_before: int = Field(description="needs_confirmation: the commune's addresses before the import")
    allow_retire: bool = Field(description="an admin confirmed retiring more than 10 % of the addresses")
    refused_count: int
    error: str | None
    created_at: str
    finished_at: str | None


class AddressImportReport(AddressImportSummary):
    refused: list[RefusedLine]


class AddressImportList(Model):
    imports: list[AddressImportSummary]


# --- stored ---------------------------------------------------------------------------------

class AddressImportItem(Entity):
    """pk=COMMUNE#<lau2>, sk=ADDRESS_IMPORT#<import_id> (import ids sort by time: latest first by Query)."""

    lau2 = UnicodeAttribute()
    import_id = UnicodeAttribute()
    filename = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute()
    rows_total = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)
    added = NumberAttribute(default=0)
    updated = NumberAttribute(default=0)
    unchanged = NumberAttribute(default=0)
    retired = NumberAttribute(default=0)
    kept = NumberAttribute(default=0)
    would_retire = NumberAttribute(default=0)
    active_before = NumberAttribute(default=0)
    allow_retire = BooleanAttribute(default=False)
    refused_count = NumberAttribute(default=0)
    refused = JSONAttribute(default=list)
    error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)

    PREFIX = "ADDRESS_IMPORT#"

    @classmethod
    def key(cls, lau2: str, import_id: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", f"{cls.PREFIX}{import_id}"

    def summary(self) -> AddressImportSummary:
        return AddressImportSummary(**self._fields())

    def report(self) -> AddressImportReport:
        return AddressImportReport(**self._fields(), refused=[RefusedLine(**row) for row in self.refused or []])

    def _fields(self) -> dict:
        return dict(
            import_id=self.import_id, filename=self.filename, status=self.status, rows_total=int(self.rows_total),
            rows_done=int(self.rows_done), added=int(self.added), updated=int(self.updated),
            unchanged=int(self.unchanged), retired=int(self.retired), kept=int(self.kept or 0),
            would_retire=int(self.would_retire or 0), active_before=int(self.active_before or 0),
            allow_retire=bool(self.allow_retire), refused_count=int(self.refused_count),
            error=self.error, created_at=self.created_at.isoformat(),
            finished_at=self.finished_at.isoformat() if self.finished_at else None,
        )
