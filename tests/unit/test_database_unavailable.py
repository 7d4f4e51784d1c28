"""Which failures mean "the database is away or busy" (503 with Retry-After) rather than a bug (500)."""

import pytest
from botocore.exceptions import (
    ClientError, ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError,
)
from pynamodb.exceptions import (
    CancellationReason, GetError, PutError, QueryError, TransactWriteError, UpdateError, VerboseClientError,
)

from chalicelib.adapters.aws import unavailable


def client_error(code: str, operation: str = "PutItem") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


def wrapped(wrapper, cause: Exception) -> Exception:
    """As PynamoDB raises: its exception, with botocore's as `cause` and `__cause__`."""
    try:
        try:
            raise cause
        except Exception as error:
            raise wrapper("Failed", error) from error
    except Exception as outer:
        return outer


def cancelled(*codes: str | None) -> TransactWriteError:
    """A cancelled transaction as PynamoDB reports it: one reason per item, None where the item was fine."""
    cause = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
                               "TransactWriteItems",
                               cancellation_reasons=[CancellationReason(code=code) if code else None for code in codes])
    return TransactWriteError("Failed to write transaction items", cause)


@pytest.mark.parametrize("error", [
    EndpointConnectionError(endpoint_url="http://dynamodb"),
    ConnectTimeoutError(endpoint_url="http://dynamodb"),
    ReadTimeoutError(endpoint_url="http://dynamodb"),
    ConnectionClosedError(endpoint_url="http://dynamodb"),
    client_error("ThrottlingException"),
    client_error("ProvisionedThroughputExceededException"),
    client_error("RequestLimitExceeded"),
    client_error("InternalServerError"),
    wrapped(PutError, ReadTimeoutError(endpoint_url="http://dynamodb")),
    wrapped(GetError, EndpointConnectionError(endpoint_url="http://dynamodb")),
    wrapped(QueryError, client_error("ProvisionedThroughputExceededException", "Query")),
    wrapped(UpdateError, client_error("ThrottlingException", "UpdateItem")),
    wrapped(TransactWriteError, ConnectTimeoutError(endpoint_url="http://dynamodb")),
    cancelled(None, "ThrottlingError"),
    cancelled("TransactionConflict", None),
], ids=lambda error: f"{type(error).__name__}:{getattr(error, 'cause', None) or error}"[:60])
def test_the_database_away_or_busy_is_unavailable(error):
    assert unavailable(error)


@pytest.mark.parametrize("error", [
    wrapped(PutError, client_error("ConditionalCheckFailedException")),
    client_error("ValidationException"),
    client_error("ResourceNotFoundException"),
    cancelled("ConditionalCheckFailed", None),
    ValueError("a bug"),
    KeyError("post_id"),
], ids=str)
def test_a_refused_condition_or_a_bug_is_not(error):
    assert not unavailable(error)
