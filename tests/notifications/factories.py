"""Residents with a profile item, as the notifications read them; each with an email of its own, so a
test counts its own mails in the session's outbox."""

from __future__ import annotations

import email
import secrets
from email.message import Message
from pathlib import Path

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock


def make_resident(user_id: str, *, nbh: str = "0501-n1", status: str = "verified", languages=("en",),
                  email_address: str | None = None, notifications: dict | None = None) -> UserItem:
    user = UserItem(*UserItem.key(user_id), user_id=user_id, email=email_address or f"{user_id.lower()}-{secrets.token_hex(4)}@example.lu",
                    display_name=user_id.removeprefix("U-").title(), languages=list(languages), created_at=clock.now(),
                    lau2=nbh.split("-")[0], neighbourhood_id=nbh, residence_status=status,
                    gsi1pk=f"NBH#{nbh}#RESIDENTS", gsi1sk=f"{status}#{user_id}", notifications=notifications)
    user.save()
    return user


def mails_to(outbox: Path, address: str) -> list[Message]:
    """The messages in the outbox for one address, oldest first."""
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(outbox.glob(f"*-{address}.eml"))]
