"""Importing an edition of the address register: one code path for the CLI and for staff uploads.

Per commune: one paginated Query reads what is stored, then only the differences are written
with BatchWriteItem. An unchanged file writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from chalicelib.adapters.clock import now
from chalicelib.addresses.register import InvalidRegister, RefusedRow, RegisterAddress, read_register
from chalicelib.addresses.store import (
    BatchWriter, Item, active_partition, address_item, cell_items, cell_partition, query, retired_partition,
    street_key_items, street_partition,
)
from chalicelib.observability import logger

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000  # rows


@dataclass
class ImportReport:
    rows_total: int = 0
    rows_done: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    communes_created: list[str] = field(default_factory=list)
    writes: int = 0  # items written, all kinds (addresses, street keys, cell summaries)

    @property
    def refused_count(self) -> int:
        return len(self.refused)

    @property
    def nothing_changed(self) -> bool:
        return self.writes == 0

    def lines(self) -> list[str]:
        """The report as an operator reads it."""
        lines = [
            f"rows: {self.rows_total} in the file, {self.refused_count} refused",
            f"addresses: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.retired} retired",
            f"communes: {', '.join(self.communes) or 'none'}"
            + (f" (created: {', '.join(self.communes_created)})" if self.communes_created else ""),
        ]
        lines += [f"refused line {row.line}: {row.reason}" for row in self.refused]
        lines.append("nothing changed" if self.nothing_changed else f"{self.writes} items written")
        return lines


def import_addresses(data: bytes, *, only_lau2: str | None = None, create_communes: bool = False,
                     progress: Progress | None = None) -> ImportReport:
    """Bring the stored register of the file's communes (or of `only_lau2`) in line with the file."""
    edition = read_register(data, only_lau2)
    by_commune: dict[str, list[RegisterAddress]] = defaultdict(list)
    for address in edition.addresses:
        by_commune[address.lau2].append(address)
    if only_lau2 and only_lau2 not in by_commune:
        # Retiring a whole commune because the wrong file was chosen would be a disaster: refuse.
        raise InvalidRegister(f"The file has no usable address of commune {only_lau2}.")
    report = ImportReport(rows_total=edition.rows_total, refused=edition.refused, rows_done=len(edition.refused))
    in_edition = {address.address_id for address in edition.addresses}
    tell = progress or (lambda done, total: None)
    tell(report.rows_done, report.rows_total)
    with BatchWriter() as writer:
        for lau2, addresses in sorted(by_commune.items()):
            if create_communes and _set_up_missing_commune(lau2, addresses[0].commune):
                report.communes_created.append(lau2)
            report.communes.append(lau2)
            _import_commune(lau2, addresses, in_edition, report, writer, tell)
        writer.flush()
        report.writes = writer.items_written
    tell(report.rows_total, report.rows_total)
    logger.info("addresses imported", communes=report.communes, added=report.added, updated=report.updated,
                unchanged=report.unchanged, retired=report.retired, refused=report.refused_count)
    return report


def _import_commune(lau2: str, addresses: list[RegisterAddress], in_edition: set[str], report: ImportReport,
                    writer: BatchWriter, tell: Progress) -> None:
    stored = {item["id"]["S"]: item for item in query(active_partition(lau2), index=True)}
    changed: list[tuple[RegisterAddress, Item | None]] = []
    for address in addresses:
        old = stored.pop(address.address_id, None)
        if old is not None and old["fp"]["S"] == address.fingerprint:
            report.unchanged += 1
        else:
            changed.append((address, old))
    report.rows_done += len(addresses) - len(changed)

    neighbourhoods = _neighbourhoods_of_cells({address.cell for address, _ in changed}, lau2)
    for count, (address, old) in enumerate(changed, 1):
        if neighbourhoods is not None:
            neighbourhood = neighbourhoods.get(address.cell)
        else:  # the neighbourhood module is not there: keep what the address had
            neighbourhood = (old["neighbourhood_id"]["S"], old["neighbourhood_name"]["S"]) \
                if old and "neighbourhood_id" in old else None
        writer.put(address_item(address, neighbourhood))
        if old is None:
            report.added += 1
        else:
            report.updated += 1
        report.rows_done += 1
        if count % PROGRESS_EVERY == 0:
            tell(report.rows_done, report.rows_total)
    stamp = now().isoformat()
    for address_id, old in stored.items():
        if address_id in in_edition:
            continue  # moved to another commune of this file: written there
        writer.put({**old, "gsi1pk": {"S": retired_partition(lau2)}, "retired_at": {"S": stamp}})
        report.retired += 1
    _sync_partition(street_partition(lau2), street_key_items(addresses), writer)
    _sync_partition(cell_partition(lau2), cell_items(lau2, addresses), writer)
    tell(report.rows_done, report.rows_total)


def _sync_partition(partition: str, wanted: dict[str, Item], writer: BatchWriter) -> None:
    """Make a partition of derived items (street keys, cell summaries) exactly `wanted`, writing only differences."""
    missing = dict(wanted)
    for item in query(partition):
        sk = item["sk"]["S"]
        if sk not in wanted:
            writer.delete(item)
        elif missing.pop(sk) != item:
            writer.put(wanted[sk])
    for item in missing.values():
        writer.put(item)


def _set_up_missing_commune(lau2: str, name: str) -> bool:
    from chalicelib.communes.models import CommuneSettings
    from chalicelib.communes.service import get_commune, set_up_commune
    from chalicelib.errors import NotFound

    try:
        get_commune(lau2)
        return False
    except NotFound:
        set_up_commune(lau2, CommuneSettings(name=name or lau2))
        return True


def _neighbourhoods_of_cells(cells: set[str], lau2: str) -> dict[str, tuple[str, str]] | None:
    """cell -> (neighbourhood id, name) in the commune, from the neighbourhoods module (one BatchGetItem
    per 100 cells); None while that module is absent."""
    try:
        from chalicelib.neighbourhoods import service as neighbourhoods
    except ModuleNotFoundError as error:
        if error.name not in ("chalicelib.neighbourhoods", "chalicelib.neighbourhoods.service"):
            raise
        return None
    lookup: Any = getattr(neighbourhoods, "neighbourhoods_for_cells", None)
    if lookup is None:
        return None
    return lookup(sorted(cells), lau2=lau2) if cells else {}
