"""Calls for volunteers: request, stored and response models (kept apart even while they look alike).

Times in requests are wall-clock times in Europe/Luxembourg (`2027-05-16T08:00`; an offset, when given, is
respected), as events take them; answers give them with their offset. Stored: UTC instants plus the zone.
docs/data-model.md, Volunteering, lists the keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, StringConstraints, ValidationInfo, field_validator
from pynamodb.attributes import (
    BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute,
)

from chalicelib.content.hiding import HiddenFields, HideableEntity
from chalicelib.events.models import AddressId, EventId, LocalTime, PlaceText, Title
from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import Point
from chalicelib.publishers.targeting import Target
from chalicelib.store.pages import PageCursor
from chalicelib.store.table import Entity, Gsi1
from chalicelib.volunteering.skills import Skill

CallId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]  # chalicelib.adapters.ids.new_id
ShiftId = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]  # "01".."50", in the order given
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=3000)]
RoleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
AgeNote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Pairing = Literal["none", "language_tandem", "newcomer_buddy", "digital_help_seniors"]
CallStatus = Literal["open", "pending", "refused", "withdrawn", "cancelled"]
ShiftStatus = Literal["scheduled", "cancelled"]
MAX_SHIFTS = 50
MAX_NEEDED = 100
MAX_SHIFT = timedelta(hours=24)  # one shift lasts at most a day
MAX_AHEAD = timedelta(days=366)  # a shift starts at most a year ahead
MIN_HOURS, MAX_HOURS = 0.5, 24


# --- requests -------------------------------------------------------------------------------

class ShiftRequest(Model):
    """One role at one time: "set-up 8–10, 4 people". The end is checked on `end` (declared after `start`)."""

    model_config = ConfigDict(extra="forbid")
    role: RoleName = Field(description="what the volunteers of this shift do")
    start: LocalTime
    end: LocalTime = Field(description="after start, at most 24 hours later")
    needed: int = Field(ge=1, le=MAX_NEEDED, description="how many people this shift needs")

    @field_validator("end")
    @classmethod
    def _ordered(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None:
            if (start.tzinfo is None) != (end.tzinfo is None):
                raise ValueError("give start and end both with an offset or both without")
            if end <= start:
                raise ValueError("end is not after start")
            if end - start > MAX_SHIFT:
                raise ValueError("a shift lasts at most 24 hours")
        return end


class CallRequest(Model):
    """A call for volunteers: what is to be done, why, where, and its shifts."""

    model_config = ConfigDict(extra="forbid")
    title: Title
    what: Text = Field("", description="what is to be done")
    why: Text = Field("", description="why it matters")
    place: PlaceText | None = Field(None, description="where, in words")
    address_id: AddressId | None = Field(None, description="an address of the commune's register")
    point: Point | None = Field(None, description="a point on the map, stored as its res-9 H3 cell only")
    event_id: EventId | None = Field(None, description="an event of the same neighbourhood I can read, that the "
                                                       "call is for (the flea market's volunteers)")
    skills: list[Skill] = Field(default_factory=list, max_length=10, description="skills wanted (the fixed list)")
    min_age_note: AgeNote | None = Field(None, description="a minimum-age note, e.g. \"16 and over\"")
    pairing: Pairing = Field("none", description="a pairing call: language tandem, newcomer buddy, digital help "
                                                 "for seniors")
    shifts: list[ShiftRequest] = Field(min_length=1, max_length=MAX_SHIFTS, description="1 to 50 roles and shifts")


class PublisherCallRequest(CallRequest):
    """A call published through a publisher link: the same fields, plus whom it reaches."""

    target: Target = Field(description="the whole commune, chosen neighbourhoods or a circle, within the link's scope")


class ShiftMove(Model):
    model_config = ConfigDict(extra="forbid")
    start: LocalTime
    end: LocalTime = Field(description="after start, at most 24 hours later")

    _ordered = field_validator("end")(ShiftRequest._ordered.__func__)  # type: ignore[attr-defined]


class Attended(Model):
    # `_hours_when_came`, as the document states it: someone who came needs their hours
    model_config = ConfigDict(extra="forbid", json_schema_extra={"allOf": [
        {"if": {"properties": {"came": {"const": True}}}, "then": {"required": ["hours"],
                                                                   "properties": {"hours": {"type": "number"}}}}]})
    user_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,64}$")]
    came: StrictBool = Field(description="true: came (counted); false: did not come (private to the organiser)")
    hours: float | None = Field(None, ge=MIN_HOURS, le=MAX_HOURS, multiple_of=0.5, validate_default=True,
                                description="hours given, 0.5 to 24 in half hours; needed when `came`")

    @field_validator("hours")
    @classmethod
    def _hours_when_came(cls, hours: float | None, info: ValidationInfo) -> float | None:
        if info.data.get("came") and hours is None:
            raise ValueError("give the hours of someone who came")
        return hours


class AttendanceRequest(Model):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "description": "who came and their hours, for a shift that has ended"})
    people: list[Attended] = Field(min_length=1, max_length=MAX_NEEDED)


class CallPath(Model):
    call_id: CallId


class ShiftPath(Model):
    call_id: CallId
    shift_id: ShiftId


class CallListQuery(Model):
    model_config = ConfigDict(extra="forbid")
    cursor: PageCursor | None = None
    limit: int = Field(default=20, ge=1, le=50)


# --- responses ------------------------------------------------------------------------------

MyShiftState = Literal["signed_up", "can_sign_up", "full", "clash", "started", "ended", "cancelled"]


class ShiftPublic(Model):
    shift_id: str
    role: str
    start: datetime = Field(description="with its offset in Europe/Luxembourg")
    end: datetime
    needed: int
    taken: int = Field(description="people signed up")
    places_left: int
    status: ShiftStatus
    moved: bool = Field(False, description="the organiser moved it after it was published")
    mine: MyShiftState = Field(description="for me: signed_up; can_sign_up; or why I cannot: full, clash (another "
                                           "shift of mine at that time), started, ended, cancelled")


class CallPublic(HiddenFields):
    id: str
    neighbourhood_id: str
    reaches: list[str] = Field(description="the neighbourhoods whose list shows it")
    organisers: list[str] = Field(description="user ids (a resident's call); empty for a publisher's")
    publisher_name: str | None = Field(None, description="the commune's service or partner that published it")
    mine: bool = Field(description="I organise it")
    title: str
    what: str
    why: str
    place: str | None
    address_id: str | None
    address: str | None
    place_cell: str | None
    event_id: str | None
    skills: list[str]
    min_age_note: str | None
    pairing: Pairing
    status: CallStatus = Field(description="open; pending (a partner's, waiting for the commune); refused or withdrawn by the commune (reaching nobody); cancelled")
    start: datetime = Field(description="its first shift's start")
    end: datetime = Field(description="its last shift's end")
    shifts: list[ShiftPublic]
    created_at: datetime
    comment_count: int = 0
    contact: str | None = Field(None, description="a resident organiser to write to through Noper messages "
                                                  "(never an email address)")


class CallSummary(Model):
    id: str
    title: str
    pairing: Pairing
    skills: list[str]
    start: datetime
    end: datetime
    shifts: int
    needed: int = Field(description="people needed over every shift")
    place: str | None
    publisher_name: str | None
    nearby: bool = Field(description="a call of another neighbourhood or of the commune, reaching mine")
    mine: bool


class CallPage(Model):
    calls: list[CallSummary] = Field(description="open calls, those ending soonest first")
    cursor: str | None = Field(description="the next page's, or null")


class Volunteer(Model):
    user_id: str
    name: str | None = Field(description="as neighbours see it")
    signed_up_at: datetime
    attendance: Literal["came", "absent"] | None = Field(description="confirmed by the organiser after the shift")
    hours: float | None


class ShiftSignUps(Model):
    shift_id: str
    role: str
    start: datetime
    end: datetime
    needed: int
    status: ShiftStatus
    moved: bool = Field(False, description="the organiser moved it after it was published")
    volunteers: list[Volunteer]


class CallSignUps(Model):
    call_id: str
    shifts: list[ShiftSignUps]


class MyShift(Model):
    call_id: str
    shift_id: str
    title: str
    role: str
    start: datetime
    end: datetime
    status: Literal["coming", "started", "ended", "confirmed", "cancelled"] = Field(
        description="coming (may withdraw), started, ended (waiting for the organiser), confirmed (counted), "
                    "cancelled by the organiser")
    hours: float | None = Field(None, description="confirmed hours")


class MyShifts(Model):
    shifts: list[MyShift] = Field(description="soonest first")


class PublishedCall(Model):
    """A call in its organisers' list (a resident's "calls I organise", a publisher link's calls): what the call's
    item holds, no shift read."""

    id: str
    title: str
    status: CallStatus
    hidden: bool = Field(description="hidden by the moderators")
    reaches: list[str] = Field(description="the neighbourhoods whose list shows it")
    start: datetime = Field(description="its first shift's start, with its offset in Europe/Luxembourg")
    end: datetime = Field(description="its last shift's end")
    shifts: int
    needed: int = Field(description="people needed over every shift, cancelled ones included")
    taken: int = Field(description="people signed up over every shift, cancelled ones included")
    created_at: datetime
    stage: Literal["coming", "under_way", "over"] = Field(
        description="coming: no shift started yet; under_way: its first shift started (confirm who came once each "
                    "shift ends); over: its last shift ended")


class OrganisedCalls(Model):
    calls: list[PublishedCall] = Field(description="the calls I published in my neighbourhood, newest first (at most "
                                                   "100); a publisher's are on /publish")


class RecordEntry(Model):
    call_id: str
    title: str = Field(description="the call's title")
    organiser: str = Field(description="the publisher's name, or the organising resident's name")
    role: str
    date: str = Field(description="the shift's day in Luxembourg, YYYY-MM-DD")
    start: datetime
    end: datetime
    hours: float


class ActivityTotal(Model):
    title: str
    organiser: str
    hours: float
    actions: int


class CertificateQuery(Model):
    model_config = ConfigDict(extra="forbid")
    language: Language | None = Field(default=None, description="the language to print in; default: Accept-Language")


class VolunteeringRecord(Model):
    """My confirmed participations, what a certificate needs."""

    name: str = Field(description="my name as neighbours saw it when I signed up (empty before I chose one)")
    commune: str | None = Field(None, description="the name of the commune of my latest sign-up's call")
    entries: list[RecordEntry] = Field(description="oldest first")
    activities: list[ActivityTotal] = Field(description="hours and actions per call")
    total_hours: float
    total_actions: int


# --- stored ---------------------------------------------------------------------------------

class CallItem(HideableEntity):
    """One call for volunteers: pk `VCALL#<id>`, sk `CALL`. Its shifts and sign-ups share the partition."""

    call_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()  # a publisher's: the commune's own name `<lau2>-commune`
    author_id = UnicodeAttribute(null=True)
    organisers = ListAttribute(of=UnicodeAttribute, default=list)
    reaches = ListAttribute(of=UnicodeAttribute, default=list)  # the neighbourhoods whose list shows it
    title = UnicodeAttribute()
    what = UnicodeAttribute(null=True)
    why = UnicodeAttribute(null=True)
    place = UnicodeAttribute(null=True)
    address_id = UnicodeAttribute(null=True)
    address_label = UnicodeAttribute(null=True)
    address_cell = UnicodeAttribute(null=True)
    place_cell = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    skills = ListAttribute(of=UnicodeAttribute, default=list)
    min_age_note = UnicodeAttribute(null=True)
    pairing = UnicodeAttribute(default="none")
    status = UnicodeAttribute(default="open")
    first_start = UTCDateTimeAttribute()
    last_end = UTCDateTimeAttribute()
    shift_count = NumberAttribute(default=0)
    needed = NumberAttribute(default=0)
    # People signed up over every shift, cancelled ones included as in `needed`: ADD 1 / -1 in the transaction of
    # each sign-up and withdrawal (an erasure too), so the publisher's list is one Query. Calls written before it:
    # `./noper count-call-sign-ups`
    taken = NumberAttribute(null=True)
    publisher_id = UnicodeAttribute(null=True)
    publisher_name = UnicodeAttribute(null=True)
    link_id = UnicodeAttribute(null=True)
    listed_sk = UnicodeAttribute(null=True)  # the sort key of its copies in the lists (CallEntryItem), while open
    # Whose call it is, newest first: a publisher's, gsi1pk `PUBLISHER#<lau2>#<publisher id>#CALLS`; a resident's
    # (the one who published it, for "your data"), gsi1pk `USER#<user id>#CALLS`; gsi1sk `<created ISO>#<id>`.
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_owner = Gsi1()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    comment_count = NumberAttribute(default=0)
    thanks_count = NumberAttribute(default=0)

    @staticmethod
    def key(call_id: str) -> tuple[str, str]:
        return f"VCALL#{call_id}", "CALL"

    @staticmethod
    def publisher_key(lau2: str, publisher_id: str) -> str:
        return f"PUBLISHER#{lau2}#{publisher_id}#CALLS"

    @staticmethod
    def author_key(user_id: str) -> str:
        return f"USER#{user_id}#CALLS"


class ShiftItem(Entity):
    """One shift of a call: pk `VCALL#<call id>`, sk `SHIFT#<shift id>`. `people` holds who signed up: every
    sign-up is one conditional ADD to it (`size(people) < needed`, not already in it, not started, not cancelled),
    so a shift never takes more than it needs. Until its reminder went: gsi1pk `VSHIFTS`, gsi1sk
    `<start UTC>#<call id>#<shift id>` (the hourly job's Query); then, until its organisers were asked to confirm who
    came: gsi1pk `VSHIFTS#ENDED`, gsi1sk `<end UTC>#<call id>#<shift id>`. A cancelled shift leaves both."""

    call_id = UnicodeAttribute()
    shift_id = UnicodeAttribute()
    role = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    zone = UnicodeAttribute()
    needed = NumberAttribute()
    people = UnicodeSetAttribute(null=True)
    status = UnicodeAttribute(default="scheduled")
    moved = BooleanAttribute(default=False)
    filled = BooleanAttribute(null=True)  # counted once in `shifts_filled` when its sign-ups first reached `needed`
    reminded = BooleanAttribute(null=True)
    cover_asked_at = UTCDateTimeAttribute(null=True)  # the last ask for cover that wrote to someone (cover.py)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_start = Gsi1()

    REMINDERS = "VSHIFTS"
    ENDED = "VSHIFTS#ENDED"

    @staticmethod
    def key(call_id: str, shift_id: str) -> tuple[str, str]:
        return f"VCALL#{call_id}", f"SHIFT#{shift_id}"

    @staticmethod
    def reminder_key(starts_at: datetime, call_id: str, shift_id: str) -> str:
        return f"{starts_at.strftime('%Y%m%dT%H%M%SZ')}#{call_id}#{shift_id}"

    @staticmethod
    def ended_key(ends_at: datetime, call_id: str, shift_id: str) -> str:
        return f"{ends_at.strftime('%Y%m%dT%H%M%SZ')}#{call_id}#{shift_id}"


class SignUpItem(Entity):
    """One volunteer on one shift: pk `VCALL#<call id>`, sk `SIGNUP#<shift id>#<user id>` (the organiser's list:
    one Query); gsi1pk `USER#<user id>#SHIFTS`, gsi1sk `<start UTC>#<call id>#<shift id>` (my shifts: one Query of
    the index). Copies of the call's title and the shift's role and times (kept in step by a move)."""

    call_id = UnicodeAttribute()
    shift_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)  # as neighbours saw it at sign-up (the organiser's list)
    neighbourhood_id = UnicodeAttribute()  # the volunteer's: where their action counts
    title = UnicodeAttribute()
    organiser = UnicodeAttribute(null=True)  # the publisher's or the organising resident's name (the record)
    commune = UnicodeAttribute(null=True)  # the call's commune's name, for the certificate (older sign-ups: none)
    role = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    cancelled = BooleanAttribute(null=True)  # the shift or the call was cancelled
    signed_up_at = UTCDateTimeAttribute()
    attendance = UnicodeAttribute(null=True)  # came | absent, once the organiser confirmed
    hours = NumberAttribute(null=True)
    confirmed_at = UTCDateTimeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_user = Gsi1()

    @staticmethod
    def key(call_id: str, shift_id: str, user_id: str) -> tuple[str, str]:
        return f"VCALL#{call_id}", f"SIGNUP#{shift_id}#{user_id}"

    @staticmethod
    def user_key(user_id: str) -> str:
        return f"USER#{user_id}#SHIFTS"


class CallEntryItem(Entity):
    """What a neighbourhood's list shows of an open call reaching it, so that a page is one Query:
    pk `NBH#<id>#VOLUNTEERING`, sk `<last end UTC>#<call id>` (open calls: sk after now, ending soonest first)."""

    call = UnicodeAttribute()  # CallSummary's fields as JSON (nearby and mine decided on read)
    hidden = BooleanAttribute(null=True)

    @staticmethod
    def partition(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#VOLUNTEERING"
