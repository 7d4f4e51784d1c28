"""Digest routes: request and response models (counts only: whoever triggers a run reads no content)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.neighbourhoods.models import NeighbourhoodId
from chalicelib.posts.models import PostId

IsoWeek = Annotated[str, StringConstraints(pattern=r"^\d{4}-W\d{2}$")]


class PaperDigestQuery(Model):
    model_config = ConfigDict(extra="forbid")
    week: IsoWeek | None = Field(default=None, description="ISO week, e.g. 2026-W48; default: last week")
    language: Language = Field(default="lb", description="the language to print in")


class DigestRunRequest(Model):
    model_config = ConfigDict(extra="forbid")
    week: IsoWeek | None = Field(default=None, description="ISO week, e.g. 2026-W48; default: last week")
    neighbourhood_id: NeighbourhoodId | None = Field(default=None, description="only this neighbourhood of the commune")
    dry_run: StrictBool = Field(default=False, description="count what would be sent; send nothing, mark nothing")


class DigestRunReport(Model):
    week: str
    dry_run: bool
    neighbourhoods: int
    residents: int
    sent: int = Field(description="emails sent now (0 in a dry run)")
    would_send: int = Field(description="dry run: emails that would be sent")
    already_sent: int
    nothing_new: int = Field(description="residents whose week held nothing: no email")
    not_wanted: int = Field(description="residents who turned the digest off")
    read_everything: int = Field(description="residents who had seen everything of their week in their feed (and "
                                             "keep the choice to skip the digest then)")
    failed: int = Field(description="not sent because the mail service failed; a new run retries them")


class FeedSeen(Model):
    model_config = ConfigDict(extra="forbid")
    post_id: PostId = Field(description="the newest post on the first page of my feed")
