"""`./noper indicators` and `./noper costs`: the commune indicators' operator commands (chalicelib/indicators/).

- `indicators rebuild --commune LAU2`: recompute the counters from stored items (Scans the table; idempotent);
- `indicators freeze --month YYYY-MM [--commune LAU2]`: freeze a month's snapshot (the schedule does it each month);
- `indicators move-week-counters`: once, when upgrading to #14, move the weekly counters into their commune's
  partition (idempotent);
- `costs set --month YYYY-MM --eur 4.20`, `costs list --year YYYY`: the deployment's monthly AWS bill.
"""

from __future__ import annotations

import argparse
import re
import sys


def _month(text: str) -> str:
    if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month YYYY-MM, e.g. 2026-11")
    return text


def _eur(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in euros, e.g. 4.20") from None
    if not 0 <= value < 1_000_000:
        raise argparse.ArgumentTypeError("the amount is between 0 and 1,000,000 euros")
    return value


def add_commands(commands) -> None:
    from ops.cli import _lau2

    indicators = commands.add_parser("indicators", help="the communes' indicators: rebuild, freeze a month, upgrade")
    steps = indicators.add_subparsers(dest="step", required=True, metavar="STEP")
    rebuild = steps.add_parser("rebuild", help="recompute a commune's counters from stored items (scans the table; "
                               "idempotent: it sets the figures, never adds)")
    rebuild.add_argument("--commune", metavar="LAU2", type=_lau2, required=True)
    rebuild.set_defaults(run=_rebuild)
    freeze = steps.add_parser("freeze", help="freeze a month's snapshot for the yearly report (never changes a month "
                              "frozen before)")
    freeze.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    freeze.add_argument("--commune", metavar="LAU2", type=_lau2, help="only this commune (default: every one)")
    freeze.set_defaults(run=_freeze)
    steps.add_parser("move-week-counters", help="once, when upgrading: move each neighbourhood's weekly counters into "
                     "its commune's partition, so a dashboard is one Query (idempotent)").set_defaults(run=_move)
    costs = commands.add_parser("costs", help="the deployment's monthly AWS bill, for the yearly reports")
    what = costs.add_subparsers(dest="step", required=True, metavar="STEP")
    put = what.add_parser("set", help="record a month's bill (again: replaces it)")
    put.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    put.add_argument("--eur", type=_eur, required=True, metavar="EUROS")
    put.set_defaults(run=_set_cost)
    listed = what.add_parser("list", help="the bills recorded for a year")
    listed.add_argument("--year", type=int, required=True)
    listed.set_defaults(run=_list_costs)


def _rebuild(args: argparse.Namespace) -> int:
    from chalicelib.communes.models import load_commune
    from chalicelib.errors import NotFound
    from chalicelib.indicators.rebuild import rebuild
    from ops.cli import _ProgressBar

    try:
        load_commune(args.commune)
    except NotFound as error:
        print(f"noper: {error.message}", file=sys.stderr)
        return 1
    bar = _ProgressBar(doing="reading", unit="items")
    weeks = rebuild(args.commune, progress=bar)
    if bar.drawn:
        print("", file=sys.stderr)
    print(f"weeks of counters set for {args.commune}: {weeks}")
    return 0


def _freeze(args: argparse.Namespace) -> int:
    from chalicelib.communes.service import list_communes
    from chalicelib.indicators.snapshots import freeze_month

    communes = [args.commune] if args.commune else [c.lau2 for c in list_communes().communes]
    print(f"neighbourhood snapshots frozen for {args.month}: {sum(freeze_month(lau2, args.month) for lau2 in communes)}")
    return 0


def _move(_args: argparse.Namespace) -> int:
    from chalicelib.indicators.rebuild import move_week_counters
    from ops.cli import _in_every_commune

    return _in_every_commune(move_week_counters, "weekly counters moved into their commune's partition")


def _set_cost(args: argparse.Namespace) -> int:
    from chalicelib.indicators.snapshots import set_cost

    item = set_cost(args.month, args.eur)
    print(f"cost of {item.month}: EUR {float(item.eur):.2f}")
    return 0


def _list_costs(args: argparse.Namespace) -> int:
    from chalicelib.indicators.snapshots import costs_of

    costs = costs_of(args.year)
    for month, eur in sorted(costs.items()):
        print(f"{month}: EUR {eur:.2f}")
    print(f"{args.year}: EUR {sum(costs.values()):.2f} over {len(costs)} months")
    return 0
