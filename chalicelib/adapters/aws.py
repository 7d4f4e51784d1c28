"""One cached botocore client per AWS service, created lazily and reused while the Lambda is warm.

botocore alone (no boto3) keeps cold starts short; presigned URLs and POSTs are botocore's too.
DynamoDB calls have a tight budget (`dynamodb_config`): an API answer never hangs on the database;
`unavailable(error)` tells "the service is away or busy, ask again" from a bug (docs/operations.md).
"""

from __future__ import annotations

import functools

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, HTTPClientError

from chalicelib.config import get_settings

# Error codes meaning "busy or briefly broken": the same request may succeed a moment later.
BUSY_CODES = frozenset({
    "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "Throttling", "SlowDown",
})
# The same, as a cancelled transaction reports them item by item.
BUSY_CANCELLATIONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"})


def dynamodb_config(patient: bool = False) -> Config:
    """Timeouts and retries of every DynamoDB client (ours and PynamoDB's, chalicelib/store/table.py).

    Worst case while DynamoDB hangs: 2 attempts x read timeout + a 25 ms back-off, about 1.6 s; refused
    connections fail at once; throttling waits at most 1 s before its one retry. botocore's standard mode
    also keeps a retry quota per client (500 tokens, 5 per retry, 10 per timeout): when the table is away
    for a while, retries stop altogether and each call fails after one attempt.

    `patient`: for managing the table (./noper init, the tests' set-up), where DynamoDB Local's first
    CreateTable takes seconds and nobody waits on an answer."""
    settings = get_settings()
    if patient:
        return Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"})
    return Config(
        connect_timeout=settings.db_connect_timeout,
        read_timeout=settings.db_timeout,
        retries={"total_max_attempts": settings.db_attempts, "mode": "standard"},
    )


@functools.cache
def client(service: str, patient: bool = False):
    """`patient`: DynamoDB without the request path's tight budget (table management only)."""
    settings = get_settings()
    if service == "dynamodb":
        config = dynamodb_config(patient)
        endpoint = settings.dynamodb_endpoint
    else:
        config = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"},
                        signature_version="s3v4" if service == "s3" else None)
        endpoint = settings.aws_endpoint
    return botocore.session.get_session().create_client(
        service, region_name=settings.region, endpoint_url=endpoint, config=config,
    )


def unavailable(error: BaseException) -> bool:
    """Did an AWS call fail because the service was unreachable, too slow or throttling (rather than on
    our request)? Looks through PynamoDB's wrapping exceptions (`cause`, `__cause__`) to botocore's."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (BotoConnectionError, HTTPClientError)):  # refused, reset, connect/read timeout
            return True
        if isinstance(current, ClientError) and current.response.get("Error", {}).get("Code") in BUSY_CODES:
            return True
        reasons = getattr(current, "cancellation_reasons", None) or []
        if any(reason is not None and reason.code in BUSY_CANCELLATIONS for reason in reasons):
            return True
        pending += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return False
