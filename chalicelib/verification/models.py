"""Verification request, response and stored models (kept apart even while they look alike)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, StringConstraints
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.communes.models import Lau2
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.store.pages import PageCursor
from chalicelib.store.table import Entity, Gsi1

Method = Literal["letter", "vouches", "staff"]
UserId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


# --- requests -------------------------------------------------------------------------------

class LetterCodeRedemption(Model):
    model_config = ConfigDict(extra="forbid")
    # As codes.normalised reads it (checked there, with its own message): 10 of the alphabet's symbols in any
    # case, O/I/L for 0/1/1, spaces, dashes, underscores or dots anywhere.
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
                    Field(json_schema_extra={"pattern": r"^[ ._-]*([0-9A-TV-Za-tv-z][ ._-]*){10}$"})]


class LetterBatchRequest(Model):
    """`{"pending": true}`: a letter to every address with a pending resident (of the commune, or of
    `neighbourhood_id`); `{"neighbourhood_id": ...}` alone: a letter to every address of it."""

    model_config = ConfigDict(extra="forbid")
    pending: StrictBool = False
    neighbourhood_id: NeighbourhoodId | None = None
    valid_days: int = Field(default=60, ge=1, le=365)


class VerificationQuery(Model):
    model_config = ConfigDict(extra="forbid")
    status: Literal["pending"] = "pending"
    cursor: PageCursor | None = None
    limit: int = Field(default=50, ge=1, le=100)


class ResidentPath(Model):
    lau2: Lau2
    user_id: UserId


class VerificationDecision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    reason: Reason | None = Field(default=None, description="required to reject; kept in the verification record")


# --- responses ------------------------------------------------------------------------------

class PlaceRef(Model):
    id: str
    label: str


class PendingResident(Model):
    user_id: str
    display_name: str
    email: str
    address: PlaceRef
    neighbourhood: PlaceRef
    claimed_at: str | None


class PendingResidentList(Model):
    residents: list[PendingResident] = Field(description="longest waiting first, a page at a time")
    cursor: str | None = Field(default=None, description="pass it back for the next page; null on the last page")


class VerificationRecordPublic(Model):
    user_id: str
    decision: Literal["approved", "rejected"]
    method: Method
    by: str | None
    reason: str | None
    at: str


class AmbassadorPublic(Model):
    user_id: str
    neighbourhood_id: str
    appointed: bool


# --- stored ---------------------------------------------------------------------------------

class LetterCodeItem(Entity):
    """pk=LETTERCODE#<keyed hash of the code>, sk=LETTERCODE. The code itself is never stored.
    `uses` counts the residents it verified (atomic conditional ADD, `uses < max_uses`)."""

    address_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute(null=True)
    batch_id = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = NumberAttribute()
    max_uses = NumberAttribute()
    uses = NumberAttribute(default=0)

    @staticmethod
    def key(code_hash: str) -> tuple[str, str]:
        return f"LETTERCODE#{code_hash}", "LETTERCODE"


class VerificationItem(Entity):
    """pk=USER#<user_id>, sk=VERIFICATION#<at ISO>; gsi1pk=COMMUNE#<lau2>#VERIFICATIONS, gsi1sk=<at ISO>#<user_id>.
    One per decision on a resident's address, whatever the method: the audit trail."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_commune = Gsi1()
    user_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    address_id = UnicodeAttribute()
    decision = UnicodeAttribute()  # approved | rejected
    method = UnicodeAttribute()  # letter | vouches | staff
    by = UnicodeAttribute(null=True)  # staff user id, letter batch id, voucher user ids
    reason = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()

    PREFIX = "VERIFICATION#"

    @classmethod
    def key(cls, user_id: str, at_iso: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"{cls.PREFIX}{at_iso}"

    @staticmethod
    def commune_key(lau2: str) -> str:
        return f"COMMUNE#{lau2}#VERIFICATIONS"

    def public(self) -> VerificationRecordPublic:
        return VerificationRecordPublic(user_id=self.user_id, decision=self.decision, method=self.method,  # type: ignore[arg-type]
                                        by=self.by, reason=self.reason, at=self.at.isoformat())


class PendingVerificationItem(Entity):
    """pk=COMMUNE#<lau2>#PENDING, sk=<claimed_at ISO, UTC>#<user_id>: the commune's index of residents waiting
    for verification, one copy per pending residence carrying what the staff's list shows, so the list is one
    Query. Written in the claim's transaction; deleted in the transaction that ends the pending residence
    (verified whichever way, rejected, another claim, erasure), rewritten when a new publication moves the
    resident, refreshed when they choose a name or their neighbourhood is renamed (chalicelib/accounts/pending.py)."""

    user_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    display_name = UnicodeAttribute(default="")  # the name staff see: empty until the resident chose one
    email = UnicodeAttribute()
    address_id = UnicodeAttribute()
    address_label = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    neighbourhood_name = UnicodeAttribute(default="")
    claimed_at = UTCDateTimeAttribute(null=True)  # null: claimed before claims were dated (sorted first)

    EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#PENDING"

    @classmethod
    def key(cls, lau2: str, claimed_at: datetime | None, user_id: str) -> tuple[str, str]:
        moment = (claimed_at or cls.EARLIEST).astimezone(timezone.utc)
        return cls.partition(lau2), f"{moment.isoformat()}#{user_id}"

    def public(self) -> PendingResident:
        return PendingResident(
            user_id=self.user_id, display_name=self.display_name, email=self.email,
            address=PlaceRef(id=self.address_id, label=self.address_label),
            neighbourhood=PlaceRef(id=self.neighbourhood_id, label=self.neighbourhood_name),
            claimed_at=self.claimed_at.isoformat() if self.claimed_at else None)
