"""Create or update the table from TABLE_DEFINITION, idempotently (local stack and tests).

In AWS the table comes from infra/ (CloudFormation); this is for DynamoDB Local.
"""

from __future__ import annotations

import time

from chalicelib.adapters.aws import client
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.store.table import TABLE_DEFINITION, TTL_ATTRIBUTE


def ensure_table(name: str | None = None) -> str:
    """Return what was done: "created", "updated" or "unchanged". `name` defaults to the stage's table."""
    dynamodb = client("dynamodb", patient=True)  # DynamoDB Local's first CreateTable takes seconds
    name = name or get_settings().table_name
    try:
        existing = dynamodb.describe_table(TableName=name)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        dynamodb.create_table(TableName=name, **TABLE_DEFINITION)
        _wait_active(name)
        _enable_ttl(name)
        logger.info("table created", table=name)
        return "created"

    have = {index["IndexName"] for index in existing.get("GlobalSecondaryIndexes", [])}
    missing = [index for index in TABLE_DEFINITION["GlobalSecondaryIndexes"] if index["IndexName"] not in have]
    for index in missing:  # DynamoDB adds one index per UpdateTable call
        dynamodb.update_table(
            TableName=name,
            AttributeDefinitions=TABLE_DEFINITION["AttributeDefinitions"],
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )
        _wait_active(name)
    _enable_ttl(name)
    if missing:
        logger.info("table updated", table=name, added_indexes=[index["IndexName"] for index in missing])
        return "updated"
    return "unchanged"


def _enable_ttl(name: str) -> None:
    dynamodb = client("dynamodb", patient=True)
    status = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    )


def _wait_active(name: str, timeout: float = 30.0) -> None:
    dynamodb = client("dynamodb", patient=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        table = dynamodb.describe_table(TableName=name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        if table["TableStatus"] == "ACTIVE" and all(i["IndexStatus"] == "ACTIVE" for i in indexes):
            return
        time.sleep(0.2)
    raise TimeoutError(f"table {name} not active after {timeout} s")
