"""Bench: the weekly digest for 10,000 residents in 40 neighbourhoods, against DynamoDB Local.

    PYTHONPATH=. .venv/bin/python bench/digest.py [--residents 10000] [--neighbourhoods 40] [--posts 30]

Starts its own DynamoDB Local in memory (as tests/conftest.py does), loads a commune with its
published neighbourhoods and verified residents (real item shapes, BatchWriteItem), a week of posts
written through `posts.service.create_post` (real transactions and feed entries), a few new things
to lend and some blocks; then runs every neighbourhood's digest with `digest.service.run_neighbourhood`.

Mail goes to a NULL SINK: `chalicelib.adapters.mail.send` is replaced by a function that drops the
message. Everything else is real: the reads, the rendering (Jinja2, Babel, CSS inlining) and the
batched conditional marker writes of `emails.send_each_once`. Prints DynamoDB requests per resident
(target <= 0.2) and digests per second; docs/operations.md keeps the figures before and after batching.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import stack  # noqa: E402

LANGUAGES = ("lb", "fr", "de", "en", "pt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--neighbourhoods", type=int, default=40)
    parser.add_argument("--posts", type=int, default=30, help="posts per neighbourhood in the week")
    parser.add_argument("--events", type=int, default=5, help="events per neighbourhood coming up the week after")
    args = parser.parse_args()
    services = stack.Services()
    try:
        endpoint = stack.start_dynamodb(services, stack.free_port(), db_path=None)
        os.environ.update(stack.stack_environment("test", endpoint, "http://127.0.0.1:1", "noper-bench"))
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        return run(args.residents, args.neighbourhoods, args.posts, args.events)
    finally:
        services.stop()


def run(residents: int, neighbourhoods: int, posts_each: int, events_each: int) -> int:
    from chalicelib.accounts.models import UserItem
    from chalicelib.accounts.service import residents_key
    from chalicelib.adapters import mail
    from chalicelib.adapters.clock import now
    from chalicelib.adapters.ids import new_id
    from chalicelib.communes.models import CommuneItem
    from chalicelib.digest.service import run_neighbourhood
    from chalicelib.digest.weeks import week_of
    from chalicelib.lending.models import LendableItem
    from chalicelib.messages.models import BlockItem
    from chalicelib.neighbourhoods.models import NeighbourhoodItem
    from chalicelib.policy import Principal
    from chalicelib.posts.models import PostRequest
    from chalicelib.posts.service import create_post
    from datetime import timedelta

    from chalicelib.events.models import EventCreate
    from chalicelib.events.recurrence import ZONE, to_local
    from chalicelib.events.service import create_event
    from chalicelib.digest.weeks import week_bounds
    from chalicelib.store.bootstrap import ensure_table
    from chalicelib.store.calls import count_dynamodb_calls

    ensure_table()
    stamp = now()
    ids = [f"0501-bench{n:03d}" for n in range(neighbourhoods)]
    items = [CommuneItem(*CommuneItem.key("0501"), gsi1pk=CommuneItem.LIST_KEY, gsi1sk="clervaux#0501", lau2="0501",
                         name="Clervaux", languages=list(LANGUAGES), time_zone="Europe/Luxembourg", created_at=stamp,
                         updated_at=stamp)]
    items += [NeighbourhoodItem(*NeighbourhoodItem.key("0501", nbh), gsi1pk=f"NBH#{nbh}", gsi1sk="NEIGHBOURHOOD", id=nbh,
                                lau2="0501", name=f"Quartier {n}", address_count=300, cells=[], version=1,
                                published_at=stamp) for n, nbh in enumerate(ids)]
    people: dict[str, list[str]] = {nbh: [] for nbh in ids}
    for n in range(residents):
        nbh, user_id = ids[n % neighbourhoods], f"U-bench-{n:05d}"
        people[nbh].append(user_id)
        # one in ten residents blocked someone (a neighbour: the same neighbourhood), as messages.service.block
        # writes it: the block, and its copy on the blocker's profile
        blocked = f"U-bench-{(n + neighbourhoods) % residents:05d}" if n % 10 == 0 else None
        items.append(UserItem(*UserItem.key(user_id), user_id=user_id, email=f"resident{n}@bench.example",
                              display_name=f"Resident {n}", created_at=stamp,
                              languages=[LANGUAGES[n // neighbourhoods % 5]],  # all five in every neighbourhood
                              address_id=f"7000-{n}", lau2="0501", neighbourhood_id=nbh, residence_status="verified",
                              verified_at=stamp, gsi1pk=residents_key(nbh), gsi1sk=f"verified#{user_id}",
                              blocked={blocked} if blocked else None))
        if blocked:
            items.append(BlockItem(*BlockItem.key(user_id, blocked), created_at=stamp))
    for nbh in ids:
        for k in range(3):
            item_id = new_id()
            items.append(LendableItem(*LendableItem.key(item_id), gsi1pk=LendableItem.neighbourhood_key(nbh),
                                      gsi1sk=f"ITEM#{item_id}", item_id=item_id, neighbourhood_id=nbh,
                                      owner_id=people[nbh][k], name=f"Drill {k}", category="tools", created_at=stamp,
                                      updated_at=stamp))
    started = time.perf_counter()
    bulk_write([item.serialize() for item in items])
    print(f"loaded {len(items)} items (commune, {neighbourhoods} neighbourhoods, {residents} residents, blocks, "
          f"things to lend) in {time.perf_counter() - started:.1f} s")

    kinds = [{"kind": "discussion", "title": "Street party", "text": "Who is in for June? Bring a salad."},
             {"kind": "help_request", "title": "Ladder", "text": "Need a hand with a ladder on Saturday."},
             {"kind": "giveaway", "title": "Children's bike", "text": "Free to a good home, 16 inch."},
             {"kind": "help_offer", "title": "Shopping", "text": "Going to the market on Fridays, happy to shop."}]
    started = time.perf_counter()
    for nbh in ids:
        for k in range(posts_each):
            author = Principal(user_id=people[nbh][k % len(people[nbh])], lau2="0501", neighbourhood_id=nbh,
                               residence_status="verified")
            create_post(author, nbh, PostRequest.model_validate(kinds[k % len(kinds)]))
    print(f"wrote {posts_each * neighbourhoods} posts through posts.service in {time.perf_counter() - started:.1f} s")
    _, week_end = week_bounds(week_of(stamp))
    started = time.perf_counter()
    for nbh in ids:
        for k in range(events_each):  # "coming up": in the 7 days after the week, as residents organise them
            organiser = Principal(user_id=people[nbh][k % len(people[nbh])], lau2="0501", neighbourhood_id=nbh,
                                  residence_status="verified")
            first = to_local(week_end, ZONE).replace(tzinfo=None) + timedelta(days=k % 7, hours=18)
            create_event(organiser, nbh, EventCreate(title=f"Repair café {k}", category="repair_cafe", start=first,
                                                     end=first + timedelta(hours=2), place="Kiosk"))
    print(f"wrote {events_each * neighbourhoods} events through events.service in {time.perf_counter() - started:.1f} s")

    mail.send = lambda message: "null-sink"  # the null sink: nothing leaves the process
    week = week_of(stamp)
    calls: Counter = Counter()
    sent = 0
    started = time.perf_counter()
    for n, nbh in enumerate(ids):
        with count_dynamodb_calls() as counted:
            report = run_neighbourhood(nbh, "0501", f"Quartier {n}", week)
        calls.update(counted)
        sent += report.sent
        if report.failed:
            print(f"FAILED: {report.line()}")
            return 1
    took = time.perf_counter() - started
    total = sum(calls.values())
    print(f"digests: {sent} for {residents} residents in {neighbourhoods} neighbourhoods, {took:.1f} s "
          f"(mail to a null sink)")
    print(f"digests per second: {sent / took:.0f} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"DynamoDB requests per resident: {total / residents:.3f} (target <= 0.2; "
          f"{', '.join(f'{op} {count / residents:.3f}' for op, count in calls.most_common())}); "
          f"{total} requests for {neighbourhoods} neighbourhoods")
    return 0


def bulk_write(serialized: list[dict]) -> None:
    from chalicelib.adapters.aws import client
    from chalicelib.config import get_settings

    dynamodb, table = client("dynamodb"), get_settings().table_name
    for start in range(0, len(serialized), 25):
        requests = [{"PutRequest": {"Item": item}} for item in serialized[start:start + 25]]
        while requests:
            requests = dynamodb.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {}).get(table, [])


if __name__ == "__main__":
    sys.exit(main())
