"""Consultations on planning projects: request, response and stored models (kept apart even while
they look alike). docs/data-model.md lists the keys. Over 400 lines of declarations only: one
consultation's drafts, answers, results and documents, each model next to the ones it mirrors."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal, Union

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints, model_validator
from pynamodb.attributes import (
    JSONAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute,
)

from chalicelib.communes.models import Lau2
from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.posts.models import Point
from chalicelib.store.table import Entity, Gsi1

ConsultationId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]  # chalicelib.adapters.ids.new_id
DocumentId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{26}$")]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,20}$")]
OptionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,20}$")]
Kind = Literal["single", "multiple", "rating", "text"]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
FreeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
CommentText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

MAX_QUESTIONS = 20
MAX_OPTIONS = 10  # per choice question
MAX_COUNTED = 35  # options of all questions together: an answer's counters fit one transaction (100 items)
RATINGS = ("1", "2", "3", "4", "5")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENTS_PER_CONSULTATION = 10


# --- requests -------------------------------------------------------------------------------

class ConsultationOption(Model):
    model_config = ConfigDict(extra="forbid")
    id: OptionId
    label: dict[Language, Label] = Field(min_length=1, description="per language; at least the commune's languages")


class ConsultationQuestion(Model):
    # `_options_fit_the_kind`, as the document states it (option ids unique: said in words)
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "if": {"properties": {"kind": {"enum": ["single", "multiple"]}}},
        "then": {"required": ["options"], "properties": {"options": {"minItems": 2}}},
        "else": {"properties": {"options": {"maxItems": 0}}}})
    id: QuestionId
    kind: Kind = Field(description="single or multiple choice, a 1-5 rating, or free text")
    prompt: dict[Language, Label] = Field(min_length=1, description="per language; at least the commune's languages")
    options: list[ConsultationOption] = Field(default_factory=list, max_length=MAX_OPTIONS,
                                  description="2 to 10 for single and multiple choice; none for rating and text")

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> "ConsultationQuestion":
        choice = self.kind in ("single", "multiple")
        if choice and len(self.options) < 2:
            raise ValueError("a choice question needs at least 2 options")
        if not choice and self.options:
            raise ValueError(f"a {self.kind} question has no options")
        if len({option.id for option in self.options}) != len(self.options):
            raise ValueError("option ids repeat")
        return self


class ConsultationDraft(Model):
    """The body of creating and editing a consultation (editing replaces it whole)."""

    model_config = ConfigDict(extra="forbid")
    title: dict[Language, Title] = Field(min_length=1, description="per language; at least the commune's languages")
    description: dict[Language, Description] = Field(min_length=1,
                                                     description="per language; at least the commune's languages")
    location: Point | None = Field(default=None, description="where the project is; stored as its res-9 H3 cell")
    neighbourhood_ids: list[NeighbourhoodId] = Field(default_factory=list, max_length=100,
                                                     json_schema_extra={"uniqueItems": True},
                                                     description="published neighbourhoods asked; empty: the whole commune")
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    questions: list[ConsultationQuestion] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _coherent(self) -> "ConsultationDraft":
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        if len({q.id for q in self.questions}) != len(self.questions):
            raise ValueError("question ids repeat")
        if len(set(self.neighbourhood_ids)) != len(self.neighbourhood_ids):
            raise ValueError("a neighbourhood is named twice")
        if sum(counted_options_of(q.kind, len(q.options)) for q in self.questions) > MAX_COUNTED:
            raise ValueError(f"at most {MAX_COUNTED} options (ratings count 5) in all")
        return self


class ConsultationEdit(ConsultationDraft):
    """The body of editing: the whole consultation again, with the version it was read at."""

    version: int = Field(ge=1, description="the version seen; a later edit makes this a 409")


def counted_options_of(kind: str, options: int) -> int:
    return 5 if kind == "rating" else options


class ConsultationPath(Model):
    lau2: Lau2
    consultation_id: ConsultationId


class ConsultationDocumentPath(Model):
    lau2: Lau2
    consultation_id: ConsultationId
    document_id: DocumentId


class ResidentConsultationPath(Model):
    neighbourhood_id: NeighbourhoodId
    consultation_id: ConsultationId


class ResidentDocumentPath(Model):
    neighbourhood_id: NeighbourhoodId
    consultation_id: ConsultationId
    document_id: DocumentId


class ConsultationPublishRequest(Model):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, description="the version seen; a later edit makes this a 409")


class ConsultationDocumentRequest(Model):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120,
                                           pattern=r"^[^/\\\x00-\x1f]+$")]
    content_type: Literal["application/pdf"]
    size: int = Field(gt=0, description="bytes; at most 20 MiB (larger answers 413)",
                      json_schema_extra={"maximum": MAX_DOCUMENT_BYTES})


AnswerValue = Union[Annotated[int, Field(ge=1, le=5)], FreeText, list[OptionId]]


class ConsultationAnswers(Model):
    """Answers by question id: an option id (single), option ids (multiple), 1-5 (rating), text.
    Questions left out are not answered; sending again replaces every answer."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[QuestionId, AnswerValue] = Field(min_length=1, max_length=MAX_QUESTIONS,
                                                   json_schema_extra={"additionalProperties": False})


class ConsultationCommentRequest(Model):
    model_config = ConfigDict(extra="forbid")
    text: CommentText


class LanguageQuery(Model):
    model_config = ConfigDict(extra="forbid")
    lang: Language | None = Field(default=None, description="the reader's language; the commune's first by default")


# --- responses ------------------------------------------------------------------------------

class ConsultationDocument(Model):
    id: str
    name: str
    size: int
    status: Literal["waiting", "ready", "failed"]
    reason: str | None = None


class ConsultationDocumentUpload(Model):
    url: str
    fields: dict[str, str]


class ConsultationDocumentUploadStarted(Model):
    document: ConsultationDocument
    upload: ConsultationDocumentUpload
    max_bytes: int


class ConsultationDocumentLink(Model):
    url: str = Field(description="presigned GET, valid 5 minutes")
    name: str


class ConsultationPublic(Model):
    """A consultation with every language version; the web app picks the reader's."""

    id: str
    lau2: str
    status: Literal["draft", "published"]
    state: Literal["draft", "upcoming", "open", "closed"]
    version: int
    title: dict[str, str]
    description: dict[str, str]
    location_cell: str | None
    location: Point | None = Field(default=None, description="the centre of the location's cell")
    neighbourhood_ids: list[str] = Field(description="empty: the whole commune")
    opens_at: datetime
    closes_at: datetime
    questions: list[ConsultationQuestion]
    documents: list[ConsultationDocument]
    created_at: datetime
    published_at: datetime | None


class ConsultationList(Model):
    consultations: list[ConsultationPublic]


class ResidentConsultation(Model):
    consultation: ConsultationPublic
    my_answers: dict[str, int | str | list[str]] | None = Field(description="null until I answer")
    answered_at: datetime | None
    results_available: bool = Field(description="once it has closed")


class ConsultationSummary(Model):
    """One line of a resident's list (and of the weekly digest): in one language."""

    id: str
    title: str
    language: str = Field(description="the language of `title`")
    opens_at: datetime
    closes_at: datetime
    state: Literal["upcoming", "open", "closed"]


class ConsultationSummaryList(Model):
    consultations: list[ConsultationSummary]


class SuppressedCount(Model):
    count: int | None = Field(description="null when suppressed")
    suppressed: bool = Field(description="fewer than 5, or withheld so that one under 5 cannot be worked out")


class ConsultationOptionResult(Model):
    id: str
    label: dict[str, str]
    total: SuppressedCount
    by_neighbourhood: dict[str, SuppressedCount]


class ConsultationQuestionResult(Model):
    id: str
    kind: Kind
    prompt: dict[str, str]
    answered: SuppressedCount
    answered_by_neighbourhood: dict[str, SuppressedCount]
    options: list[ConsultationOptionResult]
    texts: list[str] | None = Field(default=None, description="free-text answers, without their authors (staff "
                                    "only); empty while fewer than `threshold` residents answered the question")
    texts_withheld: bool = Field(default=False, description="true when free-text answers exist but are not shown: "
                                 "fewer than `threshold` residents answered the question (one could be recognised)")


class ConsultationNeighbourhood(Model):
    id: str
    name: str


class ConsultationResults(Model):
    consultation_id: str
    state: Literal["draft", "upcoming", "open", "closed"]
    neighbourhoods: list[ConsultationNeighbourhood]
    respondents: SuppressedCount
    respondents_by_neighbourhood: dict[str, SuppressedCount]
    questions: list[ConsultationQuestionResult]
    threshold: int = Field(description="counts under this are never shown")


class ConsultationComment(Model):
    id: str
    author_name: str | None = Field(description="null once the author erased their account")
    neighbourhood_id: str
    text: str
    created_at: datetime
    mine: bool = False


class ConsultationCommentList(Model):
    comments: list[ConsultationComment]


# --- stored ---------------------------------------------------------------------------------

class ReadyDocumentMap(MapAttribute):
    """A document residents may open, listed on its consultation."""

    document_id = UnicodeAttribute()
    name = UnicodeAttribute()
    size = NumberAttribute()


class ConsultationItem(Entity):
    """pk=CONSULTATION#<id>, sk=CONSULTATION; gsi1pk=COMMUNE#<lau2>#CONSULTATIONS, gsi1sk=<id> (staff's list)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    consultation_id = UnicodeAttribute()
    lau2 = UnicodeAttribute()
    status = UnicodeAttribute()  # draft | published
    version = NumberAttribute()
    title = JSONAttribute()
    description = JSONAttribute()
    location_cell = UnicodeAttribute(null=True)
    neighbourhood_ids = ListAttribute(of=UnicodeAttribute, default=list)
    opens_at = UTCDateTimeAttribute()
    closes_at = UTCDateTimeAttribute()
    questions = JSONAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    published_at = UTCDateTimeAttribute(null=True)
    # Its documents once ready (appended as each is kept), so that a resident's view is one BatchGetItem with their
    # answer; null on consultations written before: their documents are queried (`./noper list-documents` fills it).
    ready_documents = ListAttribute(of=ReadyDocumentMap, null=True)
    # The names of the neighbourhoods it asks (for the whole commune: every published one), id -> name, written
    # with the questionnaire and refreshed after each publication of neighbourhoods (`service.retarget`), so that
    # its results are one Query of its partition; null on consultations written before (`./noper
    # move-consultation-texts` fills it, and moves their free-text answers into the partition).
    neighbourhood_names = JSONAttribute(null=True)

    @staticmethod
    def key(consultation_id: str) -> tuple[str, str]:
        return f"CONSULTATION#{consultation_id}", "CONSULTATION"

    @staticmethod
    def commune_list(lau2: str) -> str:
        return f"COMMUNE#{lau2}#CONSULTATIONS"


class TargetItem(Entity):
    """pk=NBH#<nbh>#CONSULTATIONS (or COMMUNE#<lau2>#CONSULTATIONS#ALL), sk=<closes_at>#<id>: one per
    target of a published consultation (a whole-commune one also in every published neighbourhood's
    partition), carrying what a list shows, so "open for this neighbourhood" is one Query on closes_at.
    Entries written before they carried `title` (null) are read with their consultations."""

    consultation_id = UnicodeAttribute()
    opens_at = UTCDateTimeAttribute()
    closes_at = UTCDateTimeAttribute()
    title = JSONAttribute(null=True)
    languages = ListAttribute(of=UnicodeAttribute, null=True)  # the commune's, for a title's fallback

    @staticmethod
    def partition(neighbourhood_id: str | None, lau2: str) -> str:
        return f"NBH#{neighbourhood_id}#CONSULTATIONS" if neighbourhood_id else f"COMMUNE#{lau2}#CONSULTATIONS#ALL"

    @staticmethod
    def sort_key(closes_at: datetime, consultation_id: str) -> str:
        return f"{stamp(closes_at)}#{consultation_id}"


def stamp(moment: datetime) -> str:
    """A UTC time as a string that sorts like the time."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class DocumentItem(Entity):
    """pk=CONSULTATION#<id>, sk=DOC#<document_id>: a PDF of the project."""

    document_id = UnicodeAttribute()
    consultation_id = UnicodeAttribute()
    name = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute()  # waiting | ready | failed
    reason = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(consultation_id: str, document_id: str) -> tuple[str, str]:
        return f"CONSULTATION#{consultation_id}", f"DOC#{document_id}"


class AnswerItem(Entity):
    """pk=CONSULTATION#<id>, sk=ANSWER#<user_id>: one resident's answers (one per resident: conditional
    writes on `version`); gsi1pk=ANSWERER#<user_id> finds a resident's answers (export, erasure)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    consultation_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()  # where it is counted
    answers = JSONAttribute()
    text_tokens = JSONAttribute(default=dict)  # question id -> sk of its anonymous free-text copy
    version = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(consultation_id: str, user_id: str) -> tuple[str, str]:
        return f"CONSULTATION#{consultation_id}", f"ANSWER#{user_id}"

    @staticmethod
    def answerer(user_id: str) -> str:
        return f"ANSWERER#{user_id}"


class TallyItem(Entity):
    """pk=CONSULTATION#<id>, sk=TALLY#<nbh>#<question>#<option> (also `#~answered` per question and
    TALLY#<nbh>#~respondents): counters kept with atomic ADDs in the answer's transaction."""

    count = NumberAttribute(default=0)

    PREFIX = "TALLY#"
    ANSWERED = "~answered"
    RESPONDENTS = "~respondents"

    @staticmethod
    def key(consultation_id: str, neighbourhood_id: str, *names: str) -> tuple[str, str]:
        return f"CONSULTATION#{consultation_id}", "#".join(("TALLY", neighbourhood_id, *names))


class TextAnswerItem(Entity):
    """pk=CONSULTATION#<id>, sk=TEXT#<question>#<random token>: a free-text answer with no author, for staff
    (the random token keeps the order from telling who wrote when). In the consultation's own partition, after
    its tallies, so that its results are one Query. Written before: pk=CONSULTATION#<id>#TEXTS, sk=<question>#<token>
    (`earlier_partition`; `./noper move-consultation-texts` moves them)."""

    question_id = UnicodeAttribute()
    text = UnicodeAttribute()

    PREFIX = "TEXT#"

    @classmethod
    def key(cls, consultation_id: str, token: str) -> tuple[str, str]:
        """`token` as the answer keeps it (`text_tokens`): <question>#<random>."""
        return f"CONSULTATION#{consultation_id}", f"{cls.PREFIX}{token}"

    @staticmethod
    def earlier_partition(consultation_id: str) -> str:
        return f"CONSULTATION#{consultation_id}#TEXTS"


class CommentItem(Entity):
    """pk=CONSULTATION#<id>, sk=COMMENT#<comment_id>; gsi1pk=CONSULTATION_COMMENTER#<user_id> (export, erasure)."""

    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    comment_id = UnicodeAttribute()
    consultation_id = UnicodeAttribute()
    author_id = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)
    neighbourhood_id = UnicodeAttribute()
    text = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(consultation_id: str, comment_id: str) -> tuple[str, str]:
        return f"CONSULTATION#{consultation_id}", f"COMMENT#{comment_id}"

    @staticmethod
    def commenter(user_id: str) -> str:
        return f"CONSULTATION_COMMENTER#{user_id}"
