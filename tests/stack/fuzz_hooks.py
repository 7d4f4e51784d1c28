"""Schemathesis hooks of tests/stack/test_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

JSON Schema cannot compare two fields, nor say that a PDF is asked for with `Accept: application/pdf`; the
document says these rules in words and the API answers 400 when they are broken. The fuzzer is told the same
rules here, so that it sends what the document calls valid: a date range (`start`, `end`: an item's blocked
days) ends on or after its start, a lost pet was seen within the last year and not in the future (a rule
relative to the clock), and a PDF route gets its Accept header."""

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
    return value


@schemathesis.hook
def map_body(context, body):
    return _ordered(body)


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
