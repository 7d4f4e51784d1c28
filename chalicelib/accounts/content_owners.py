"""What residents wrote belongs to the feature that stores it (posts, loans, events…). Each such
feature registers here once, at import, so that "your data" can export it and, when an account
is erased, remove or anonymise it as the resident chose, and, when the resident chooses another
name, show it where the feature keeps a copy that stands for them now — without accounts knowing
every feature.
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
    # (user_id, name) -> copies of the name neighbours see that stand for the resident now take the new one
    # (copies that say who wrote something, as it was then, keep theirs)
    rename: Callable[[str, str], None] | None = None


_owners: dict[str, ContentOwner] = {}


def register_content_owner(owner: ContentOwner) -> None:
    _owners[owner.name] = owner


def content_owners() -> list[ContentOwner]:
    every_concern()
    return [_owners[name] for name in sorted(_owners)]


def renamed(user_id: str, name: str) -> None:
    """The resident chose another name (chalicelib/accounts/service.py `update_profile`): each feature's copies."""
    for owner in content_owners():
        if owner.rename is not None:
            owner.rename(user_id, name)
