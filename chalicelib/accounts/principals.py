"""From a request's cookies to the principal the policy module judges, and the CSRF check."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.signin import csrf_matches, principal_source, session_for
from chalicelib.config import get_settings
from chalicelib.content.counters import iso_week
from chalicelib.content.once import active_this_week
from chalicelib.errors import Forbidden, NotSignedIn
from chalicelib.policy import Principal

SESSION_COOKIE = "noper_session"
CSRF_COOKIE = "noper_csrf"
CSRF_HEADER = "x-csrf-token"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def cookies(request: Any) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(request.headers.get("cookie") or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def principal_from_session(request: Any) -> Principal | None:
    """None without a live session. State-changing requests must echo the CSRF cookie (403)."""
    jar = cookies(request)
    token = jar.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        session = session_for(token)
        # One read: the session carries its account's residence and roles (signin.keep_sessions_in_step).
        account = principal_source(session)
    except (NotSignedIn, DoesNotExist):
        return None
    if request.method in STATE_CHANGING and not csrf_matches(session, request.headers.get(CSRF_HEADER), jar.get(CSRF_COOKIE)):
        raise Forbidden("Missing or wrong X-CSRF-Token header.", {"X-CSRF-Token": "must equal the noper_csrf cookie"})
    principal = principal_of(account, session)
    if (principal.residence_status == "verified" and principal.neighbourhood_id
            and getattr(session, "active_week", None) != iso_week()):
        # Weekly active residents: the session remembers the week it counted, so this writes once a week at most.
        active_this_week(session, principal.user_id or "-", principal.neighbourhood_id, principal.address_id)
    return principal


def principal_of(user: Any, session: Any = None) -> Principal:
    """The principal of an account, or of a session's copy of it (the same attribute names)."""
    return Principal(
        user_id=user.user_id,
        lau2=user.lau2,
        neighbourhood_id=user.neighbourhood_id,
        residence_status=user.residence_status,
        address_id=user.address_id if user.residence_status != "none" else None,
        ambassador_of=frozenset(user.ambassador_of or ()),
        moderator_of=frozenset(user.moderator_of or ()),
        staff=frozenset(tuple(grant.split(":", 1)) for grant in (user.staff or ())),  # type: ignore[misc]
        operator=bool(user.operator),
        session=session,
    )


def session_cookies(token: str, csrf: str, max_age: int) -> list[str]:
    """The session cookie (HttpOnly: scripts never see it) and the CSRF cookie the web app echoes."""
    secure = "" if get_settings().is_local else "; Secure"
    return [
        f"{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        f"{CSRF_COOKIE}={csrf}; Path=/; Max-Age={max_age}; SameSite=Lax{secure}",
    ]


def cleared_cookies() -> list[str]:
    secure = "" if get_settings().is_local else "; Secure"
    return [
        f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}",
        f"{CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax{secure}",
    ]
