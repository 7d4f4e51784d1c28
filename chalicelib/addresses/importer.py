"""Importing an edition of the address register: one code path for the CLI and for staff uploads.

Three steps, and nothing is written before the third:
1. read: the whole file is parsed and checked (`register.read_register`); a file that cannot be
   trusted as a whole stops here with `InvalidRegister` naming the line;
2. plan: per commune, one paginated Query reads what is stored and the differences are worked out;
   the guards refuse a plan that would retire a commune's addresses on weak grounds:
   - a file with refused lines retires nothing (the addresses it no longer lists are kept, and
     counted as `kept`) unless the operator says so (`retire_despite_refused`);
   - retiring more than `RETIRE_SHARE` of a commune's addresses raises `RetirementNeedsConsent`
     unless the operator allows it (`allow_retire`: `--allow-retire`, or the admin's confirmation);
3. write: only the differences, with BatchWriteItem (an unchanged file writes nothing): per commune
   the addresses in file order, then the retirements, then the street keys and cell summaries.

A failure while writing (`ImportInterrupted`, naming the line reached) leaves the register
*resumable*: every item written is a whole item of the new edition, and running the same import
again writes what is still missing (it compares fingerprints and recomputes the street keys and cell
summaries from the edition), ending exactly where an uninterrupted run would have.
Until then the street keys and cell summaries may still describe the previous edition.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.clock import now
from chalicelib.addresses.register import InvalidRegister, RefusedRow, RegisterAddress, read_register
from chalicelib.addresses.store import (
    KEPT_IN_CELLS, BatchWriter, Item, active_partition, address_item, cell_items, cell_partition, query, register_address,
    retired_partition, street_key_items, street_partition,
)
from chalicelib.neighbourhoods.models import neighbourhoods_for_cells
from chalicelib.observability import logger

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000  # rows
# Retiring more than this share of a commune's addresses in one import needs the operator's consent.
RETIRE_SHARE = 0.10


class RetirementNeedsConsent(Exception):
    """The file would retire more than RETIRE_SHARE of a commune's addresses; nothing was written."""

    def __init__(self, lau2: str, would_retire: int, active: int) -> None:
        super().__init__(
            f"commune {lau2}: the file would retire {would_retire} of its {active} addresses "
            f"(more than {RETIRE_SHARE:.0%}); nothing was imported. Check that the file is whole, "
            "then import it again allowing the retirement."
        )
        self.lau2, self.would_retire, self.active = lau2, would_retire, active


class ImportInterrupted(Exception):
    """Writing stopped midway (the database refused or was away); running the same import again completes it."""

    def __init__(self, where: str, cause: Exception) -> None:
        super().__init__(f"the import stopped {where} ({_cause_name(cause)}); what was written is kept: "
                         "run the same import again to complete it.")
        self.where = where


@dataclass
class ImportReport:
    rows_total: int = 0
    rows_done: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    kept: int = 0  # addresses the file no longer lists, kept because it has refused lines
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
        if self.kept:
            lines.append(f"kept: {self.kept} addresses the file no longer lists, because it has refused lines")
        lines += [f"refused line {row.line}: {row.reason}" for row in self.refused]
        lines.append("nothing changed" if self.nothing_changed else f"{self.writes} items written")
        return lines


@dataclass
class CommunePlan:
    """What an import will write for one commune, worked out before anything is written."""

    lau2: str
    name: str
    addresses: list[RegisterAddress]  # the file's usable rows of the commune
    changed: list[tuple[RegisterAddress, Item | None]]  # new or different: (row, stored item or None)
    unchanged: int
    retiring: list[Item]  # stored, no longer in the file
    kept: list[Item]  # stored, no longer in the file, kept because the file has refused lines
    active_before: int


def import_addresses(data: bytes, *, only_lau2: str | None = None, create_communes: bool = False,
                     allow_retire: bool = False, retire_despite_refused: bool = False,
                     progress: Progress | None = None) -> ImportReport:
    """Bring the stored register of the file's communes (or of `only_lau2`) in line with the file.

    Raises InvalidRegister (the file), RetirementNeedsConsent (nothing written) or ImportInterrupted.
    """
    edition = read_register(data, only_lau2)
    by_commune: dict[str, list[RegisterAddress]] = defaultdict(list)
    for address in edition.addresses:
        by_commune[address.lau2].append(address)
    if only_lau2 and only_lau2 not in by_commune:
        # Retiring a whole commune because the wrong file was chosen would be a disaster: refuse.
        raise InvalidRegister(f"the file has no usable address of commune {only_lau2}.")
    in_edition = {address.address_id for address in edition.addresses}
    hold_back = bool(edition.refused) and not retire_despite_refused
    try:
        plans = [_plan(lau2, addresses, in_edition, hold_back) for lau2, addresses in sorted(by_commune.items())]
    except (ClientError, BotoCoreError) as error:
        raise ImportInterrupted("before writing anything", error) from error
    for plan in plans:
        if len(plan.retiring) > RETIRE_SHARE * plan.active_before and not allow_retire:
            raise RetirementNeedsConsent(plan.lau2, len(plan.retiring), plan.active_before)

    report = ImportReport(rows_total=edition.rows_total, refused=edition.refused, rows_done=len(edition.refused))
    tell = progress or (lambda done, total: None)
    tell(report.rows_done, report.rows_total)
    writing = _Position()
    try:
        with BatchWriter() as writer:
            for plan in plans:
                writing.at = f"setting up commune {plan.lau2}"
                if create_communes and _set_up_missing_commune(plan.lau2, plan.name):
                    report.communes_created.append(plan.lau2)
                report.communes.append(plan.lau2)
                _write_commune(plan, report, writer, tell, writing)
            writing.at = "at the end of the file"
            writer.flush()
            report.writes = writer.items_written
    except (ClientError, BotoCoreError) as error:
        logger.warning("address import interrupted", where=writing.at, error=str(error))
        raise ImportInterrupted(writing.at, error) from error
    tell(report.rows_total, report.rows_total)
    logger.info("addresses imported", communes=report.communes, added=report.added, updated=report.updated,
                unchanged=report.unchanged, retired=report.retired, kept=report.kept, refused=report.refused_count)
    return report


@dataclass
class _Position:
    """Where the writing is, for the one-line message when it stops."""

    at: str = "before writing"


def _plan(lau2: str, addresses: list[RegisterAddress], in_edition: set[str], hold_back: bool) -> CommunePlan:
    stored = {item["id"]["S"]: item for item in query(active_partition(lau2), index=True, patient=True)}
    active_before = len(stored)
    changed: list[tuple[RegisterAddress, Item | None]] = []
    unchanged = 0
    for address in addresses:
        old = stored.pop(address.address_id, None)
        if old is not None and old["fp"]["S"] == address.fingerprint:
            unchanged += 1
        else:
            changed.append((address, old))
    # Addresses moved to another commune of this file are written there, not retired here.
    gone = [item for address_id, item in stored.items() if address_id not in in_edition]
    return CommunePlan(lau2=lau2, name=addresses[0].commune, addresses=addresses, changed=changed,
                       unchanged=unchanged, retiring=[] if hold_back else gone, kept=gone if hold_back else [],
                       active_before=active_before)


def _write_commune(plan: CommunePlan, report: ImportReport, writer: BatchWriter, tell: Progress,
                   writing: _Position) -> None:
    report.unchanged += plan.unchanged
    report.kept += len(plan.kept)
    report.rows_done += plan.unchanged
    neighbourhoods = _neighbourhoods_of_cells({address.cell for address, _ in plan.changed}, plan.lau2)
    for count, (address, old) in enumerate(plan.changed, 1):
        writing.at = f"at line {address.line} (commune {plan.lau2})"
        writer.put(address_item(address, neighbourhoods.get(address.cell)))
        if old is None:
            report.added += 1
        else:
            report.updated += 1
        report.rows_done += 1
        if count % PROGRESS_EVERY == 0:
            tell(report.rows_done, report.rows_total)
    writing.at = f"while retiring addresses of commune {plan.lau2}"
    stamp = now().isoformat()
    for old in plan.retiring:
        writer.put({**old, "gsi1pk": {"S": retired_partition(plan.lau2)}, "retired_at": {"S": stamp}})
        report.retired += 1
    writing.at = f"while writing the street keys and cell summaries of commune {plan.lau2}"
    # The kept addresses are still active: the summaries count them.
    active = plan.addresses + [register_address(item) for item in plan.kept]
    _sync_partition(street_partition(plan.lau2), street_key_items(active), writer)
    _sync_partition(cell_partition(plan.lau2), cell_items(plan.lau2, active), writer)
    tell(report.rows_done, report.rows_total)


def _cause_name(error: Exception) -> str:
    if isinstance(error, ClientError):
        return f"{error.response.get('Error', {}).get('Code', 'ClientError')}: " \
               f"{error.response.get('Error', {}).get('Message', '')}".rstrip(": ")
    return type(error).__name__


def _sync_partition(partition: str, wanted: dict[str, Item], writer: BatchWriter) -> None:
    """Make a partition of derived items (street keys, cell summaries) exactly `wanted`, writing only differences."""
    missing = dict(wanted)
    for item in query(partition, patient=True):
        sk = item["sk"]["S"]
        if sk.startswith(KEPT_IN_CELLS):  # another concern's item (the neighbourhood draft): not derived
            continue
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


def _neighbourhoods_of_cells(cells: set[str], lau2: str) -> dict[str, tuple[str, str]]:
    """cell -> (neighbourhood id, name) in the commune (one BatchGetItem per 100 cells)."""
    return neighbourhoods_for_cells(sorted(cells), lau2=lau2) if cells else {}