"""Run a gold suite: summarize every case's article, score it, keep everything for the report.

A case whose gold file is broken, or whose article the model cannot turn into a briefing, is
recorded with its one-line error and the other cases still run: an evaluation is most useful
exactly when something is failing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from summarizer.errors import SummarizerError
from summarizer.eval.aggregation import aggregate
from summarizer.eval.gold import GoldCase, discover, load_case, suite_dir_of
from summarizer.eval.results import CaseScore
from summarizer.eval.runfile import CaseRun, EvalRun, RunTotals
from summarizer.eval.scoring import score_case
from summarizer.llm.cache import CompletionCache
from summarizer.pipeline import Summarizer
from summarizer.schema import Briefing, Usage


def run_suite(
    targets: list[Path],
    summarizer: Summarizer,
    *,
    cache: CompletionCache | None,
    language: str = "en",
    on_case: Callable[[str], None] | None = None,
    on_done: Callable[[CaseRun], None] | None = None,
    on_step: Callable[[str, str], None] | None = None,
) -> EvalRun:
    """Summarize and score every gold case under ``targets`` (suite folders or gold files).

    ``on_case`` is told each case's name before it runs, ``on_step`` each question of its
    briefing (case, step) and ``on_done`` its outcome: a long run says where it is.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cases: list[CaseRun] = []
    for path in discover(targets):
        if on_case:
            on_case(path.stem)
        step = None if on_step is None else (lambda text, case_id=path.stem: on_step(case_id, text))
        case = _run_case(path, summarizer, cache, language, step)
        cases.append(case)
        if on_done:
            on_done(case)
    provider = summarizer.provider
    return EvalRun(
        started_at=started_at,
        model=provider.model,
        backend=provider.kind,
        endpoint=provider.endpoint,
        prompt=summarizer.prompts.ref,
        seconds=time.perf_counter() - started,
        totals=RunTotals.of(cases),
        suite=aggregate([c.score for c in cases if c.score is not None]).figures(),
        cases=cases,
    )


def _run_case(
    path: Path,
    summarizer: Summarizer,
    cache: CompletionCache | None,
    language: str,
    progress: Callable[[str], None] | None,
) -> CaseRun:
    case_id, case_language, error = path.stem, None, None
    briefing: Briefing | None = None
    score: CaseScore | None = None
    usage, cache_hits, refused = Usage(), 0, {}
    started = time.perf_counter()
    try:
        gold: GoldCase = load_case(path, suite_dir_of(path))
        case_id, case_language = gold.id, gold.language
        llm = summarizer.new_llm(cache=cache)
        try:
            briefing = summarizer.summarize(gold.loaded_article, language=language, llm=llm, progress=progress)
        finally:
            usage, cache_hits, refused = llm.log.usage(), llm.log.cache_hits, llm.log.rejections()
        score = score_case(briefing, gold, gold.article_text)
    except SummarizerError as exc:
        error = str(exc)
    return CaseRun(
        case_id=case_id,
        gold_path=str(path),
        language=case_language,
        seconds=time.perf_counter() - started,
        error=error,
        schema_valid=briefing is not None,
        usage=usage,
        cache_hits=cache_hits,
        refused=refused,
        score=score,
        briefing=briefing,
    )
