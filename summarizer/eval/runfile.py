"""An evaluation run as it is recorded (a whole suite, or one pass alone), and the one place it is written to and read from JSON.

A run file (``evals/runs/*.json``) is read back as a ``--baseline`` long after it was written,
so the objects here are the file's format: fields are added with defaults, never renamed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_serializer, field_validator

from summarizer.errors import InputError
from summarizer.eval.results import CaseScore, SuiteFigures
from summarizer.schema import Briefing, PromptRef, Usage

RUN_FORMAT: Literal[1] = 1


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    @field_validator("seconds", check_fields=False)
    @classmethod
    def _rounded(cls, seconds: float) -> float:
        return round(seconds, 2)  # what the file keeps, so a run reads the same before and after writing


class CaseRun(_Record):
    """One case's outcome: its briefing and score, or the error that prevented them."""

    case_id: str = Field(alias="id")
    gold_path: str = Field(alias="gold")
    language: str | None = None
    seconds: float = 0.0
    error: str | None = None
    schema_valid: bool = False  # a briefing was made
    usage: Usage = Field(default_factory=Usage)
    cache_hits: int = 0
    refused: dict[str, int] = Field(default_factory=dict)  # replies refused by validation, per "pass: rule"
    score: CaseScore | None = None
    briefing: Briefing | None = None


class RunTotals(BaseModel):
    model_config = ConfigDict(frozen=True)

    cases: int
    schema_valid: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    llm_calls: int
    reasks: int
    cache_hits: int

    @classmethod
    def of(cls, cases: Sequence[CaseRun] | Sequence[PassCaseRun]) -> RunTotals:
        return cls(
            cases=len(cases),
            schema_valid=sum(c.schema_valid if isinstance(c, CaseRun) else c.error is None for c in cases),
            errors=sum(c.error is not None for c in cases),
            prompt_tokens=sum(c.usage.prompt_tokens for c in cases),
            completion_tokens=sum(c.usage.completion_tokens for c in cases),
            llm_calls=sum(c.usage.llm_calls for c in cases),
            reasks=sum(c.usage.reasks for c in cases),
            cache_hits=sum(c.cache_hits for c in cases),
        )


class EvalRun(_Record):
    """A whole suite run: settings, totals, the pooled scores and every case."""

    format: Literal[1] = RUN_FORMAT
    started_at: dt.datetime
    model: str
    backend: str
    endpoint: str
    prompt: PromptRef
    seconds: float
    totals: RunTotals
    suite: SuiteFigures  # pooled over the cases that have a score
    cases: list[CaseRun]

    @field_serializer("started_at")
    def _iso(self, started_at: dt.datetime) -> str:
        return started_at.isoformat()


def run_json(run: EvalRun | PassRun) -> str:
    """The run file's text."""
    return json.dumps(run.model_dump(mode="json", by_alias=True), indent=1, ensure_ascii=False) + "\n"


def load_run(path: str | Path) -> EvalRun:
    """A run file read back, e.g. as a ``--baseline``; a one-line ``InputError`` if it is not one."""
    data = _read(path)
    if isinstance(data, dict) and data.get("kind") == "pass":
        raise InputError(f"{path}: a run of --pass {data.get('pass')}, not of the whole suite; use a whole-suite run")
    try:
        return EvalRun.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]).lstrip(".")
        problem = f"{where}: {first['msg']}" if where else first["msg"]
        raise InputError(f"{path}: not an eval run written by summarizer eval ({problem})") from None


class PassCaseRun(_Record):
    """One case's outcome for one pass run alone: what it found and cost, or the error that stopped it.

    The fields before ``counts`` mean what :class:`CaseRun`'s of the same name mean.
    """

    case_id: str = Field(alias="id")
    gold_path: str = Field(alias="gold")
    language: str | None = None
    seconds: float = 0.0
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    cache_hits: int = 0
    refused: dict[str, int] = Field(default_factory=dict)
    counts: dict[str, float] = Field(default_factory=dict)
    figures: dict[str, float | None] = Field(default_factory=dict)
    details: list[str] = Field(default_factory=list)


class PassRun(_Record):
    """One pass run alone over a suite: settings, totals, the pooled figures and every case."""

    format: Literal[1] = 1
    kind: Literal["pass"] = "pass"
    pass_name: str = Field(alias="pass")
    started_at: dt.datetime
    model: str
    backend: str
    endpoint: str
    prompt: PromptRef
    seconds: float
    totals: RunTotals
    figures: dict[str, float | None]  # from the counts of every case without an error, summed
    cases: list[PassCaseRun]


def load_pass_run(path: str | Path, pass_name: str) -> PassRun:
    """A pass run file read back as a baseline for ``pass_name``; a one-line ``InputError`` otherwise."""
    data = _read(path)
    if not isinstance(data, dict) or data.get("kind") != "pass":
        raise InputError(f"{path}: not a pass-level run (written by summarizer eval --pass); use a run of --pass {pass_name}")
    try:
        run = PassRun.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(f"{path}: not a pass-level run written by summarizer eval --pass ({where}: {first['msg']})") from None
    if run.pass_name != pass_name:
        raise InputError(f"{path}: a run of --pass {run.pass_name}, not of --pass {pass_name}")
    return run


def _read(path: str | Path) -> object:
    """A run file's JSON; a one-line ``InputError`` when it cannot be read."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read an eval run ({exc})") from None
