"""Benchmark: what the re-ask budget costs and buys, replayed from the completion cache.

Runs the eval suite once per re-ask budget (``--budgets 2,1,0``) with the embedded model and
the shared completion cache, and prints for each budget the LLM calls, re-asks, the model time
those calls took when they were first asked (llama.cpp's own prompt + generation time, kept in
the cache), the suite's scores, and the ratios to the first budget (the anchor). A suite run
at the default budget fills the cache; a smaller budget then asks only the questions whose
flow changed (a question that now gives up earlier), so the whole comparison costs minutes.
It also says why replies were refused, pass by pass: the re-asks each rule causes.

    python benchmarks/bench_reasks.py [SUITE ...] [--budgets 2,1,0] [--cases 'de-*,ru-*']

Run it alone on the machine (any question not in the cache runs on the model).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from summarizer.eval.aggregation import aggregate
from summarizer.eval.gold import discover, load_case, select, suite_dir_of
from summarizer.eval.scoring import score_case
from summarizer.files import cache_dir
from summarizer.llm.cache import CompletionCache
from summarizer.llm.usage import CallRecord
from summarizer.pipeline import Options, Summarizer
from summarizer.providers import Settings

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("participants", "claims", "denials")


def run_budget(summarizer: Summarizer, paths: list[Path], cache: CompletionCache, budget: int) -> dict:
    """One pass over the cases at one re-ask budget: calls, model seconds, scores, refusals."""
    summarizer.options = Options(max_reasks=budget)
    calls = reasks = asked_now = 0
    model_seconds = 0.0
    rejections: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = {}  # first refusal's rule -> what became of the question
    scores = []
    started = time.perf_counter()
    for path in paths:
        gold = load_case(path, suite_dir_of(path))
        llm = summarizer.new_llm(cache=cache)
        briefing = summarizer.summarize(gold.loaded_article, llm=llm)
        scores.append(score_case(briefing, gold, gold.article_text))
        calls += len(llm.log.calls)
        reasks += llm.log.reasks
        asked_now += sum(not call.cached for call in llm.log.calls)
        model_seconds += sum(call.server_seconds or call.wall_seconds for call in llm.log.calls)
        rejections.update(llm.log.rejections())
        for first, fixed_at in question_outcomes(llm.log.calls):
            outcomes.setdefault(first, Counter())[fixed_at] += 1
    return {
        "budget": budget,
        "calls": calls,
        "reasks": reasks,
        "asked_now": asked_now,
        "model_seconds": model_seconds,
        "wall": time.perf_counter() - started,
        "figures": aggregate(scores).figures(),
        "rejections": rejections,
        "outcomes": outcomes,
    }


def question_outcomes(calls: list[CallRecord]) -> list[tuple[str, str]]:
    """For each question whose first reply was refused: that refusal's "pass: rule", and which
    re-ask gave a valid reply ("re-ask 1", "re-ask 2") or "never"."""
    questions: list[list[CallRecord]] = []
    for call in calls:
        if call.reask and questions:
            questions[-1].append(call)
        else:
            questions.append([call])
    found = []
    for replies in questions:
        if replies[0].rejected:
            valid = [n for n, reply in enumerate(replies) if not reply.rejected]
            found.append((f"{replies[0].stage}: {replies[0].rejected}", f"re-ask {valid[0]}" if valid else "never"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=[str(ROOT / "evals")])
    parser.add_argument("--budgets", default="2,1,0", help="re-ask budgets to compare, the first is the anchor")
    parser.add_argument("--cases", default=None, help="case names or globs, comma-separated")
    args = parser.parse_args()

    budgets = [int(b) for b in args.budgets.split(",")]
    paths = discover([Path(t) for t in args.targets])
    if args.cases:
        paths = select(paths, args.cases)
    cache = CompletionCache(cache_dir() / "completions")
    with Summarizer(settings=Settings(backend="embedded")) as summarizer:
        results = [run_budget(summarizer, paths, cache, budget) for budget in budgets]

    anchor = results[0]
    print(f"{len(paths)} cases; model seconds = llama.cpp's time for each reply when it was first asked\n")
    print("| re-asks allowed | LLM calls | re-asks | model s | ratio | " + " | ".join(f"{f} F1" for f in FIELDS)
          + " | quote speakers | date | title sim | asked now |")  # fmt: skip
    print("|---" * (9 + len(FIELDS)) + "|")
    for r in results:
        fig = r["figures"]
        f1s = " | ".join(f"{getattr(fig, f).f1:.3f}" for f in FIELDS)
        speakers = f"{fig.quote_speakers.right}/{fig.quote_speakers.matched}" if fig.quote_speakers else "–"
        print(
            f"| {r['budget']} | {r['calls']} | {r['reasks']} | {r['model_seconds']:.0f} | "
            f"{r['model_seconds'] / anchor['model_seconds']:.2f} | {f1s} | {speakers} | "
            f"{fig.event.date_accuracy:.3f} | {fig.event.mean_title_similarity:.3f} | {r['asked_now']} |"
        )
    print(f"\nWhy replies were refused at {anchor['budget']} re-asks, and what re-asking bought:\n")
    print("| pass: rule of the first refusal | replies refused | questions | valid at re-ask 1 | at re-ask 2 | never |")
    print("|---|---|---|---|---|---|")
    for reason, count in anchor["rejections"].most_common(15):
        fate = anchor["outcomes"].get(reason, Counter())
        print(f"| {reason} | {count} | {fate.total()} | {fate['re-ask 1']} | {fate['re-ask 2']} | {fate['never']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
