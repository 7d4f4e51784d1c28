"""The commune's index of residents waiting for verification (`PendingVerificationItem`), kept in step with
the accounts: a copy per pending residence, keyed by the commune, the claim's time and the account, carrying
what the staff's list shows (name, email, address, neighbourhood), so that the list is one Query.

The writes that start or end a pending residence put or delete the copy in their own transaction
(`accounts.service.claim_residence`, `accounts.verification.verify_resident`, `verification.service.decide`,
`accounts.your_data` erasure, `accounts.moves` when a publication moves the resident); the name and the
neighbourhood's name, which change apart from the residence, are refreshed here.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.accounts.models import UserItem
from chalicelib.addresses.models import AddressPublic
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.store.table import condition_failed, table_connection
from chalicelib.verification.models import PendingVerificationItem


def pending_entry(user: UserItem) -> PendingVerificationItem:
    """The copy's key, from the account as stored (its commune and the time of its claim)."""
    return PendingVerificationItem(*PendingVerificationItem.key(user.lau2 or "-", user.residence_claimed_at,
                                                                user.user_id))


def claimed_as_read(user: UserItem):
    """A condition: the claim is the one read (its copy's key is the one computed from it)."""
    if user.residence_claimed_at is None:
        return UserItem.residence_claimed_at.does_not_exist()
    return UserItem.residence_claimed_at == user.residence_claimed_at


def pending_copy(user: UserItem, address: AddressPublic, claimed_at: datetime | None) -> PendingVerificationItem:
    """The copy of `user`'s pending residence at `address`, claimed at `claimed_at`."""
    entry = PendingVerificationItem(*PendingVerificationItem.key(address.lau2, claimed_at, user.user_id))
    neighbourhood = address.neighbourhood
    entry.user_id, entry.lau2, entry.email = user.user_id, address.lau2, user.email
    entry.display_name, entry.claimed_at = user.shown_name(), claimed_at
    entry.address_id, entry.address_label = address.id, address.label
    entry.neighbourhood_id = neighbourhood.id if neighbourhood else (user.neighbourhood_id or "")
    entry.neighbourhood_name = neighbourhood.name if neighbourhood else ""
    return entry


def rename_pending(user: UserItem) -> None:
    """The resident chose a name: staff see it too while they wait (their copy may be gone meanwhile)."""
    if user.residence_status != "pending":
        return
    try:
        pending_entry(user).update(actions=[PendingVerificationItem.display_name.set(user.shown_name())],
                                   condition=PendingVerificationItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def rename_neighbourhoods(lau2: str) -> int:
    """After a publication: the copies name each neighbourhood as now published (renamed ones). One Query of the
    commune's neighbourhoods, one of its pending residents (a page at a time), an UpdateItem per copy renamed."""
    names = {n.id: n.name for n in NeighbourhoodItem.query(f"COMMUNE#{lau2}",
                                                           NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX))}
    renamed = 0
    for entry in PendingVerificationItem.query(PendingVerificationItem.partition(lau2)):
        name = names.get(entry.neighbourhood_id)
        if name is None or name == entry.neighbourhood_name:
            continue
        try:
            entry.update(actions=[PendingVerificationItem.neighbourhood_name.set(name)],
                         condition=PendingVerificationItem.neighbourhood_id == entry.neighbourhood_id)
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        renamed += 1
    return renamed


def pending_page(lau2: str, limit: int, start: dict | None) -> tuple[list[PendingVerificationItem], dict | None]:
    """One page of the commune's pending residents, longest waiting first: one Query."""
    page = table_connection().query(PendingVerificationItem.partition(lau2), limit=limit, exclusive_start_key=start)
    return ([PendingVerificationItem.from_raw_data(raw) for raw in page.get("Items", [])],
            page.get("LastEvaluatedKey"))
