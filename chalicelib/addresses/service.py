"""What other parts of Noper ask of the address register (the neighbourhoods module above all)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.adapters.aws import client
from chalicelib.addresses.importer import ImportReport, import_addresses
from chalicelib.addresses.models import AddressPublic, CellSummary
from chalicelib.addresses.search import _suggestion_fields, suggest_addresses
from chalicelib.addresses.store import (
    KEPT_IN_CELLS, BatchWriter, Item, active_partition, address_key, cell_partition, plain, query,
)
from chalicelib.config import get_settings
from chalicelib.errors import NotFound
from chalicelib.store.table import read_items

__all__ = ["assign_neighbourhoods", "cell_summary", "get_address", "get_address_with", "import_addresses", "ImportReport", "populated_cells",
           "populated_cells_and_kept",
           "street_and_number_of", "suggest_addresses", "CellSummary"]


def get_address(address_id: str) -> AddressPublic:
    """One GetItem. Retired addresses are still found (residents may live there), marked `retired`."""
    item = client("dynamodb").get_item(TableName=get_settings().table_name, Key=address_key(address_id)).get("Item")
    if not item:
        raise NotFound(f"No address {address_id} in the register.", {"address_id": "unknown address"})
    return _address_of(item)


def get_address_with(address_id: str, key: tuple[str, str]) -> tuple[AddressPublic | None, dict | None]:
    """An address and another item of the table (raw), in one BatchGetItem: the pair a screen needs in one
    round trip (a resident's profile and address). None for what is not there."""
    own = address_key(address_id)
    found = read_items([(own["pk"]["S"], own["sk"]["S"]), key])
    item = found.get((own["pk"]["S"], own["sk"]["S"]))
    return (_address_of(item) if item else None), found.get(key)


def _address_of(item: dict) -> AddressPublic:
    address = plain(item)
    return AddressPublic(
        **_suggestion_fields(address), lau2=address["lau2"], commune=address["commune"], lat=address["lat"],
        lon=address["lon"], cell=address["cell"], retired="retired_at" in address,
    )


def street_and_number_of(address_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """address id -> (street, number) for many addresses (neighbours lists): BatchGetItem, 100 keys a round."""
    wanted = sorted(set(address_ids))
    found: dict[str, tuple[str, str]] = {}
    dynamodb, table = client("dynamodb"), get_settings().table_name
    for start in range(0, len(wanted), 100):
        request = {table: {"Keys": [address_key(a) for a in wanted[start:start + 100]],
                           "ProjectionExpression": "id, street, #number", "ExpressionAttributeNames": {"#number": "number"}}}
        while request:
            answer = dynamodb.batch_get_item(RequestItems=request)
            for item in answer["Responses"].get(table, []):
                found[item["id"]["S"]] = (item["street"]["S"], item["number"]["S"])
            request = answer.get("UnprocessedKeys") or None
    return found


def populated_cells(lau2: str) -> dict[str, CellSummary]:
    """Every res-9 cell of the commune that holds an address: one (paginated) Query of the cell summaries."""
    return populated_cells_and_kept(lau2)[0]


def populated_cells_and_kept(lau2: str, consistent: bool = False) -> tuple[dict[str, CellSummary], dict[str, Item]]:
    """The cell summaries, and (sk -> raw item) the items other concerns keep in the same partition after the
    cells (sk starting with `~`, which the import leaves alone: the neighbourhood draft), in one Query."""
    cells, kept = {}, {}
    for item in query(cell_partition(lau2), consistent=consistent):
        if item["sk"]["S"].startswith(KEPT_IN_CELLS):
            kept[item["sk"]["S"]] = item
            continue
        summary = plain(item)
        cells[summary["sk"]] = CellSummary(address_count=summary["address_count"], streets=summary["streets"],
                                           localities=summary["localities"])
    return cells, kept


def cell_summary(lau2: str, cell: str) -> CellSummary | None:
    """One populated cell's summary (streets, localities): one GetItem; None for a cell without addresses."""
    item = client("dynamodb").get_item(TableName=get_settings().table_name,
                                       Key={"pk": {"S": cell_partition(lau2)}, "sk": {"S": cell}}).get("Item")
    if not item:
        return None
    summary = plain(item)
    return CellSummary(address_count=summary["address_count"], streets=summary["streets"],
                       localities=summary["localities"])


def assign_neighbourhoods(lau2: str, cell_to_neighbourhood: dict[str, tuple[str, str]]) -> int:
    """Store (neighbourhood id, name) on every address of those cells; returns how many addresses changed."""
    changed = 0
    with BatchWriter() as writer:
        for item in query(active_partition(lau2), index=True):
            assigned = cell_to_neighbourhood.get(item["cell"]["S"])
            if assigned is None:
                continue
            if item.get("neighbourhood_id", {}).get("S") == assigned[0] and \
                    item.get("neighbourhood_name", {}).get("S") == assigned[1]:
                continue
            writer.put({**item, "neighbourhood_id": {"S": assigned[0]}, "neighbourhood_name": {"S": assigned[1]}})
            changed += 1
    return changed
