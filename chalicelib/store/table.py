"""The one DynamoDB table, defined once.

`TABLE_DEFINITION` is used by the local bootstrap (`./noper init`), by the tests and by
`infra/` (CloudFormation takes the same property names). Every entity stores itself with a
generic `pk`/`sk` and, when an access pattern needs it, `gsi1pk`/`gsi1sk`; `ttl` (epoch
seconds) lets DynamoDB expire items in AWS. DynamoDB Local never expires them, so code that
reads expiring items checks `ttl` itself. docs/data-model.md lists every key shape.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import functools

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.connection.base import MetaTable
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings

GSI1 = "gsi1"

TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": GSI1,
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
TTL_ATTRIBUTE = "ttl"

_settings = get_settings()


@functools.cache
def table_connection() -> TableConnection:
    """One connection (one botocore client) for every entity, described by TABLE_DEFINITION.

    PynamoDB would give each model class its own, built from that class's indexes alone; all
    entities share one table, so they share one connection that knows the whole table."""
    meta = MetaTable({
        "TableName": _settings.table_name,
        "KeySchema": TABLE_DEFINITION["KeySchema"],
        "AttributeDefinitions": TABLE_DEFINITION["AttributeDefinitions"],
        "GlobalSecondaryIndexes": [
            {"IndexName": index["IndexName"], "KeySchema": index["KeySchema"]}
            for index in TABLE_DEFINITION["GlobalSecondaryIndexes"]
        ],
    })
    return TableConnection(
        _settings.table_name,
        region=_settings.region,
        host=_settings.dynamodb_endpoint,
        # The same budget as our own DynamoDB client (chalicelib/adapters/aws.py, dynamodb_config).
        connect_timeout_seconds=_settings.db_connect_timeout,
        read_timeout_seconds=_settings.db_timeout,
        max_retry_attempts=_settings.db_attempts - 1,
        meta_table=meta,
    )


class Entity(Model):
    """Base of every stored entity. Subclasses own their key shapes."""

    class Meta:
        table_name = _settings.table_name
        region = _settings.region
        host = _settings.dynamodb_endpoint
        connect_timeout_seconds = _settings.db_connect_timeout
        read_timeout_seconds = _settings.db_timeout
        # Calls go through table_connection() and its budget; PynamoDB reads this only as the number of
        # BatchWriteItem calls for a batch's unprocessed items (throttled), the first included.
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    ttl = TTLAttribute(null=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        return table_connection()


class Gsi1(GlobalSecondaryIndex):
    """The generic secondary index; what it holds is decided by each entity's gsi1 keys."""

    class Meta:
        index_name = GSI1
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


def condition_failed(error: Exception) -> bool:
    """Did a write fail on its condition (rather than on the database)? PynamoDB wraps the cause."""
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


# While an idempotent request runs, its transactions also record their step in its marker
# (chalicelib/store/idempotency.py), so that a retry never writes a step twice.
idempotent_request: ContextVar[Any] = ContextVar("idempotent_request", default=None)


def transaction() -> TransactWrite:
    """All-or-nothing writes across items: `with transaction() as t: t.save(...); t.update(...)`."""
    request = idempotent_request.get()
    if request is not None:
        return request.transaction(table_connection().connection)
    return TransactWrite(connection=table_connection().connection)


def step_back() -> None:
    """A transaction that failed on a conflict and is about to be tried again gives its step back, so that the
    idempotent request's later transactions keep their numbers (chalicelib/store/idempotency.py)."""
    request = idempotent_request.get()
    if request is not None:
        request.steps -= 1


def refused_conditions(error: Exception) -> set[int]:
    """Positions of the writes of a cancelled transaction whose condition failed (empty if none did)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return {index for index, reason in enumerate(reasons) if reason is not None and reason.code == "ConditionalCheckFailed"}


def query_all(partition: str, condition: Any = None, consistent: bool = False) -> list[dict[str, Any]]:
    """Every raw item of a partition (and sort-key condition), page after page: a Query of up to 1 MB each."""
    found: list[dict[str, Any]] = []
    start = None
    while True:
        page = table_connection().query(partition, range_key_condition=condition, exclusive_start_key=start,
                                        consistent_read=consistent)
        found += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def read_items(keys: list[tuple[str, str]], consistent: bool = False) -> dict[tuple[str, str], dict[str, Any]]:
    """Items of any entities by key, in as few BatchGetItem round trips as DynamoDB allows (100 keys each):
    (pk, sk) -> the raw item (`Entity.from_raw_data` makes it a model). Keys not found are left out."""
    wanted = list(dict.fromkeys(keys))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    connection = table_connection()
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] | None = {connection.table_name: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted[start:start + 100]],
            **({"ConsistentRead": True} if consistent else {})}}
        while request:
            answer = connection.connection.client.batch_get_item(RequestItems=request)
            for item in answer["Responses"].get(connection.table_name, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            request = answer.get("UnprocessedKeys") or None
    return found
