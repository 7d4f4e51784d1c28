"""Residents follow their address when the commune redraws neighbourhoods.

A published change of boundaries moves every resident whose address now lies in another
neighbourhood: their verification stands (it is of the address), their neighbourhood changes, and
a move is recorded, and each moved resident is told by email (chalicelib/alerts.py `resident_moved`;
chalicelib/notifications/moments.py sends it, in their language, essential: no opt-out). A verified resident's
household follows them, once whichever of its residents moves first (`move_household`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError

from chalicelib import alerts
from chalicelib.accounts.models import UserItem
from chalicelib.accounts.pending import claimed_as_read, pending_copy, rename_neighbourhoods
from chalicelib.accounts.service import residents_key
from chalicelib.accounts.signin import keep_sessions_in_step
from chalicelib.addresses.service import get_address
from chalicelib.content.counters import count_in_week
from chalicelib.content.once import resident_left
from chalicelib.neighbourhoods.models import count_member, move_household
from chalicelib.observability import logger
from chalicelib.store.table import Entity, refused_conditions, transaction
from chalicelib.verification.models import PendingVerificationItem


class ResidentMoveItem(Entity):
    """pk=USER#<user_id>, sk=MOVED#<at ISO>; gsi1pk=COMMUNE#<lau2>#MOVES, gsi1sk=<at ISO>#<user_id>."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    user_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    old_neighbourhood_id = UnicodeAttribute()
    new_neighbourhood_id = UnicodeAttribute()
    new_neighbourhood_name = UnicodeAttribute()
    at = UTCDateTimeAttribute()


def follow_boundaries(lau2: str, old_neighbourhoods: Iterable[str], at: datetime) -> int:
    """Move the residents (pending or verified) of these neighbourhoods whose address changed
    neighbourhood; returns how many moved. Called after the addresses got their new neighbourhood."""
    moved = 0
    for old_id in sorted(set(old_neighbourhoods)):
        for resident in UserItem.by_neighbourhood.query(residents_key(old_id),  # not the residents' head
                                                        filter_condition=UserItem.user_id.exists()):
            address = get_address(resident.address_id) if resident.address_id else None
            new = address.neighbourhood if address else None
            if new is None or new.id == old_id:
                continue
            copy = pending_copy(resident, address, resident.residence_claimed_at) \
                if resident.residence_status == "pending" and address is not None else None
            if not _move(resident, lau2, old_id, new.id, copy):
                continue
            if resident.residence_status == "verified":
                move_household(lau2, resident.address_id, old_id, new.id)
            keep_sessions_in_step(resident.user_id)
            ResidentMoveItem(
                f"USER#{resident.user_id}", f"MOVED#{at.isoformat()}", gsi1pk=f"COMMUNE#{lau2}#MOVES",
                gsi1sk=f"{at.isoformat()}#{resident.user_id}", user_id=resident.user_id, lau2=lau2,
                old_neighbourhood_id=old_id, new_neighbourhood_id=new.id, new_neighbourhood_name=new.name, at=at,
            ).save()
            alerts.resident_moved(resident.user_id, at.isoformat())
            moved += 1
    if moved:
        logger.info("residents moved with the boundaries", lau2=lau2, moved=moved)
    rename_neighbourhoods(lau2)  # pending residents who stayed see their neighbourhood's new name
    return moved


def _move(resident: UserItem, lau2: str, old_id: str, new_id: str, copy: PendingVerificationItem | None) -> bool:
    """Only if nothing moved them meanwhile (a new claim, another publication); a verified resident also
    moves on the neighbourhoods' member counts, a pending one in the commune's index of pending residents
    (`copy`, rewritten), in the same transaction. False when something did."""
    actions = [UserItem.neighbourhood_id.set(new_id), UserItem.gsi1pk.set(residents_key(new_id))]
    condition = (UserItem.neighbourhood_id == old_id) & (UserItem.residence_status == resident.residence_status)
    if copy is not None:
        condition &= claimed_as_read(resident)
    verified = resident.residence_status == "verified"
    counts = {new_id: 1, old_id: -1} if verified else {}  # the old one may be gone with the publication
    while True:
        try:
            with transaction() as writes:
                writes.update(resident, actions=actions, condition=condition)
                for nbh_id, change in counts.items():
                    count_member(writes, lau2, nbh_id, change)
                if copy is not None:  # pending: no counts, so the copy's write comes second
                    writes.save(copy)
                for nbh_id, change in counts.items():  # last: updates only, after the member counts' positions
                    if change > 0:
                        count_in_week(writes, nbh_id, verified_gained=1)
                    else:
                        resident_left(writes, nbh_id)
            return True
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if 0 in refused:
                return False
            if not refused:
                raise
            gone = [nbh_id for position, nbh_id in enumerate(counts, start=1) if position in refused]
            counts = {nbh_id: change for nbh_id, change in counts.items() if nbh_id not in gone}


def moves_of(user_id: str) -> list[ResidentMoveItem]:
    return list(ResidentMoveItem.query(f"USER#{user_id}", ResidentMoveItem.sk.startswith("MOVED#")))
