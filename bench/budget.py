"""Bench: the time to compute each shared pabulib election's outcome (target: Wieliczka 2023 Green Budget, 6,586
voters and 64 projects, under 5 seconds), and whether it is the official one.

    PYTHONPATH=. .venv/bin/python bench/budget.py [--dir ../shared/data/pabulib] [--repeat 3]

For every `.pb` file of the directory (default: the shared data, else the copies in `tests/data/pabulib`), reads it
with `chalicelib.budget.pabulib` and computes the outcome by the file's own rule (`rules.outcome`: equal shares with
the Add1 completion and the comparison step, or greedy), as `./noper budget outcome` does, `--repeat` times. Prints
per file: voters, projects, the rule, the Add1 rounds (runs of equal shares computed), the median wall and CPU
seconds (wall time counts the machine's other load, CPU time does not), and whether the projects selected are the
file's `selected` column (or "no column" when the file has none). No database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.budget import pabulib  # noqa: E402
from chalicelib.budget.rules import outcome  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "pabulib"
COPIES = ROOT / "tests" / "data" / "pabulib"
TARGET_SECONDS = 5.0


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--dir", type=Path, default=SHARED if SHARED.is_dir() else COPIES)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    files = sorted(args.dir.glob("*.pb"))
    if not files:
        print(f"no .pb file in {args.dir}", file=sys.stderr)
        return 1
    print(f"{'election':<40} {'voters':>7} {'projects':>8} {'rule':<28} {'rounds':>6} {'wall s':>7} {'cpu s':>7}  "
          "official")
    slowest = 0.0
    for path in files:
        pb = pabulib.read(path)
        election = pabulib.election(pb)
        rule = pb.meta.get("rule", "equalshares/add1")
        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            result = outcome(election, rule)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        official = pb.selected()
        verdict = "no column" if official is None else ("same" if sorted(official) == sorted(result.selected)
                                                        else "DIFFERENT")
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        slowest = max(slowest, cpu)
        print(f"{path.stem:<40} {len(election.ballots):>7} {len(election.projects):>8} {rule:<28} "
              f"{result.rounds:>6} {wall:>7.2f} {cpu:>7.2f}  {verdict}")
    print(f"slowest: {slowest:.2f} s of CPU (target < {TARGET_SECONDS:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
