"""Participatory budget: request, response and stored models. docs/data-model.md lists the keys.

Amounts are integers in cents everywhere (requests, storage, responses): the results' arithmetic is exact.
An edition's partition `BUDGET#<edition_id>` holds the edition, its proposals, supports, tallies, results,
ballots and has-voted markers; sort keys are chosen so that a page's reads are one Query of a key range
(EDITION < PROPOSAL# < RESULT#: the edition with its proposals and results).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints, model_validator
from pynamodb.attributes import (
    BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute,
)

from chalicelib.communes.models import Lau2
from chalicelib.content.hiding import HiddenFields, HideableEntity
from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId, Point
from chalicelib.store.table import Entity, Gsi1

EditionId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]  # chalicelib.adapters.ids.new_id
ProposalId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
EnvelopeId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,20}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]
Cents = Annotated[int, Field(ge=1, le=10**11, description="euro cents")]

PHASES = ("proposals", "review", "voting", "results", "implementation")
Phase = Literal["proposals", "review", "voting", "results", "implementation"]
BallotType = Literal["approval", "approval_count", "cumulative"]
RuleName = Literal["equalshares/add1", "greedy"]
CATEGORIES = ("environment", "mobility", "culture", "sport", "education", "social", "health", "safety",
              "public_space", "other")
Category = Literal["environment", "mobility", "culture", "sport", "education", "social", "health", "safety",
                   "public_space", "other"]
ProposalStatus = Literal["submitted", "in_review", "feasible", "not_feasible", "merged"]
ImplementationState = Literal["planned", "in_progress", "done"]
WHOLE_COMMUNE = "commune"  # the envelope of an edition without envelopes
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a proposal's PDF
MAX_ON_BALLOT = 90  # chosen projects on one ballot: a ballot's tallies fit one transaction (100 items)


# --- requests -------------------------------------------------------------------------------

class EnvelopeRequest(Model):
    model_config = ConfigDict(extra="forbid")
    id: EnvelopeId
    name: dict[Language, Name] = Field(min_length=1, description="per language; at least the commune's languages")
    neighbourhood_ids: list[NeighbourhoodId] = Field(min_length=1, max_length=100,
                                                     description="published neighbourhoods voting in this envelope")
    amount_cents: Cents


class BallotRules(Model):
    # the kind's own limit is required (said in words): max_projects for approval_count, max_points for cumulative
    model_config = ConfigDict(extra="forbid")
    type: BallotType = Field(description="approval within the budget, approval of at most `max_projects`, or "
                                         "cumulative points (at most `max_points` in all)")
    max_projects: int | None = Field(default=None, ge=1, le=MAX_ON_BALLOT)
    max_points: int | None = Field(default=None, ge=1, le=1000)

    @model_validator(mode="after")
    def _limit_of_the_type(self) -> "BallotRules":
        if self.type == "approval_count" and self.max_projects is None:
            raise ValueError("an approval_count ballot needs max_projects")
        if self.type == "cumulative" and self.max_points is None:
            raise ValueError("a cumulative ballot needs max_points")
        return self


class PhaseDates(Model):
    model_config = ConfigDict(extra="forbid")
    proposals: AwareDatetime = Field(description="the proposal phase opens")
    review: AwareDatetime
    voting: AwareDatetime
    results: AwareDatetime = Field(description="voting closes; the results are computed")
    implementation: AwareDatetime

    @model_validator(mode="after")
    def _in_order(self) -> "PhaseDates":
        moments = [getattr(self, phase) for phase in PHASES]
        if any(later <= earlier for earlier, later in zip(moments, moments[1:])):
            raise ValueError("phase dates must follow each other: proposals < review < voting < results < "
                             "implementation")
        return self


class EditionRequest(Model):
    """The body of creating an edition (editing sends it again with `version`)."""

    model_config = ConfigDict(extra="forbid")
    name: dict[Language, Name] = Field(min_length=1, description="per language; at least the commune's languages")
    text: dict[Language, Text] = Field(min_length=1, description="per language; at least the commune's languages")
    amount_cents: Cents
    envelopes: list[EnvelopeRequest] = Field(default_factory=list, max_length=50,
                                             description="empty: one envelope, the whole commune; else their amounts "
                                                         "add up to `amount_cents`")
    ballot: BallotRules
    minimum_age: int | None = Field(default=None, ge=0, le=120, description="shown to residents; a note, not checked")
    support_threshold: int = Field(default=1, ge=1, le=100_000,
                                   description="supports that move a proposal to the review queue")
    rule: RuleName = Field(default="equalshares/add1",
                           description="the method deciding; greedy is computed beside it in any case")
    dates: PhaseDates

    @model_validator(mode="after")
    def _coherent(self) -> "EditionRequest":
        if self.envelopes:
            if len({e.id for e in self.envelopes}) != len(self.envelopes):
                raise ValueError("envelope ids repeat")
            named = [n for e in self.envelopes for n in e.neighbourhood_ids]
            if len(set(named)) != len(named):
                raise ValueError("a neighbourhood is in two envelopes")
            if sum(e.amount_cents for e in self.envelopes) != self.amount_cents:
                raise ValueError("the envelopes' amounts must add up to amount_cents")
        return self


class EditionEdit(EditionRequest):
    version: int = Field(ge=1, description="the version seen; a later edit makes this a 409")


class PhaseChange(Model):
    model_config = ConfigDict(extra="forbid")
    phase: Phase = Field(description="the next phase (phases only move forward, one at a time)")
    version: int = Field(ge=1, description="the version seen; a later change makes this a 409")


class BudgetProposalRequest(Model):
    model_config = ConfigDict(extra="forbid")
    title: Name
    description: Text
    category: Category
    estimated_cents: Cents
    location: Point | None = Field(default=None, description="inside the commune")
    photo_ids: list[Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]] = Field(
        default_factory=list, max_length=4, description="photos uploaded first (POST /api/v1/photos)")


class ReviewDecision(Model):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["feasible", "not_feasible"]
    final_cents: Cents | None = Field(default=None, description="the commune's cost; required when feasible")
    reason: Reason = Field(description="shown to residents")

    @model_validator(mode="after")
    def _cost_when_feasible(self) -> "ReviewDecision":
        if self.decision == "feasible" and self.final_cents is None:
            raise ValueError("a feasible proposal needs final_cents")
        return self


class ProposalMerge(Model):
    model_config = ConfigDict(extra="forbid")
    into: ProposalId = Field(description="the proposal that stays; this one's supports move to it")
    reason: Reason


class BallotRequest(Model):
    """Project id -> points (approval ballots: 1). Sending again replaces the ballot."""

    model_config = ConfigDict(extra="forbid")
    choices: dict[ProposalId, Annotated[int, Field(ge=1, le=1000)]] = Field(
        max_length=MAX_ON_BALLOT, json_schema_extra={"additionalProperties": False})


class PaperCardsRequest(Model):
    """Voting cards to print, one per person: those named, and every verified resident of the addresses named (the
    PDF keeps the cards of one address together)."""

    model_config = ConfigDict(extra="forbid")
    user_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=500, description="verified residents of the scope who asked for a card")
    address_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=200, description="addresses whose verified residents each get a card")
    language: Language = "fr"

    @model_validator(mode="after")
    def _someone(self) -> "PaperCardsRequest":
        if not self.user_ids and not self.address_ids:
            raise ValueError("name user_ids or address_ids")
        return self


class PaperBallotRequest(BallotRequest):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=20)] = Field(
        description="the one-time code printed on the voting card")


class ImplementationRequest(Model):
    model_config = ConfigDict(extra="forbid")
    state: ImplementationState
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    photo_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")] | None = None


class ProposalDocumentRequest(Model):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120,
                                           pattern=r"^[^/\\\x00-\x1f]+$")]
    content_type: Literal["application/pdf"]
    size: int = Field(gt=0, description="bytes; at most 20 MiB (larger answers 413)",
                      json_schema_extra={"maximum": MAX_DOCUMENT_BYTES})


class ProposalDocumentStarted(Model):
    url: str = Field(description="POST the file here, as multipart form data with `fields` first")
    fields: dict[str, str]
    max_bytes: int


class ProposalDocumentLink(Model):
    url: str = Field(description="presigned GET, valid 5 minutes")
    name: str


class ProposalDocument(Model):
    name: str
    size: int
    status: Literal["waiting", "ready", "failed"]
    reason: str | None = None


class PublishResultsRequest(Model):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)


class EditionPath(Model):
    lau2: Lau2
    edition_id: EditionId


class ProposalPath(Model):
    lau2: Lau2
    edition_id: EditionId
    proposal_id: ProposalId


class ProposalPhotoPath(ProposalPath):
    photo_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]


# --- responses ------------------------------------------------------------------------------

class Envelope(Model):
    id: str
    name: dict[str, str]
    neighbourhood_ids: list[str] = Field(description="empty: the whole commune")
    amount_cents: int


class EditionPublic(Model):
    id: str
    lau2: str
    version: int
    phase: Phase
    name: dict[str, str]
    text: dict[str, str]
    amount_cents: int
    envelopes: list[Envelope]
    ballot: BallotRules
    minimum_age: int | None
    support_threshold: int
    rule: RuleName
    dates: PhaseDates
    results_published: bool
    imported: bool = Field(default=False, description="loaded from a pabulib file (`./noper budget import`)")
    created_at: datetime


class EditionList(Model):
    editions: list[EditionPublic]


class Implementation(Model):
    state: ImplementationState
    note: str
    photo_id: str | None
    at: datetime


class ProposalPublic(HiddenFields):
    """A proposal a moderator hid (`hidden`, with its reason) is listed and shown to its author and the commune's
    budget staff only."""

    id: str
    edition_id: str
    envelope_id: str
    title: str
    description: str
    category: str
    estimated_cents: int
    final_cents: int | None
    location: Point | None = Field(description="the centre of the location's cell")
    photo_ids: list[str]
    author_name: str | None = Field(description="null once the author erased their account")
    supports: int
    status: ProposalStatus
    reason: str | None = Field(description="the commune's reason for its review decision or merge")
    merged_into: str | None
    implementation: Implementation | None
    funded: bool | None = Field(default=None, description="once the results are published: whether they fund it "
                                                          "(projects on the ballot only)")
    document: ProposalDocument | None = Field(default=None, description="its PDF (GET …/document for a link)")
    comment_count: int = 0
    mine: bool = False
    supported: bool | None = Field(default=None, description="whether I support it (one proposal's page only)")
    created_at: datetime


class ProposalList(Model):
    proposals: list[ProposalPublic]


class Support(Model):
    proposal_id: str
    supports: int
    status: ProposalStatus


class MyBallot(Model):
    edition_id: str
    envelope_id: str
    voted: bool
    channel: Literal["online", "paper"] | None = None
    choices: dict[str, int] = Field(description="my choices (only I see them); empty until I vote")
    budget_cents: int = Field(description="my envelope's amount")


class PaperBallotEntered(Model):
    edition_id: str
    envelope_id: str
    entered: bool = True


class Totals(Model):
    """Live totals while voting (staff): never who voted what."""

    edition_id: str
    ballots: dict[str, int] = Field(description="envelope -> ballots cast")
    points: dict[str, int] = Field(description="proposal -> votes (approval) or points (cumulative)")


class ProjectResult(Model):
    proposal_id: str
    title: str
    cost_cents: int
    votes: int = Field(description="supporters on the ballots (cumulative: points in `points`)")
    points: int
    funded: bool
    funded_by_greedy: bool
    explanation: dict = Field(description="the rule's explanation (effective support, who paid, why not)")


class EnvelopeResult(Model):
    envelope_id: str
    budget_cents: int
    ballots: int
    rule: str
    selected: list[str]
    spent_cents: int
    greedy_selected: list[str]
    greedy_spent_cents: int
    lot: list[str] = Field(description="the tie-break order drawn before the computation")
    comparison: dict | None
    projects: list[ProjectResult]


class ResultsPublic(Model):
    edition_id: str
    published: bool
    computed_at: datetime | None
    envelopes: list[EnvelopeResult]


class CardsPrinted(Model):
    cards: int


# --- stored ---------------------------------------------------------------------------------

class EditionItem(Entity):
    """pk=BUDGET#<id>, sk=EDITION; gsi1pk=COMMUNE#<lau2>#BUDGETS, gsi1sk=<id> (the commune's editions)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    edition_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    version = NumberAttribute()
    phase = UnicodeAttribute()
    name = JSONAttribute()
    text = JSONAttribute()
    amount_cents = NumberAttribute()
    envelopes = JSONAttribute()  # [{id, name, neighbourhood_ids, amount_cents}]; [] = the whole commune
    ballot = JSONAttribute()
    minimum_age = NumberAttribute(null=True)
    support_threshold = NumberAttribute()
    rule = UnicodeAttribute()
    dates = JSONAttribute()  # phase -> ISO time
    results_computed_at = UTCDateTimeAttribute(null=True)
    results_published_at = UTCDateTimeAttribute(null=True)
    imported = NumberAttribute(default=0)
    # The amounts' unit for the results' arithmetic, in cents: 1 for editions made here (Add1 raises shares by a
    # cent), 100 for one imported from a pabulib file in whole currency units (Add1 by a unit, as the file's outcome).
    unit_cents = NumberAttribute(default=1)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(edition_id: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", "EDITION"

    @staticmethod
    def commune_list(lau2: str) -> str:
        return f"COMMUNE#{lau2}#BUDGETS"


class ProposalItem(HideableEntity):
    """pk=BUDGET#<edition>, sk=PROPOSAL#<id>; gsi1pk=BUDGET_AUTHOR#<user_id>, gsi1sk=<edition>#<id> (your data).
    A piece of content of the kernel (kind `budget_proposal`, chalicelib/budget/discussion.py): its comments."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    proposal_id = UnicodeAttribute()
    edition_id = UnicodeAttribute()
    envelope_id = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    category = UnicodeAttribute()
    estimated_cents = NumberAttribute()
    final_cents = NumberAttribute(null=True)
    location_cell = UnicodeAttribute(null=True)
    photo_ids = ListAttribute(of=UnicodeAttribute, default=list)
    supports = NumberAttribute(default=0)
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    merged_into = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    implementation = JSONAttribute(null=True)
    funded = BooleanAttribute(null=True)  # set when the results are published (feasible projects only)
    version = NumberAttribute(default=1)
    document = JSONAttribute(null=True)  # its PDF: name, size, status (waiting|ready|failed), reason
    neighbourhood_id = UnicodeAttribute(null=True)  # the proposer's: where its comments count (none when imported)
    comment_count = NumberAttribute(default=0)
    thanks_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()

    PREFIX = "PROPOSAL#"

    @classmethod
    def key(cls, edition_id: str, proposal_id: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"{cls.PREFIX}{proposal_id}"

    @staticmethod
    def author(user_id: str) -> str:
        return f"BUDGET_AUTHOR#{user_id}"


class SupportItem(Entity):
    """pk=BUDGET#<edition>, sk=SUPPORT#<proposal>#<user_id>: one resident's support, once (conditional put);
    gsi1pk=BUDGET_SUPPORTER#<user_id>, gsi1sk=<edition>#<proposal> (your data, the digest's progress news)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    edition_id = UnicodeAttribute()
    proposal_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(edition_id: str, proposal_id: str, user_id: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"SUPPORT#{proposal_id}#{user_id}"

    @staticmethod
    def supporter(user_id: str) -> str:
        return f"BUDGET_SUPPORTER#{user_id}"


class BallotItem(Entity):
    """pk=BUDGET#<edition>, sk=BALLOT#<HMAC of the voter>: one secret ballot. No user id, no time: only the voter
    (who holds the session the key is computed from) finds it; staff see only totals (TallyItem)."""

    envelope_id = UnicodeAttribute()
    choices = JSONAttribute()  # proposal id -> points
    version = NumberAttribute()

    PREFIX = "BALLOT#"

    @classmethod
    def key(cls, edition_id: str, voter_key: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"{cls.PREFIX}{voter_key}"


class VotedItem(Entity):
    """pk=BUDGET#<edition>, sk=VOTED#<user_id>: this resident has voted (online or on paper); no choice.
    gsi1pk=BUDGET_VOTER#<user_id>, gsi1sk=<edition> (your data). Online and paper ballots both condition on it."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    edition_id = UnicodeAttribute()
    channel = UnicodeAttribute()  # online | paper
    first_at = UTCDateTimeAttribute()
    # Where the voter lived when first voting: the week's `ballots` counter counted there (`indicators rebuild` too).
    neighbourhood_id = UnicodeAttribute(null=True)

    @staticmethod
    def key(edition_id: str, user_id: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"VOTED#{user_id}"

    @staticmethod
    def voter(user_id: str) -> str:
        return f"BUDGET_VOTER#{user_id}"


class TallyItem(Entity):
    """pk=BUDGET#<edition>, sk=TALLY#<envelope>#<proposal> (points) and TALLY#<envelope>#~ballots: atomic ADDs in
    each ballot's transaction."""

    count = NumberAttribute(default=0)
    voters = NumberAttribute(default=0)
    lau2 = UnicodeAttribute(null=True)  # the edition's commune: staff's totals are one Query

    BALLOTS = "~ballots"

    @staticmethod
    def key(edition_id: str, envelope_id: str, name: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"TALLY#{envelope_id}#{name}"


class CardItem(Entity):
    """pk=BUDGET#<edition>, sk=CARD#<keyed hash of the code>: a paper voting card for one resident; `used` once."""

    edition_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    envelope_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute(null=True)  # the holder's, when printed: where a paper ballot is counted
    printed_by = UnicodeAttribute()
    printed_at = UTCDateTimeAttribute()
    used = NumberAttribute(default=0)

    @staticmethod
    def key(edition_id: str, code_hash: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"CARD#{code_hash}"


class ResultItem(Entity):
    """pk=BUDGET#<edition>, sk=RESULT#<envelope>: the computed outcome of one envelope (EnvelopeResult's fields)."""

    envelope_id = UnicodeAttribute()
    result = JSONAttribute()
    computed_at = UTCDateTimeAttribute()

    @staticmethod
    def key(edition_id: str, envelope_id: str) -> tuple[str, str]:
        return f"BUDGET#{edition_id}", f"RESULT#{envelope_id}"


class ProgressItem(Entity):
    """pk=COMMUNE#<lau2>#BUDGET_PROGRESS, sk=<ISO time>#<proposal>: a funded project's progress as staff posted it,
    with its supporters' ids at that moment, so that the weekly digest reads the commune's week of progress in one
    Query and tells each supporter (chalicelib/digest/content.py). Kept 60 days (ttl)."""

    edition_id = UnicodeAttribute()
    proposal_id = UnicodeAttribute()
    title = UnicodeAttribute()
    state = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    supporters = UnicodeSetAttribute(null=True)
    at = UTCDateTimeAttribute()

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#BUDGET_PROGRESS"
