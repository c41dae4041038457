"""Benchmark: how long the commands a user repeats take when no model is needed.

Times, as a user runs them (a new process each time, the median of ``--runs``):

* a bare ``python -c pass``, the anchor;
* ``python -c "import summarizer.cli.evaluate, summarizer.eval.runner"``, the imports every
  ``eval`` pays;
* ``summarizer --help``;
* ``summarizer eval SUITE`` answered from the completion cache (run an uncached ``eval`` of the
  same suite first: every reply must be cached, or the model starts and the figure means nothing;
  the benchmark says how many replies came from the cache).

It prints each figure and its ratio to the bare interpreter, so figures from a busier or faster
machine compare.

    python benchmarks/bench_startup.py [SUITE] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], runs: int) -> float:
    """Median wall seconds of ``command`` over ``runs`` runs."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return statistics.median(seconds)


def _calls_and_cache_hits(run_file: Path) -> tuple[int, int]:
    cases = json.loads(run_file.read_text(encoding="utf-8"))["cases"]
    return sum(c["usage"]["llm_calls"] for c in cases), sum(c["cache_hits"] for c in cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", nargs="?", default=str(ROOT / "evals"), help="eval suite (default evals)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    args = parser.parse_args()
    summarizer = shutil.which("summarizer")
    if summarizer is None:
        sys.exit("summarizer is not installed in this environment (pip install -e .)")
    out_dir = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    rows = [
        ("python -c pass (anchor)", [sys.executable, "-c", "pass"]),
        ("imports of eval", [sys.executable, "-c", "import summarizer.cli.evaluate, summarizer.eval.runner"]),
        ("summarizer --help", [summarizer, "--help"]),
        ("summarizer eval, cached", [summarizer, "eval", args.suite, "--out", str(out_dir)]),
    ]
    anchor = None
    print(f"median of {args.runs} runs each, a new process every time")
    print(f"{'command':28} {'seconds':>8} {'x anchor':>9}")
    for label, command in rows:
        seconds = timed(command, args.runs)
        anchor = anchor or seconds
        print(f"{label:28} {seconds:8.2f} {seconds / anchor:9.1f}")
        if "eval" in command:
            calls, hits = _calls_and_cache_hits(max(out_dir.glob("*.json")))
            print(f"  {hits} of {calls} LLM calls answered from the cache")
            if hits < calls:
                print("  not every reply was cached: the model ran, so this is not a cached figure")
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
