"""Schemathesis hooks of tests/stack/test_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

JSON Schema cannot compare two fields; the document says these rules in words and the API answers 400 when
they are broken. The fuzzer is told the same rules here, so that it sends what the document calls valid:
a date range (`start`, `end`: an item's blocked days) ends on or after its start."""

from __future__ import annotations

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
    return value


@schemathesis.hook
def map_body(context, body):
    return _ordered(body)
