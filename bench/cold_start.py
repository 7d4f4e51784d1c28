"""Cold start of the API Lambda: time to import app.py in a fresh interpreter, and its memory.

Run: PYTHONPATH=. .venv/bin/python bench/cold_start.py [--runs 10]
Prints the median and worst import time and the peak resident memory after import.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

PROBE = r"""
import json, os, resource, sys, time
os.environ.setdefault("NOPER_STAGE", "prod")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
start = time.perf_counter()
import app  # noqa: F401
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "boto3_loaded": "boto3" in sys.modules}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    seconds = sorted(r["seconds"] * 1000 for r in results)
    print(f"import app: median {statistics.median(seconds):.0f} ms, worst {seconds[-1]:.0f} ms over {runs} runs")
    print(f"peak RSS after import: {max(r['peak_rss_mib'] for r in results):.0f} MiB")
    print(f"boto3 on the import path: {'yes' if any(r['boto3_loaded'] for r in results) else 'no'}")


if __name__ == "__main__":
    main()
