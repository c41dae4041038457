"""Benchmark: our pipeline against the one JSON call a user would write by hand, side by side.

For each article, in one run on the same embedded model and settings: (a) one constrained JSON
call for the whole briefing (the prompt in ``oneshot_prompt.txt``, the schema below, llama.cpp's
``json_schema`` response format), and (b) ``Summarizer.summarize``. Prints wall time, prompt and
generated tokens, LLM calls, re-asks, the time llama.cpp itself reports, and the ratio (b)/(a),
both for the requests alone and for the whole command (model start included, as a user waits for
it). With ``--loads`` the same pair is timed again beside each load of ``bench_cpu_load.py`` (one
busy process, two, a loop of short commands), each against its idle time in the same run.
Nothing is cached. Run it alone on the machine: the loads are the only other work.

    python benchmarks/bench_oneshot.py [ARTICLE ...] [--suite evals/articles] [--speculative KIND ...] [--model-file PATH]
    python benchmarks/bench_oneshot.py --loads idle,"1 busy process","2 busy processes","short commands"

With several ``--speculative`` kinds (``none``, ``ngram-simple``, ``ngram-map-k``, ``ngram-mod``),
the server is restarted for each and every figure is printed per kind.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench_cpu_load import LOADS, load
from pydantic import BaseModel

from summarizer.ingest import load_article
from summarizer.pipeline import Summarizer
from summarizer.providers import Settings
from summarizer.providers.llama_worker import SPECULATIVE

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "seeds" / "000_ba58efed2f2f0b1f.txt"
PROMPT = (HERE / "oneshot_prompt.txt").read_text(encoding="utf-8")


class Person(BaseModel):
    name: str
    role: str


class Claim(BaseModel):
    speaker: str
    statement: str
    quote: str | None


class Denial(BaseModel):
    denier: str
    denied: str
    accuser: str | None


class OneShotBriefing(BaseModel):
    title: str
    summary: str
    date: str | None
    location: str | None
    participants: list[Person]
    claims: list[Claim]
    denials: list[Denial]


@dataclass
class Figures:
    wall: float
    server: float
    calls: int
    reasks: int
    prompt_tokens: int
    generated: int
    items: str


def one_shot(summarizer: Summarizer, text: str) -> Figures:
    schema = OneShotBriefing.model_json_schema()
    started = time.perf_counter()
    reply = summarizer.provider.client.chat.completions.create(
        model=summarizer.provider.model,
        messages=[{"role": "user", "content": PROMPT.format(article=text)}],
        response_format={"type": "json_schema", "json_schema": {"name": "briefing", "schema": schema}},
        temperature=0,
    )
    wall = time.perf_counter() - started
    timings = (reply.model_extra or {}).get("timings") or {}
    try:
        parsed = OneShotBriefing.model_validate_json(reply.choices[0].message.content or "")
        items = f"{len(parsed.participants)} participants, {len(parsed.claims)} claims, {len(parsed.denials)} denials"
    except ValueError:
        items = "invalid JSON"
    usage = reply.usage
    return Figures(
        wall=wall,
        server=(float(timings.get("prompt_ms", 0)) + float(timings.get("predicted_ms", 0))) / 1000,
        calls=1,
        reasks=0,
        prompt_tokens=usage.prompt_tokens if usage else 0,
        generated=usage.completion_tokens if usage else 0,
        items=items,
    )


def pipeline(summarizer: Summarizer, article: object) -> Figures:
    llm = summarizer.new_llm()
    started = time.perf_counter()
    briefing = summarizer.summarize(article, llm=llm)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    usage = briefing.provenance.usage
    return Figures(
        wall=wall,
        server=sum(call.server_seconds or 0.0 for call in llm.log.calls),
        calls=usage.llm_calls,
        reasks=usage.reasks,
        prompt_tokens=usage.prompt_tokens,
        generated=usage.completion_tokens,
        items=f"{len(briefing.participants)} participants, {len(briefing.claims)} claims, {len(briefing.denials)} denials",
    )


def row(label: str, figures: Figures) -> str:
    return (
        f"  {label:<9} {figures.wall:8.1f} s  llama.cpp {figures.server:7.1f} s  "
        f"calls {figures.calls:3d} (re-asks {figures.reasks:2d})  "
        f"prompt {figures.prompt_tokens:7,}  generated {figures.generated:6,}  ({figures.items})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", help="article files (default: the seed)")
    parser.add_argument("--suite", type=Path, help="a folder of articles (e.g. evals/articles): every .txt in it")
    parser.add_argument("--speculative", action="append", choices=SPECULATIVE, help="server drafting (default none)")
    parser.add_argument("--model-file", help="a local GGUF file instead of the bundled model")
    parser.add_argument("--loads", default="idle", help=f"comma-separated, the first is the anchor (of: {', '.join(LOADS)})")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the loads are stopped (see load())
    paths = [Path(p) for p in args.articles] + (sorted(args.suite.glob("*.txt")) if args.suite else [])
    articles = [(path.name, load_article(path)) for path in paths or [SEED]]
    loads = [name.strip() for name in args.loads.split(",")]
    unknown = [name for name in loads if name not in LOADS]
    if unknown:
        parser.error(f"unknown load {unknown[0]!r}")

    for kind in args.speculative or ["none"]:
        base = Settings.from_env({}, backend="embedded", model_file=args.model_file)
        settings = replace(base, embedded=replace(base.embedded, speculative=kind))
        started = time.perf_counter()
        with Summarizer(settings=settings) as summarizer:
            summarizer.provider.connect()  # the model is loaded here, not at the first question
            startup = time.perf_counter() - started
            print(f"\nspeculative {kind}: model {summarizer.provider.model}, start {startup:.1f} s", flush=True)
            anchor: dict[str, float] = {}
            for name in loads:
                with load(LOADS[name]):
                    totals = run_articles(summarizer, articles, startup)
                anchor = anchor or totals
                one, ours = totals["one-shot"], totals["pipeline"]
                print(
                    f"[{name}] one-shot {one:.1f} s (x{one / anchor['one-shot']:.2f} of {loads[0]}), "
                    f"pipeline {ours:.1f} s (x{ours / anchor['pipeline']:.2f} of {loads[0]}), "
                    f"ratio {ours / one:.2f}",
                    flush=True,
                )
    return 0


def run_articles(summarizer: Summarizer, articles: list[tuple[str, object]], startup: float) -> dict[str, float]:
    """Both ways for every article, one after the other; the wall times summed per way."""
    totals = {"one-shot": 0.0, "pipeline": 0.0}
    for name, article in articles:
        a, b = one_shot(summarizer, article.text), pipeline(summarizer, article)  # type: ignore[attr-defined]
        totals["one-shot"] += a.wall
        totals["pipeline"] += b.wall
        print(f"{name} ({len(article.text.split()):,} words)")  # type: ignore[attr-defined]
        print(row("one-shot", a))
        print(row("pipeline", b))
        print(
            f"  ratio     {b.wall / a.wall:5.2f} requests, {(startup + b.wall) / (startup + a.wall):5.2f} whole command; "
            f"our overhead over llama.cpp {b.wall / max(b.server, 1e-9):5.3f}",
            flush=True,
        )
    return totals


if __name__ == "__main__":
    raise SystemExit(main())
