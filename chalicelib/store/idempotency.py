"""Creations that a retry cannot duplicate: a request carrying an `Idempotency-Key` gets the first answer.

Marker item (one per principal and key): pk=`IDEMPOTENCY#<principal>#<key>`, sk=`IDEMPOTENCY`;
`fingerprint` (SHA-256 of method, path and body), `state` (in_progress | done), `first_at`, `lease_until`,
`steps` (transactions the request committed), `status` and `answer` (the response once done), `ttl` (24 h;
checked in code too, DynamoDB Local never expires items).

1. A conditional put claims the key ("in progress", a 30 s lease) before the view runs; the same key
   already done answers what it answered then, in progress 409 with Retry-After, for another request 409.
2. The view runs with the clock held at the first attempt's moment and ids drawn from the key
   (`clock.still_at`, `ids.replayable`), so running it again writes the same items and answers the same.
3. Each transaction of the view also sets the marker's `steps` to its number, on the condition that the
   marker is below it: a retry whose first attempt committed that step (and lost its answer: a timeout
   after the write, a crash) skips it instead of writing it twice.
4. The answer is stored ("done"); a refusal (4xx) before any write frees the key instead.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters import clock, ids
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.store.table import Entity, condition_failed, idempotent_request, refused_conditions

HEADER = "Idempotency-Key"
# A UUID (what the web app sends) or any other client-made string: letters, digits, - _ . : only.
KEY_FORMAT = re.compile(r"[A-Za-z0-9_.:-]{16,128}")
LIFETIME = timedelta(hours=24)
LEASE = timedelta(seconds=30)  # longer than a request may run (API Gateway stops at 29 s)
IN_PROGRESS, DONE = "in_progress", "done"


@dataclass(frozen=True)
class Answer:
    """What the route answered: replayed as is to a retry."""

    status: int
    body: str


class IdempotencyMarker(Entity):
    state = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    first_at = UTCDateTimeAttribute()
    lease_until = UTCDateTimeAttribute()
    steps = NumberAttribute(default=0)
    status = NumberAttribute(null=True)
    answer = UnicodeAttribute(null=True)

    @staticmethod
    def key(scope: str, key: str) -> tuple[str, str]:
        return f"IDEMPOTENCY#{scope}#{key}", "IDEMPOTENCY"


def checked_key(value: str | None) -> str | None:
    """The request's key, or None without one; a malformed key answers 400 naming the header."""
    if value is None:
        return None
    if not KEY_FORMAT.fullmatch(value):
        raise InvalidInput(f"{HEADER} must be 16 to 128 letters, digits, '-', '_', '.' or ':' (a UUID will do).",
                           {HEADER: "malformed"})
    return value


def fingerprint(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def once(scope: str, key: str, print_: str, run: Callable[[], Answer]) -> Answer:
    """Runs `run` at most once to completion for (scope, key): a retry gets the stored answer."""
    marker = _claim(scope, key, print_)
    if marker.state == DONE:
        return Answer(int(marker.status), marker.answer or "")
    attempt = _Attempt(marker)
    token = idempotent_request.set(attempt)
    try:
        with clock.still_at(marker.first_at), ids.replayable(f"{marker.pk}|{marker.first_at.isoformat()}".encode()):
            answer = run()
    except BaseException:
        attempt.abandon()  # the outcome is unknown: the next retry replays, skipping committed steps
        raise
    finally:
        idempotent_request.reset(token)
    if 400 <= answer.status < 500 and attempt.steps == 0:
        attempt.release()  # refused before writing anything: the key is free for a corrected request
    else:
        attempt.finish(answer)
    return answer


def _claim(scope: str, key: str, print_: str) -> IdempotencyMarker:
    moment = clock.now()
    marker = IdempotencyMarker(*IdempotencyMarker.key(scope, key), state=IN_PROGRESS, fingerprint=print_,
                               first_at=moment, lease_until=moment + LEASE, steps=0, ttl=moment + LIFETIME)
    try:
        marker.save(condition=IdempotencyMarker.pk.does_not_exist() | (IdempotencyMarker.ttl < moment))
        return marker
    except PutError as error:
        if not condition_failed(error):
            raise
    try:
        found = IdempotencyMarker.get(*IdempotencyMarker.key(scope, key), consistent_read=True)
    except DoesNotExist:  # expired and removed meanwhile
        return _claim(scope, key, print_)
    if found.fingerprint != print_:
        raise Conflict(f"This {HEADER} was used for another request; make a new key for a new request.",
                       {HEADER: "used for another request"})
    if found.state == DONE:
        return found
    if found.lease_until > moment:
        wait = max(1, math.ceil((found.lease_until - moment).total_seconds()))
        raise Conflict("This request is still being carried out; ask again shortly.",
                       {HEADER: "in progress"}, headers={"Retry-After": str(wait)})
    # An attempt that ended without finishing (a timeout, a crash): take over its lease and replay it.
    try:
        found.update(actions=[IdempotencyMarker.lease_until.set(moment + LEASE)],
                     condition=IdempotencyMarker.lease_until == found.lease_until)
    except Exception as error:
        if condition_failed(error):  # another retry took it first
            raise Conflict("This request is still being carried out; ask again shortly.",
                           {HEADER: "in progress"}, headers={"Retry-After": "1"}) from None
        raise
    return found


class _Attempt:
    """One run of the view under a claimed marker."""

    def __init__(self, marker: IdempotencyMarker):
        self.marker = marker
        self.steps = 0  # transactions of this run (committed now or skipped as committed before)

    def transaction(self, connection) -> TransactWrite:
        return _MarkedTransaction(self, connection=connection)

    def finish(self, answer: Answer) -> None:
        self.marker.update(actions=[IdempotencyMarker.state.set(DONE), IdempotencyMarker.status.set(answer.status),
                                    IdempotencyMarker.answer.set(answer.body)])

    def release(self) -> None:
        self.marker.delete(condition=IdempotencyMarker.lease_until == self.marker.lease_until)

    def abandon(self) -> None:
        """Ends the lease now, so that a retry need not wait for it; when the database is away, the
        lease ends by itself."""
        try:
            self.marker.update(actions=[IdempotencyMarker.lease_until.set(clock.now())],
                               condition=IdempotencyMarker.lease_until == self.marker.lease_until)
        except Exception:  # noqa: BLE001 — the original failure is what the caller must see
            pass


class _MarkedTransaction(TransactWrite):
    """A transaction that also moves the marker to its step, unless an earlier attempt committed it."""

    def __init__(self, attempt: _Attempt, **kwargs):
        super().__init__(**kwargs)
        self._attempt = attempt

    def _commit(self):
        self._attempt.steps += 1
        step = self._attempt.steps
        self.update(IdempotencyMarker(self._attempt.marker.pk, self._attempt.marker.sk),
                    actions=[IdempotencyMarker.steps.set(step)], condition=IdempotencyMarker.steps < step)
        position = (len(self._condition_check_items) + len(self._delete_items) + len(self._put_items)
                    + len(self._update_items) - 1)
        try:
            return super()._commit()
        except TransactWriteError as error:
            if position in refused_conditions(error):
                return None  # written by an earlier attempt with this key: not again
            raise


def marker_of(scope: str, key: str) -> IdempotencyMarker | None:
    """The stored marker, for tests and support (expired ones read as absent)."""
    try:
        found = IdempotencyMarker.get(*IdempotencyMarker.key(scope, key), consistent_read=True)
    except DoesNotExist:
        return None
    return None if found.ttl and found.ttl < clock.now() else found

