"""Bench: a neighbourhood's calendar window with 50 and with 5,000 events (target ratio <= 1.2), and the personal
.ics feed of a resident of the busy one.

    PYTHONPATH=. .venv/bin/python bench/events.py [--small 50] [--large 5000] [--requests 200]

Starts its own DynamoDB Local in memory (as tests/conftest.py does) and writes, with BatchWriteItem, events in the
item shapes the events code makes (`EventItem` and its calendar entries from `chalicelib.events.calendar.entries`)
into two neighbourhoods of one table. Both hold the same 50 events in the window read (31 days, what the agenda
asks for: 45 single events and 5 weekly series); the busy one holds 4,950 more around it, over two years back and
two years ahead (one in ten a monthly series), as years of a lively neighbourhood's calendar would. The window is
then read through `events.service.neighbourhood_calendar`, the function the route calls, every page of it,
alternating between the two neighbourhoods request by request so that the machine's load weighs on both alike.
Prints the median and p95 latency, the read capacity a window consumed (ReturnConsumedCapacity=TOTAL added to
every Query by a botocore hook, bench/feed.py) and the Queries it took, then the ratios 5,000 / 50; then the
personal feed (`events.feeds.personal_feed`) of a resident of the busy neighbourhood: its size, time and reads.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.feed import batch_write, consumed_read_capacity  # noqa: E402
from ops import stack  # noqa: E402

TABLE = "noper-bench-events"
NBH = "9901-bench"  # + "-<events>"
IN_WINDOW = 50
CONTROL = -1  # the busy neighbourhood again, without events in the window's slack (see `run`)
# What a window reads before `from`: entries from the local midnight starting from's day on (none when `from`
# is a midnight, as here: the control then reads what the busy neighbourhood reads).
SLACK = timedelta(days=1)
CATEGORIES = ("flea_market", "party", "meeting", "walk_sport", "repair_cafe", "children", "culture", "other")


def event_items(nbh: str, starts: list[tuple[datetime, str | None]], first_number: int = 0) -> list[dict]:
    """Events (local start, RRULE or None) as DynamoDB items: the event and its calendar entries."""
    from chalicelib.events import calendar
    from chalicelib.events.models import EventItem
    from chalicelib.events.recurrence import ZONE, to_instant

    items = []
    stamp = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for n, (local, rule) in enumerate(starts, start=first_number):
        event_id = f"{n:026d}"
        starts_at = to_instant(local, ZONE)
        event = EventItem(*EventItem.key(event_id), event_id=event_id, neighbourhood_id=nbh, author_id=f"U-{n % 300}",
                          organisers=[f"U-{n % 300}"], title=f"Event {n:05d}", description="Bring a table and a smile.",
                          category=CATEGORIES[n % len(CATEGORIES)], starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=3), start_local=local.isoformat(), zone=ZONE,
                          place="Place du Marché", reach="neighbourhood", reaches=[], rrule=rule, exceptions={},
                          status="scheduled", sequence=0, created_at=stamp, updated_at=stamp)
        event.last_end = calendar.last_end(event)
        entries = calendar.entries(event)
        event.calendar_keys = [f"{entry.pk}|{entry.sk}" for entry in entries]
        items.append(event.serialize())
        items += [entry.serialize() for entry in entries]
    return items


def window_starts(begin: datetime) -> list[tuple[datetime, str | None]]:
    """The 50 events of the window: 45 single ones spread over its 31 days, 5 weekly series (4 occurrences each)."""
    singles = [(begin + timedelta(hours=14 * n + 9), None) for n in range(IN_WINDOW - 5)]
    series = [(begin + timedelta(days=n, hours=19), "FREQ=WEEKLY;COUNT=4") for n in range(5)]
    return singles + series


def around_starts(begin: datetime, end: datetime, count: int, gap: timedelta = timedelta(0)
                  ) -> list[tuple[datetime, str | None]]:
    """`count` events over two years before `begin` and two years after `end`, about one in ten a monthly series
    (none with an occurrence in the window)."""
    span = timedelta(days=730)
    found = []
    for n in range(count):
        before = n % 2 == 0
        offset = span * ((n // 2) + 0.5) / ((count + 1) // 2)
        local = (begin - gap - offset) if before else (end + offset)
        local = local.replace(minute=0, second=0, microsecond=0)
        # a series before the window ends before it (its 12 months): the window's own events stay its 50
        series = n % 10 == 0 and (not before or offset > timedelta(days=380))
        found.append((local, "FREQ=MONTHLY;COUNT=12" if series else None))
    return found


def measure(neighbourhoods: dict[int, str], query, requests: int) -> dict[int, dict]:
    from chalicelib.events.models import CalendarQuery
    from chalicelib.events.service import neighbourhood_calendar
    from chalicelib.policy import Principal

    def window(nbh: str) -> int:
        principal = Principal(user_id="U-1", lau2="9901", neighbourhood_id=nbh, residence_status="verified")
        shown, cursor = 0, None
        while True:
            page = neighbourhood_calendar(principal, nbh, CalendarQuery.model_validate({**query, "cursor": cursor}))
            shown += len(page.occurrences)
            cursor = page.cursor
            if not cursor:
                return shown

    for _ in range(30):  # warm-up (the JVM of DynamoDB Local, the connection pool)
        for nbh in neighbourhoods.values():
            window(nbh)
    timings: dict[int, list[float]] = {size: [] for size in neighbourhoods}
    units: dict[int, list[float]] = {size: [] for size in neighbourhoods}
    queries: dict[int, list[int]] = {size: [] for size in neighbourhoods}
    shown: dict[int, int] = {}
    for _ in range(requests):
        for size, nbh in neighbourhoods.items():
            with consumed_read_capacity() as used:
                started = time.perf_counter()
                shown[size] = window(nbh)
                timings[size].append((time.perf_counter() - started) * 1000)
            units[size].append(sum(used))
            queries[size].append(len(used))
    return {size: {"median_ms": statistics.median(timings[size]), "p95_ms": statistics.quantiles(timings[size], n=20)[18],
                   "rcu": statistics.mean(units[size]), "queries": statistics.mean(queries[size]),
                   "occurrences": shown[size]}
            for size in neighbourhoods}


def personal_feed(nbh: str, requests: int) -> dict:
    from chalicelib.accounts.models import UserItem
    from chalicelib.adapters.clock import now
    from chalicelib.events.feeds import create_feed, personal_feed as serve
    from chalicelib.policy import Principal

    UserItem(*UserItem.key("U-feed"), user_id="U-feed", email="feed@bench.lu", created_at=now(), lau2="9901",
             neighbourhood_id=nbh, residence_status="verified").save()
    created = create_feed(Principal(user_id="U-feed", lau2="9901", neighbourhood_id=nbh, residence_status="verified"),
                          "https://noper.example")
    secret = created.url.rsplit("/", 2)[-2]
    serve(secret)  # warm-up
    timings, size, units = [], 0, []
    for _ in range(requests):
        with consumed_read_capacity() as used:
            started = time.perf_counter()
            body = serve(secret)
            timings.append((time.perf_counter() - started) * 1000)
        size = len(body)
        units.append(sum(used))
    return {"bytes": size, "vevents": body.count(b"BEGIN:VEVENT"), "median_ms": statistics.median(timings),
            "p95_ms": statistics.quantiles(timings, n=20)[18] if len(timings) >= 20 else max(timings),
            "rcu": statistics.mean(units)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--feed-requests", type=int, default=20)
    args = parser.parse_args()
    with stack.bench_dynamodb(TABLE):
        return run(args.small, args.large, args.requests, args.feed_requests)


def run(small: int, large: int, requests: int, feed_requests: int) -> int:
    from chalicelib.adapters.clock import now
    from chalicelib.store.bootstrap import ensure_table

    assert small >= IN_WINDOW and large > small
    ensure_table(TABLE)
    # The agenda's window: 31 days from a morning a few weeks ahead (local time, Europe/Luxembourg).
    begin = (now() + timedelta(days=40)).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    end = begin + timedelta(days=31)
    neighbourhoods = {size: f"{NBH}-{size}" for size in (small, large, CONTROL)}
    for size, nbh in neighbourhoods.items():
        starts = window_starts(begin) + (
            around_starts(begin, end, large - IN_WINDOW, gap=SLACK) if size == CONTROL else
            around_starts(begin, end, size - IN_WINDOW))
        items = event_items(nbh, starts)
        seconds = batch_write(items, TABLE, f"loading {size:,} events")
        print(f"{size:,} events in {nbh}: {len(items):,} items (events and calendar entries) in {seconds:.1f} s")
    query = {"from": begin.isoformat(timespec="minutes"), "to": end.isoformat(timespec="minutes")}
    print(f"window {query['from']} – {query['to']} (Europe/Luxembourg), read through every page of it")
    results = measure(neighbourhoods, query, requests)
    for size, figures in results.items():
        print(f"{size if size != CONTROL else large:>6,} events{' (control)' if size == CONTROL else ''}: median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
              f"{figures['rcu']:.1f} read capacity units, {figures['queries']:.0f} Query a window, "
              f"{figures['occurrences']} occurrences shown")
    a, b = results[small], results[large]
    print(f"\nratio {large:,} / {small:,} events (target <= 1.2), over {requests} windows each: "
          f"median latency {b['median_ms'] / a['median_ms']:.2f}, p95 latency {b['p95_ms'] / a['p95_ms']:.2f}, "
          f"read capacity {b['rcu'] / a['rcu']:.2f}")
    c = results[CONTROL]
    print(f"control, {large:,} events of which none in the {SLACK.days} days before the window (the key range's slack): "
          f"median latency {c['median_ms'] / a['median_ms']:.2f}, p95 latency {c['p95_ms'] / a['p95_ms']:.2f}, "
          f"read capacity {c['rcu'] / a['rcu']:.2f}")
    feed = personal_feed(neighbourhoods[large], feed_requests)
    print(f"\npersonal .ics feed of a resident of the {large:,}-event neighbourhood (events ending after 30 days ago, starting within 365 days): "
          f"{feed['bytes'] / 1024:.0f} KiB, {feed['vevents']} VEVENTs, median {feed['median_ms']:.0f} ms, "
          f"p95 {feed['p95_ms']:.0f} ms, {feed['rcu']:.1f} read capacity units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
