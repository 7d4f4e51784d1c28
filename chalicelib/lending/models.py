"""Lending request, response and stored models (kept apart even while they look alike)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator, StrictBool, StringConstraints
from pynamodb.attributes import (
    BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute,
)

from chalicelib.content.hiding import HiddenFields, HideableEntity
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.store.table import Entity, Gsi1

Id = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]  # chalicelib.adapters.ids.new_id
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Category = Literal["tools", "garden", "household", "kitchen", "sport_leisure", "camping", "transport", "children",
                   "other"]
LoanState = Literal["requested", "accepted", "declined", "cancelled", "picked_up", "returned"]
MAX_BLOCKED_RANGES = 20
MAX_CALENDAR_DAYS = 92  # about three months: one Query on the item's booked days


# --- requests -------------------------------------------------------------------------------

class DateRange(Model):
    """Whole days, `end` on or after `start` (JSON Schema cannot compare two fields: said here in words)."""

    model_config = ConfigDict(extra="forbid")
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class ItemCreate(Model):
    model_config = ConfigDict(extra="forbid")
    name: Name
    description: Text = ""
    conditions: Text = Field("", description="what the borrower agrees to: deposit, cleaning, pick-up times…")
    category: Category
    photo_id: Id | None = Field(None, description="an uploaded photo (filled by the upload feature)")
    available: StrictBool = True
    blocked: list[DateRange] = Field(default_factory=list, max_length=MAX_BLOCKED_RANGES,
                                     description="days the item cannot be borrowed")


class ItemUpdate(Model):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    description: Text | None = None
    conditions: Text | None = None
    category: Category | None = None
    photo_id: Id | None = None
    available: StrictBool | None = None
    blocked: list[DateRange] | None = Field(None, max_length=MAX_BLOCKED_RANGES)


class ItemSearchQuery(Model):
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class ItemPath(Model):
    item_id: Id


class ItemCalendarQuery(Model):
    model_config = ConfigDict(extra="forbid")
    start: date | None = Field(None, description="first day shown; today (Luxembourg time) when left out")
    days: int = Field(42, ge=1, le=MAX_CALENDAR_DAYS, description="how many days from `start`")


class LoanPath(Model):
    loan_id: Id


class LoanRequest(Model):
    model_config = ConfigDict(extra="forbid")
    start: date = Field(description="first day of the loan (Luxembourg time), not in the past")
    end: date = Field(description="day of return, at most 30 days after start counted inclusively")


class LoanDecision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["accept", "decline"]


class LoanStateChange(Model):
    model_config = ConfigDict(extra="forbid")
    state: Literal["picked_up", "returned", "cancelled"] = Field(
        description="picked_up and returned: by the owner; cancelled: by the borrower while requested")


class WantedCreate(Model):
    model_config = ConfigDict(extra="forbid")
    name: Name
    description: Text = ""


class WantedPath(Model):
    neighbourhood_id: NeighbourhoodId
    wanted_id: Id


# --- responses ------------------------------------------------------------------------------

class ItemPublic(HiddenFields):
    id: str
    neighbourhood_id: str
    owner_id: str
    mine: bool
    name: str
    description: str
    conditions: str
    category: Category
    photo_id: str | None
    available: bool
    blocked: list[DateRange]
    created_at: str


class ItemList(Model):
    items: list[ItemPublic]


class ItemCalendar(Model):
    item_id: str
    start: date
    end: date = Field(description="last day shown (inclusive)")
    taken: list[date] = Field(description="days between start and end already promised by an accepted or picked-up loan")
    blocked: list[DateRange] = Field(description="ranges the owner does not lend (may reach beyond start and end)")
    available: bool = Field(description="false while the owner does not lend the item at all")
    item: ItemPublic = Field(description="the item itself, read with its days (its screen needs no other call)")


class LoanPublic(Model):
    id: str
    item_id: str
    item_name: str
    neighbourhood_id: str
    owner_id: str | None
    borrower_id: str | None
    role: Literal["owner", "borrower"] | None = Field(description="mine as the item's owner or as its borrower")
    start: date
    end: date
    state: LoanState
    overdue: bool = Field(description="past its end and not returned (computed when read)")
    created_at: str


class MyLoans(Model):
    as_borrower: list[LoanPublic]
    as_owner: list[LoanPublic]


class WantedPublic(Model):
    id: str
    neighbourhood_id: str
    author_id: str | None
    mine: bool
    name: str
    description: str
    state: Literal["open", "closed"]
    created_at: str


class WantedList(Model):
    wanted: list[WantedPublic]


# --- stored ---------------------------------------------------------------------------------

class LendableItem(HideableEntity):
    """pk=ITEM#<item_id>, sk=ITEM; gsi1pk=NBH#<neighbourhood_id>#ITEMS, gsi1sk=ITEM#<item_id>. A moderator may
    hide it (after a report): then only its owner sees it."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_neighbourhood = Gsi1()
    item_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    conditions = UnicodeAttribute(default="")
    category = UnicodeAttribute()
    photo_id = UnicodeAttribute(null=True)
    available = BooleanAttribute(default=True)
    blocked = ListAttribute(of=UnicodeAttribute, default=list)  # "<start>/<end>" ISO dates
    active_loans = NumberAttribute(null=True)  # accepted or picked up: deleting waits for 0
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(item_id: str) -> tuple[str, str]:
        return f"ITEM#{item_id}", "ITEM"

    @staticmethod
    def neighbourhood_key(neighbourhood_id: str) -> str:
        return f"NBH#{neighbourhood_id}#ITEMS"


class BookingDay(Entity):
    """pk=ITEM#<item_id>, sk=DAY#<yyyy-mm-dd>: the item is lent that day (by `loan_id`).
    Written with attribute_not_exists when a loan is accepted: two overlapping loans cannot both hold a day."""

    loan_id = UnicodeAttribute()

    @staticmethod
    def key(item_id: str, day: date) -> tuple[str, str]:
        return f"ITEM#{item_id}", f"DAY#{day.isoformat()}"


class LoanItem(Entity):
    """pk=LOAN#<loan_id>, sk=LOAN; while accepted or picked up: gsi1pk=LOANS_DUE#<end>, gsi1sk=LOAN#<loan_id>
    (the scheduled digest's reminders the day before the return date)."""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_due_date = Gsi1()
    loan_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    item_name = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    owner_id = UnicodeAttribute(null=True)  # null once erased
    borrower_id = UnicodeAttribute(null=True)
    start = UnicodeAttribute()  # ISO dates
    end = UnicodeAttribute()
    state = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(loan_id: str) -> tuple[str, str]:
        return f"LOAN#{loan_id}", "LOAN"

    @staticmethod
    def due_key(end: date) -> str:
        return f"LOANS_DUE#{end.isoformat()}"


class WantedItem(Entity):
    """pk=NBH#<neighbourhood_id>#WANTED, sk=WANTED#<wanted_id>."""

    wanted_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)  # null once anonymised
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    state = UnicodeAttribute(default="open")
    created_at = UTCDateTimeAttribute()
    closed_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(neighbourhood_id: str, wanted_id: str) -> tuple[str, str]:
        return f"NBH#{neighbourhood_id}#WANTED", f"WANTED#{wanted_id}"


class LendingLink(Entity):
    """pk=USER#<user_id>, sk=LENDING#<ITEM|LOAN|WANTED>#<id>: what a resident lends, borrows, lent and wants,
    for "my loans", export and erasure. Written in the same transaction as what it points to.

    The owner's link of a loan request waiting for their answer also has gsi1pk=USER#<owner>#CONVS (the
    partition of their conversations, messages.models.ParticipantItem.mine) and gsi1sk=~LOAN#<loan id>
    (after every conversation's timestamp): one Query counts every badge (messages.service.badges)."""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()  # item | loan | wanted
    target_id = UnicodeAttribute()
    role = UnicodeAttribute()  # owner | borrower | author
    neighbourhood_id = UnicodeAttribute()
    # A loan's link: the loan as "my loans" lists it (`LoanItem`'s fields as JSON), written with the loan and in the
    # transaction of each change of its state (#16: my loans are one Query). Null on links written before.
    loan = JSONAttribute(null=True)

    PREFIX = "LENDING#"

    WAITING = "~LOAN#"

    @staticmethod
    def key(user_id: str, kind: str, target_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"LENDING#{kind.upper()}#{target_id}"

    @staticmethod
    def waiting_key(owner_id: str) -> str:
        return f"USER#{owner_id}#CONVS"
