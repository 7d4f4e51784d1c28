"""Neighbours request, response and stored models (kept apart even while they look alike)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.accounts.models import SpokenLanguage
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.store.table import Entity, Gsi1

UserId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{1,64}$")]


# --- requests -------------------------------------------------------------------------------

class NeighbourhoodPath(Model):
    neighbourhood_id: NeighbourhoodId


class VouchRequest(Model):
    model_config = ConfigDict(extra="forbid")
    user_id: UserId = Field(description="the pending neighbour you know lives at their address")


# --- responses ------------------------------------------------------------------------------

class NeighbourhoodInside(Model):
    """What a resident of the neighbourhood sees, even while pending: nothing written inside it."""

    id: str
    name: str
    lau2: str
    member_count: int = Field(description="verified residents")


class Member(Model):
    id: str
    display_name: str
    street: str
    house_number: str | None = Field(description="only when the member chose to show it")
    languages: list[SpokenLanguage]
    new_neighbour: bool = Field(description="verified less than a month ago")


class MemberList(Model):
    members: list[Member]


class PendingNeighbour(Model):
    id: str
    display_name: str
    street: str
    vouched_by_me: bool
    same_household: bool = Field(description="lives at your address: you cannot vouch for them")


class PendingList(Model):
    pending: list[PendingNeighbour]
    vouches_left_this_month: int


class VouchResult(Model):
    user_id: str
    status: Literal["pending", "verified"]
    households_vouching: int = Field(description="different households that vouched; two verify")


# --- stored ---------------------------------------------------------------------------------

class VouchItem(Entity):
    """pk=USER#<candidate>, sk=VOUCH#<voucher>; gsi1pk=USER#<voucher>#VOUCHES, gsi1sk=<created_at ISO>.

    One per (pending resident, voucher), written with attribute_not_exists. `household` is the
    voucher's address id; `candidate_address_id` the address vouched for (a move voids the vouch).
    When the voucher erases their account, `voucher_id` and the gsi1 keys are removed.
    """

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_voucher = Gsi1()
    candidate_id = UnicodeAttribute()
    candidate_address_id = UnicodeAttribute()
    voucher_id = UnicodeAttribute(null=True)
    household = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    PREFIX = "VOUCH#"

    @staticmethod
    def key(candidate_id: str, voucher_id: str) -> tuple[str, str]:
        return f"USER#{candidate_id}", f"VOUCH#{voucher_id}"

    @staticmethod
    def given_key(voucher_id: str) -> str:
        return f"USER#{voucher_id}#VOUCHES"


class VouchCounterItem(Entity):
    """pk=USER#<voucher>, sk=VOUCHCOUNT#<yyyy-mm> (Luxembourg calendar month): vouches given, atomic ADD."""

    given = NumberAttribute(default=0)

    @staticmethod
    def key(voucher_id: str, month: str) -> tuple[str, str]:
        return f"USER#{voucher_id}", f"VOUCHCOUNT#{month}"
