"""A neighbourhood seen from inside: its name and size for every resident (even pending), and its
verified members for verified members only. The policy module has already said who may ask."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.service import residents_key
from chalicelib.adapters.clock import now
from chalicelib.addresses.service import street_and_number_of
from chalicelib.communes.service import fold
from chalicelib.errors import NotFound
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.neighbours.models import Member, MemberList, NeighbourhoodInside

NEW_NEIGHBOUR_FOR = timedelta(days=30)


def residents(neighbourhood_id: str, status: str) -> list[UserItem]:
    """A neighbourhood's residents of one status (pending, verified): one Query of gsi1."""
    return list(UserItem.by_neighbourhood.query(residents_key(neighbourhood_id), UserItem.gsi1sk.startswith(f"{status}#")))


def member_count(neighbourhood_id: str) -> int:
    return UserItem.by_neighbourhood.count(residents_key(neighbourhood_id), UserItem.gsi1sk.startswith("verified#"))


def published_neighbourhood(neighbourhood_id: str) -> NeighbourhoodItem:
    for item in NeighbourhoodItem.by_id.query(f"NBH#{neighbourhood_id}", limit=1):
        return item
    raise NotFound("No such neighbourhood content.", {"neighbourhood_id": "not found"})


def neighbourhood_inside(neighbourhood_id: str) -> NeighbourhoodInside:
    """One Query: the neighbourhood keeps its member count (counted only on items written before it)."""
    item = published_neighbourhood(neighbourhood_id)
    count = item.member_count if item.member_count is not None else member_count(item.id)
    return NeighbourhoodInside(id=item.id, name=item.name, lau2=item.lau2, member_count=max(int(count), 0))


def recount_members(lau2: str) -> int:
    """Set each published neighbourhood's member count from a COUNT Query of its verified residents (once
    when upgrading, `./noper count-members`; again after a repair). Answers how many neighbourhoods."""
    items = list(NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)))
    for item in items:
        item.update(actions=[NeighbourhoodItem.member_count.set(member_count(item.id))],
                    condition=NeighbourhoodItem.pk.exists())
    return len(items)


def members(neighbourhood_id: str) -> MemberList:
    verified = residents(neighbourhood_id, "verified")
    # The street comes with the resident (written with the claim); residents who claimed before it did need their address read.
    streets = street_and_number_of(user.address_id for user in verified if user.address_id and user.street is None)
    streets.update({user.address_id: (user.street, user.house_number or "") for user in verified
                    if user.address_id and user.street is not None})
    since = now() - NEW_NEIGHBOUR_FOR
    listed = []
    for user in verified:
        street, number = streets.get(user.address_id or "", ("", ""))
        listed.append(Member(
            id=user.user_id,
            display_name=user.shown_name(),
            street=street,
            house_number=(number or None) if user.show_house_number else None,
            languages=list(user.languages or []),  # type: ignore[arg-type]
            new_neighbour=user.verified_at is not None and user.verified_at > since,
        ))
    return MemberList(members=sorted(listed, key=lambda m: (fold(m.display_name), m.id)))
