"""Random tokens and their keyed hashes. Only hashes are stored: a leaked table opens no session. And the
proofs a page's cursor carries that its reader passed a list's check (`vouch`, `vouched`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from chalicelib.config import signing_key


def token() -> str:
    """An opaque random token (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def keyed_hash(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(signing_key(), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def vouch(user_id: str | None, scope: str, until: int | None = None) -> dict[str, str]:
    """What a page's cursor carries (chalicelib/store/pages.py `extra`) to prove that this reader passed the check
    of this list (`scope`, e.g. a thread's partition), without a read on the next page: `proof`, and `until` (epoch
    seconds) when the check holds for a while only. Nothing for nobody."""
    if not user_id:
        return {}
    stamp = "" if until is None else str(until)
    return {"proof": keyed_hash("cursor", user_id, scope, stamp), **({"until": stamp} if stamp else {})}


def vouched(extra: dict[str, str], user_id: str | None, scope: str, moment: float) -> int | bool:
    """Does the cursor's proof vouch for this reader on this list at `moment`? Its `until` (True for one without),
    or False: none, another reader's or list's, changed, expired."""
    proof, until = extra.get("proof", ""), extra.get("until", "")
    if not user_id or not proof or (until and (not until.isdigit() or int(until) <= moment)):
        return False
    if not same(proof, keyed_hash("cursor", user_id, scope, until)):
        return False
    return int(until) if until else True
