"""Neighbourhood events: request, stored and response models (kept apart even while they look alike).

Times in requests are wall-clock times in Europe/Luxembourg (`2027-03-28T19:00`; an offset, when given, is
respected); answers give them with their offset. Stored: UTC instants plus the zone's name
(chalicelib/events/recurrence.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, StringConstraints, ValidationInfo, field_validator
from pynamodb.attributes import BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute

from chalicelib.content.hiding import HiddenFields, HideableEntity
from chalicelib.content.kinds import UserId
from chalicelib.events.recurrence import RULE_PATTERN, RuleError, parse
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId, Point
from chalicelib.photos.models import PhotoId
from chalicelib.store.table import Entity, Gsi1

EventId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]  # chalicelib.adapters.ids.new_id
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
PlaceText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AddressId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Category = Literal["flea_market", "party", "meeting", "walk_sport", "repair_cafe", "children", "culture",
                   "cleaning_day", "other"]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
Reach = Literal["neighbourhood", "nearby"]
Status = Literal["scheduled", "cancelled"]
# An occurrence's name: its original start in UTC (recurrence.occurrence_id).
OccurrenceId = Annotated[str, StringConstraints(pattern=r"^\d{8}T\d{6}Z$")]
# A wall-clock time, minutes precision at most seconds; an offset is allowed.
LocalTime = Annotated[datetime, Field(description="local time in Europe/Luxembourg, e.g. 2027-03-28T19:00 "
                                                  "(an offset, when given, is respected)")]
MAX_DURATION = timedelta(days=7)  # one occurrence; the calendar's window Query relies on it
MAX_AHEAD = timedelta(days=731)  # a start at most two years ahead
MAX_CO_ORGANISERS = 5
MAX_WINDOW = timedelta(days=92)


# --- requests -------------------------------------------------------------------------------

def _rule(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse(value).text
    except RuleError as error:
        raise ValueError(str(error)) from None


class _Times(Model):
    """Start and end (JSON Schema cannot compare two fields: said here in words): end after start, within 7 days.
    Checked on `end` (declared after `start`), so that the error names it."""

    @field_validator("end", check_fields=False)
    @classmethod
    def _ordered(cls, end: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("start")
        if start is not None and end is not None:
            if (start.tzinfo is None) != (end.tzinfo is None):
                raise ValueError("give start and end both with an offset or both without")
            if end <= start:
                raise ValueError("end is not after start")
            if end - start > MAX_DURATION:
                raise ValueError("an event (one occurrence) lasts at most 7 days")
        return end


class EventCreate(_Times):
    model_config = ConfigDict(extra="forbid")
    title: Title
    description: Description = ""
    category: Category
    start: LocalTime = Field(description="local time in Europe/Luxembourg (an offset, when given, is respected); not "
                                         "in the past, at most two years ahead")
    end: LocalTime = Field(description="after start, at most 7 days later")
    place: PlaceText | None = Field(None, description="where, in words")
    address_id: AddressId | None = Field(None, description="an address of the commune's register")
    point: Point | None = Field(None, description="a point on the map, stored as its res-9 H3 cell only")
    capacity: int | None = Field(None, ge=1, le=1000, description="places, counting the extra people of answers")
    co_organisers: list[UserId] = Field(default_factory=list, max_length=MAX_CO_ORGANISERS,
                                        description="verified residents of the same neighbourhood")
    photo_id: PhotoId | None = Field(None, description="a ready photo of mine uploaded for an event "
                                                       "(POST /api/v1/uploads, purpose `event`)")
    reach: Reach = Field("neighbourhood", description="nearby: the neighbourhoods within about 1 km of the place "
                                                      "(needs `address_id` or `point`)")
    rrule: Annotated[str, StringConstraints(max_length=200, pattern=RULE_PATTERN)] | None = Field(
        None, description="a repeating event: RFC 5545 RRULE with FREQ (DAILY, WEEKLY, MONTHLY), INTERVAL, BYDAY, "
                          "and UNTIL or COUNT; at most 200 occurrences within two years; the start is the first")

    @field_validator("rrule")
    @classmethod
    def _check_rule(cls, value: str | None) -> str | None:
        return _rule(value)


class EventUpdate(_Times):
    """Only the fields sent change; null removes an optional one (place, address, point, capacity, rrule)."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    description: Description | None = None
    category: Category | None = None
    start: LocalTime | None = None
    end: LocalTime | None = None
    place: PlaceText | None = None
    address_id: AddressId | None = None
    point: Point | None = None
    capacity: int | None = Field(None, ge=1, le=1000)
    co_organisers: list[UserId] | None = Field(None, max_length=MAX_CO_ORGANISERS)
    photo_id: PhotoId | None = Field(None, description="another photo; null removes it")
    reach: Reach | None = None
    rrule: Annotated[str, StringConstraints(max_length=200, pattern=RULE_PATTERN)] | None = None

    @field_validator("rrule")
    @classmethod
    def _check_rule(cls, value: str | None) -> str | None:
        return _rule(value)


class OccurrenceMove(_Times):
    model_config = ConfigDict(extra="forbid")
    start: LocalTime
    end: LocalTime = Field(description="after start, at most 7 days later")


class EventPath(Model):
    event_id: EventId


class OccurrencePath(Model):
    event_id: EventId
    occurrence_id: OccurrenceId = Field(description="the occurrence's original start in UTC, as the calendar names "
                                                    "it (20270328T170000Z)")


class CalendarQuery(Model):
    model_config = ConfigDict(extra="forbid")
    from_: datetime | None = Field(None, alias="from", description="window start (local time unless an offset is "
                                                                    "given); now when left out")
    to: datetime | None = Field(None, description="window end, at most 92 days after `from`; 31 days after it when "
                                                  "left out")
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=r"^[A-Za-z0-9_-]+$")] | None = None


AnswerKind = Literal["going", "maybe", "not_going"]
AnswerState = Literal["going", "offered", "waiting", "maybe", "not_going"]
MAX_EXTRA = 10


class AnswerRequest(Model):
    model_config = ConfigDict(extra="forbid")
    answer: AnswerKind
    extra: int = Field(0, ge=0, le=MAX_EXTRA, description="people coming with me (family), beyond myself")
    show_name: StrictBool = Field(False, description="neighbours see my name with my answer (organisers always do)")


# --- responses ------------------------------------------------------------------------------

class OccurrenceChange(Model):
    """One occurrence of a series cancelled or moved (iCalendar: EXDATE, or a RECURRENCE-ID override)."""

    occurrence_id: str
    cancelled: bool = False
    start: datetime | None = Field(None, description="moved: its new start")
    end: datetime | None = None


class ReviewState(Model):
    """Where the organisers' request to reach the whole commune stands (chalicelib/events/approval.py)."""

    status: Literal["pending", "approved", "refused", "withdrawn"] = Field(
        description="pending: asked, waiting for the commune's staff; approved; refused or withdrawn (with `reason`)")
    reason: str | None = Field(None, description="the commune's reason, as told to the organisers")
    asked_at: datetime
    decided_at: datetime | None = None


class VolunteerCallLink(Model):
    id: str
    title: str


class EventPublic(HiddenFields):
    id: str
    neighbourhood_id: str
    organisers: list[str] = Field(description="user ids: the creator first, then the co-organisers")
    mine: bool = Field(description="I am one of its organisers")
    title: str
    description: str
    category: Category
    start: datetime = Field(description="with its offset in Europe/Luxembourg")
    end: datetime
    occurrence_id: str = Field(description="its first occurrence's name (a single event's only one), for answers")
    zone: str
    place: str | None
    address_id: str | None
    address: str | None = Field(None, description="the register address's label, as it was when chosen")
    place_cell: str | None = Field(description="the res-9 H3 cell of the point given")
    place_centre: Point | None = Field(None, description="the centre of the point's cell, else of the address's "
                                                         "cell: where the event's map shows it")
    photo_id: str | None = Field(None, description="its photo (GET /api/v1/photos/{photo_id})")
    capacity: int | None
    reach: Reach
    reaches: list[str] = Field(description="the nearby neighbourhoods it shows in")
    nearby: bool = Field(description="an event of a neighbourhood nearby, reaching mine")
    rrule: str | None
    exceptions: list[OccurrenceChange]
    status: Status
    sequence: int = Field(description="grows with every change (iCalendar SEQUENCE)")
    created_at: datetime
    updated_at: datetime
    comment_count: int = 0
    commune_wide: bool = Field(False, description="reaches the whole commune (approved by its staff) or the "
                                                  "neighbourhoods a publisher chose (chalicelib/events/approval.py)")
    publisher_name: str | None = Field(None, description="the commune's service or partner that published it")
    public: bool = Field(False, description="on the commune's public page and public calendar")
    volunteer_calls: list[VolunteerCallLink] = Field(default_factory=list, description="open calls for volunteers "
                                                     "attached to it (\"Volunteers wanted\": GET /api/v1/volunteering/{id})")
    commune_review: ReviewState | None = Field(None, description="for its organisers, when read on its own: their request "
                                                         "to reach the whole commune and the commune's answer; null "
                                                         "when none or for anyone else")


class Occurrence(Model):
    event_id: str
    occurrence_id: str = Field(description="its original start in UTC; names it in the occurrence routes")
    neighbourhood_id: str
    nearby: bool
    title: str
    category: Category
    place: str | None
    start: datetime
    end: datetime
    status: Status = Field(description="cancelled: the event or this occurrence")
    moved: bool = False
    recurring: bool
    commune_wide: bool = False
    publisher_name: str | None = None
    mine: bool = Field(False, description="I am one of its organisers")
    photo_id: str | None = None


class CalendarPage(Model):
    occurrences: list[Occurrence]
    cursor: str | None = Field(description="the next page's, or null")


class MyAnswer(Model):
    answer: AnswerKind
    extra: int
    state: AnswerState = Field(description="going, or waiting for a place (past capacity), offered (a freed place "
                                           "held for me until `until`: answer going to confirm it), maybe, not_going")
    position: int | None = Field(None, description="on the waiting list: 1 is the first in line")
    until: datetime | None = Field(None, description="offered: the place is held for me until then (local time)")
    missed: bool = Field(False, description="a place held for me passed on to the next in line, unconfirmed")
    show_name: bool = Field(False, description="neighbours see my name with my answer")


class Answerer(Model):
    user_id: str
    name: str | None = Field(description="as neighbours see it")
    answer: AnswerKind
    extra: int
    state: AnswerState
    show_name: bool = Field(False, description="chose to be shown to neighbours")


class ShownNeighbour(Model):
    """A neighbour who answered and chose to be shown: their name, as neighbours see it, and their answer."""

    name: str
    state: AnswerState
    extra: int


ReminderStatus = Literal["waiting", "sent", "dropped"]


class ReminderPublic(Model):
    """An organiser's reminder of one occurrence to those going (chalicelib/events/reminders.py)."""

    event_id: str
    occurrence_id: str
    status: ReminderStatus = Field(description="waiting for the eve; sent; dropped (the occurrence was cancelled)")
    due: datetime = Field(description="when it goes (the day before the occurrence's start), local time")
    sent_at: datetime | None = Field(None, description="when it was sent, local time")


class Answers(Model):
    """An occurrence's answers: counts for everyone; who, for its organisers only."""

    event_id: str
    occurrence_id: str
    capacity: int | None
    going: int = Field(description="people going, extra people included")
    maybe: int
    not_going: int
    waiting: int = Field(description="people on the waiting list")
    offered: int = Field(0, description="places held for the first in line until they confirm (24 hours at most)")
    places_left: int | None
    mine: MyAnswer | None
    people: list[Answerer] | None = Field(description="for its organisers: going, then the waiting list in order, "
                                                      "then maybe and not going; null for anyone else")
    shown: list[ShownNeighbour] = Field(default_factory=list,
                                        description="for everyone: going, waiting and maybe neighbours who chose to "
                                                    "be shown, in that order")
    reminder: ReminderPublic | None = Field(None, description="for its organisers: the reminder of this occurrence "
                                                              "asked (waiting, sent and when), else null")


class MyAnswered(Model):
    event_id: str
    occurrence_id: str
    answer: AnswerKind | None = Field(description="going or maybe as I last answered; null: answered before it was "
                                                  "kept (not going is left out)")


class MyEvents(Model):
    """What makes an occurrence one of "my events" (organised or answered), for the calendar's filter."""

    organised: list[str] = Field(description="ids of the events I organise")
    answered: list[MyAnswered] = Field(description="the occurrences I answered going or maybe (or waiting for)")


class CalendarFeed(Model):
    id: str
    created_at: datetime


class CalendarFeedCreated(CalendarFeed):
    url: str = Field(description="the feed's address, shown this once: subscribe to it from a phone calendar")


class CalendarFeedList(Model):
    feeds: list[CalendarFeed]


class CalendarFeedPath(Model):
    feed_id: EventId


class FeedTokenPath(Model):
    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{20,100}$")]


# --- stored ---------------------------------------------------------------------------------

class EventItem(HideableEntity):
    """One event (a series is one item too; its occurrences are expanded on read). pk `EVENT#<id>`, sk `EVENT`."""

    event_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)  # the organiser who created it (kernel: the author)
    organisers = ListAttribute(of=UnicodeAttribute)
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    category = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    start_local = UnicodeAttribute()  # the wall-clock time given (a series repeats it)
    zone = UnicodeAttribute()
    place = UnicodeAttribute(null=True)
    address_id = UnicodeAttribute(null=True)
    address_label = UnicodeAttribute(null=True)  # the address's label and cell when chosen (the map, the page)
    address_cell = UnicodeAttribute(null=True)
    place_cell = UnicodeAttribute(null=True)
    photo_id = UnicodeAttribute(null=True)
    capacity = NumberAttribute(null=True)
    reach = UnicodeAttribute(default="neighbourhood")
    reaches = ListAttribute(of=UnicodeAttribute, default=list)
    rrule = UnicodeAttribute(null=True)
    exceptions = JSONAttribute(default=dict)  # occurrence id -> {"cancelled": true} | {"start", "end"} (UTC)
    last_end = UTCDateTimeAttribute()  # the end of its last occurrence
    status = UnicodeAttribute(default="scheduled")
    sequence = NumberAttribute(default=0)
    calendar_keys = ListAttribute(of=UnicodeAttribute, default=list)  # "<pk>|<sk>" of its calendar entries
    # Reaching beyond its neighbourhood by the commune's decision (chalicelib/events/approval.py): the
    # neighbourhoods of the whole commune once staff approved it, or those a publisher targeted.
    targets = ListAttribute(of=UnicodeAttribute, default=list)
    public = BooleanAttribute(default=False)  # a publisher's public event: the commune's public calendar too
    publisher_id = UnicodeAttribute(null=True)  # published through a publisher link (chalicelib/events/publishing.py)
    # A publisher's events, newest first (its link's list): gsi1pk `PUBLISHER#<lau2>#<publisher id>#EVENTS`,
    # gsi1sk `<created_at ISO>#<event id>`; none for a resident's event.
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_publisher = Gsi1()
    publisher_name = UnicodeAttribute(null=True)
    link_id = UnicodeAttribute(null=True)
    # The open calls for volunteers attached to it, `<call id>#<title>` (ADDed and DELETEd by
    # chalicelib/volunteering/service.py `write_entries` as a call opens, closes or is hidden)
    volunteer_calls = UnicodeSetAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    comment_count = NumberAttribute(default=0)
    thanks_count = NumberAttribute(default=0)

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"EVENT#{event_id}", "EVENT"

    @staticmethod
    def publisher_key(lau2: str, publisher_id: str) -> str:
        return f"PUBLISHER#{lau2}#{publisher_id}#EVENTS"


class CalendarEntryItem(Entity):
    """A copy of what a neighbourhood's calendar shows of an event, so that a window is one Query.

    pk `NBH#<id>#CAL` (its own neighbourhood and each nearby one it reaches); sk `<UTC start>#<event id>`
    for a single event, and for a series one entry per month holding one of its occurrences' starts,
    sk `<first instant of the month, UTC>#<event id>` (docs/data-model.md, Event).
    """

    event = JSONAttribute()  # what expanding needs: times, rule, exceptions, status, title, category, place
    nearby = BooleanAttribute(default=False)  # the event is of another neighbourhood

    @staticmethod
    def partition(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#CAL"


class OccurrenceAnswersItem(Entity):
    """The answers to one occurrence of an event, in one item: the counts, each resident's answer and the waiting
    list in arrival order, the places held for the first in line. Every answer is one conditional write on its `version` (optimistic: a concurrent
    answer makes it read again), so a capacity is never passed. pk `EVENT#<id>`, sk `OCC#<occurrence id>`."""

    version = NumberAttribute(default=0)
    going = NumberAttribute(default=0)
    maybe = NumberAttribute(default=0)
    not_going = NumberAttribute(default=0)
    waiting = NumberAttribute(default=0)
    offered = NumberAttribute(default=0)  # people whose freed place is held for them (state "offered")
    answers = JSONAttribute(default=dict)  # user id -> {"answer", "extra", "state", "name", "at"[, "until", "missed"]}
    queue = ListAttribute(of=UnicodeAttribute, default=list)  # the waiting list: user ids, first in line first
    # While a place is held for someone: gsi1pk `EVENTOFFERS`, gsi1sk `<earliest hold's end UTC>#<event id>#<occ id>`,
    # so the hourly job passes on the holds that ran out (chalicelib/events/answers.py `pass_on_offers`).
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_hold = Gsi1()

    @staticmethod
    def key(event_id: str, occurrence_id: str) -> tuple[str, str]:
        return f"EVENT#{event_id}", f"OCC#{occurrence_id}"


class CalendarFeedItem(Entity):
    """A resident's personal calendar feed: pk `CALFEED#<keyed hash of its token>`, sk `CALFEED` (the token itself
    is never stored); gsi1pk `USER#<user id>#CALFEEDS`, gsi1sk `<created_at ISO>#<feed id>` lists them."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_user = Gsi1()
    feed_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(token_hash: str) -> tuple[str, str]:
        return f"CALFEED#{token_hash}", "CALFEED"

    @staticmethod
    def user_key(user_id: str) -> str:
        return f"USER#{user_id}#CALFEEDS"


class EventLink(Entity):
    """What a resident organises and answered, for "your data" (export, erasure): pk `USER#<user id>`, sk
    `EVENTS#ORGANISED#<event id>` (the creator and each co-organiser) or `EVENTS#ANSWER#<event id>#<occurrence id>`
    (their first answer to an occurrence)."""

    event_id = UnicodeAttribute()
    occurrence_id = UnicodeAttribute(null=True)
    answer = UnicodeAttribute(null=True)  # an answer's: going, maybe or not_going as last answered (None: before it was kept)

    PREFIX = "EVENTS#"

    @staticmethod
    def organised(user_id: str, event_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"EVENTS#ORGANISED#{event_id}"

    @staticmethod
    def answered(user_id: str, event_id: str, occurrence_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"EVENTS#ANSWER#{event_id}#{occurrence_id}"
