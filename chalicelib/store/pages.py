"""Opaque page cursors: a Query's LastEvaluatedKey, base64url-encoded, checked on the way back in
so that a tampered cursor is a 400 naming `cursor`, never a read of someone else's partition."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from chalicelib.errors import InvalidInput


def encode_cursor(last_key: dict[str, Any]) -> str:
    plain = {name: value["S"] for name, value in last_key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, partition: str, sort_pattern: re.Pattern[str],
                  key_names: tuple[str, ...] = ("pk", "sk"), what: str = "list") -> dict[str, Any]:
    """The ExclusiveStartKey of a cursor this `partition` gave; `key_names` starts with the
    queried partition and sort key names (an index query's cursor also holds the table's keys)."""
    bad = InvalidInput(f"The cursor is not one this {what} gave.", {"cursor": "invalid"})
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(plain, dict) or set(plain) != set(key_names) or not all(isinstance(v, str) for v in plain.values()):
        raise bad
    if plain[key_names[0]] != partition or not sort_pattern.match(plain[key_names[1]]):
        raise bad
    return {name: {"S": value} for name, value in plain.items()}
