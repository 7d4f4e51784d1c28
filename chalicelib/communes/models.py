"""Commune request, response and stored models (kept apart even while they look alike)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StringConstraints
from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import NotFound
from chalicelib.languages import Language
from chalicelib.models import Model
from chalicelib.store.table import Entity, Gsi1

# LAU2: the commune's code in Luxembourg's registers (four digits, e.g. 0501 Clervaux).
Lau2 = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]


def _known_time_zone(name: str) -> str:
    if name not in available_timezones():
        raise ValueError("unknown time zone")
    return name


def _no_repeats(languages: list[Language]) -> list[Language]:
    if len(set(languages)) != len(languages):
        raise ValueError("a language is listed twice")
    return languages


class CommunePath(Model):
    lau2: Lau2


class CommuneSettings(Model):
    """What staff set for their commune. Later issues add settings here."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    languages: Annotated[list[Language], AfterValidator(_no_repeats)] = Field(
        default=["lb", "fr", "de", "en", "pt"], min_length=1, max_length=5
    )
    time_zone: Annotated[str, AfterValidator(_known_time_zone)] = "Europe/Luxembourg"
    publish_indicators: StrictBool | None = Field(default=None, description="publish the headline indicators on the "
                                            "commune's public page (figures under 5 hidden); off unless the commune "
                                            "opts in; left out: unchanged")


class CommunePublic(Model):
    lau2: str
    name: str
    languages: list[Language]
    time_zone: str
    publish_indicators: bool = False


class CommuneList(Model):
    communes: list[CommunePublic]


class CommuneItem(Entity):
    """pk=COMMUNE#<lau2>, sk=COMMUNE; gsi1pk=COMMUNES, gsi1sk=<name>#<lau2> (alphabetical list)."""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_name = Gsi1()
    lau2 = UnicodeAttribute()
    name = UnicodeAttribute()
    languages = ListAttribute(of=UnicodeAttribute)
    time_zone = UnicodeAttribute()
    publish_indicators = BooleanAttribute(null=True)  # the public headline indicators (chalicelib/indicators/)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return f"COMMUNE#{lau2}", "COMMUNE"

    LIST_KEY = "COMMUNES"

    def public(self) -> CommunePublic:
        return CommunePublic(lau2=self.lau2, name=self.name, languages=self.languages, time_zone=self.time_zone,
                             publish_indicators=bool(self.publish_indicators))


def load_commune(lau2: str) -> CommuneItem:
    """The commune's stored item; 404 when Noper has no such commune (its audit log's reader asks too)."""
    try:
        return CommuneItem.get(*CommuneItem.key(lau2))
    except DoesNotExist:
        raise NotFound(f"No commune {lau2} on Noper.", {"lau2": "unknown commune"}) from None
