"""`./noper budget ...`: participatory budgets. `outcome` computes a pabulib file's outcome on this machine (no
table needed), to check the method on real elections."""

from __future__ import annotations

import argparse
import json
import sys
import time


def add_commands(commands) -> None:
    budget = commands.add_parser("budget", help="participatory budgets: compute an election's outcome")
    actions = budget.add_subparsers(dest="budget_command", required=True, metavar="ACTION")
    outcome = actions.add_parser(
        "outcome", help="print the outcome of a pabulib .pb election as JSON: the projects selected, the rule, the "
                        "seconds it took")
    outcome.add_argument("file", help="the election, in pabulib's .pb format (approval or cumulative ballots)")
    outcome.add_argument("--rule", choices=("equalshares/add1", "greedy"),
                         help="the Method of Equal Shares with the Add1 completion and the comparison step, or greedy "
                              "by votes (points for cumulative ballots) (default: the file's own `rule`)")
    outcome.add_argument("--seed", default="", help="the seed of the lot that breaks the last ties (default: none)")
    outcome.set_defaults(run=_outcome)
    from ops.budget_editions import add_commands as add_edition_commands  # import, export: editions in the table

    add_edition_commands(actions)


def _outcome(args: argparse.Namespace) -> int:
    from chalicelib.budget import pabulib
    from chalicelib.budget.rules import PABULIB_RULES, outcome

    try:
        pb = pabulib.read(args.file)
        election = pabulib.election(pb)
    except OSError as error:
        print(f"noper: {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    except pabulib.PabulibError as error:
        print(f"noper: {args.file}: {error}", file=sys.stderr)
        return 1
    rule = args.rule or pb.meta.get("rule", "")
    if rule not in PABULIB_RULES:
        print(f"noper: {args.file}: its rule {rule!r} is not one computed here: give --rule equalshares/add1 or "
              f"--rule greedy", file=sys.stderr)
        return 1
    started = time.perf_counter()
    result = outcome(election, rule, seed=args.seed)
    seconds = time.perf_counter() - started
    # The rule as the file (or --rule) names it, and, when equal shares was compared with greedy, which one won.
    winner = (result.comparison or {}).get("winner")
    print(json.dumps({"selected": result.selected, "rule": rule, **({"comparison_winner": winner} if winner else {}),
                      "seconds": round(seconds, 3)}))
    return 0
