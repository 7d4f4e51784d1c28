"""Rate limits: one DynamoDB counter per client and time window, counted by atomic ADD.

Item: pk=RATE#<scope>#<client>, sk=<window start, epoch seconds>, `hits`, `ttl` (DynamoDB deletes
it after the window; DynamoDB Local never does, which is harmless: the next window is a new item).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from chalicelib.adapters.aws import client
from chalicelib.adapters.clock import now
from chalicelib.config import get_settings
from chalicelib.errors import RateLimited

T = TypeVar("T")
_counter = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ratelimit")


def limit(scope: str, who: str, allowed: int, window_seconds: int = 60) -> None:
    """Count one request of `who`; raise RateLimited (429 with Retry-After) past `allowed` per window."""
    epoch = int(now().timestamp())
    window = epoch - epoch % window_seconds
    answer = client("dynamodb").update_item(
        TableName=get_settings().table_name,
        Key={"pk": {"S": f"RATE#{scope}#{who}"}, "sk": {"S": str(window)}},
        UpdateExpression="ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl)",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":ttl": {"N": str(window + 2 * window_seconds)}},
        ReturnValues="UPDATED_NEW",
    )
    if int(answer["Attributes"]["hits"]["N"]) > allowed:
        raise RateLimited("Too many requests: wait a moment.", retry_after=max(1, window + window_seconds - epoch))


def limited(scope: str, who: str, allowed: int, work: Callable[[], T], window_seconds: int = 60) -> T:
    """Do `work` while the counter is written alongside, so the limit adds no round trip to the
    request's latency; the answer is withheld (429) when the limit was passed."""
    counted = _counter.submit(limit, scope, who, allowed, window_seconds)
    result = work()
    counted.result()
    return result
