"""Residents follow their address when the commune redraws neighbourhoods.

A published change of boundaries moves every resident whose address now lies in another
neighbourhood: their verification stands (it is of the address), their neighbourhood changes, and
a move is recorded, and each moved resident is told by email (chalicelib/alerts.py `resident_moved`;
chalicelib/notifications/moments.py sends it, in their language, essential: no opt-out).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib import alerts
from chalicelib.accounts.models import UserItem
from chalicelib.accounts.service import residents_key
from chalicelib.accounts.signin import keep_sessions_in_step
from chalicelib.addresses.service import get_address
from chalicelib.observability import logger
from chalicelib.store.table import Entity, condition_failed


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
        for resident in UserItem.by_neighbourhood.query(residents_key(old_id)):
            address = get_address(resident.address_id) if resident.address_id else None
            new = address.neighbourhood if address else None
            if new is None or new.id == old_id:
                continue
            try:  # only if nothing moved them meanwhile (a new claim, another publication)
                resident.update(
                    actions=[UserItem.neighbourhood_id.set(new.id), UserItem.gsi1pk.set(residents_key(new.id))],
                    condition=UserItem.neighbourhood_id == old_id,
                )
            except UpdateError as error:
                if condition_failed(error):
                    continue
                raise
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
    return moved


def moves_of(user_id: str) -> list[ResidentMoveItem]:
    return list(ResidentMoveItem.query(f"USER#{user_id}", ResidentMoveItem.sk.startswith("MOVED#")))
