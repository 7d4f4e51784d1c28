"""Random tokens and their keyed hashes. Only hashes are stored: a leaked table opens no session."""

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
