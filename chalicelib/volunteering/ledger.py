"""A person's sign-up ledger: the shifts they are signed up for, kept so that a clash is checked in the database.

One item per person, `USER#<user id>` / `VSIGNUPS` (`SignUpLedgerItem`): `spans`, a string set with one
`<start UTC>#<end UTC>#<call id>#<shift id>` per coming sign-up, and `version`. Every sign-up and withdrawal writes
it in its transaction, on condition that `version` is still the one read (absent: that the item is still absent),
and adds 1 to it: of two sign-ups of one person to overlapping shifts sent at once, one commits, the other's
transaction is refused and it reads the ledger again, finds the clash and answers 409 `shift_clash`.

The ledger is made on a person's first sign-up or withdrawal from their sign-ups (one Query of `USER#<me>#SHIFTS`,
those not cancelled and not ended): sign-ups made before it existed need no upgrade. A cancelled or moved shift, a
removed call, change the spans of its volunteers (read, then written on the version read; tried again). Spans that
have ended leave it with the next write. `SignUpLedgerItem.clashes` is also what "find cover" asks of the people it
might contact (chalicelib/volunteering/cover.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.clock import now
from chalicelib.store.table import Entity, condition_failed

TRIES = 8
STAMP = "%Y%m%dT%H%M%SZ"


class SignUpLedgerItem(Entity):
    """pk `USER#<user id>`, sk `VSIGNUPS`: a person's coming sign-ups, for the clash check (see the module)."""

    user_id = UnicodeAttribute()
    spans = UnicodeSetAttribute(null=True)
    version = NumberAttribute(default=0)

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "VSIGNUPS"

    def clashes(self, starts_at: datetime, ends_at: datetime, skip: tuple[str, str] | None = None) -> str | None:
        """The `<call id>#<shift id>` of a span overlapping [starts_at, ends_at), or None."""
        return clash_in(self.spans or (), starts_at, ends_at, skip)


def span(call_id: str, shift_id: str, starts_at: datetime, ends_at: datetime) -> str:
    return f"{starts_at.strftime(STAMP)}#{ends_at.strftime(STAMP)}#{call_id}#{shift_id}"


def clash_in(spans: Any, starts_at: datetime, ends_at: datetime, skip: tuple[str, str] | None = None) -> str | None:
    start, end = starts_at.strftime(STAMP), ends_at.strftime(STAMP)
    for one in spans:
        begins, finishes, call_id, shift_id = one.split("#")
        if (call_id, shift_id) != skip and begins < end and start < finishes:
            return f"{call_id}#{shift_id}"
    return None


def read(user_id: str) -> tuple[SignUpLedgerItem | None, set[str]]:
    """The ledger as stored (None: not made yet) and the spans it stands for (made from the sign-ups when absent)."""
    try:
        ledger = SignUpLedgerItem.get(*SignUpLedgerItem.key(user_id), consistent_read=True)
        return ledger, set(ledger.spans or ())
    except DoesNotExist:
        return None, _from_signups(user_id)


def _from_signups(user_id: str) -> set[str]:
    from chalicelib.volunteering.models import SignUpItem

    moment = now()
    return {span(s.call_id, s.shift_id, s.starts_at, s.ends_at)
            for s in SignUpItem.by_user.query(SignUpItem.user_key(user_id))
            if not s.cancelled and s.ends_at > moment}


def write(t: Any, user_id: str, ledger: SignUpLedgerItem | None, spans: set[str]) -> None:
    """In the caller's transaction: the spans (those ended left out) on condition of the version read."""
    stamp = now().strftime(STAMP)
    kept = {one for one in spans if one.split("#")[1] > stamp}
    version = int(ledger.version or 0) if ledger is not None else None
    unchanged = (SignUpLedgerItem.version == version if version is not None
                 else SignUpLedgerItem.pk.does_not_exist())
    t.update(SignUpLedgerItem(*SignUpLedgerItem.key(user_id)), actions=[
        SignUpLedgerItem.user_id.set(user_id), SignUpLedgerItem.version.set((version or 0) + 1),
        SignUpLedgerItem.spans.set(kept) if kept else SignUpLedgerItem.spans.remove()], condition=unchanged)


def changed_since(user_id: str, ledger: SignUpLedgerItem | None) -> bool:
    """After a refused transaction: did the ledger move on from the one read (then read and check again)?"""
    try:
        fresh = SignUpLedgerItem.get(*SignUpLedgerItem.key(user_id), consistent_read=True,
                                     attributes_to_get=["version"])
    except DoesNotExist:
        return ledger is not None
    return ledger is None or int(fresh.version or 0) != int(ledger.version or 0)


def rewrite(user_id: str, change: Callable[[set[str]], set[str]]) -> None:
    """Outside a sign-up (a shift cancelled or moved, a call removed): change a ledger that exists, on the version
    read, tried again when it moved on meanwhile. A person without a ledger has none to change: theirs will be made
    from their sign-ups, which the caller changed first."""
    for _ in range(TRIES):
        try:
            ledger = SignUpLedgerItem.get(*SignUpLedgerItem.key(user_id), consistent_read=True)
        except DoesNotExist:
            return
        spans = change(set(ledger.spans or ()))
        try:
            ledger.update(actions=[SignUpLedgerItem.version.add(1),
                                   SignUpLedgerItem.spans.set(spans) if spans else SignUpLedgerItem.spans.remove()],
                          condition=SignUpLedgerItem.version == int(ledger.version or 0))
            return
        except UpdateError as error:
            if not condition_failed(error):
                raise
    raise RuntimeError(f"sign-up ledger of {user_id} kept changing")


def without(call_id: str, shift_id: str | None = None) -> Callable[[set[str]], set[str]]:
    """The change that takes a call's spans (one shift's when named) out."""
    def change(spans: set[str]) -> set[str]:
        return {one for one in spans if not (one.split("#")[2] == call_id
                                             and (shift_id is None or one.split("#")[3] == shift_id))}
    return change


def moved(call_id: str, shift_id: str, starts_at: datetime, ends_at: datetime) -> Callable[[set[str]], set[str]]:
    def change(spans: set[str]) -> set[str]:
        kept = without(call_id, shift_id)(spans)
        return kept | {span(call_id, shift_id, starts_at, ends_at)} if kept != spans else spans
    return change


def forget(user_id: str) -> None:
    """Erasure: the ledger goes."""
    SignUpLedgerItem(*SignUpLedgerItem.key(user_id)).delete()
