"""Counting DynamoDB calls, so tests and the bench can hold a request to its budget of round trips."""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Iterator


@contextlib.contextmanager
def count_dynamodb_calls() -> Iterator[Counter]:
    """Counts calls by operation ("Query", "UpdateItem", ...) on every client: botocore's (the request path's and
    the patient one of bulk work) and PynamoDB's."""
    from chalicelib.adapters.aws import client
    from chalicelib.store.table import table_connection

    calls: Counter = Counter()

    def count(model, **_kwargs) -> None:
        calls[model.name] += 1

    clients = (client("dynamodb"), client("dynamodb", patient=True), table_connection().connection.client)
    emitters = {id(c.meta.events): c.meta.events for c in clients}
    for events in emitters.values():
        events.register("before-call.dynamodb", count)
    try:
        yield calls
    finally:
        for events in emitters.values():
            events.unregister("before-call.dynamodb", count)
