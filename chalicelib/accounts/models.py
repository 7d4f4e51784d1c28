"""Accounts, sign-in codes and sessions: request, response and stored models."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StringConstraints, WithJsonSchema
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.communes.models import Lau2
from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.store.table import Entity, Gsi1

StaffRole = Literal["admin", "editor", "verifier"]
STAFF_ROLES: tuple[StaffRole, ...] = ("admin", "editor", "verifier")


# An email address as Noper takes it (and the OpenAPI document states): one @, a dot in the domain, no spaces.
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"
EMAIL_MAX_LENGTH = 254


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > EMAIL_MAX_LENGTH or not re.fullmatch(EMAIL_PATTERN, email):
        raise ValueError("not an email address")
    return email


Email = Annotated[str, AfterValidator(normalise_email),
                  WithJsonSchema({"type": "string", "format": "email", "pattern": EMAIL_PATTERN,
                                  "maxLength": EMAIL_MAX_LENGTH})]


class CodeRequest(Model):
    model_config = ConfigDict(extra="forbid")
    email: Email
    language: Language | None = None


class SessionRequest(Model):
    model_config = ConfigDict(extra="forbid")
    email: Email
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]


class ResidenceClaim(Model):
    model_config = ConfigDict(extra="forbid")
    address_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


# Languages a resident speaks (shown to neighbours): the UI's five, others common in Luxembourg, "other".
SpokenLanguage = Literal["lb", "fr", "de", "en", "pt", "it", "es", "nl", "pl", "ro", "sr", "ar", "other"]


def _no_repeated_languages(languages: list[str]) -> list[str]:
    if len(set(languages)) != len(languages):
        raise ValueError("name each language once")
    return languages


# A name shown to neighbours: no control characters, no invisible formatting ones (soft hyphen, zero-width and
# bidirectional controls, line and paragraph separators) that could make one name pass for another.
NOT_IN_NAMES = r"\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
PRINTABLE_NAME = rf"^[^{NOT_IN_NAMES}]*$"
# What the document states: the same, with one character that is not whitespace (the name is stripped).
PRINTABLE_NAME_NOT_BLANK = rf"^[^{NOT_IN_NAMES}]*[^\s{NOT_IN_NAMES}][^{NOT_IN_NAMES}]*$"


class ProfileUpdate(Model):
    """What a resident may change of their profile; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    display_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                                                   pattern=PRINTABLE_NAME),
                            Field(json_schema_extra={"pattern": PRINTABLE_NAME_NOT_BLANK})] | None = None
    languages: Annotated[list[SpokenLanguage], Field(max_length=8, json_schema_extra={"uniqueItems": True}),
                         AfterValidator(_no_repeated_languages)] | None = None
    show_house_number: StrictBool | None = Field(default=None, description="show my house number to my neighbours")


class Accepted(Model):
    status: Literal["accepted"] = "accepted"


class Residence(Model):
    address: dict | None = None
    neighbourhood: dict | None = None
    status: Literal["none", "pending", "verified"] = "none"
    method: Literal["letter", "vouches", "staff"] | None = None


class StaffRoleGrant(Model):
    lau2: str
    role: StaffRole


class Profile(Model):
    id: str
    email: str
    display_name: str = Field(description="the name neighbours see; empty until the resident chose one")
    name_chosen: bool = Field(default=False, description="false: the web app asks for the name neighbours will see")
    languages: list[SpokenLanguage]
    show_house_number: bool = False
    roles: list[str] = Field(description='every role the policy knows: "resident", "staff:<role>" (where: `staff`), '
                             '"ambassador:<neighbourhood_id>", "moderator:<lau2>" (every neighbourhood of the commune), '
                             '"operator"')
    staff: list[StaffRoleGrant]
    residence: Residence


class SessionPublic(Model):
    id: str
    device: str
    created_at: str
    last_seen_at: str
    current: bool


class SessionList(Model):
    sessions: list[SessionPublic]


class UserItem(Entity):
    """pk=USER#<user_id>, sk=PROFILE; with a residence: gsi1pk=NBH#<neighbourhood_id>#RESIDENTS,
    gsi1sk=<pending|verified>#<user_id> (a neighbourhood's residents by status)."""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_neighbourhood = Gsi1()

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    display_name = UnicodeAttribute(default="")
    # The resident chose the name neighbours see (joining, or the profile). Null on accounts made before
    # names were asked: `has_chosen_name` then tells an email-derived default from a chosen name.
    name_chosen = BooleanAttribute(null=True)
    languages = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    # Roles beyond "resident": staff grants as "<lau2>:<role>", ambassadorships as neighbourhood ids,
    # commune-appointed moderators as lau2 codes.
    staff = UnicodeSetAttribute(default=set)
    ambassador_of = UnicodeSetAttribute(default=set)
    moderator_of = UnicodeSetAttribute(default=set)  # communes (lau2) appointing them moderator
    operator = BooleanAttribute(default=False)
    # The residence: claimed address, its neighbourhood and how far verification went.
    address_id = UnicodeAttribute(null=True)
    lau2 = UnicodeAttribute(null=True)
    neighbourhood_id = UnicodeAttribute(null=True)
    residence_status = UnicodeAttribute(default="none")
    # The claimed address's street and number as the register named them then: member lists need no address read.
    street = UnicodeAttribute(null=True)
    house_number = UnicodeAttribute(null=True)
    residence_method = UnicodeAttribute(null=True)
    residence_claimed_at = UTCDateTimeAttribute(null=True)
    verified_at = UTCDateTimeAttribute(null=True)
    # Privacy: neighbours see the street only, unless the resident chooses to show the number.
    show_house_number = BooleanAttribute(default=False)
    # Email choices the resident made, topic -> on/off; topics not named follow chalicelib/notifications/settings.py.
    notifications = MapAttribute(null=True)
    # Whom this resident blocks (ids), kept in step with their BlockItems (chalicelib/messages/service.py), so that
    # the weekly digest, which reads the neighbourhood's profiles by pages, needs no read of blocks per resident.
    blocked = UnicodeSetAttribute(null=True)
    # The newest post id of their neighbourhood's feed this resident has seen, sent by the web app at most once
    # a day (chalicelib/digest/seen.py): the digest's cheap signal of "read everything that week".
    feed_seen = UnicodeAttribute(null=True)
    # Vouching (chalicelib/neighbours/vouching.py), written in each vouch's transaction: as a voucher, the month
    # (Luxembourg, "2026-12") and the vouches given in it (copied to the sessions, so that the pending list
    # reads no counter; VouchCounterItem enforces the limit); as a pending candidate, who vouched for them at
    # this address (removed by a new claim), so the list reads no vouch.
    vouches_month = UnicodeAttribute(null=True)
    vouches_in_month = NumberAttribute(null=True)
    vouchers = UnicodeSetAttribute(null=True)
    vouchers_listed = BooleanAttribute(null=True)  # true from the claim on: no `vouchers`, nobody vouched yet

    def has_chosen_name(self) -> bool:
        if self.name_chosen is not None:
            return bool(self.name_chosen)
        # Older accounts got the email's local part as their name at sign-in: that is not a chosen name.
        return bool(self.display_name) and self.display_name != (self.email or "").split("@")[0][:40]

    def shown_name(self) -> str:
        """The name neighbours, staff and emails show; empty (the web app shows a neutral placeholder)
        until the resident chose one, so that nobody is ever shown by their email."""
        return self.display_name if self.has_chosen_name() else ""

    @staticmethod
    def key(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "PROFILE"


class EmailItem(Entity):
    """pk=EMAIL#<email>, sk=ACCOUNT: one account per email (written with attribute_not_exists)."""

    user_id = UnicodeAttribute()

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "ACCOUNT"


class SignInCodeItem(Entity):
    """pk=EMAIL#<email>, sk=CODE: the one live code of an email, hashed; a new request replaces it."""

    code_hash = UnicodeAttribute()
    expires_at = NumberAttribute()
    attempts = NumberAttribute(default=0)

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "CODE"


class SessionItem(Entity):
    """pk=SESSION#<token hash>, sk=SESSION; gsi1pk=USER#<user_id>#SESSIONS, gsi1sk=<created_at ISO>.

    It carries a copy of what the policy's Principal is built from (the account's residence and roles,
    the same attribute names as on UserItem), so one GetItem identifies a request; every change of a role
    or a residence copies them again to the account's sessions (chalicelib/accounts/signin.py
    `keep_sessions_in_step`), `synced_at` ordering concurrent copies."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_user = Gsi1()
    session_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    csrf_hash = UnicodeAttribute()
    device = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    expires_at = NumberAttribute()
    # The account's principal, as of `synced_at` (nanoseconds); a session without it predates the copy.
    residence_status = UnicodeAttribute(null=True)
    address_id = UnicodeAttribute(null=True)
    lau2 = UnicodeAttribute(null=True)
    neighbourhood_id = UnicodeAttribute(null=True)
    staff = UnicodeSetAttribute(default=set)
    ambassador_of = UnicodeSetAttribute(default=set)
    moderator_of = UnicodeSetAttribute(default=set)
    operator = BooleanAttribute(default=False)
    vouches_month = UnicodeAttribute(null=True)  # not the principal's: what the pending list shows
    vouches_in_month = NumberAttribute(null=True)
    synced_at = NumberAttribute(null=True)
    # The ISO week this session last counted its resident active (chalicelib/content/once.py): no read to know it.
    active_week = UnicodeAttribute(null=True)

    @staticmethod
    def key(token_hash: str) -> tuple[str, str]:
        return f"SESSION#{token_hash}", "SESSION"

    @staticmethod
    def user_key(user_id: str) -> str:
        return f"USER#{user_id}#SESSIONS"


class ModeratorPublic(Model):
    user_id: str
    lau2: str = Field(description="the commune whose neighbourhoods they moderate")
    neighbourhood_id: str = Field(description="where they live (a verified resident of the commune)")
    appointed: bool


# --- who holds which role in a commune (the admin page's list) --------------------------------

CommuneRole = Literal["admin", "editor", "verifier", "moderator", "ambassador"]


class RoleHolderItem(Entity):
    """pk=COMMUNE#<lau2>#ROLES, sk=<role>#<user_id>: one per role held in the commune (staff roles, the
    commune's moderators, ambassadors of its neighbourhoods), written by `accounts.roles` right after the
    account's own write and deleted when the role ends. The account stays the truth: the list reads the
    accounts back (one BatchGetItem) and shows only the roles they still hold."""

    lau2 = UnicodeAttribute()
    role = UnicodeAttribute()
    user_id = UnicodeAttribute()
    since = UTCDateTimeAttribute()

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#ROLES"

    @staticmethod
    def key(lau2: str, role: str, user_id: str) -> tuple[str, str]:
        return RoleHolderItem.partition(lau2), f"{role}#{user_id}"


class StaffGrant(Model):
    """An admin grants a staff role of their commune by email (the account is made if the email has none)."""

    model_config = ConfigDict(extra="forbid")
    email: Email
    role: StaffRole


class StaffRolePath(Model):
    lau2: Lau2
    user_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
    role: StaffRole


class NeighbourhoodResidentsPath(Model):
    lau2: Lau2
    nbh_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,64}$")]


class StaffMemberPublic(Model):
    user_id: str
    email: str = Field(description="how staff are granted roles (admins of the commune only see it)")
    name: str = Field(description="the name they chose; empty until they chose one")
    roles: list[StaffRole]


class RoleResidentPublic(Model):
    user_id: str
    name: str = Field(description="the name neighbours see; empty until they chose one (never their email)")
    neighbourhood_id: str = Field(description="where they live")


class AmbassadorHolderPublic(RoleResidentPublic):
    ambassador_of: list[str] = Field(description="the neighbourhoods they are ambassador of")


class CommuneRolesPublic(Model):
    staff: list[StaffMemberPublic]
    moderators: list[RoleResidentPublic]
    ambassadors: list[AmbassadorHolderPublic]


class VerifiedResidentPublic(Model):
    user_id: str
    name: str = Field(description="the name neighbours see; empty until they chose one (never their email)")
    ambassador: bool
    moderator: bool


class VerifiedResidentList(Model):
    residents: list[VerifiedResidentPublic] = Field(description="by name")
