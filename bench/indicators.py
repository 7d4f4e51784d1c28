"""Bench: the commune's indicators dashboard for a commune of 40 neighbourhoods with two years of weekly counters
(target: at most 3 Queries a load, whatever the activity).

    PYTHONPATH=. .venv/bin/python bench/indicators.py [--neighbourhoods 40] [--loads 30]

Starts its own DynamoDB Local in memory and writes two communes with BatchWriteItem, in the shapes the code writes
(`NeighbourhoodItem`, `WeekStatsItem`, `MonthStatsItem` from `chalicelib/content/counters.py`): a quiet one, whose
weeks hold a handful of small counts, and a busy one, whose weeks hold every counter with counts a thousand times
larger (the most a week's item can hold). Each has 40 neighbourhoods, 106 weeks of counters up to this week, and
its past months frozen as the monthly schedule freezes them. Then loads each commune's dashboard for a week, a
month and a year through `indicators.service.dashboard` (what the route calls), alternating the communes load by
load, and prints per load the DynamoDB requests by operation (`chalicelib/store/calls.py`) and the median and p95
time. Exits 1 when a load made more than 3 Queries or any other request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.feed import batch_write  # noqa: E402
from ops import stack  # noqa: E402

TABLE = "noper-bench-indicators"
COMMUNES = {"quiet": "9901", "busy": "9902"}
WEEKS = 106  # two years and this week's
MAX_QUERIES = 3


def commune_items(lau2: str, neighbourhoods: int, busy: bool) -> list[dict]:
    from chalicelib.adapters.clock import now
    from chalicelib.content.counters import COUNTERS, MonthStatsItem, WeekStatsItem, iso_week, month_of_week
    from chalicelib.indicators import figures as f
    from chalicelib.neighbourhoods.models import NeighbourhoodItem

    stamp = now()
    items = []
    quiet = ("posts", "posts_discussion", "comments", "messages", "weekly_active", "thanks")
    by_month: dict[tuple[str, str], list[WeekStatsItem]] = {}
    this_month = stamp.strftime("%Y-%m")
    for n in range(neighbourhoods):
        nbh_id = f"{lau2}-nbh{n:02d}"
        items.append(NeighbourhoodItem(*NeighbourhoodItem.key(lau2, nbh_id), id=nbh_id, lau2=lau2, name=f"Quartier {n:02d}",
                                       address_count=400 + n, cells=[], version=1, published_at=stamp,
                                       member_count=1000 if busy else 3 + n, household_count=300 if busy else 2 + n,
                                       gsi1pk=f"NBH#{nbh_id}", gsi1sk="NEIGHBOURHOOD").serialize())
        for back in range(WEEKS):
            week = iso_week(stamp - timedelta(days=7 * back))
            names = COUNTERS if busy else quiet
            values = {name: (1000 + back + n) if busy else (back + n) % 7 for name in names}
            item = WeekStatsItem(*WeekStatsItem.key(nbh_id, week), **values)
            items.append(item.serialize())
            by_month.setdefault((nbh_id, month_of_week(week)), []).append(item)
    for (nbh_id, month), weeks in by_month.items():  # past months frozen, as the schedule does
        if month >= this_month or len(weeks) < 4:
            continue
        counts = f.add_up(weeks)
        items.append(MonthStatsItem(*MonthStatsItem.key(nbh_id, month), weeks=len(weeks), verified=1000 if busy else 9,
                                    households=300 if busy else 5, address_count=400, frozen_at=stamp.isoformat(),
                                    **{name: counts[name] for name in COUNTERS}).serialize())
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbourhoods", type=int, default=40)
    parser.add_argument("--loads", type=int, default=30)
    args = parser.parse_args()
    with stack.bench_dynamodb(TABLE):
        return run(args.neighbourhoods, args.loads)


def run(neighbourhoods: int, loads: int) -> int:
    from chalicelib.indicators.models import IndicatorsQuery
    from chalicelib.indicators.service import dashboard
    from chalicelib.store.bootstrap import ensure_table
    from chalicelib.store.calls import count_dynamodb_calls

    ensure_table(TABLE)
    for label, lau2 in COMMUNES.items():
        items = commune_items(lau2, neighbourhoods, busy=label == "busy")
        batch_write(items, TABLE, f"{label} commune ({neighbourhoods} neighbourhoods, {WEEKS} weeks)")
    failed = False
    print(f"\n{'commune':8} {'period':7} {'requests per load':28} {'median ms':>10} {'p95 ms':>8} {'rows':>5}")
    for period in ("week", "month", "year"):
        timings: dict[str, list[float]] = {label: [] for label in COMMUNES}
        calls_seen: dict[str, set[str]] = {label: set() for label in COMMUNES}
        rows = {}
        for _ in range(loads):
            for label, lau2 in COMMUNES.items():
                with count_dynamodb_calls() as calls:
                    started = time.perf_counter()
                    board = dashboard(lau2, IndicatorsQuery(period=period))
                    timings[label].append((time.perf_counter() - started) * 1000)
                calls_seen[label].add(", ".join(f"{n} {op}" for op, n in sorted(calls.items())))
                rows[label] = len(board.neighbourhoods)
                failed |= calls.get("Query", 0) > MAX_QUERIES or set(calls) - {"Query"} != set()
        for label in COMMUNES:
            ordered = sorted(timings[label])
            p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
            print(f"{label:8} {period:7} {' | '.join(sorted(calls_seen[label])):28} "
                  f"{statistics.median(ordered):10.1f} {p95:8.1f} {rows[label]:5}")
    print(f"\ntarget: at most {MAX_QUERIES} Queries a load, the same for the quiet and the busy commune: "
          + ("MISSED" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
