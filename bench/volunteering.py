"""Bench: a neighbourhood's list of open calls for volunteers in a commune with 2,000 calls across 40
neighbourhoods, against a small commune (2 neighbourhoods, 60 calls): read capacity and latency per page.

    PYTHONPATH=. .venv/bin/python bench/volunteering.py [--calls 2000] [--neighbourhoods 40] [--requests 200]

Starts its own DynamoDB Local in memory (as tests/conftest.py does) and writes, with BatchWriteItem, the copies a
neighbourhood's list reads (`CallEntryItem`, the JSON summary `volunteering.service.summary_of` makes), as
`service.write_entries` writes them: a resident's call in its own neighbourhood's list, a commune service's or
partner's call (one in twenty) in every list of its commune. A quarter of the calls ended over the past year
(their copies stay until the next change; the key range skips them). Each list is then read through
`volunteering.service.neighbourhood_calls`, the function the route calls, every page of it at the web app's page
size (20), alternating between the two communes request by request so that the machine's load weighs on both
alike. Prints, per page, the median and p95 latency and the read capacity a page consumed (ReturnConsumedCapacity=
TOTAL added to every Query by a botocore hook, bench/feed.py), for the first page (full in both communes: what
the Volunteer screen opens with) and over every page, then the ratios large / small on the first page (target
<= 1.2) and the read capacity per call listed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.feed import batch_write, consumed_read_capacity  # noqa: E402
from ops import stack  # noqa: E402

TABLE = "noper-bench-volunteering"
PUBLISHER_SHARE = 20  # one call in twenty is a commune service's or a partner's, in every list of the commune
ENDED_SHARE = 4  # one call in four has ended
PAGE = 20


def commune_items(lau2: str, neighbourhoods: int, calls: int, moment: datetime) -> tuple[list[dict], list[str]]:
    """The list copies of `calls` calls across `neighbourhoods` neighbourhoods of one commune."""
    from chalicelib.volunteering import service
    from chalicelib.volunteering.models import CallEntryItem, CallItem

    names = [f"{lau2}-n{n:02d}" for n in range(neighbourhoods)]
    items = []
    for n in range(calls):
        call_id = f"{lau2}{n:022d}"
        ended = n % ENDED_SHARE == 1
        # open calls end over the coming three months, ended ones over the past year
        first = moment + (-timedelta(days=1 + n % 365) if ended else timedelta(hours=6 + (n * 7) % (90 * 24)))
        publisher = n % PUBLISHER_SHARE == 0
        home = f"{lau2}-commune" if publisher else names[n % neighbourhoods]
        call = CallItem(*CallItem.key(call_id), call_id=call_id, lau2=lau2, neighbourhood_id=home,
                        organisers=[] if publisher else [f"U-{n % 500}"], title=f"Call for volunteers {n:05d}",
                        skills=["event_setup", "cleaning"], pairing="none", status="open", place="Place du Marché",
                        first_start=first - timedelta(hours=4), last_end=first, shift_count=3, needed=8,
                        publisher_name="Service culturel" if publisher else None)
        summary = json.dumps(service.summary_of(call))
        sk = service._entry_sk(call)  # noqa: SLF001 — the sort key write_entries gives a call's copies
        for nbh in (names if publisher else [home]):
            items.append(CallEntryItem(CallEntryItem.partition(nbh), sk, call=summary).serialize())
    return items, names


def measure(lists: dict[str, list[str]], requests: int) -> dict[str, dict]:
    """Every page of each neighbourhood's list (one neighbourhood a request, in turn), per commune."""
    from chalicelib.policy import Principal
    from chalicelib.volunteering.models import CallListQuery
    from chalicelib.volunteering.service import neighbourhood_calls

    def pages(nbh: str) -> list[tuple[float, float, int]]:
        principal = Principal(user_id="U-1", lau2=nbh.split("-")[0], neighbourhood_id=nbh, residence_status="verified")
        found, cursor = [], None
        while True:
            with consumed_read_capacity() as used:
                started = time.perf_counter()
                page = neighbourhood_calls(principal, nbh, CallListQuery(cursor=cursor, limit=PAGE))
                found.append(((time.perf_counter() - started) * 1000, sum(used), len(page.calls)))
            cursor = page.cursor
            if not cursor:
                return found

    for _ in range(20):  # warm-up (the JVM of DynamoDB Local, the connection pool)
        for names in lists.values():
            pages(names[0])
    timings: dict[str, list[float]] = {c: [] for c in lists}
    units: dict[str, list[float]] = {c: [] for c in lists}
    first: dict[str, list[float]] = {c: [] for c in lists}
    first_units: dict[str, list[float]] = {c: [] for c in lists}
    shown: dict[str, list[int]] = {c: [] for c in lists}
    for n in range(requests):
        for commune, names in lists.items():
            read = pages(names[n % len(names)])
            timings[commune] += [ms for ms, _, _ in read]
            units[commune] += [rcu for _, rcu, _ in read]
            first[commune].append(read[0][0])
            first_units[commune].append(read[0][1])
            shown[commune].append(sum(count for _, _, count in read))
    return {c: {"median_ms": statistics.median(timings[c]), "p95_ms": statistics.quantiles(timings[c], n=20)[18],
                "first_median_ms": statistics.median(first[c]), "first_p95_ms": statistics.quantiles(first[c], n=20)[18],
                "first_rcu": statistics.mean(first_units[c]), "rcu": statistics.mean(units[c]),
                "rcu_per_call": sum(units[c]) / max(sum(shown[c]), 1),
                "pages": len(timings[c]) / requests, "calls": statistics.mean(shown[c])} for c in lists}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--neighbourhoods", type=int, default=40)
    parser.add_argument("--small-calls", type=int, default=60)
    parser.add_argument("--small-neighbourhoods", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with stack.bench_dynamodb(TABLE):
        return run(args)


def run(args: argparse.Namespace) -> int:
    from chalicelib.store.bootstrap import ensure_table

    ensure_table(TABLE)
    moment = datetime.now(timezone.utc).replace(microsecond=0)
    communes = {"large": ("9902", args.neighbourhoods, args.calls),
                "small": ("9903", args.small_neighbourhoods, args.small_calls)}
    lists = {}
    for label, (lau2, neighbourhoods, calls) in communes.items():
        items, lists[label] = commune_items(lau2, neighbourhoods, calls, moment)
        seconds = batch_write(items, TABLE, f"loading {calls:,} calls")
        print(f"{label}: {calls:,} calls across {neighbourhoods} neighbourhoods of {lau2}: {len(items):,} list copies "
              f"in {seconds:.1f} s")
    results = measure(lists, args.requests)
    for label, figures in results.items():
        print(f"{label:>5}: {figures['calls']:.0f} open calls a neighbourhood in {figures['pages']:.1f} pages of "
              f"{PAGE}; first page median {figures['first_median_ms']:.1f} ms, p95 {figures['first_p95_ms']:.1f} ms, "
              f"{figures['first_rcu']:.2f} read capacity units; every page median {figures['median_ms']:.1f} ms, "
              f"p95 {figures['p95_ms']:.1f} ms, {figures['rcu']:.2f} units; {figures['rcu_per_call']:.3f} units a call")
    large, small = results["large"], results["small"]
    print(f"\nratio large / small, first page (target <= 1.2), over {args.requests} lists each: "
          f"median latency {large['first_median_ms'] / small['first_median_ms']:.2f}, p95 latency "
          f"{large['first_p95_ms'] / small['first_p95_ms']:.2f}, read capacity {large['first_rcu'] / small['first_rcu']:.2f}"
          f"; read capacity a call listed {large['rcu_per_call'] / small['rcu_per_call']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
