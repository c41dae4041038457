"""Accounting for completions: tokens, calls, re-asks, and the server's own timings where it reports them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from openai.types.chat import ChatCompletion

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

    def mark_reasks(self, first: int) -> None:
        """The calls from index ``first`` on after the first one were re-asks of one question."""
        for call in self.calls[first + 1 :]:
            call.reask = True

    def record(self, completion: ChatCompletion, *, wall: float) -> None:
        """Account for one completion (a cached one costs no time but still counts as a call)."""
        logger.debug("LLM reply: %s", completion.choices[0].message.content)
        usage = completion.usage
        timings = (completion.model_extra or {}).get("timings") or {}
        details = getattr(usage, "prompt_tokens_details", None)  # OpenAI's report of cached prompt tokens
        cached = timings.get("cache_n", getattr(details, "cached_tokens", None))
        server_ms = None
        if "prompt_ms" in timings and "predicted_ms" in timings:
            server_ms = float(timings["prompt_ms"]) + float(timings["predicted_ms"])
        self.calls.append(
            CallRecord(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
                wall_seconds=wall,
                server_seconds=None if server_ms is None or wall == 0.0 else server_ms / 1000,
                cached_prompt_tokens=cached,
                stage=self.stage,
            )
        )
