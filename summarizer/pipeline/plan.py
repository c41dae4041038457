"""Planning parts: one if the article fits the model's context with the longest question, else
parts cut on paragraph and sentence boundaries that each fit (exact token counts where the
server can count them, a conservative estimate elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarizer.chunking import estimate_tokens, split_into_chunks
from summarizer.errors import InputError
from summarizer.pipeline.budgets import EVENT_TOKENS, QUESTION_TOKENS

OVERLAP_SHARE = 0.1  # of a part's length, repeated from the previous part as context
MIN_PART_TOKENS = 200  # below this a part says too little to be worth asking about


@dataclass(frozen=True)
class Part:
    """``text[start:end]`` is shown to the model; ``[core, end)`` is what this part answers for."""

    start: int
    core: int
    end: int
    number: int = 1
    count: int = 1

    def owns(self, offset: int) -> bool:
        return self.core <= offset < self.end

    @property
    def label(self) -> str:
        """"part 2/3: " for a split article, nothing for a whole one (shown in progress lines)."""
        return f"part {self.number}/{self.count}: " if self.count > 1 else ""


@dataclass(frozen=True)
class TokenLimits:
    """What the provider knows about its context: its size, and how to count a text's tokens."""

    context_tokens: int | None = None
    count_tokens: Callable[[str], int | None] = lambda _text: None

    def count(self, text: str) -> int:
        return self.count_tokens(text) or estimate_tokens(text)


def part_budget(limits: TokenLimits, system: str, wanted: int | None) -> int | None:
    """Article tokens one question may carry: the user's setting, capped by the context."""
    if wanted is not None and wanted < MIN_PART_TOKENS:
        raise InputError(f"parts of {wanted:,} tokens are too small to say anything; use at least {MIN_PART_TOKENS}")
    if limits.context_tokens is None:
        return wanted
    room = limits.context_tokens - limits.count(system) - QUESTION_TOKENS - EVENT_TOKENS
    if room < MIN_PART_TOKENS:
        raise InputError(f"the model's context ({limits.context_tokens:,} tokens) is too small for the questions")
    return room if wanted is None else min(wanted, room)


def plan_parts(text: str, budget: int | None, limits: TokenLimits, *, source: str | None = None) -> list[Part]:
    """The parts to ask about, each within ``budget`` tokens (None: no limit)."""
    whole = [Part(0, 0, len(text))]
    if budget is None:
        return whole
    tokens = limits.count(text)
    if tokens <= budget:
        return whole
    max_chars = max(1, int(len(text) * budget / tokens * 0.95))
    for _attempt in range(5):
        chunks = split_into_chunks(text, max_chars, int(max_chars * OVERLAP_SHARE))
        largest = max(limits.count(text[c.start : c.end]) for c in chunks)
        if largest <= budget:
            return [Part(c.start, c.core, c.end, number, len(chunks)) for number, c in enumerate(chunks, 1)]
        max_chars = max(1, int(max_chars * budget / largest * 0.95))
    raise InputError(f"{source or 'article'}: cannot split the article into parts of {budget:,} tokens")
