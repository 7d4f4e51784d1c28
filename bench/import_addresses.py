"""Bench: import a synthetic register of N addresses into DynamoDB Local, compare with a plain batch write.

    PYTHONPATH=. .venv/bin/python bench/import_addresses.py [--rows 200000]

Starts its own DynamoDB Local in memory (as tests/conftest.py does) and prints:
- the import's addresses per second and its ratio to plain BatchWriteItem calls writing the same
  address items into an empty table (target: at most 1.5),
- the re-import of the unchanged file (target: nothing written),
- DynamoDB calls per autocomplete request (target: at most 2 lookups, plus the rate-limit counter).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops import stack  # noqa: E402

STREET_WORDS = ["Rue", "Route", "Am", "An der", "Op der", "Rue de l'", "Avenue", "Um"]
NAMES = ["Église", "Gare", "Bongert", "Kiirch", "Schoul", "Millen", "Bierg", "Haff", "Flouer", "Wald", "Bach", "Stee"]
ENDINGS = ["", "strooss", "wee", "gaass", "plaz", "chen"]


def street_name(index: int) -> str:
    """Unique within a commune (50 streets), no digits: a digit would be read as the house number."""
    word, name, ending = index % len(STREET_WORDS), index % len(NAMES), index // len(NAMES) % len(ENDINGS)
    return f"{STREET_WORDS[word]} {NAMES[name]}{ENDINGS[ending]}".replace("' ", "'")


def synthetic_register(rows: int, per_commune: int = 2000, per_street: int = 40) -> bytes:
    rng = random.Random(42)
    lines = ["\ufeffrue;numero;localite;code_postal;id_caclr_rue;id_caclr_bat;lat_wgs84;lon_wgs84;coord_est_luref;"
             "coord_nord_luref;id_geoportail;commune;lau2"]
    for n in range(rows):
        commune, street = n // per_commune, n // per_street
        lat = 49.5 + (commune % 10) * 0.06 + (street % 50) * 0.0005 + rng.uniform(0, 0.0004)
        lon = 5.8 + (commune // 10) * 0.07 + (n % per_street) * 0.0002
        name = street_name(street % 50)
        number = str(n % per_street + 1) + ("A" if n % 17 == 0 else "")
        lines.append(f"{name};{number};Uert {commune};{1000 + commune};{100000 + street};{500000 + n};{lat:.7f};{lon:.7f};"
                     f";;G_{street}_{number};Gemeng {commune};{8000 + commune:04d}")
    return ("\n".join(lines) + "\n").encode()


def plain_batch_write(items: list[dict], table: str) -> float:
    from chalicelib.adapters.aws import client

    dynamodb = client("dynamodb")
    started = time.perf_counter()
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        while requests:
            requests = dynamodb.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {}).get(table, [])
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    services = stack.Services()
    try:
        endpoint = stack.start_dynamodb(services, stack.free_port(), db_path=None)
        os.environ.update(stack.stack_environment("test", endpoint, "http://127.0.0.1:1", "noper-bench"))
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        return run(args.rows)
    finally:
        services.stop()


def run(rows: int) -> int:
    from chalice.test import Client

    from app import app
    from chalicelib.addresses.register import read_register
    from chalicelib.addresses.service import import_addresses
    from chalicelib.addresses.store import address_item
    from chalicelib.store.bootstrap import ensure_table
    from chalicelib.store.calls import count_dynamodb_calls

    ensure_table("noper-bench")
    ensure_table("noper-bench-plain")
    ensure_table("noper-bench-warm-up")
    data = synthetic_register(rows)
    print(f"register: {rows} addresses, {len(data) / 1e6:.1f} MB")
    items = [address_item(a, None) for a in read_register(data).addresses]
    plain_batch_write(items[:10000], "noper-bench-warm-up")  # the JVM of DynamoDB Local warms up first

    plain = plain_batch_write(items, "noper-bench-plain")
    print(f"plain BatchWriteItem of the same {len(items)} address items: {plain:.1f} s, {len(items) / plain:,.0f} items/s")

    started = time.perf_counter()
    report = import_addresses(data, create_communes=True)
    imported = time.perf_counter() - started
    print(f"import: {imported:.1f} s, {rows / imported:,.0f} addresses/s "
          f"({report.added} added, {report.writes} items written incl. street keys and cell summaries)")
    print(f"ratio import / plain write: {imported / plain:.2f} (target <= 1.5)")

    started = time.perf_counter()
    with count_dynamodb_calls() as calls:
        again = import_addresses(data)
    print(f"re-import of the unchanged file: {time.perf_counter() - started:.1f} s, {again.writes} items written, "
          f"calls: {dict(calls)}")

    with Client(app, stage_name="test") as client:
        for q in ("rue de l eglise 1", "am bongert 12", "route gare 3", "avenue", "um stee 4a", "flouer 2"):
            with count_dynamodb_calls() as calls:
                response = client.http.get(f"/api/v1/communes/8000/addresses?q={q.replace(' ', '%20')}")
            found = len(response.json_body["addresses"])
            print(f"autocomplete {q!r}: {found} found, DynamoDB calls {dict(calls)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
