"""Run one pass alone over a gold suite (:mod:`summarizer.eval.passes`).

Like a whole-suite run, a case whose gold file is broken or whose article cannot be read is
recorded with its one-line error and the others still run; the run is recorded as a
:class:`~summarizer.eval.runfile.PassRun`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from summarizer.errors import SummarizerError
from summarizer.eval.gold import discover, load_case, suite_dir_of
from summarizer.eval.passes import PASSES, figures_of
from summarizer.eval.runfile import PassCaseRun, PassRun, RunTotals
from summarizer.llm.cache import CompletionCache
from summarizer.pipeline import Summarizer
from summarizer.pipeline.summarizer import prepare
from summarizer.schema import Usage


def run_pass(
    pass_name: str,
    targets: list[Path],
    summarizer: Summarizer,
    *,
    cache: CompletionCache | None,
    language: str = "en",
    on_step: Callable[[str, str], None] | None = None,
    on_done: Callable[[PassCaseRun], None] | None = None,
) -> PassRun:
    """Run ``pass_name`` alone on every gold case under ``targets``; ``on_step`` hears (case, question)."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cases = []
    for path in discover(targets):
        step = None if on_step is None else (lambda text, case_id=path.stem: on_step(case_id, text))
        case = _run_case(pass_name, path, summarizer, cache, language, step)
        cases.append(case)
        if on_done:
            on_done(case)
    counts: Counter[str] = Counter()
    for case in cases:
        if case.error is None:
            counts.update(case.counts)
    provider = summarizer.provider
    return PassRun(
        pass_name=pass_name,
        started_at=started_at,
        model=provider.model,
        backend=provider.kind,
        endpoint=provider.endpoint,
        prompt=summarizer.prompts.ref,
        seconds=time.perf_counter() - started,
        totals=RunTotals.of(cases),
        figures=figures_of(pass_name, dict(counts)),
        cases=cases,
    )


def _run_case(
    pass_name: str,
    path: Path,
    summarizer: Summarizer,
    cache: CompletionCache | None,
    language: str,
    progress: Callable[[str], None] | None,
) -> PassCaseRun:
    case_id, case_language, error, outcome = path.stem, None, None, None
    usage, cache_hits, refused = Usage(), 0, {}
    started = time.perf_counter()
    try:
        gold = load_case(path, suite_dir_of(path))
        case_id, case_language = gold.id, gold.language
        article = gold.loaded_article
        llm = summarizer.new_llm(cache=cache)
        asker = summarizer.asker(article, language=language, llm=llm, progress=progress)
        story, parts = prepare(article, language=language, prompts=summarizer.prompts, options=summarizer.options,
                               limits=summarizer.limits())  # fmt: skip
        try:
            outcome = PASSES[pass_name][0](asker, story, parts, gold)
        finally:
            usage, cache_hits, refused = llm.log.usage(), llm.log.cache_hits, llm.log.rejections()
    except SummarizerError as exc:
        error = str(exc)
    return PassCaseRun(
        case_id=case_id,
        gold_path=str(path),
        language=case_language,
        seconds=time.perf_counter() - started,
        error=error,
        usage=usage,
        cache_hits=cache_hits,
        refused=refused,
        counts=outcome.counts if outcome else {},
        figures=figures_of(pass_name, outcome.counts) if outcome else {},
        details=outcome.details if outcome else [],
    )
