"""The commune's indicators for its staff (and a neighbourhood's for its ambassadors, and the headline figures for
anyone when the commune publishes them): aggregates of the weekly counters, never content, small figures hidden.

One dashboard is two Queries however active the commune is (three for a year): its published neighbourhoods
(names, register addresses, verified residents and households kept by ADD), and the weekly counters of the period and
the one before it, every neighbourhood's in the commune's one partition (`COMMUNE#<lau2>#STATS`, docs/data-model.md).
A year and the one before it are 104 weeks of every neighbourhood: their frozen months (`COMMUNE#<lau2>#MONTHS`,
chalicelib/indicators/snapshots.py) stand in for their weeks, and only the weeks of months not frozen yet are read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.adapters.clock import now
from chalicelib.communes.models import load_commune
from chalicelib.content.counters import (
    COUNTERS, MonthStatsItem, WeekStatsItem, iso_week, month_of_week, month_weeks, week_start,
)
from chalicelib.errors import NotFound
from chalicelib.indicators import figures as f
from chalicelib.indicators.models import (
    Dashboard, Figure, IndicatorsQuery, NeighbourhoodFigures, PublicIndicators, WeekPoint,
)
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.policy import commune_of
from chalicelib.store.table import query_all

SERIES_FIGURES = ("weekly_active", "posts", "comments", "messages", "exchanges", "volunteer_actions",
                  "volunteer_hours", "new_verified")
HEADLINE = ("verified", "households", "adoption", "weekly_active", "weekly_active_share", "households_active_share",
            "posts", "messages", "exchanges", "volunteer_actions", "volunteer_hours", "help_answered_48h_share",
            "help_solved_share")


def period_bounds(period: str, until: date) -> tuple[date, date]:
    """The Monday-to-Sunday span of ISO weeks making the period that holds `until`: its week; the weeks whose
    Thursday falls in its month; or in its year."""
    if period == "week":
        start = until - timedelta(days=until.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        first, last = until.replace(day=1), (until.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        first, last = date(until.year, 1, 1), date(until.year, 12, 31)
    # The Monday of the week whose Thursday is the first day on or after `first`; likewise for the end.
    start = first + timedelta(days=(3 - first.weekday()) % 7) - timedelta(days=3)
    end = last - timedelta(days=(last.weekday() - 3) % 7) + timedelta(days=3)
    return start, end


def previous_bounds(period: str, start: date) -> tuple[date, date]:
    """The period just before the one starting on `start` (its first week's Thursday is in its month and year)."""
    thursday = start + timedelta(days=3)
    before = {"week": start - timedelta(days=1), "month": thursday.replace(day=1) - timedelta(days=1),
              "year": date(thursday.year - 1, 7, 1)}[period]
    return period_bounds(period, before)


def weeks_between(start: date, end: date) -> list[str]:
    return [iso_week(start + timedelta(days=7 * n)) for n in range((end - start).days // 7 + 1)]


def read_neighbourhoods(lau2: str) -> list[NeighbourhoodItem]:
    """Query 1: the commune's published neighbourhoods with their gauges."""
    return list(NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)))


def read_months(lau2: str, first: date, last: date) -> list[dict[str, Any]]:
    """Query 3 of a year's dashboard: every neighbourhood's frozen months from `first`'s to `last`'s (raw items)."""
    return query_all(MonthStatsItem.partition(lau2), MonthStatsItem.sk.between(
        f"{first.strftime('%Y-%m')}#", f"{last.strftime('%Y-%m')}#~"))


def read_weeks(lau2: str, first_week: str, last_week: str) -> list[dict[str, Any]]:
    """Query 2: every neighbourhood's counters of the weeks `first_week`..`last_week` (sk `<week>#<nbh>`), raw: a
    dashboard reads thousands of counters, and PynamoDB's models would double its time."""
    return query_all(WeekStatsItem.partition(lau2), WeekStatsItem.sk.between(f"{first_week}#", f"{last_week}#~"))


def _counts(raw: dict[str, Any]) -> dict[str, float]:
    return {name: float(raw[name]["N"]) if name in raw else 0.0 for name in COUNTERS}


def _split(raw: dict[str, Any]) -> tuple[str, str]:
    """(week or month, neighbourhood id) of a raw week's or month's item."""
    label, nbh_id = raw["sk"]["S"].split("#", 1)
    return label, nbh_id


@dataclass(frozen=True)
class Block:
    """Counters of one neighbourhood over whole ISO weeks `first`..`last`: a week's item, or a frozen month's."""

    neighbourhood_id: str
    first: str
    last: str
    item: dict[str, float]  # its counters (`figures.counts_of`)


def _blocks(weeks: list[dict[str, Any]], months: list[dict[str, Any]]) -> list[Block]:
    """Frozen months, and the weeks they do not hold."""
    blocks, covered = [], set()
    for month in months:
        label, nbh_id = _split(month)
        first, last, _ = month_weeks(label)
        blocks.append(Block(nbh_id, first, last, _counts(month)))
        covered.add((nbh_id, label))
    for raw in weeks:
        week, nbh_id = _split(raw)
        if (nbh_id, month_of_week(week)) not in covered:
            blocks.append(Block(nbh_id, week, week, _counts(raw)))
    return blocks


def dashboard(lau2: str, query: IndicatorsQuery, only: str | None = None) -> Dashboard:
    """The period's figures per neighbourhood (or only `only`'s) and for the commune, with the previous period's
    and the weekly series; neighbourhood figures under 5 hidden, with complementary suppression."""
    until = query.to or now().date()
    start, end = period_bounds(query.period, until)
    previous_start, previous_end = previous_bounds(query.period, start)
    series_start = end - timedelta(days=7 * 11 + 6)  # 12 weeks of series
    nbhs = read_neighbourhoods(lau2)
    if only is not None and only not in {n.id for n in nbhs}:
        raise NotFound("No such neighbourhood.", {"neighbourhood_id": "not found"})
    months: list[dict[str, Any]] = []
    # A past period's gauges (verified residents, households) are today's less what the weeks since added: read on
    # to this week (nothing more for the current period, the dashboard's usual one).
    first_read, last_read = min(previous_start, series_start), max(end, now().date())
    if query.period == "year":  # two years of weeks: their frozen months instead, and the weeks of the others
        months = read_months(lau2, previous_start + timedelta(days=3), last_read)
        frozen = {_split(m)[0] for m in months}
        first_read = min(series_start, _first_unfrozen_week(previous_start, last_read, frozen))
    weeks = read_weeks(lau2, iso_week(first_read), iso_week(last_read))
    blocks = _blocks(weeks, months)
    current, previous = (iso_week(start), iso_week(end)), (iso_week(previous_start), iso_week(previous_end))
    count, count_before = len(weeks_between(start, end)), len(weeks_between(previous_start, previous_end))
    places, before = _places(nbhs, blocks, current, count), _places(nbhs, blocks, previous, count_before)
    commune_now = _commune(places, blocks, current, count)
    commune_before = _commune(before, blocks, previous, count_before)
    hidden = f.suppress({p: v["figures"] for p, v in places.items()}, {p: v["counts"] for p, v in places.items()})
    hidden_before = f.suppress({p: v["figures"] for p, v in before.items()}, {p: v["counts"] for p, v in before.items()})
    names = {n.id: n.name for n in nbhs}
    rows = [NeighbourhoodFigures(id=nbh_id, name=names[nbh_id], address_count=int(places[nbh_id]["addresses"]),
                                 figures={name: _figure(places[nbh_id]["figures"][name], name in hidden[nbh_id],
                                                        before[nbh_id]["figures"][name], name in hidden_before[nbh_id])
                                          for name in f.FIGURES})
            for nbh_id in sorted(places, key=lambda i: names[i]) if only in (None, nbh_id)]
    commune = None if only else {name: _figure(commune_now[name], False, commune_before[name], False)
                                 for name in f.FIGURES}
    series = [] if only else _series(weeks, weeks_between(series_start, end))
    return Dashboard(lau2=lau2, period=query.period, start=start, end=end, previous_start=previous_start,
                     previous_end=previous_end, threshold=f.THRESHOLD, commune=commune, neighbourhoods=rows,
                     series=series, groups={k: list(v) for k, v in f.GROUPS.items()})


def _first_unfrozen_week(start: date, end: date, frozen: set[str]) -> date:
    """The Monday of the first week, from `start` on, of a month not frozen (`end` + 1 day when all are)."""
    monday = start
    while monday <= end:
        if month_of_week(iso_week(monday)) not in frozen:
            return monday
        monday += timedelta(days=7)
    return end + timedelta(days=1)


def neighbourhood_dashboard(neighbourhood_id: str, query: IndicatorsQuery) -> Dashboard:
    """An ambassador's view: their neighbourhood's row only, suppressed as in the commune's dashboard."""
    return dashboard(commune_of(neighbourhood_id), query, only=neighbourhood_id)


def public_indicators(lau2: str) -> PublicIndicators:
    """The headline figures of the last 12 weeks, for anyone, when the commune publishes them (else 404)."""
    commune = load_commune(lau2)
    if not getattr(commune, "publish_indicators", False):
        raise NotFound("This commune does not publish its indicators.", {"lau2": "not published"})
    end = now().date() - timedelta(days=now().date().weekday() + 1)  # the last complete week's Sunday
    start = end - timedelta(days=7 * 12 - 1)
    nbhs = read_neighbourhoods(lau2)
    weeks = read_weeks(lau2, iso_week(start), iso_week(end))
    blocks, period, count = _blocks(weeks, []), (iso_week(start), iso_week(end)), len(weeks_between(start, end))
    totals = _commune(_places(nbhs, blocks, period, count), blocks, period, count)
    # A count under 5 is hidden, and so is a share made from one (adoption of 3 households: the register's address
    # count is public, so the share would give the count away).
    counted = {**f.add_up(b.item for b in blocks if period[0] <= b.first and b.last <= period[1]),
               **{name: value for name, value in totals.items() if name in f.COUNTS and value is not None}}
    small = {name for name in HEADLINE
             if (name in f.COUNTS and (totals[name] or 0) < f.THRESHOLD)
             or any((counted.get(source) or 0) < f.THRESHOLD for source in f.DERIVED_FROM.get(name, ()))}
    shown = {name: None if name in small else totals[name] for name in HEADLINE}
    return PublicIndicators(lau2=lau2, name=commune.name, start=start, end=end, neighbourhoods=len(nbhs),
                            figures=shown, threshold=f.THRESHOLD)


def dashboard_csv(lau2: str, query: IndicatorsQuery) -> tuple[str, str]:
    """The dashboard as CSV (UTF-8 with BOM): one row per neighbourhood and one for the commune, a column per
    figure; a hidden figure reads "<5"."""
    board = dashboard(lau2, query)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["neighbourhood_id", "neighbourhood", "period_start", "period_end", *f.FIGURES])
    for row in board.neighbourhoods:
        writer.writerow([row.id, row.name, board.start, board.end,
                         *[f"<{f.THRESHOLD}" if row.figures[n].suppressed else _cell(row.figures[n].value)
                           for n in f.FIGURES]])
    writer.writerow(["", "commune", board.start, board.end, *[_cell((board.commune or {})[n].value) for n in f.FIGURES]])
    return f"noper-indicators-{lau2}-{board.period}-{board.start}.csv", "\ufeff" + out.getvalue()


# --- inside ---------------------------------------------------------------------------------

def _cell(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _figure(value: float | None, hidden: bool, before: float | None, hidden_before: bool) -> Figure:
    value, before = (None if hidden else value), (None if hidden_before else before)
    change = round(value - before, 4) if value is not None and before is not None else None
    return Figure(value=value, suppressed=hidden, previous=before, change=change)


def _gauges(nbh: NeighbourhoodItem) -> tuple[float, float, float]:
    return float(nbh.member_count or 0), float(nbh.household_count or 0), float(nbh.address_count or 0)


def _places(nbhs: list[NeighbourhoodItem], blocks: list[Block], period: tuple[str, str],
            weeks: int) -> dict[str, dict[str, Any]]:
    """Per neighbourhood: its summed counters over the `period`'s weeks (first, last) and its figures. Gauges (verified
    residents, households) are today's, less what the weeks after the period added (so a past period shows its end)."""
    first, last = period
    out: dict[str, dict[str, Any]] = {}
    by_place: dict[str, list[Block]] = {}
    for block in blocks:
        by_place.setdefault(block.neighbourhood_id, []).append(block)
    for nbh in nbhs:
        mine = by_place.get(nbh.id, [])
        counts = f.add_up(b.item for b in mine if first <= b.first and b.last <= last)
        later = f.add_up(b.item for b in mine if b.first > last)
        verified, households, addresses = _gauges(nbh)
        verified -= later["verified_gained"] - later["verified_lost"]
        households -= later["households_gained"] - later["households_lost"]
        out[nbh.id] = {"counts": {**counts, "verified": verified, "households": households}, "addresses": addresses,
                       "figures": f.figures(counts, weeks=weeks, verified=max(verified, 0),
                                            households=max(households, 0), address_count=addresses)}
    return out


def _commune(places: dict[str, dict[str, Any]], blocks: list[Block], period: tuple[str, str],
             weeks: int) -> dict[str, float | None]:
    """The commune's figures: every counter of the partition (its own, `<lau2>-commune`, and neighbourhoods no longer
    published included), the gauges of its published neighbourhoods (`places`, from `_places`)."""
    first, last = period
    counts = f.add_up(b.item for b in blocks if first <= b.first and b.last <= last)
    verified = households = addresses = 0.0
    for place in places.values():
        verified += place["counts"]["verified"]
        households += place["counts"]["households"]
        addresses += place["addresses"]
    return f.figures(counts, weeks=weeks, verified=max(verified, 0), households=max(households, 0),
                     address_count=addresses)


def _series(weeks: list[dict[str, Any]], span: list[str]) -> list[WeekPoint]:
    """The commune's weekly series (commune totals only: no neighbourhood's small weeks)."""
    by_week: dict[str, list[dict[str, float]]] = {}
    for raw in weeks:
        by_week.setdefault(_split(raw)[0], []).append(_counts(raw))
    points = []
    for week in span:
        counts = f.add_up(by_week.get(week, []))
        values = {**counts, "new_verified": counts["verified_gained"]}
        points.append(WeekPoint(week=week, start=week_start(week), figures={n: values[n] for n in SERIES_FIGURES}))
    return points
