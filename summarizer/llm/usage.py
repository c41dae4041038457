"""Accounting for completions: tokens, calls, re-asks, and the server's own timings where it reports them."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from summarizer.schema import PassUsage, Usage

logger = logging.getLogger("summarizer.llm")


@dataclass
class CallRecord:
    """One completion received: what it cost, and how long the server says it worked on it."""

    prompt_tokens: int
    completion_tokens: int
    wall_seconds: float
    server_seconds: float | None
    cached_prompt_tokens: int | None = None
    stage: str = ""  # the pass that asked (see CallLog.stage)
    reask: bool = False  # asked again because the previous reply was invalid
    cached: bool = False  # served by the completion cache (server_seconds is what it cost when first asked)
    rejected: str | None = None  # why this reply was refused, if it was (see rejection_reason)


@dataclass
class CallLog:
    """Everything the LLM did for one briefing (or one benchmark run)."""

    calls: list[CallRecord] = field(default_factory=list)
    transient_retries: int = 0
    cache_hits: int = 0
    stage: str = ""  # set by whoever asks, so each call is counted to the pass that made it

    @property
    def reasks(self) -> int:
        return sum(call.reask for call in self.calls)

    def usage(self) -> Usage:
        passes: dict[str, PassUsage] = {}
        for call in self.calls:
            if call.stage:
                figures = passes.setdefault(call.stage, PassUsage())
                figures.llm_calls += 1
                figures.reasks += call.reask
                figures.prompt_tokens += call.prompt_tokens
                figures.completion_tokens += call.completion_tokens
                figures.seconds += call.wall_seconds
        return Usage(
            prompt_tokens=sum(c.prompt_tokens for c in self.calls),
            completion_tokens=sum(c.completion_tokens for c in self.calls),
            llm_calls=len(self.calls),
            reasks=self.reasks,
            cached_tokens=sum(c.cached_prompt_tokens or 0 for c in self.calls),
            seconds=sum(c.wall_seconds for c in self.calls),
            passes=passes,
        )

    def reject(self, error: Exception) -> None:
        """The last reply was refused by validation: remember why, so re-asks can be explained."""
        if self.calls:
            self.calls[-1].rejected = rejection_reason(error)

    def rejections(self) -> dict[str, int]:
        """How many replies each pass had refused, and why ("claims: speaker: not a participant")."""
        return dict(Counter(f"{call.stage or 'other'}: {call.rejected}" for call in self.calls if call.rejected))

    def mark_reasks(self, first: int) -> None:
        """The calls from index ``first`` on after the first one were re-asks of one question."""
        for call in self.calls[first + 1 :]:
            call.reask = True

    def record(self, completion: ChatCompletion, *, wall: float, cached: bool = False) -> None:
        """Account for one completion (a cached one costs no wall time but still counts as a call)."""
        logger.debug("LLM reply: %s", completion.choices[0].message.content)
        usage = completion.usage
        timings = (completion.model_extra or {}).get("timings") or {}
        details = getattr(usage, "prompt_tokens_details", None)  # OpenAI's report of cached prompt tokens
        cached_tokens = timings.get("cache_n", getattr(details, "cached_tokens", None))
        server_ms = None
        if "prompt_ms" in timings and "predicted_ms" in timings:
            server_ms = float(timings["prompt_ms"]) + float(timings["predicted_ms"])
        self.calls.append(
            CallRecord(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
                wall_seconds=wall,
                server_seconds=None if server_ms is None else server_ms / 1000,
                cached_prompt_tokens=cached_tokens,
                stage=self.stage,
                cached=cached,
            )
        )


# A refusal names the field and the rule, never the reply's own words, so that the same fault
# counts once across replies: quoted values, dates and "not in it: ..." tails are elided.
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|\d{4}-\d{2}-\d{2}|(?<=not in it: ).*")


def rejection_reason(error: Exception) -> str:
    """Why a reply was refused, as "field: rule", short and the same for every reply that broke it."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            return "not JSON"
        where = ".".join(str(part) for part in first["loc"] if not isinstance(part, int)) or "reply"
        message = first["msg"] if first["type"] in ("value_error", "assertion_error") else first["type"]
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{where}: {' '.join(_VALUES.sub('…', message).split())[:120]}"
    if isinstance(error, json.JSONDecodeError):
        return "not JSON"
    return type(error).__name__
