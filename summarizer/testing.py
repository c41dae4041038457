"""A scripted stand-in for a model at the pipeline's ask seam, for tests and notebooks.

It is not a language model and what it returns is not a model result: each question is answered
from a script keyed by the question's name (``"participants"``, ``"attribution"``, ``"reported"``,
``"deniers"``, ``"accusation"``, ``"resolve"``, ``"event"``), so a test of
the pipeline's logic never depends on a prompt's wording. Replies are validated by the real reply
models against the real validation context, and an invalid one is "re-asked" (the next scripted
reply is taken) as :class:`~summarizer.llm.LLM` would, so salvage, re-asks and warnings run for real::

    from summarizer.testing import ScriptedModel
    model = ScriptedModel({"event": {...}, "attribution": lambda q: {...}, ...})
    briefing = summarize_with(model, article)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from summarizer.llm import ReplyFailed
from summarizer.pipeline.ask import Question
from summarizer.schema import Usage

CUT_OFF = object()
"""A scripted reply that stands for one cut off at its token limit (not re-asked, nothing to keep)."""

Answer = str | Mapping[str, Any] | object | Callable[[Question], Any]
"""A reply: JSON text, a JSON-able mapping, :data:`CUT_OFF`, or a function of the question giving one."""


class ScriptedModel:
    """Answers each question from ``script[question.name]``; ``faults[name]`` replies come first, one per attempt."""

    model = "scripted"
    endpoint = "scripted"

    def __init__(
        self, script: Mapping[str, Answer], *, faults: Mapping[str, list[Answer]] | None = None, max_reasks: int = 2
    ) -> None:
        self.script = dict(script)
        self.faults = {name: list(replies) for name, replies in (faults or {}).items()}
        self.max_reasks = max_reasks
        self.questions: list[Question] = []  # every question asked, in order
        self.replies = 0  # replies given, re-asks included
        self.reasks = 0

    def asked(self, name: str) -> int:
        """How many times a question of this name was asked (re-asks not counted)."""
        return sum(q.name == name for q in self.questions)

    def ask(self, question: Question) -> BaseModel | ReplyFailed:
        self.questions.append(question)
        content: str | None = None
        for attempt in range(1 + self.max_reasks):
            self.replies += 1
            self.reasks += attempt > 0
            answer = self._next(question)
            if answer is CUT_OFF:
                return ReplyFailed(f"the model's reply for {question.reply.__name__} was cut off", None)
            content = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
            try:
                return question.reply.model_validate_json(content, context=question.context)
            except ValidationError as exc:
                error = exc
        return ReplyFailed(" ".join(str(error).split())[:500], content)

    def usage(self) -> Usage:
        return Usage(prompt_tokens=0, completion_tokens=0, llm_calls=self.replies, reasks=self.reasks)

    def _next(self, question: Question) -> Any:
        queue = self.faults.get(question.name)
        answer = queue.pop(0) if queue else self.script.get(question.name)
        if answer is None:
            raise KeyError(f"scripted model: no reply for the question {question.name!r}")
        return answer(question) if callable(answer) else answer
