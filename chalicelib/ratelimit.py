"""Rate limits: one DynamoDB counter per client and time window, counted by atomic ADD; and an
exponential back-off on the failures of one subject (wrong sign-in codes of one email).

Item: pk=RATE#<scope>#<client>, sk=<window start, epoch seconds>, `hits`, `ttl` (DynamoDB deletes
it after the window; DynamoDB Local never does, which is harmless: the next window is a new item).
Back-off item: pk=BACKOFF#<scope>#<subject>, sk=BACKOFF, `failures`, `locked_until`, `turn_until`, `ttl`.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from botocore.exceptions import ClientError

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
    if _add(scope, who, window, window_seconds, 1) > allowed:
        raise RateLimited("Too many requests: wait a moment.", retry_after=max(1, window + window_seconds - epoch))


def check(scope: str, who: str, allowed: int, window_seconds: int = 60) -> None:
    """Raise RateLimited when `who` already used up `allowed` in this window, counting nothing: for limits
    that count only failures (`limit` once the failure is known), so that successes never use them up."""
    epoch = int(now().timestamp())
    window = epoch - epoch % window_seconds
    found = client("dynamodb").get_item(TableName=get_settings().table_name, ProjectionExpression="hits",
                                        Key={"pk": {"S": f"RATE#{scope}#{who}"}, "sk": {"S": str(window)}})
    if int(found.get("Item", {}).get("hits", {}).get("N", "0")) >= allowed:
        raise RateLimited("Too many requests: wait a moment.", retry_after=max(1, window + window_seconds - epoch))


def limited(scope: str, who: str, allowed: int, work: Callable[[], T], window_seconds: int = 60) -> T:
    """Do `work` and withhold its answer (429) when the client passed `allowed` requests in the window.

    No write on every request (#16): this instance counts the client's requests itself and adds them to the
    shared counter a batch at a time (a tenth of `allowed`), and on every request once the shared count is
    within a batch of the limit. Each instance lets at most one batch
    through uncounted, so N warm instances allow at most `allowed + N·(batch-1)` per window. The counter is
    written alongside `work`, so a write adds no round trip to the request's latency."""
    epoch = int(now().timestamp())
    window = epoch - epoch % window_seconds
    batch = max(1, allowed // 10)
    with _pending_lock:
        key = (scope, who, window)
        pending, known = _pending.pop(key, (0, 0))
        pending += 1
        if pending < batch and known + pending <= allowed - batch:
            if len(_pending) > 10_000:  # an instance's memory: forget old windows' clients
                _pending.clear()
            _pending[key] = (pending, known)
            return work()
    counted = _counter.submit(_add, scope, who, window, window_seconds, pending)
    result = work()
    hits = counted.result()
    with _pending_lock:
        _pending[key] = (0, hits)
    if hits > allowed:
        raise RateLimited("Too many requests: wait a moment.", retry_after=max(1, window + window_seconds - epoch))
    return result


_pending: dict[tuple[str, str, int], tuple[int, int]] = {}  # (scope, client, window) -> (not yet added, last total)
_pending_lock = threading.Lock()


def _add(scope: str, who: str, window: int, window_seconds: int, hits: int) -> int:
    answer = client("dynamodb").update_item(
        TableName=get_settings().table_name,
        Key={"pk": {"S": f"RATE#{scope}#{who}"}, "sk": {"S": str(window)}},
        UpdateExpression="ADD hits :hits SET #ttl = if_not_exists(#ttl, :ttl)",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":hits": {"N": str(hits)}, ":ttl": {"N": str(window + 2 * window_seconds)}},
        ReturnValues="UPDATED_NEW",
    )
    return int(answer["Attributes"]["hits"]["N"])


@dataclass(frozen=True)
class BackOff:
    """After `free` failures, each further failure locks the subject for base·2^(k-1) seconds (the k-th
    past the free ones), at most `cap`; a success forgets them all, and so does `forget` seconds without
    a failure (the item's TTL). One attempt at a time: parallel attempts cannot share an unlocked moment."""

    scope: str
    free: int
    base: int
    cap: int
    refusal: str  # the 429's message
    forget: int = 30 * 86400
    turn_seconds: int = 10  # how long one attempt holds its turn at most (a crashed attempt frees it then)

    def lock_for(self, failures: int) -> int:
        """Seconds the subject waits after its `failures`-th failure in a row."""
        past = failures - self.free
        return 0 if past <= 0 else min(self.cap, self.base * 2 ** (past - 1))

    def most_attempts_within(self, seconds: int) -> int:
        """The most attempts one subject can make in `seconds`, every one of them failing (the worst case:
        an attacker who never waits longer than the lock)."""
        attempts, clock = 0, 0
        while clock <= seconds:
            attempts += 1
            clock += self.lock_for(attempts)
        return attempts

    def attempt(self, who: str) -> BackOffAttempt:
        """Take the subject's turn, or 429 with Retry-After while it is locked or another attempt is in flight."""
        epoch = int(now().timestamp())
        key = {"pk": {"S": f"BACKOFF#{self.scope}#{who}"}, "sk": {"S": "BACKOFF"}}
        try:
            answer = client("dynamodb").update_item(
                TableName=get_settings().table_name,
                Key=key,
                UpdateExpression="SET turn_until = :turn, #ttl = :ttl",
                ConditionExpression="(attribute_not_exists(locked_until) OR locked_until <= :now) "
                "AND (attribute_not_exists(turn_until) OR turn_until <= :now)",
                ExpressionAttributeNames={"#ttl": "ttl"},
                ExpressionAttributeValues={
                    ":now": {"N": str(epoch)},
                    ":turn": {"N": str(epoch + self.turn_seconds)},
                    ":ttl": {"N": str(epoch + self.forget)},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            held = client("dynamodb").get_item(TableName=get_settings().table_name, Key=key, ConsistentRead=True)
            item = held.get("Item", {})
            until = max(int(item.get(name, {}).get("N", 0)) for name in ("locked_until", "turn_until"))
            raise RateLimited(self.refusal, retry_after=max(1, until - epoch)) from None
        return BackOffAttempt(self, key, int(answer["Attributes"].get("failures", {}).get("N", 0)))


@dataclass
class BackOffAttempt:
    """One attempt holding the subject's turn: settle it with `failed()` or `succeeded()`; `release()`
    gives the turn back when nothing was tried (the attempt was refused for another reason)."""

    backoff: BackOff
    key: dict[str, Any]
    failures: int  # failures in a row before this attempt

    def failed(self) -> int:
        """Count the failure and lock the subject for its wait; returns that wait in seconds."""
        epoch, failures = int(now().timestamp()), self.failures + 1
        wait = self.backoff.lock_for(failures)
        client("dynamodb").update_item(
            TableName=get_settings().table_name,
            Key=self.key,
            UpdateExpression="SET failures = :failures, locked_until = :until, #ttl = :ttl REMOVE turn_until",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={
                ":failures": {"N": str(failures)},
                ":until": {"N": str(epoch + wait)},
                ":ttl": {"N": str(epoch + wait + self.backoff.forget)},
            },
        )
        return wait

    def succeeded(self) -> None:
        client("dynamodb").delete_item(TableName=get_settings().table_name, Key=self.key)

    def release(self) -> None:
        client("dynamodb").update_item(TableName=get_settings().table_name, Key=self.key,
                                       UpdateExpression="REMOVE turn_until")
