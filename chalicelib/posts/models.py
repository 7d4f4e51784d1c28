"""Posts: request, stored and response models (kept apart even while they look alike).

Each kind has its own request model; `NewPost` is their union, told apart by `kind`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, Union

from pydantic import (AwareDatetime, ConfigDict, Field, field_validator, HttpUrl, model_validator, StrictBool,
                      StringConstraints)
from pynamodb.attributes import (
    BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.accounts.models import Email
from chalicelib.adapters.clock import now
from chalicelib.content.kinds import UserId
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import LUXEMBOURG, NeighbourhoodId, Point  # noqa: F401 (Point: posts' models name it)
from chalicelib.store.pages import PageCursor
from chalicelib.store.table import Entity, Gsi1
from chalicelib.volunteering.skills import SKILLS

Kind = Literal["discussion", "help_request", "help_offer", "lost_pet", "found_pet", "recommendation", "giveaway"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
TRADES = ("plumber", "electrician", "babysitter", "gardener", "painter", "carpenter", "cleaner", "mechanic", "tutor",
          "other")
Trade = Literal["plumber", "electrician", "babysitter", "gardener", "painter", "carpenter", "cleaner", "mechanic",
                "tutor", "other"]
Skill = Literal[SKILLS]  # type: ignore[valid-type]
PostId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()./-]{6,25}$")]
PhotoId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,64}$")]

# "€ 20", "20€", "20 EUR", "20 euros": giveaways are free.
PRICE = re.compile(r"(€\s*\d)|(\d\s*(€|eur\b|euros?\b))", re.IGNORECASE)

# States of each kind: state -> the states it may move to.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "help_request": {"open": ("matched",), "matched": ("done", "open"), "done": ()},
    "help_offer": {"open": ("matched",), "matched": ("done", "open"), "done": ()},
    "lost_pet": {"lost": ("reunited",), "reunited": ()},
    "found_pet": {"lost": ("reunited",), "reunited": ()},
    "giveaway": {"available": ("reserved",), "reserved": ("given", "available"), "given": ()},
}
FIRST_STATE = {"help_request": "open", "help_offer": "open", "lost_pet": "lost", "found_pet": "lost",
               "giveaway": "available"}


# --- requests -------------------------------------------------------------------------------

class _Post(Model):
    model_config = ConfigDict(extra="forbid")


class Discussion(_Post):
    kind: Literal["discussion"]
    title: Title | None = None
    text: Text


class HelpRequest(_Post):
    kind: Literal["help_request"]
    title: Title
    text: Text
    skill: Skill | None = Field(default=None, description="the skill it needs (chalicelib/volunteering/skills.py): "  # type: ignore[valid-type]
                                "the post's page suggests the neighbours offering it")


class HelpOffer(_Post):
    kind: Literal["help_offer"]
    title: Title
    text: Text


# A clock a few minutes ahead of the server's is not a time in the future.
CLOCK_SKEW = timedelta(minutes=5)
# Further back than this, a last-seen time is a typo (a year), not a pet still missing.
LAST_SEEN_WITHIN = timedelta(days=365)


class _Pet(_Post):
    species: Short
    description: Text
    last_seen: Point = Field(description="stored as its res-9 H3 cell only")
    last_seen_at: AwareDatetime | None = Field(default=None, description="when the pet was last seen, with its "
                                               "UTC offset; not in the future, nor more than a year back; left "
                                               "out: when the post is written")
    photo_id: PhotoId | None = None

    @field_validator("last_seen_at")
    @classmethod
    def _seen_in_the_past(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value > now() + CLOCK_SKEW:
            raise ValueError("the pet cannot have been seen in the future")
        if value < now() - LAST_SEEN_WITHIN:
            raise ValueError("at most a year ago")
        return value


class LostPet(_Pet):
    kind: Literal["lost_pet"]


class FoundPet(_Pet):
    kind: Literal["found_pet"]


class Recommendation(_Post):
    # `_one_contact`, as the document states it: without a phone and an email, a website
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "if": {"properties": {"phone": {"type": "null"}, "email": {"type": "null"}}},
        "then": {"required": ["website"], "properties": {"website": {"type": "string"}}}})
    kind: Literal["recommendation"]
    trade: Trade
    name: Short
    phone: Phone | None = None
    email: Email | None = None
    website: HttpUrl | None = None
    text: Text
    self_: StrictBool = Field(default=False, alias="self", description="recommending oneself is refused")

    @model_validator(mode="after")
    def _one_contact(self) -> "Recommendation":
        if not (self.phone or self.email or self.website):
            raise ValueError("give a phone, an email or a website")
        return self


class Giveaway(_Post):
    kind: Literal["giveaway"]
    title: Title
    text: Text

    @field_validator("title", "text")
    @classmethod
    def _free(cls, value: str) -> str:
        if PRICE.search(value):
            raise ValueError("giveaways are free: no price")
        return value


NewPost = Annotated[Union[Discussion, HelpRequest, HelpOffer, LostPet, FoundPet, Recommendation, Giveaway],
                    Field(discriminator="kind")]


class PostRequest(Model):
    """The body of POST .../posts and PATCH /posts/{id}: one kind's fields, chosen by `kind`."""

    post: NewPost

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        return {"post": data} if isinstance(data, dict) and "post" not in data else data


class StateChange(Model):
    # "matched" needs with_user_id (posts/service.py checks it), as the document states it
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "if": {"properties": {"state": {"const": "matched"}}},
        "then": {"required": ["with_user_id"], "properties": {"with_user_id": {"type": "string"}}}})
    state: Literal["open", "matched", "done", "lost", "reunited", "available", "reserved", "given"]
    with_user_id: UserId | None = Field(default=None, description="matched: the neighbour helping or helped")


class FeedPath(Model):
    neighbourhood_id: NeighbourhoodId


class PostPath(Model):
    post_id: PostId


class FeedQuery(Model):
    model_config = ConfigDict(extra="forbid")
    kind: Kind | None = None
    cursor: PageCursor | None = None
    limit: int = Field(default=20, ge=1, le=50)


class ProfessionalsQuery(Model):
    model_config = ConfigDict(extra="forbid")
    trade: Trade | None = None


# --- responses ------------------------------------------------------------------------------

class PostPublic(Model):
    id: str
    neighbourhood_id: str = Field(description="where it was written")
    kind: Kind
    author_id: str | None = Field(description="null once the author erased their account and chose anonymise")
    author_name: str | None = Field(default=None, description="the author's display name when they wrote it; null "
                                    "once anonymised (and on posts written before names were kept)")
    created_at: datetime
    edited_at: datetime | None
    state: str | None = Field(description="null for discussions and recommendations")
    matched_with: str | None = None
    pinned: bool = False
    nearby: bool = Field(default=False, description="a lost/found pet of a neighbourhood within about 1 km")
    content: dict[str, Any] = Field(description="the kind's fields; pets carry `last_seen_cell` (never a point), "
                                    "`last_seen_at` (ISO, UTC) and `last_seen_place` (street, locality, neighbourhood "
                                    "of the cell, each possibly null)")
    comment_count: int | None = Field(default=None, description="on one post and in the feed")
    thanks_count: int | None = Field(default=None, description="on one post and in the feed")
    thanked_by_me: bool | None = Field(default=None, description="on one post (GET /posts/{id}); null in the feed")
    # Moderation (chalicelib/moderation/): a hidden post shows in place, its content withheld from all but its author.
    hidden: bool = Field(default=False, description="hidden by a moderator (or by several reports, until reviewed)")
    hidden_reason: str | None = Field(default=None, description="why it is hidden: a reason code (moderation's fixed "
                                      "list, or \"reported\" after several reports)")
    hidden_note: str | None = Field(default=None, description="what the moderator added to the reason")
    hidden_reason_text: str | None = Field(default=None, description="\"Hidden by a moderator: <reason>\", translated "
                                           "for the request's Accept-Language")
    looks_aggressive: bool | None = Field(default=None, description="on the post just written: a tone reminder, not a block")


class Feed(Model):
    posts: list[PostPublic]
    cursor: str | None = Field(description="pass it back for the next page; null on the last")


class ProfessionalRecommendation(Model):
    post_id: str
    text: str = Field(description="the recommendation's text, cut to 200 characters")
    author_name: str | None = None


class Professional(Model):
    trade: Trade
    name: str
    contact: str
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    households: int = Field(description="distinct households of the neighbourhood recommending")
    recommendations: list[ProfessionalRecommendation] = Field(
        default_factory=list, description="the recommendation posts not hidden, newest first")


class ProfessionalList(Model):
    professionals: list[Professional]


# --- stored ---------------------------------------------------------------------------------

class PostItem(Entity):
    """The post itself; gsi1 finds an author's posts (export, erasure)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    post_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    reach = ListAttribute(of=UnicodeAttribute, default=list)  # other neighbourhoods it shows in (pets)
    kind = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)  # the author's display name when written (docs/data-model.md)
    content = JSONAttribute()
    state = UnicodeAttribute(null=True)
    matched_with = UnicodeAttribute(null=True)
    pinned = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    edited_at = UTCDateTimeAttribute(null=True)
    # Kept with atomic ADDs by chalicelib/comments/ only: rewrites of the post never put them back.
    comment_count = NumberAttribute(default=0)
    thanks_count = NumberAttribute(default=0)
    # Kept by chalicelib/moderation/ only (rewrites of the post never touch them): reports are ADDed,
    # a hide or restore and an appeal are conditional updates.
    report_count = NumberAttribute(default=0)
    hidden = BooleanAttribute(default=False)
    hidden_reason = UnicodeAttribute(null=True)  # a reason code (chalicelib/moderation/models.py HideReason)
    hidden_note = UnicodeAttribute(null=True)
    hidden_by = UnicodeAttribute(null=True)  # the moderator's user id, or "auto" after several reports
    appeal_text = UnicodeAttribute(null=True)
    appeal_state = UnicodeAttribute(null=True)  # pending | upheld | restored
    appealed_at = UTCDateTimeAttribute(null=True)  # names the pending appeal's row (moderation PendingAppealItem)
    # A recommendation's household (the author's address when written): its professional's count is per household.
    household = UnicodeAttribute(null=True)
    # Each rewrite of what the feed entries copy (an edit, a state, a pin, a hide or a restore, an erasure)
    # sets revision + 1 under the condition that it is still the one read: none overwrites another.
    # Absent until the first rewrite. Counters and reports do not move it.
    revision = NumberAttribute(null=True)

    @staticmethod
    def key(post_id: str) -> tuple[str, str]:
        return f"POST#{post_id}", "POST"

    @staticmethod
    def author_key(user_id: str) -> str:
        return f"AUTHOR#{user_id}"


class FeedEntryItem(Entity):
    """A copy of the post in one neighbourhood's feed, so a page is one Query.

    sk is the post id (time-ordered); a pinned entry's sk is `~PIN#<post id>`, which sorts after every
    id, so pinned posts come first when the feed is read newest first. gsi1 is the per-kind feed.
    """

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    post = JSONAttribute()  # PostPublic as JSON
    nearby = BooleanAttribute(default=False)
    # The post's counters, ADDed with it by chalicelib/comments/ (a rewrite of the entry copies the post's).
    comment_count = NumberAttribute(default=0)
    thanks_count = NumberAttribute(default=0)

    @staticmethod
    def feed(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#FEED"

    @staticmethod
    def kind_feed(nbh_id: str, kind: str) -> str:
        return f"NBH#{nbh_id}#FEED#{kind}"

    @staticmethod
    def sort_key(post_id: str, pinned: bool) -> str:
        return f"~PIN#{post_id}" if pinned else post_id


class ProfessionalItem(Entity):
    """One recommended professional in a neighbourhood, with the number of distinct households. Also in gsi1
    next to the neighbourhood's recommendation posts (`gsi1pk=NBH#<id>#FEED#recommendation`, `gsi1sk=!PRO#…`,
    before every feed entry): the directory is one Query of that index partition (#16)."""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    trade = UnicodeAttribute()
    name = UnicodeAttribute()
    contact = UnicodeAttribute()
    households = NumberAttribute(default=0)
    phone = UnicodeAttribute(null=True)  # the contact fields of the latest recommendation
    email = UnicodeAttribute(null=True)
    website = UnicodeAttribute(null=True)
    posts = UnicodeSetAttribute(null=True)  # every recommendation post of the professional (ADD/DELETE)

    @staticmethod
    def partition(nbh_id: str) -> str:
        return f"NBH#{nbh_id}#PROS"

    @staticmethod
    def sort_key(trade: str, professional_key: str) -> str:
        return f"PRO#{trade}#{professional_key}"

    INDEXED = "!"  # gsi1sk = "!" + sk: sorts before the feed entries' post ids (ULIDs) and pinned keys (`~PIN#`)

    @staticmethod
    def index_keys(nbh_id: str, sk: str) -> tuple[str, str]:
        return FeedEntryItem.kind_feed(nbh_id, "recommendation"), f"{ProfessionalItem.INDEXED}{sk}"


class RecommendingHouseholdItem(Entity):
    """Marker: this household already recommends this professional (written conditionally). `posts`
    holds the household's recommendation posts of the professional: the household stops counting
    when the last of them is deleted (or edited to another professional)."""

    posts = UnicodeSetAttribute(null=True)

    @staticmethod
    def key(nbh_id: str, professional_key: str, household: str) -> tuple[str, str]:
        return ProfessionalItem.partition(nbh_id), f"HH#{professional_key}#{household}"
