"""What residents wrote belongs to the feature that stores it (posts, loans, events…). Each such
feature registers here once, at import, so that "your data" can export it and, when an account
is erased, remove or anonymise it as the resident chose, without accounts knowing every feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

from chalicelib.later import every_concern

ContentChoice = Literal["remove", "anonymise"]


@dataclass(frozen=True)
class ContentOwner:
    name: str  # the key of this feature's part in the export, e.g. "posts"
    export: Callable[[str], Any]  # user_id -> JSON-serialisable content the user wrote
    erase: Callable[[str, ContentChoice], None]  # remove it, or keep it with no trace of who wrote it


_owners: dict[str, ContentOwner] = {}


def register_content_owner(owner: ContentOwner) -> None:
    _owners[owner.name] = owner


def content_owners() -> list[ContentOwner]:
    every_concern()
    return [_owners[name] for name in sorted(_owners)]
