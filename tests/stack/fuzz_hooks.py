"""Schemathesis hooks of tests/stack/test_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

JSON Schema cannot compare two fields, nor say that a PDF is asked for with `Accept: application/pdf`; the
document says these rules in words and the API answers 400 when they are broken. The fuzzer is told the same
rules here, so that it sends what the document calls valid: a date range (`start`, `end`: an item's blocked
days) ends on or after its start, a lost pet was seen within the last year and not in the future (a rule
relative to the clock), an event starts ahead and lasts at most 7 days with a rule whose first occurrence is its
start, a calendar's window ends after it starts and within 92 days, and a PDF route gets its Accept header."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import schemathesis


def _ordered(value: Any) -> Any:
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: _ordered(item) for key, item in value.items()}
    start, end = value.get("start"), value.get("end")
    if isinstance(start, str) and isinstance(end, str) and end < start:  # ISO dates compare as text
        value["start"], value["end"] = end, start
    if isinstance(value.get("last_seen_at"), str):  # a lost pet: seen within the last year, not in the future
        value["last_seen_at"] = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    if isinstance(start, str) and isinstance(end, str) and "T" in start + end:
        # an event (or one occurrence moved): starts ahead, at most two years ahead, and lasts at most 7 days
        tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        value["start"], value["end"] = tomorrow.isoformat(), (tomorrow + timedelta(hours=2)).isoformat()
    if isinstance(value.get("rrule"), str):  # its start (any day) is the first occurrence of a rule that ends
        value["rrule"] = "FREQ=DAILY;COUNT=3"
    return value


def _window(query: Any) -> Any:
    """A calendar's window: `to` after `from` (or after now, `from` left out), at most 92 days after it."""
    if not isinstance(query, dict) or not isinstance(query.get("to"), str):
        return query
    try:
        start = datetime.fromisoformat(query["from"]) if isinstance(query.get("from"), str) else None
        datetime.fromisoformat(query["to"])
    except ValueError:
        return query
    if start is None or not datetime(2001, 1, 1) < start.replace(tzinfo=None) < datetime(9000, 1, 1):
        start = datetime.now(timezone.utc)
        query = {**query, "from": start.isoformat()} if "from" in query else query
    return {**query, "to": (start + timedelta(days=1)).isoformat()}


@schemathesis.hook
def map_body(context, body):
    return _ordered(body)


@schemathesis.hook
def map_query(context, query):
    return _window(query)


def _answers_pdf(operation: Any) -> bool:
    responses = (getattr(operation.definition, "raw", None) or {}).get("responses", {})
    return any("application/pdf" in (answer.get("content") or {}) for answer in responses.values())


@schemathesis.hook
def map_headers(context, headers):
    """A route that answers a PDF asks for `Accept: application/pdf` (API Gateway converts only then); the
    document says so in words, as a header `Accept` may not be a parameter in OpenAPI."""
    if _answers_pdf(context.operation):
        return {**(headers or {}), "Accept": "application/pdf"}
    return headers


@schemathesis.hook
def before_call(context, case, **kwargs):
    """The same rules on every case about to be sent, whatever phase made it (the coverage phase's cases do not
    all pass through `map_body`)."""
    if isinstance(case.body, (dict, list)):
        case.body = _ordered(case.body)
    if isinstance(case.query, dict):
        case.query = _window(case.query)
