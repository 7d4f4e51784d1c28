"""A resident's sessions: list them, close this one or all of them."""

from __future__ import annotations

from chalicelib.accounts import signin
from chalicelib.accounts.models import SessionList, SessionPublic
from chalicelib.policy import Principal


def my_sessions(principal: Principal) -> SessionList:
    current = getattr(principal.session, "session_id", None)
    return SessionList(sessions=[
        SessionPublic(
            id=session.session_id,
            device=session.device,
            created_at=session.created_at.isoformat(),
            last_seen_at=session.last_seen_at.isoformat(),
            current=session.session_id == current,
        )
        for session in sorted(signin.sessions_of(principal.user_id or "-"), key=lambda s: s.last_seen_at, reverse=True)
    ])


def sign_out(principal: Principal) -> None:
    if principal.session is not None:
        principal.session.delete()


def sign_out_everywhere(principal: Principal) -> None:
    if principal.user_id:
        signin.close_all_sessions(principal.user_id)
