"""A resident's own account: profile, residence claim."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.accounts.content_owners import renamed
from chalicelib.accounts.models import Profile, ProfileUpdate, Residence, StaffRoleGrant, UserItem
from chalicelib.accounts.pending import claimed_as_read, pending_copy, pending_entry, rename_pending
from chalicelib.accounts.signin import keep_sessions_in_step
from chalicelib.adapters.clock import now
from chalicelib.addresses.models import AddressPublic
from chalicelib.addresses.service import get_address, get_address_with
from chalicelib.content.counters import count_in_week
from chalicelib.content.once import resident_left
from chalicelib.errors import Conflict, NotFound
from chalicelib.neighbourhoods.models import count_household, count_member
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import condition_failed, refused_conditions, transaction
from chalicelib.verification.models import PendingVerificationItem


def residents_key(neighbourhood_id: str) -> str:
    return f"NBH#{neighbourhood_id}#RESIDENTS"


def load_user(user_id: str | None) -> UserItem:
    try:
        return UserItem.get(*UserItem.key(user_id or "-"))
    except DoesNotExist:
        raise NotFound("No such account.", {"user": "unknown"}) from None


def author_name(user_id: str) -> str | None:
    """The name a resident shows their neighbours (as the member list shows it), kept with what they write."""
    try:
        return load_user(user_id).shown_name() or None
    except NotFound:
        return None


def verified_neighbourhood(user_id: str | None) -> str | None:
    """The neighbourhood a resident lives in, verified; None for anyone else (unknown, pending)."""
    try:
        user = load_user(user_id)
    except NotFound:
        return None
    return user.neighbourhood_id if user.residence_status == "verified" else None


def profile_of(user: UserItem, address: AddressPublic | None = None) -> Profile:
    residence = Residence(status=user.residence_status, method=user.residence_method)  # type: ignore[arg-type]
    if user.address_id:
        if address is None or address.id != user.address_id:
            address = get_address(user.address_id)
        residence.address = {"id": address.id, "label": address.label}
        if address.neighbourhood:
            residence.neighbourhood = address.neighbourhood.model_dump()
    roles = ["resident"] + sorted({f"staff:{grant.split(':', 1)[1]}" for grant in user.staff or ()})
    roles += [f"ambassador:{nbh}" for nbh in sorted(user.ambassador_of or ())]
    roles += [f"moderator:{lau2}" for lau2 in sorted(user.moderator_of or ())]
    if user.operator:
        roles.append("operator")
    return Profile(
        id=user.user_id,
        email=user.email,
        display_name=user.shown_name(),
        name_chosen=user.has_chosen_name(),
        languages=list(user.languages or []),  # type: ignore[arg-type]
        show_house_number=bool(user.show_house_number),
        roles=roles,
        staff=[StaffRoleGrant(lau2=g.split(":", 1)[0], role=g.split(":", 1)[1]) for g in sorted(user.staff or ())],
        residence=residence,
    )


def my_profile(principal: Principal) -> Profile:
    """One read besides the session: the account and its address (the session knows which) together."""
    if not principal.address_id:
        return profile_of(load_user(principal.user_id))
    address, item = get_address_with(principal.address_id, UserItem.key(principal.user_id or "-"))
    if item is None:
        raise NotFound("No such account.", {"user": "unknown"})
    return profile_of(UserItem.from_raw_data(item), address)


def update_profile(principal: Principal, changes: ProfileUpdate) -> Profile:
    """Change the name, languages and privacy choices neighbours see; fields left out stay."""
    user = load_user(principal.user_id)
    actions = []
    if changes.display_name is not None:
        actions.append(UserItem.display_name.set(changes.display_name))
        actions.append(UserItem.name_chosen.set(True))
    if changes.languages is not None:
        actions.append(UserItem.languages.set(list(changes.languages)))
    if changes.show_house_number is not None:
        actions.append(UserItem.show_house_number.set(changes.show_house_number))
    if actions:
        try:  # never recreate an account erased meanwhile
            user.update(actions=actions, condition=UserItem.pk.exists())
        except UpdateError as error:
            if condition_failed(error):
                raise NotFound("No such account.", {"user": "unknown"}) from None
            raise
        if changes.display_name is not None:
            rename_pending(user)
            renamed(user.user_id, user.shown_name())
        logger.info("profile changed", user_id=user.user_id)
    return profile_of(user)


def _leave_verified(user: UserItem, actions: list[Any], copy: PendingVerificationItem) -> None:
    """A verified resident moves out: their neighbourhood counts one member fewer, in the same transaction,
    on the condition that they are still verified there (else they claim again: 409, reload)."""
    for counted in (True, False):
        try:
            with transaction() as writes:
                writes.update(user, actions=actions, condition=(UserItem.residence_status == "verified")
                              & (UserItem.neighbourhood_id == user.neighbourhood_id))
                if counted:  # refused only when the neighbourhood is no longer published
                    count_member(writes, user.lau2 or "-", user.neighbourhood_id or "-", -1)
                writes.save(copy)
                if counted:
                    resident_left(writes, user.neighbourhood_id or "-")  # last: an update
            if counted:
                count_household(user.lau2 or "-", user.neighbourhood_id or "-", user.address_id, -1)
            return
        except TransactWriteError as error:
            refused = refused_conditions(error)
            if 0 in refused:
                raise Conflict("Your residence changed meanwhile: reload.", {"address_id": "changed meanwhile"}) from None
            if not refused or not counted:
                raise


def _claim(user: UserItem, actions: list[Any], earlier: PendingVerificationItem | None,
           copy: PendingVerificationItem, neighbourhood_id: str) -> None:
    """A claim without a verified residence to leave: on the condition that the residence is still as read
    (else the index would keep a copy of a claim replaced meanwhile: 409, reload). An account's first claim in a
    commune counts it registered there (the indicators' `registered`), in the same transaction."""
    as_read = (UserItem.residence_status == user.residence_status) & claimed_as_read(user)
    try:
        with transaction() as writes:
            writes.update(user, actions=actions, condition=UserItem.pk.exists() & as_read)
            if earlier is not None and earlier.sk != copy.sk:
                writes.delete(earlier)
            writes.save(copy)
            if user.residence_status == "none" and user.lau2 is None:  # last: an update, counted once by `as_read`
                count_in_week(writes, neighbourhood_id, registered=1)
    except TransactWriteError as error:
        if 0 in refused_conditions(error):
            raise Conflict("Your residence changed meanwhile: reload.", {"address_id": "changed meanwhile"}) from None
        raise


def claim_residence(principal: Principal, address_id: str) -> Profile:
    """Claim an address: pending in its neighbourhood until verified. Moving leaves the old
    neighbourhood at once and starts a new verification."""
    user = load_user(principal.user_id)
    address = get_address(address_id)
    if address.retired:
        raise Conflict("This address is no longer in the register.", {"address_id": "retired"})
    if address.neighbourhood is None:
        raise Conflict("This address is not in a neighbourhood yet: the commune has not published them.",
                       {"address_id": "no neighbourhood yet"})
    if user.address_id == address.id and user.residence_status != "none":
        return profile_of(user)
    claimed_at = now()
    actions = [
        UserItem.address_id.set(address.id),
        UserItem.street.set(address.street),
        UserItem.house_number.set(address.number) if address.number else UserItem.house_number.remove(),
        UserItem.lau2.set(address.lau2),
        UserItem.neighbourhood_id.set(address.neighbourhood.id),
        UserItem.residence_status.set("pending"),
        UserItem.residence_method.remove(),
        UserItem.vouchers.remove(),  # vouches are for an address
        UserItem.vouchers_listed.set(True),
        UserItem.residence_claimed_at.set(claimed_at),
        UserItem.gsi1pk.set(residents_key(address.neighbourhood.id)),
        UserItem.gsi1sk.set(f"pending#{user.user_id}"),
    ]
    # The commune's index of pending residents gets its copy in the same transaction (chalicelib/accounts/pending.py).
    earlier = pending_entry(user) if user.residence_status == "pending" else None
    copy = pending_copy(user, address, claimed_at)
    if user.residence_status == "verified" and user.lau2 and user.neighbourhood_id:
        _leave_verified(user, actions, copy)
    else:
        _claim(user, actions, earlier, copy, address.neighbourhood.id)
    user.address_id, user.lau2, user.neighbourhood_id = address.id, address.lau2, address.neighbourhood.id
    user.street, user.house_number = address.street, address.number or None
    user.residence_status, user.residence_method, user.residence_claimed_at = "pending", None, claimed_at
    user.vouchers, user.vouchers_listed = None, True
    user.gsi1pk, user.gsi1sk = residents_key(address.neighbourhood.id), f"pending#{user.user_id}"
    keep_sessions_in_step(user.user_id)
    logger.info("residence claimed", user_id=user.user_id, neighbourhood_id=address.neighbourhood.id)
    return profile_of(user)
