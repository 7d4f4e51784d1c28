"""The one place that decides every permission.

Each route names an action; `RULES` says which roles may perform it. A route whose action is
not here cannot be registered (chalicelib.web.api), and tests/api/test_policy_matrix.py checks
every route against every role.

Until sign-in lands (issue 4) the only principal a request can carry is `anonymous`, except in
the local stage, where the developer at the keyboard acts as commune `staff` so the admin tools
can be tried. No other stage grants staff yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import Forbidden, NotSignedIn


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    STAFF = "staff"


ROLES: tuple[Role, ...] = tuple(Role)
EVERYONE = frozenset(ROLES)

RULES: dict[str, frozenset[Role]] = {
    "platform.health": EVERYONE,
    "platform.openapi": EVERYONE,
    # Which communes run Noper is public, as is their register (open data).
    "communes.read": EVERYONE,
    "communes.manage": frozenset({Role.STAFF}),
    # Published neighbourhoods are public (their cells derive from the open register); drafts are staff's.
    "neighbourhoods.read": EVERYONE,
    "neighbourhoods.draw": frozenset({Role.STAFF}),
    # The address register is open data (CC0): anyone may search it, rate-limited per client.
    "addresses.search": EVERYONE,
    "addresses.import": frozenset({Role.STAFF}),
}


@dataclass(frozen=True)
class Principal:
    roles: frozenset[Role]

    @property
    def signed_in(self) -> bool:
        return self.roles != {Role.ANONYMOUS}


ANONYMOUS = Principal(frozenset({Role.ANONYMOUS}))
LOCAL_STAFF = Principal(frozenset({Role.STAFF}))


def principal_for(request: Any) -> Principal:
    return LOCAL_STAFF if get_settings().is_local else ANONYMOUS


def allows(action: str, principal: Principal) -> bool:
    return bool(RULES[action] & principal.roles)


def authorize(action: str, principal: Principal) -> None:
    if allows(action, principal):
        return
    if not principal.signed_in:
        raise NotSignedIn("Sign in to do this.")
    raise Forbidden("You may not do this.")
