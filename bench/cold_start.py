"""Cold start of the API Lambda: importing app.py against a bare import of the packages it needs, in one run.

Run: PYTHONPATH=. .venv/bin/python bench/cold_start.py [--runs 15] [--top 25]
Each import runs in a fresh interpreter, alternating between the probes so that a busy machine weighs on all
alike. Prints, for app.py and for each bare import: the median wall and CPU time, the worst wall time and the
peak resident memory; the ratios of the medians (#16 measured against its list of dependencies, boto3
included, which the API does not load: both ratios are printed); whether boto3 or a package that only the
background functions need was loaded; and the top entries of `python -X importtime -c "import app"` by
cumulative time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

# What the API imports of its dependencies (chalicelib, app.py): the same modules, none of Noper's code.
DEPENDENCIES = (
    "import chalice.app, h3, botocore.session, botocore.config, pynamodb.models, pynamodb.attributes, "
    "pynamodb.indexes, pynamodb.transactions, pydantic.json_schema\n"
    "from pydantic import BaseModel, Field, TypeAdapter\n"
    "from aws_lambda_powertools import Logger, Metrics\n"
    "from aws_lambda_powertools.metrics import MetricUnit"
)
PROBES = {
    "app": "import app",
    "dependencies the API uses": DEPENDENCIES,
    "the same + boto3 (#16's list)": DEPENDENCIES + "\nimport boto3",
}
# Packages only the background functions (emails, PDFs, photos, attachments, Markdown) need.
HEAVY = ("jinja2", "babel", "PIL", "fpdf", "markdown_it", "nh3", "css_inline", "pypdfium2", "segno")

PROBE = r"""
import json, resource, sys, time
start, cpu = time.perf_counter(), time.process_time()
exec(compile(sys.argv[1], "<probe>", "exec"))
took, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": took, "cpu_seconds": cpu, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def environment() -> dict[str, str]:
    return {**os.environ, "NOPER_STAGE": os.environ.get("NOPER_STAGE", "prod"),
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"),
            "POWERTOOLS_METRICS_DISABLED": "true"}


def run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, code], capture_output=True, text=True, check=True,
                         env=environment()).stdout
    return json.loads(out.strip().splitlines()[-1])


def importtime_top(top: int) -> list[tuple[int, int, str]]:
    """(cumulative us, self us, module) of the `top` slowest imports of app.py, by cumulative time."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"], capture_output=True, text=True,
                         check=True, env=environment()).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative), int(own), name.rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {name: [] for name in PROBES}
    for _ in range(args.runs):
        for name, code in PROBES.items():
            results[name].append(run(code))
    medians, cpu = {}, {}
    for name, runs in results.items():
        ms = sorted(r["seconds"] * 1000 for r in runs)
        medians[name] = statistics.median(ms)
        cpu[name] = statistics.median(r["cpu_seconds"] * 1000 for r in runs)
        print(f"import {name}: median {medians[name]:.0f} ms (CPU {cpu[name]:.0f} ms), worst {ms[-1]:.0f} ms, "
              f"peak RSS {max(r['peak_rss_mib'] for r in runs):.0f} MiB over {args.runs} runs")
    # CPU time is the steadier figure on a shared machine: other processes lengthen the wall time.
    for name in list(PROBES)[1:]:
        print(f"ratio app / {name}: {medians['app'] / medians[name]:.2f}x (CPU {cpu['app'] / cpu[name]:.2f}x)")
    loaded = set(results["app"][0]["modules"])
    print(f"boto3 on the import path: {'yes' if 'boto3' in loaded else 'no'}")
    print(f"background-only packages on the import path: {', '.join(sorted(loaded & set(HEAVY))) or 'none'}")
    print(f"\npython -X importtime -c 'import app', top {args.top} by cumulative time:")
    print(f"{'cumulative ms':>13} {'self ms':>8}  module")
    for cumulative, own, name in importtime_top(args.top):
        print(f"{cumulative / 1000:13.1f} {own / 1000:8.1f}  {name}")


if __name__ == "__main__":
    main()
