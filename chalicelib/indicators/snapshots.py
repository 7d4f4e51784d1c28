"""Monthly snapshots, frozen at each month's end so that a year's report never changes when data is corrected later,
and the operator's record of what Noper cost to run each month.

A month's snapshot of a neighbourhood (`MonthStatsItem`, pk `COMMUNE#<lau2>#MONTHS`, sk `<YYYY-MM>#<nbh id>`) is
the sum of the weekly counters of the ISO weeks whose Thursday falls in the month, with the neighbourhood's verified
residents, households and register addresses at the month's end. It is written once, on condition that it does not
exist: the scheduled step (`app.py` indicator_snapshots, on the first days of each month) and `./noper indicators
freeze` may run again and again, or at once, and never change a frozen month.

Running costs (`CostItem`, pk `NOPER#COSTS`, sk `<YYYY-MM>`): the deployment's AWS bill of the month in euros, set by
the operator (`./noper costs set --month 2026-11 --eur 4.20`); the yearly report divides the year's sum by the
communes and the verified residents the deployment serves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError

from chalicelib.adapters.clock import now
from chalicelib.content.counters import COUNTERS, MonthStatsItem, WeekStatsItem, month_weeks
from chalicelib.indicators import figures as f
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.observability import logger
from chalicelib.store.table import Entity, condition_failed


class CostItem(Entity):
    """pk `NOPER#COSTS`, sk `<YYYY-MM>`: the deployment's AWS bill that month (euros, as the operator read it)."""

    month = UnicodeAttribute()
    eur = NumberAttribute()
    set_at = UTCDateTimeAttribute()

    PARTITION = "NOPER#COSTS"


def freeze_month(lau2: str, month: str) -> int:
    """Write the month's snapshot of each published neighbourhood, unless written before. Two Queries: the
    neighbourhoods, and the weeks from the month's first to now (the weeks after it take back what they changed of
    the gauges). Answers how many snapshots it wrote now."""
    first, last, count = month_weeks(month)
    nbhs = list(NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)))
    weeks = list(WeekStatsItem.query(WeekStatsItem.partition(lau2), WeekStatsItem.sk.between(f"{first}#", "9999")))
    stamp = now()
    written = 0
    for nbh in nbhs:
        mine = [w for w in weeks if w.neighbourhood_id == nbh.id]
        counts = f.add_up(w for w in mine if first <= w.week <= last)
        later = f.add_up(w for w in mine if w.week > last)
        verified = float(nbh.member_count or 0) - (later["verified_gained"] - later["verified_lost"])
        households = float(nbh.household_count or 0) - (later["households_gained"] - later["households_lost"])
        snapshot = MonthStatsItem(*MonthStatsItem.key(nbh.id, month), weeks=count, verified=max(verified, 0),
                                  households=max(households, 0), address_count=int(nbh.address_count or 0),
                                  frozen_at=stamp.isoformat(), **{name: counts[name] for name in COUNTERS})
        try:
            snapshot.save(condition=MonthStatsItem.pk.does_not_exist())
            written += 1
        except PutError as error:
            if not condition_failed(error):
                raise
    logger.info("month frozen", lau2=lau2, month=month, written=written)
    return written


def last_month(moment: datetime | None = None) -> str:
    today = (moment or now()).date()
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def freeze_last_month(moment: datetime | None = None) -> int:
    """The scheduled step: every commune's last month (idempotent)."""
    from chalicelib.communes.service import list_communes

    month = last_month(moment)
    return sum(freeze_month(commune.lau2, month) for commune in list_communes().communes)


def months_of(lau2: str, year: int) -> list[MonthStatsItem]:
    """One Query: the year's frozen months of every neighbourhood."""
    return list(MonthStatsItem.query(MonthStatsItem.partition(lau2),
                                     MonthStatsItem.sk.between(f"{year}-01#", f"{year}-12#~")))


def set_cost(month: str, eur: float) -> CostItem:
    item = CostItem(CostItem.PARTITION, month, month=month, eur=round(eur, 2), set_at=now())
    item.save()
    return item


def costs_of(year: int) -> dict[str, float]:
    return {item.month: float(item.eur) for item in
            CostItem.query(CostItem.PARTITION, CostItem.sk.between(f"{year}-01", f"{year}-12"))}
