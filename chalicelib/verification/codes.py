"""Letter codes: what a commune prints in a letter to a household, and what the resident types.

A code is 10 symbols of Crockford's base-32 alphabet (no I, L, O, U): 32^10 = 2^50 codes, printed
in groups as `K7QF-2M9X-PD`. Only its keyed hash is stored (`LETTERCODE#<hmac>`), bound to one
address, with an expiry and a budget of residents it may verify (one household, not a building).
"""

from __future__ import annotations

import secrets as random
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.accounts.secrets import keyed_hash
from chalicelib.adapters.clock import now
from chalicelib.verification.models import LetterCodeItem

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10  # 10 × 5 bits = 50 bits of entropy
GROUPS = (4, 4, 2)
# What people type by mistake for a symbol the alphabet leaves out (Crockford's decoding rules).
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
DEFAULT_VALID_DAYS = 60
HOUSEHOLD_RESIDENTS = 4  # residents one letter may verify


def new_code() -> str:
    return "".join(random.choice(ALPHABET) for _ in range(LENGTH))


def printed(code: str) -> str:
    """`K7QF2M9XPD` → `K7QF-2M9X-PD`."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start:start + size])
        start += size
    return "-".join(parts)


def normalised(typed: str) -> str | None:
    """What was typed (any case, with spaces or dashes, O for 0) as a code; None if it cannot be one."""
    code = "".join(c for c in typed.upper() if c not in " -_.").translate(LOOKALIKES)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_hash(code: str) -> str:
    return keyed_hash("letter-code", code)


@dataclass(frozen=True)
class IssuedCode:
    address_id: str
    code: str  # only in memory, on its way to the printed letter
    expires_at: datetime


def issue_codes(address_ids: list[str], *, lau2: str, neighbourhoods: dict[str, str | None], batch_id: str,
                created_by: str | None, valid_days: int = DEFAULT_VALID_DAYS,
                max_uses: int = HOUSEHOLD_RESIDENTS) -> list[IssuedCode]:
    """One fresh code per address, stored hashed (BatchWriteItem). Earlier codes stay valid until they expire."""
    stamp = now()
    expires = stamp + timedelta(days=valid_days)
    issued = [IssuedCode(address_id=address_id, code=new_code(), expires_at=expires) for address_id in address_ids]
    with LetterCodeItem.batch_write() as batch:
        for each in issued:
            batch.save(LetterCodeItem(
                *LetterCodeItem.key(code_hash(each.code)),
                address_id=each.address_id, lau2=lau2, neighbourhood_id=neighbourhoods.get(each.address_id),
                batch_id=batch_id, created_by=created_by, created_at=stamp,
                expires_at=int(expires.timestamp()), max_uses=max_uses, uses=0,
                ttl=expires + timedelta(days=30),
            ))
    return issued
