"""Address items and their keys, read and written with the low-level client.

The importer moves up to ~200,000 items per edition, so it speaks DynamoDB's own item format
and BatchWriteItem directly (no per-item model objects). docs/data-model.md lists the key shapes:

- Address        pk=ADDRESS#<id>           sk=ADDRESS
                 gsi1pk=ADDRESSES#<lau2>   gsi1sk=<folded street>#<number>#<street id>
                 (retired: gsi1pk=ADDRESSES#<lau2>#RETIRED, so searches and imports skip it)
- Street key     pk=STREETS#<lau2>         sk=<folded words from one word on>#<street id>
- Cell summary   pk=CELLS#<lau2>           sk=<res-9 cell>
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator

from chalicelib.adapters.aws import client
from chalicelib.addresses.register import RegisterAddress
from chalicelib.config import get_settings
from chalicelib.store.table import GSI1

Item = dict[str, dict[str, Any]]
BATCH = 25
MAX_SUFFIXES = 6  # street keys per street: "rue de l eglise", "de l eglise", "l eglise", "eglise"


def address_key(address_id: str) -> Item:
    return {"pk": {"S": f"ADDRESS#{address_id}"}, "sk": {"S": "ADDRESS"}}


def active_partition(lau2: str) -> str:
    return f"ADDRESSES#{lau2}"


def retired_partition(lau2: str) -> str:
    return f"ADDRESSES#{lau2}#RETIRED"


def search_key(folded_street: str, number: str = "", street_id: str | None = None) -> str:
    """gsi1sk of an address; a prefix of it when street_id is None (number may be a prefix too)."""
    return f"{folded_street}#{number}" + (f"#{street_id}" if street_id is not None else "")


def address_item(address: RegisterAddress, neighbourhood: tuple[str, str] | None) -> Item:
    item: Item = {
        **address_key(address.address_id),
        "gsi1pk": {"S": active_partition(address.lau2)},
        "gsi1sk": {"S": search_key(address.folded_street, address.number, address.street_id)},
        "id": {"S": address.address_id},
        "lau2": {"S": address.lau2},
        "commune": {"S": address.commune},
        "street": {"S": address.street},
        "street_id": {"S": address.street_id},
        "number": {"S": address.number},
        "locality": {"S": address.locality},
        "postcode": {"S": address.postcode},
        "building_id": {"S": address.building_id},
        "lat": {"N": repr(address.lat)},
        "lon": {"N": repr(address.lon)},
        "cell": {"S": address.cell},
        "geoportail_id": {"S": address.geoportail_id},
        "fp": {"S": address.fingerprint},
    }
    if neighbourhood:
        item["neighbourhood_id"], item["neighbourhood_name"] = {"S": neighbourhood[0]}, {"S": neighbourhood[1]}
    return item


def register_address(item: Item) -> RegisterAddress:
    """A stored address as the register row it was written from (line 0: not from this file)."""
    value = plain(item)
    return RegisterAddress(
        line=0, address_id=value["id"], street=value["street"], street_id=value["street_id"], number=value["number"],
        locality=value["locality"], postcode=value["postcode"], building_id=value["building_id"],
        lat=float(value["lat"]), lon=float(value["lon"]), geoportail_id=value["geoportail_id"],
        commune=value["commune"], lau2=value["lau2"], cell=value["cell"],
    )


def plain(item: Item) -> dict[str, Any]:
    """A stored item as Python values (strings, floats, ints, dicts of ints)."""
    return {name: _value(value) for name, value in item.items()}


def _value(value: dict[str, Any]) -> Any:
    (kind, raw), = value.items()
    if kind == "N":
        return float(raw) if any(c in raw for c in ".eE") else int(raw)
    if kind == "M":
        return {name: _value(inner) for name, inner in raw.items()}
    if kind == "NULL":
        return None
    return raw


def street_key_items(addresses: Iterable[RegisterAddress]) -> dict[str, Item]:
    """The street search keys of a commune, by sort key: one per street and starting word."""
    items: dict[str, Item] = {}
    for address in addresses:
        words = address.folded_street.split()
        for start in range(min(len(words), MAX_SUFFIXES)):
            sk = f"{' '.join(words[start:])}#{address.street_id}"
            if sk not in items:
                items[sk] = {
                    "pk": {"S": f"STREETS#{address.lau2}"}, "sk": {"S": sk},
                    "street": {"S": address.street}, "street_id": {"S": address.street_id},
                    "folded": {"S": address.folded_street}, "from_start": {"BOOL": start == 0},
                    "locality": {"S": address.locality}, "postcode": {"S": address.postcode},
                }
    return items


def street_partition(lau2: str) -> str:
    return f"STREETS#{lau2}"


def cell_partition(lau2: str) -> str:
    return f"CELLS#{lau2}"


# Items other concerns keep in a commune's cell partition, after its cells (the neighbourhood draft, so that the
# draft and the summaries it is checked against are one Query): their sort keys start with it; the import keeps them.
KEPT_IN_CELLS = "~"


def cell_items(lau2: str, addresses: Iterable[RegisterAddress]) -> dict[str, Item]:
    """Per populated cell of the commune: how many addresses, on which streets, in which localities."""
    summaries: dict[str, dict[str, Any]] = {}
    for address in addresses:
        summary = summaries.setdefault(address.cell, {"count": 0, "streets": {}, "localities": {}})
        summary["count"] += 1
        summary["streets"][address.street] = summary["streets"].get(address.street, 0) + 1
        summary["localities"][address.locality] = summary["localities"].get(address.locality, 0) + 1
    return {
        cell: {
            "pk": {"S": cell_partition(lau2)}, "sk": {"S": cell},
            "address_count": {"N": str(summary["count"])},
            "streets": {"M": {name: {"N": str(n)} for name, n in sorted(summary["streets"].items())}},
            "localities": {"M": {name: {"N": str(n)} for name, n in sorted(summary["localities"].items())}},
        }
        for cell, summary in summaries.items()
    }


def query(partition: str, *, index: bool = False, prefix: str | None = None, limit: int | None = None,
          projection: str | None = None, patient: bool = False, consistent: bool = False) -> Iterator[Item]:
    """Every item of one partition (of the table, or of gsi1 when index), in sort-key order.

    `patient`: for the import (CLI, upload handler), off the request path's tight time budget."""
    key = "gsi1pk" if index else "pk"
    sort = "gsi1sk" if index else "sk"
    request: dict[str, Any] = {
        "TableName": get_settings().table_name,
        "KeyConditionExpression": "#p = :p" + (" AND begins_with(#s, :s)" if prefix is not None else ""),
        "ExpressionAttributeNames": {"#p": key, **({"#s": sort} if prefix is not None else {})},
        "ExpressionAttributeValues": {":p": {"S": partition}, **({":s": {"S": prefix}} if prefix is not None else {})},
    }
    if index:
        request["IndexName"] = GSI1
    elif consistent:
        request["ConsistentRead"] = True
    if projection:
        names = {f"#a{i}": name for i, name in enumerate(projection.split(","))}
        request["ProjectionExpression"] = ",".join(names)
        request["ExpressionAttributeNames"].update(names)
    dynamodb = client("dynamodb", patient=True) if patient else client("dynamodb")  # one cached client each
    if limit:
        request["Limit"] = limit
        yield from dynamodb.query(**request)["Items"]
        return
    for page in dynamodb.get_paginator("query").paginate(**request):
        yield from page["Items"]


class BatchWriter:
    """Puts and deletes in BatchWriteItem calls of 25, retrying what DynamoDB leaves unprocessed.

    Bulk work (imports, neighbourhood assignment) off the request path: the patient DynamoDB client."""

    def __init__(self) -> None:
        self.table = get_settings().table_name
        self.pending: list[dict[str, Any]] = []
        self.calls = 0
        self.items_written = 0

    def put(self, item: Item) -> None:
        self._add({"PutRequest": {"Item": item}})

    def delete(self, key: Item) -> None:
        self._add({"DeleteRequest": {"Key": {"pk": key["pk"], "sk": key["sk"]}}})

    def _add(self, request: dict[str, Any]) -> None:
        self.pending.append(request)
        if len(self.pending) == BATCH:
            self.flush()

    def flush(self) -> None:
        requests, self.pending = self.pending, []
        self.items_written += len(requests)
        pause = 0.05
        while requests:
            self.calls += 1
            answer = client("dynamodb", patient=True).batch_write_item(RequestItems={self.table: requests})
            requests = answer.get("UnprocessedItems", {}).get(self.table, [])
            if requests:
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        if not exc[0]:
            self.flush()
