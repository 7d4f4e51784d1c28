"""Cold start of the API Lambda: importing app.py against a bare import of the packages it needs, in one run.

Run: PYTHONPATH=. .venv/bin/python bench/cold_start.py [--runs 15] [--top 25] [--package build/package/deployment.zip]
Each import runs in a fresh interpreter, alternating between the probes so that a busy machine weighs on all
alike, and with bytecode, as Lambda runs the package `make package` builds (infra/bundle.py adds it): from
the source tree, compiled once into a temporary cache first; with `--package`, from that zip unpacked, on
the base interpreter, read-only (bytecode is not written, as on Lambda). `--package` on a zip of `chalice
package` alone (no bytecode) shows what a cold start cost before the bundle step. Prints, for app.py and for each bare import: the median wall and CPU time, the worst wall time and the
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
import tempfile
import zipfile

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
# app.py imports a concern's modules on the first request that uses them (chalicelib/later.py): what a cold start
# serving the feed (the web app's first screen) imports in all, for the record beside the ratios.
FIRST_REQUEST = {
    "app + what a feed request imports": "import app\napp.posts_feed.now(); app.posts_models.now()",
}
# Packages only the background functions (emails, PDFs, photos, attachments, Markdown) need.
HEAVY = ("jinja2", "babel", "PIL", "fpdf", "markdown_it", "nh3", "css_inline", "pypdfium2", "segno")

# Every probe imports with the cyclic garbage collector paused, as app.py does for its own import: the ratios compare
# Noper's code with its dependencies under the same conditions (app.py's pause would otherwise speed its
# dependencies too and flatter the ratio).
PROBE = r"""
import gc, json, resource, sys, time
gc.disable()
start, cpu = time.perf_counter(), time.process_time()
exec(compile(sys.argv[1], "<probe>", "exec"))
took, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": took, "cpu_seconds": cpu, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Place:
    """Where the probes run: the source tree (bytecode in a temporary cache) or an unpacked package."""

    def __init__(self, scratch: str, package: str | None) -> None:
        env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONPYCACHEPREFIX")}
        env.update({"NOPER_STAGE": os.environ.get("NOPER_STAGE", "prod"),
                    "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"),
                    "POWERTOOLS_METRICS_DISABLED": "true"})
        if package:
            self.directory = os.path.join(scratch, "package")
            with zipfile.ZipFile(package) as unpacked:
                unpacked.extractall(self.directory)
            # As on Lambda: the package first on the path, nothing written next to it.
            self.python = getattr(sys, "_base_executable", sys.executable)
            env.update({"PYTHONPATH": self.directory, "PYTHONDONTWRITEBYTECODE": "1"})
        else:
            self.directory, self.python = ROOT, sys.executable
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env.update({"PYTHONPATH": ROOT, "PYTHONPYCACHEPREFIX": os.path.join(scratch, "bytecode")})
        self.env = env

    def run(self, code: str) -> dict:
        out = subprocess.run([self.python, "-c", PROBE, code], capture_output=True, text=True, check=True,
                             env=self.env, cwd=self.directory).stdout
        return json.loads(out.strip().splitlines()[-1])


def importtime_top(place: Place, top: int) -> list[tuple[int, int, str]]:
    """(cumulative us, self us, module) of the `top` slowest imports of app.py, by cumulative time."""
    err = subprocess.run([place.python, "-X", "importtime", "-c", "import app"], capture_output=True, text=True,
                         check=True, env=place.env, cwd=place.directory).stderr
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
    parser.add_argument("--package", help="a deployment zip to measure instead of the source tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        place = Place(scratch, args.package)
        print(f"measuring {'the package ' + args.package if args.package else 'the source tree, with bytecode'}")
        measure(place, args)


def measure(place: Place, args: argparse.Namespace) -> None:
    probes = {**PROBES, **FIRST_REQUEST}
    results: dict[str, list[dict]] = {name: [] for name in probes}
    for code in probes.values():
        place.run(code)  # not counted: compiles the bytecode (source tree), fills the file cache
    for _ in range(args.runs):
        for name, code in probes.items():
            results[name].append(place.run(code))
    medians, cpu = {}, {}
    for name, runs in results.items():
        ms = sorted(r["seconds"] * 1000 for r in runs)
        medians[name] = statistics.median(ms)
        cpu[name] = statistics.median(r["cpu_seconds"] * 1000 for r in runs)
        print(f"import {name}: median {medians[name]:.0f} ms (CPU {cpu[name]:.0f} ms), worst {ms[-1]:.0f} ms, "
              f"peak RSS {max(r['peak_rss_mib'] for r in runs):.0f} MiB over {args.runs} runs")
    # CPU time is the steadier figure on a shared machine: other processes lengthen the wall time.
    for name in list(PROBES)[1:]:
        print(f"ratio app / {name}: {medians['app'] / medians[name]:.2f}x (CPU {cpu['app'] / cpu[name]:.2f}x); "
              f"Noper's own import over it: {medians['app'] / medians[name] - 1:.2f}x "
              f"(CPU {cpu['app'] / cpu[name] - 1:.2f}x)")
    for name in FIRST_REQUEST:
        print(f"{name}: {medians[name] / medians['dependencies the API uses'] - 1:.2f}x the dependencies' import "
              f"(CPU {cpu[name] / cpu['dependencies the API uses'] - 1:.2f}x)")
    loaded = set(results["app"][0]["modules"])
    print(f"boto3 on the import path: {'yes' if 'boto3' in loaded else 'no'}")
    print(f"background-only packages on the import path: {', '.join(sorted(loaded & set(HEAVY))) or 'none'}")
    print(f"\npython -X importtime -c 'import app', top {args.top} by cumulative time:")
    print(f"{'cumulative ms':>13} {'self ms':>8}  module")
    for cumulative, own, name in importtime_top(place, args.top):
        print(f"{cumulative / 1000:13.1f} {own / 1000:8.1f}  {name}")


if __name__ == "__main__":
    main()
