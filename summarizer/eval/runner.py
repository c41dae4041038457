"""Run a gold suite: summarize every case's article, score it, keep everything for the report.

A case whose gold file is broken, or whose article the model cannot turn into a briefing, is
recorded with its one-line error and the other cases still run: an evaluation is most useful
exactly when something is failing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.errors import SummarizerError
from summarizer.eval.gold import GoldCase, discover, load_case, suite_dir_of
from summarizer.eval.scoring import CaseScore, SuiteScore, aggregate, score_case
from summarizer.llm.cache import CompletionCache
from summarizer.pipeline import Summarizer
from summarizer.schema import Briefing, Usage

RUN_FORMAT = 1


@dataclass
class CaseRun:
    """One case's outcome: its briefing and score, or the error that prevented them."""

    case_id: str
    gold_path: str
    language: str | None = None
    seconds: float = 0.0
    briefing: Briefing | None = None
    score: CaseScore | None = None
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    cache_hits: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case_id,
            "gold": self.gold_path,
            "language": self.language,
            "seconds": round(self.seconds, 2),
            "error": self.error,
            "schema_valid": self.briefing is not None,
            "usage": self.usage.model_dump(),
            "cache_hits": self.cache_hits,
            "score": self.score.to_dict() if self.score else None,
            "briefing": self.briefing.model_dump(mode="json") if self.briefing else None,
        }


@dataclass
class EvalRun:
    """A whole suite run: settings, per-case outcomes and the pooled scores."""

    started_at: dt.datetime
    model: str
    backend: str
    endpoint: str
    prompt: dict[str, str]
    cases: list[CaseRun]
    seconds: float = 0.0

    @property
    def suite(self) -> SuiteScore:
        return aggregate([c.score for c in self.cases if c.score is not None])

    def to_dict(self) -> dict[str, Any]:
        usage = [c.usage for c in self.cases]
        return {
            "format": RUN_FORMAT,
            "started_at": self.started_at.isoformat(),
            "model": self.model,
            "backend": self.backend,
            "endpoint": self.endpoint,
            "prompt": self.prompt,
            "seconds": round(self.seconds, 2),
            "totals": {
                "cases": len(self.cases),
                "schema_valid": sum(c.briefing is not None for c in self.cases),
                "errors": sum(c.error is not None for c in self.cases),
                "prompt_tokens": sum(u.prompt_tokens for u in usage),
                "completion_tokens": sum(u.completion_tokens for u in usage),
                "llm_calls": sum(u.llm_calls for u in usage),
                "reasks": sum(u.reasks for u in usage),
                "cache_hits": sum(c.cache_hits for c in self.cases),
            },
            "suite": _suite_summary(self.suite),
            "cases": [c.to_dict() for c in self.cases],
        }


def _suite_summary(suite: SuiteScore) -> dict[str, Any]:
    data = suite.to_dict()
    data.pop("cases", None)  # every case's score is under "cases" already
    return data


def run_suite(
    targets: list[Path],
    summarizer: Summarizer,
    *,
    cache: CompletionCache | None,
    language: str = "en",
    on_case: Callable[[str], None] | None = None,
    on_done: Callable[[CaseRun], None] | None = None,
) -> EvalRun:
    """Summarize and score every gold case under ``targets`` (suite folders or gold files)."""
    started = time.perf_counter()
    provider = summarizer.provider
    run = EvalRun(
        started_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        model=provider.model,
        backend=provider.kind,
        endpoint=provider.endpoint,
        prompt=summarizer.prompts.ref.model_dump(),
        cases=[],
    )
    for path in discover(targets):
        if on_case:
            on_case(path.stem)
        case = _run_case(path, summarizer, cache, language)
        run.cases.append(case)
        if on_done:
            on_done(case)
    run.seconds = time.perf_counter() - started
    return run


def _run_case(path: Path, summarizer: Summarizer, cache: CompletionCache | None, language: str) -> CaseRun:
    case = CaseRun(case_id=path.stem, gold_path=str(path))
    started = time.perf_counter()
    try:
        gold: GoldCase = load_case(path, suite_dir_of(path))
        case.case_id, case.language = gold.id, gold.language
        llm = summarizer.new_llm(cache=cache)
        try:
            case.briefing = summarizer.summarize(gold.loaded_article, language=language, llm=llm)
        finally:
            case.usage = llm.log.usage()
            case.cache_hits = llm.log.cache_hits
        case.score = score_case(case.briefing, gold, gold.article_text)
    except SummarizerError as exc:
        case.error = str(exc)
    case.seconds = time.perf_counter() - started
    return case
