"""Benchmark: the embedded model on a busy machine, per server setting, against the same idle machine.

A laptop is never idle. For each server setting (``--setting``) the server is started once and
the same work is timed four times: on the idle machine (the anchor), beside one busy process
(one core taken), beside two, and beside a loop of short commands (what a shell session or a
test runner does). Prints each wall time, its ratio to the idle time of the same setting and to
the idle time of the first setting, and the slowest request's speed against its idle one (its
decode speed for ``--work requests``; generated tokens per second of llama.cpp's time, prompt
included, for ``--work seed``).

    python benchmarks/bench_cpu_load.py                                   # the default setting
    python benchmarks/bench_cpu_load.py --setting spin=libgomp --setting spin=0 --setting spin=10000 --setting threads=1
    python benchmarks/bench_cpu_load.py --work seed                       # the whole seed briefing instead

``--work requests`` (default) sends three fixed questions about the seed article with llama.cpp's
prompt cache off (about 20 s idle); ``--work seed`` runs the whole pipeline on the seed (about 2
minutes idle). Nothing else may run on the machine meanwhile: the loads are the only ones.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from summarizer.ingest import load_article
from summarizer.pipeline import Summarizer
from summarizer.providers import Settings

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_ba58efed2f2f0b1f.txt"
QUESTIONS = (
    "Who are the people named in this article? Answer with a comma-separated list.",
    "In one paragraph, what happened?",
    "Which country is accused of what? Answer in two sentences.",
)
LOADS = {
    "idle": [],
    "1 busy process": [[sys.executable, "-c", "while True: pass"]],
    "2 busy processes": [[sys.executable, "-c", "while True: pass"]] * 2,
    "short commands": [["sh", "-c", "while :; do python3 -c 'sum(range(400000))'; git --version >/dev/null; sleep 0.05; done"]],
}


@dataclass
class Timing:
    wall: float
    slowest: float  # tokens/s of the slowest request: its decode speed (requests), generated per server second (seed)


@contextmanager
def load(commands: list[list[str]]) -> Iterator[None]:
    """The load running for the duration of the block, and gone after it."""
    processes = [
        subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True) for c in commands
    ]
    try:
        time.sleep(1.0 if processes else 0.0)  # let the scheduler see them
        yield
    finally:
        for process in processes:
            os.killpg(process.pid, 9)
            process.wait()


def requests_work(summarizer: Summarizer) -> Timing:
    """Three questions about the seed, llama.cpp's prompt cache off so that each reads the whole article."""
    text = load_article(SEED).text
    speeds, started = [], time.perf_counter()
    for question in QUESTIONS:
        reply = summarizer.provider.client.chat.completions.create(
            model=summarizer.provider.model,
            messages=[{"role": "user", "content": f"{text}\n\n{question}"}],
            max_tokens=64,
            temperature=0,
            extra_body={"cache_prompt": False, "seed": 1},
        )
        timings = (reply.model_extra or {}).get("timings") or {}
        speeds.append(float(timings.get("predicted_per_second") or 0.0))
    return Timing(time.perf_counter() - started, min(speeds))


def seed_work(summarizer: Summarizer) -> Timing:
    """The whole briefing of the seed, nothing cached."""
    llm = summarizer.new_llm()
    started = time.perf_counter()
    summarizer.summarize(load_article(SEED), llm=llm)
    wall = time.perf_counter() - started
    speeds = [c.completion_tokens / c.server_seconds for c in llm.log.calls if c.server_seconds and c.completion_tokens > 4]
    return Timing(wall, min(speeds, default=0.0))


def settings_for(spec: str) -> Settings:
    """``default``, ``threads=N``, ``spin=N`` or ``spin=libgomp`` (libgomp's own spin count), joined by ``,``."""
    base = Settings.from_env({}, backend="embedded")
    embedded = base.embedded
    for item in filter(None, spec.split(",")):
        key, _, value = item.partition("=")
        if key == "threads":
            embedded = replace(embedded, threads=int(value))
        elif key == "spin":
            embedded = replace(embedded, spin=None if value == "libgomp" else int(value))
        elif key != "default":
            raise SystemExit(f"unknown setting {item!r}")
    return replace(base, embedded=embedded, mode=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", action="append", help="server setting, e.g. spin=0 or threads=1 (repeatable)")
    parser.add_argument("--work", choices=["requests", "seed"], default="requests")
    parser.add_argument("--loads", default=",".join(LOADS), help=f"which loads, comma-separated (default: {','.join(LOADS)})")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the loads are stopped (see load())
    work: Callable[[Summarizer], Timing] = requests_work if args.work == "requests" else seed_work
    loads = [name.strip() for name in args.loads.split(",")]
    anchor = None
    for spec in args.setting or ["default"]:
        settings = settings_for(spec)
        with Summarizer(settings=settings) as summarizer:
            summarizer.provider.connect()
            config = summarizer.provider.config
            print(f"\n{spec}: {config.threads} threads, spin {config.spin if config.spin is not None else 'libgomp default'}")
            idle = None
            for name in loads:
                with load(LOADS[name]):
                    timing = work(summarizer)
                idle = idle or timing
                anchor = anchor or timing
                print(
                    f"  {name:<17} {timing.wall:7.1f} s  x{timing.wall / idle.wall:4.2f} of its idle  "
                    f"x{timing.wall / anchor.wall:4.2f} of the anchor  slowest request {timing.slowest:5.1f} tok/s "
                    f"({timing.slowest / max(idle.slowest, 1e-9):4.2f} of idle)",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
