"""Benchmark: a batch of articles with the embedded model at several concurrency levels.

For each level the embedded llama.cpp server is started with that many parallel slots and the
same folder of articles is summarized from scratch (no completion cache) into a fresh folder.
Prints, per level: articles per minute, generated and prompt tokens per wall second, the server's
peak memory, and two overhead ratios: per LLM call, our HTTP wall time over the time llama.cpp
reports for the request (prompt + generation); per article, the article's wall time over the
wall time of its LLM calls (what the pipeline adds around the model). The last lines compare
each level's throughput with concurrency 1. Run it alone on the machine.

    python benchmarks/bench_batch.py [FOLDER] [--levels 1 2 4]

The default folder is the eval suite's articles without the 2,843-word one (six articles, five
languages), so a run takes about half an hour on 2 cores.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path

from summarizer.batch import Batch, find_articles
from summarizer.pipeline import Summarizer
from summarizer.providers import Settings
from summarizer.providers.llama_server import EmbeddedConfig

ROOT = Path(__file__).resolve().parent.parent
SKIP_BY_DEFAULT = {"en-skelbrook-flood.txt"}


def default_folder(into: Path) -> Path:
    into.mkdir()
    for path in sorted((ROOT / "evals" / "articles").glob("*.txt")):
        if path.name not in SKIP_BY_DEFAULT:
            shutil.copy(path, into / path.name)
    return into


def peak_rss_mib(pid: int | None) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_level(paths: list[Path], level: int, work: Path) -> dict[str, float]:
    settings = Settings(backend="embedded", embedded=EmbeddedConfig(parallel=level))
    started = time.perf_counter()
    with Summarizer(settings=settings) as summarizer:
        summarizer.provider.connect()  # the model is loaded here, not at the first question
        startup = time.perf_counter() - started
        batch = Batch(summarizer, paths, work / f"out-{level}", concurrency=level)
        t0 = time.perf_counter()
        summary = batch.run()
        wall = time.perf_counter() - t0
        rss = peak_rss_mib(summarizer.provider.server.pid)
    results = list(summary.results.values())
    failed = [r for r in results if r.status != "done"]
    done = [r for r in results if r.status == "done"]
    calls = [c for r in done for c in batch.call_logs[r.source].calls]
    server = sum(c.server_seconds or 0.0 for c in calls)
    http = sum(c.wall_seconds for c in calls)
    article_walls = sum(r.seconds or 0.0 for r in done)
    totals = summary.totals(("done",))
    figures = {
        "startup_s": startup,
        "wall_s": wall,
        "articles_per_min": len(results) * 60 / wall,
        "gen_tok_per_s": totals["completion_tokens"] / wall,
        "prompt_tok_per_s": totals["prompt_tokens"] / wall,
        "call_overhead": http / server if server else float("nan"),
        "pipeline_overhead": article_walls / http if http else float("nan"),
        "rss_mib": rss or float("nan"),
    }
    print(f"\nconcurrency {level}: {len(results)} articles, {len(failed)} failed, startup {startup:.1f} s")
    for r in failed:
        print(f"  failed {r.source}: {r.error}")
    print(f"  wall time          {wall:8.1f} s")
    print(f"  articles/min       {figures['articles_per_min']:8.2f}")
    print(f"  generated tok/s    {figures['gen_tok_per_s']:8.2f}  ({totals['completion_tokens']:,} tokens)")
    print(f"  prompt tok/s       {figures['prompt_tok_per_s']:8.1f}  ({totals['prompt_tokens']:,} tokens, "
          f"{totals['cached_tokens']:,} from llama.cpp's cache)")  # fmt: skip
    print(f"  LLM calls          {totals['llm_calls']:8d}  ({totals['reasks']} re-asks)")
    print(f"  call overhead      {figures['call_overhead']:8.3f}  (HTTP wall / llama.cpp reported time, per call)")
    print(f"  pipeline overhead  {figures['pipeline_overhead']:8.3f}  (article wall / its LLM calls' wall)")
    print(f"  server peak RSS    {figures['rss_mib']:8.0f} MiB")
    return figures


def main() -> int:
    logging.getLogger("instructor").setLevel(logging.CRITICAL)  # invalid replies are counted, not printed
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="folder of articles (default: six eval articles)")
    parser.add_argument("--levels", nargs="+", type=int, default=[1, 2, 4], help="concurrency levels (default 1 2 4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        work = Path(tmp)
        folder = Path(args.folder) if args.folder else default_folder(work / "articles")
        paths = find_articles([str(folder)])
        print(f"{len(paths)} articles from {folder if args.folder else 'evals/articles'}: "
              + ", ".join(p.name for p in paths))  # fmt: skip
        results = {level: run_level(paths, level, work) for level in args.levels}
    base = results[args.levels[0]]
    print(f"\nthroughput relative to concurrency {args.levels[0]}:")
    for level, figures in results.items():
        print(f"  concurrency {level}: {figures['articles_per_min'] / base['articles_per_min']:.2f}x articles/min, "
              f"{figures['gen_tok_per_s'] / base['gen_tok_per_s']:.2f}x generated tok/s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
