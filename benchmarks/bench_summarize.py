"""Benchmark: summarize the seed article with the embedded model and report where time goes.

Prints model load time, tokens, LLM calls, re-asks, wall time, tokens/s, and the ratio of our
end-to-end wall time to the time the llama.cpp server itself reports for the same requests
(prompt + generation), i.e. the overhead of everything around the model. Run it alone on the
machine: another CPU-heavy process cuts decode speed several-fold.

    python benchmarks/bench_summarize.py [ARTICLE ...] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from summarizer.ingest import load_article
from summarizer.pipeline import Summarizer
from summarizer.providers import Settings

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_ba58efed2f2f0b1f.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", default=[str(SEED)])
    parser.add_argument("--runs", type=int, default=1, help="summaries per article (default 1)")
    args = parser.parse_args()

    started = time.perf_counter()
    with Summarizer(settings=Settings(backend="embedded")) as summarizer:
        summarizer.provider.connect()  # the model is loaded here, not at the first question
        startup = time.perf_counter() - started
        server = summarizer.provider.server
        print(f"model            {summarizer.provider.model}")
        print(f"startup          {startup:6.2f} s  (model load and health check: {server.load_seconds:.2f} s)")
        walls = []
        for path in args.articles:
            article = load_article(path)
            for run in range(args.runs):
                llm = summarizer.new_llm()
                t0 = time.perf_counter()
                briefing = summarizer.summarize(article, llm=llm)
                wall = time.perf_counter() - t0
                walls.append(wall)
                calls = llm.log.calls
                usage = briefing.provenance.usage
                server_s = sum(c.server_seconds or 0.0 for c in calls)
                llm_wall = sum(c.wall_seconds for c in calls)
                cached = sum(c.cached_prompt_tokens or 0 for c in calls)
                print(f"\n{Path(path).name} run {run + 1}: {article.chars:,} chars, {len(briefing.claims)} claims, "
                      f"{len(briefing.denials)} denials, {len(briefing.participants)} participants")
                print(f"  llm calls        {usage.llm_calls}  (re-asks {usage.reasks})")
                print(f"  prompt tokens    {usage.prompt_tokens:,}  (served from cache {cached:,})")
                print(f"  generated tokens {usage.completion_tokens:,}")
                print(f"  wall time        {wall:6.2f} s")
                print(f"  server time      {server_s:6.2f} s  (llama.cpp timings: prompt + generation)")
                print(f"  tokens/s         {usage.completion_tokens / wall:6.2f} generated per wall second")
                print(
                    f"  overhead ratio   {wall / server_s:6.3f}  "
                    f"(our wall / server time; HTTP-level {llm_wall / server_s:.3f})"
                )
        if len(walls) > 1:
            print(f"\nwall time median {statistics.median(walls):.2f} s over {len(walls)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
