"""Bench: a feed page with 1,000 and with 100,000 posts in one neighbourhood (target ratio <= 1.2).

    PYTHONPATH=. .venv/bin/python bench/feed.py [--small 1000] [--large 100000] [--requests 200]

Starts its own DynamoDB Local in memory (as tests/conftest.py does), writes the posts with
BatchWriteItem in the item shapes the posts code makes (`PostItem` and its feed entry from
`chalicelib.posts.service._entries`) into two neighbourhoods of one table (1,000 posts in one, 100,000
in the other), then reads the feed through `posts.service.feed`, the function the route calls: the
first page, and a page deep in history through a cursor (half-way back), alternating between the two
neighbourhoods request by request so that the machine's load weighs on both alike. It prints the
median and p95 latency over the requests and the read capacity each page consumed
(ReturnConsumedCapacity=TOTAL, added to every Query by a botocore hook), then the ratios 100k / 1k.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import stack  # noqa: E402

NBH = "9901-bench"  # + "-<posts>"
KINDS = ("discussion", "help_request", "giveaway", "discussion", "recommendation", "discussion", "lost_pet")


def post_items(nbh: str, count: int, start: datetime) -> tuple[list[dict], list[str]]:
    """`count` posts a minute apart (oldest first) as DynamoDB items, and their ids."""
    from chalicelib.adapters import ids
    from chalicelib.posts.models import FIRST_STATE, PostItem
    from chalicelib.posts.service import _entries

    items, post_ids = [], []
    real_now = ids.now
    try:
        for n in range(count):
            moment = start + timedelta(minutes=n)
            ids.now = lambda moment=moment: moment  # ids sort by creation time, as in production
            post_id = ids.new_id()
            kind = KINDS[n % len(KINDS)]
            post = PostItem(*PostItem.key(post_id), post_id=post_id, neighbourhood_id=nbh, kind=kind,
                            author_id=f"U-{n % 300:03d}", state=FIRST_STATE.get(kind), created_at=moment,
                            content={"title": f"Post {n:06d}", "text": "Who has a ladder I could borrow on Saturday? " * 3},
                            gsi1pk=PostItem.author_key(f"U-{n % 300:03d}"), gsi1sk=post_id)
            items.append(post.serialize())
            items += [entry.serialize() for entry in _entries(post)]
            post_ids.append(post_id)
    finally:
        ids.now = real_now
    for item in items:  # serialize() leaves out the key attributes' names as given: they are in the item
        assert "pk" in item and "sk" in item
    return items, post_ids


def batch_write(items: list[dict], table: str, label: str) -> float:
    from chalicelib.adapters.aws import client

    dynamodb = client("dynamodb")
    chunks = [items[i:i + 25] for i in range(0, len(items), 25)]
    done = 0
    started = time.perf_counter()

    def write(chunk: list[dict]) -> int:
        requests = [{"PutRequest": {"Item": item}} for item in chunk]
        while requests:
            requests = dynamodb.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {}).get(table, [])
        return len(chunk)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for written in pool.map(write, chunks):
            done += written
            if done % 20000 < 25 or done == len(items):
                print(f"\r  {label}: {done:,}/{len(items):,} items written", end="", flush=True)
    print()
    return time.perf_counter() - started


@contextlib.contextmanager
def consumed_read_capacity() -> Iterator[list[float]]:
    """Adds ReturnConsumedCapacity=TOTAL to each Query of the table's client and collects the units."""
    from chalicelib.store.table import table_connection

    events = table_connection().connection.client.meta.events
    units: list[float] = []

    def ask(params, **_kwargs) -> None:
        params["ReturnConsumedCapacity"] = "TOTAL"

    def collect(parsed, **_kwargs) -> None:
        units.append(float((parsed.get("ConsumedCapacity") or {}).get("CapacityUnits", 0.0)))

    events.register("provide-client-params.dynamodb.Query", ask)
    events.register("after-call.dynamodb.Query", collect)
    try:
        yield units
    finally:
        events.unregister("provide-client-params.dynamodb.Query", ask)
        events.unregister("after-call.dynamodb.Query", collect)


def measure(neighbourhoods: dict[int, str], cursors: dict[int, str | None], requests: int) -> dict[int, dict]:
    """Alternating between the neighbourhoods, `requests` pages each; per size: latency and capacity."""
    from chalicelib.posts.models import FeedQuery
    from chalicelib.posts.service import feed

    queries = {size: FeedQuery(cursor=cursors[size]) for size in neighbourhoods}
    for _ in range(50):  # warm-up (the JVM of DynamoDB Local, the connection pool)
        for size, nbh in neighbourhoods.items():
            feed(nbh, queries[size], viewer_id="U-001")
    timings: dict[int, list[float]] = {size: [] for size in neighbourhoods}
    units: dict[int, list[float]] = {size: [] for size in neighbourhoods}
    for _ in range(requests):
        for size, nbh in neighbourhoods.items():
            with consumed_read_capacity() as used:
                started = time.perf_counter()
                page = feed(nbh, queries[size], viewer_id="U-001")
                timings[size].append((time.perf_counter() - started) * 1000)
            units[size] += used
            assert len(page.posts) == queries[size].limit
    return {size: {"median_ms": statistics.median(timings[size]),
                   "p95_ms": statistics.quantiles(timings[size], n=20)[18],
                   "rcu": statistics.mean(units[size]), "queries": len(units[size]) / requests}
            for size in neighbourhoods}


def measure_raw(neighbourhoods: dict[int, str], starts: dict[int, dict | None], requests: int) -> dict[int, float]:
    """The control: the same page as a bare Query of the keys alone (boto3, no app code, no item
    decoding), to tell DynamoDB Local's own cost of seeking in a long partition from the app's."""
    from chalicelib.adapters.aws import client
    from chalicelib.posts.models import FeedEntryItem

    dynamodb = client("dynamodb")

    def page(size: int, nbh: str) -> None:
        params = {"TableName": "noper-bench-feed", "KeyConditionExpression": "pk = :p", "Limit": 20,
                  "ExpressionAttributeValues": {":p": {"S": FeedEntryItem.feed(nbh)}}, "ScanIndexForward": False,
                  "ProjectionExpression": "pk, sk"}
        if starts[size]:
            params["ExclusiveStartKey"] = starts[size]
        assert len(dynamodb.query(**params)["Items"]) == 20

    for _ in range(50):
        for size, nbh in neighbourhoods.items():
            page(size, nbh)
    timings: dict[int, list[float]] = {size: [] for size in neighbourhoods}
    for _ in range(requests):
        for size, nbh in neighbourhoods.items():
            started = time.perf_counter()
            page(size, nbh)
            timings[size].append((time.perf_counter() - started) * 1000)
    return {size: statistics.median(timings[size]) for size in neighbourhoods}


def deep_cursor(nbh: str, post_ids: list[str]) -> str:
    """The cursor the feed gives after the post half-way back in history."""
    from chalicelib.posts.models import FeedEntryItem
    from chalicelib.store.pages import encode_cursor

    middle = post_ids[len(post_ids) // 2]
    return encode_cursor({"pk": {"S": FeedEntryItem.feed(nbh)}, "sk": {"S": middle}})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    services = stack.Services()
    try:
        endpoint = stack.start_dynamodb(services, stack.free_port(), db_path=None)
        os.environ.update(stack.stack_environment("test", endpoint, "http://127.0.0.1:1", "noper-bench-feed"))
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        return run(args.small, args.large, args.requests)
    finally:
        services.stop()


def run(small: int, large: int, requests: int) -> int:
    from chalicelib.store.bootstrap import ensure_table

    ensure_table("noper-bench-feed")
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    neighbourhoods = {size: f"{NBH}-{size}" for size in (small, large)}
    ids: dict[int, list[str]] = {}
    for size, nbh in neighbourhoods.items():
        items, ids[size] = post_items(nbh, size, start)
        seconds = batch_write(items, "noper-bench-feed", f"loading {size:,} posts")
        print(f"{size:,} posts in {nbh}: {len(items):,} items written in {seconds:.1f} s "
              f"({len(items) / seconds:,.0f} items/s)")
    results = {
        "first page": measure(neighbourhoods, dict.fromkeys(neighbourhoods), requests),
        "deep page": measure(neighbourhoods, {size: deep_cursor(nbh, ids[size]) for size, nbh in neighbourhoods.items()},
                             requests),
    }
    for page, by_size in results.items():
        for size, figures in by_size.items():
            print(f"{page:10s}, {size:>7,} posts: median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
                  f"{figures['rcu']:.1f} read capacity units, {figures['queries']:.0f} Query per page")
    print(f"\nratio {large:,} / {small:,} posts (target <= 1.2), over {requests} requests each:")
    for page, by_size in results.items():
        a, b = by_size[small], by_size[large]
        print(f"  {page:10s}: median latency {b['median_ms'] / a['median_ms']:.2f}, "
              f"p95 latency {b['p95_ms'] / a['p95_ms']:.2f}, read capacity {b['rcu'] / a['rcu']:.2f}")
    from chalicelib.posts.models import FeedEntryItem

    middle = {size: {"pk": {"S": FeedEntryItem.feed(nbh)}, "sk": {"S": ids[size][len(ids[size]) // 2]}}
              for size, nbh in neighbourhoods.items()}
    print("\ncontrol, a bare Query of the same keys (DynamoDB Local alone; production DynamoDB seeks by key):")
    for page, starts in (("first page", dict.fromkeys(neighbourhoods)), ("deep page", middle)):
        raw = measure_raw(neighbourhoods, starts, requests)
        print(f"  {page:10s}: median {raw[small]:.1f} ms vs {raw[large]:.1f} ms, ratio {raw[large] / raw[small]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
