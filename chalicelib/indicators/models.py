"""Indicator request and response models (docs/indicators.md defines every figure)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.models import Model

Period = Literal["week", "month", "year"]


class IndicatorsQuery(Model):
    model_config = ConfigDict(extra="forbid")
    period: Period = Field(default="month", description="week (ISO), month (weeks whose Thursday is in it) or year")
    to: date | None = Field(default=None, description="a day in the period shown (default: today)")


class ReportQuery(Model):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2020, le=2100, description="the calendar year of the report")


class Figure(Model):
    value: float | None = Field(description="null when suppressed (fewer than 5) or not defined (no denominator)")
    suppressed: bool = Field(description="true: a neighbourhood's figure under 5, or hidden so a total cannot reveal one")
    previous: float | None = Field(description="the same figure over the previous period (null: suppressed/undefined)")
    change: float | None = Field(description="value - previous, when both are shown")


class NeighbourhoodFigures(Model):
    id: str
    name: str
    address_count: int = Field(description="addresses of the register in the neighbourhood (open data)")
    figures: dict[str, Figure]


class WeekPoint(Model):
    week: str = Field(description="ISO week, e.g. 2026-W48")
    start: date
    figures: dict[str, float] = Field(description="the commune's totals that week")


class Dashboard(Model):
    lau2: str
    period: Period
    start: date = Field(description="Monday of the period's first ISO week")
    end: date = Field(description="Sunday of its last")
    previous_start: date
    previous_end: date
    threshold: int = Field(description="figures under it are shown as 'fewer than' it, per neighbourhood")
    commune: dict[str, Figure] | None = Field(description="the commune's totals (null on a neighbourhood's view)")
    neighbourhoods: list[NeighbourhoodFigures]
    series: list[WeekPoint] = Field(description="the commune's weekly series over at least 12 weeks")
    groups: dict[str, list[str]] = Field(description="the four indicators and their figures, in order")


class PublicIndicators(Model):
    lau2: str
    name: str
    start: date
    end: date
    neighbourhoods: int
    threshold: int
    figures: dict[str, float | None] = Field(description="headline figures of the last 12 complete weeks; counts "
                                                         "under the threshold are null")


class CostRecord(Model):
    month: str
    eur: float
