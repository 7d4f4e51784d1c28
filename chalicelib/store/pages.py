"""Opaque page cursors: a Query's LastEvaluatedKey, base64url-encoded, checked on the way back in so that
a tampered cursor is never a read of someone else's partition. A cursor that is not base64url (PageCursor,
the model's and the document's pattern) is a 400; a well-formed one this list did not give names no page of
it: 404 naming `cursor`, as an unknown id in a path is. A list may carry more in its cursors than the key
(`extra`: e.g. a thread's proof that its reader passed the check, chalicelib/comments/service.py)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.errors import NotFound
from chalicelib.models import Model

# What every list's `cursor` query parameter takes: base64url without padding, as encode_cursor writes it.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
PageCursor = Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=CURSOR_PATTERN),
                       Field(description="the `cursor` of the previous page, as given (a cursor this list did not "
                                         "give answers 404)")]


class PageQuery(Model):
    """`?cursor=&limit=` of a list read a page at a time: 50 by default, at most 100 (a thread of comments,
    a conversation's messages)."""

    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = None
    limit: int = Field(default=50, ge=1, le=100)


def unknown_cursor(what: str = "list") -> NotFound:
    return NotFound(f"The cursor is not one this {what} gave.", {"cursor": "not one this list gave"})

# The sort key of time-ordered logs (`<ISO time>#<ULID>`): the moderation log, the commune's audit log.
TIME_ID_SK = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}#[0-9A-Z]{26}$")


def encode_cursor(last_key: dict[str, Any], extra: dict[str, str] | None = None) -> str:
    plain = {**(extra or {}), **{name: value["S"] for name, value in last_key.items()}}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, partition: str, sort_pattern: re.Pattern[str],
                  key_names: tuple[str, ...] = ("pk", "sk"), what: str = "list") -> dict[str, Any]:
    """The ExclusiveStartKey of a cursor this `partition` gave; `key_names` starts with the
    queried partition and sort key names (an index query's cursor also holds the table's keys)."""
    return read_cursor(cursor, partition=partition, sort_pattern=sort_pattern, key_names=key_names, what=what)[0]


def read_cursor(cursor: str, *, partition: str, sort_pattern: re.Pattern[str], key_names: tuple[str, ...] = ("pk", "sk"),
                what: str = "list", extra: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    """As `decode_cursor`, and what else the cursor may carry (`extra`: each name optional, any other refused)."""
    bad = unknown_cursor(what)
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(plain, dict) or not set(key_names) <= set(plain) <= set(key_names) | set(extra) \
            or not all(isinstance(v, str) for v in plain.values()):
        raise bad
    if plain[key_names[0]] != partition or not sort_pattern.match(plain[key_names[1]]):
        raise bad
    return ({name: {"S": plain[name]} for name in key_names},
            {name: value for name, value in plain.items() if name not in key_names})
