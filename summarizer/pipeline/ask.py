"""The one seam between the passes and a model: a question about an explicit part of the article,
answered with a validated reply or a :class:`~summarizer.llm.ReplyFailed`.

:class:`LLMAsker` renders the question's template and asks through :class:`~summarizer.llm.LLM`;
a scripted stand-in for tests (:class:`summarizer.testing.ScriptedModel`) answers the same
:class:`Question` objects by name, so pipeline tests never depend on a prompt's wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from summarizer.errors import ExtractionError
from summarizer.llm import LLM, ReplyFailed
from summarizer.pipeline.plan import Part
from summarizer.prompts import PromptSet
from summarizer.schema import Usage
from summarizer.validation import ValidationContext


@dataclass(frozen=True)
class Question:
    """One question: its template's name, the reply it wants, and what it is about."""

    name: str  # the template under prompts/<set>/, e.g. "attribution"
    reply: type[BaseModel]
    part: Part
    max_tokens: int
    context: ValidationContext  # what the reply is checked against (the article, the passage)
    variables: Mapping[str, Any] = field(default_factory=dict)  # for the template

    @property
    def passage(self) -> str | None:
        return self.context.passage


PASSES = {
    "participants": "participants", "newcomer": "participants",
    "deniers": "denials", "accusation": "denials", "resolve": "denials",
    "reported": "claims", "attribution": "claims",
    "event": "event",
}  # fmt: skip
"""The pass each question belongs to (by template), for the cost of each pass in a briefing's usage."""


class Asker(Protocol):
    """Answers questions; the provenance of a briefing names its model and sums its usage."""

    model: str
    endpoint: str
    max_reasks: int

    def ask(self, question: Question) -> BaseModel | ReplyFailed: ...

    def usage(self) -> Usage: ...


class LLMAsker:
    """Asks a real model: the system prompt, then the question's template around its part of the article."""

    def __init__(
        self, llm: LLM, prompts: PromptSet, text: str, language: str, progress: Callable[[str], None] | None = None
    ) -> None:
        self.llm = llm
        self.prompts = prompts
        self.text = text
        self.language = language
        self.system = prompts.system(language=language)
        self.progress = progress
        self.model = llm.model
        self.max_reasks = llm.max_reasks

    @property
    def endpoint(self) -> str:
        return self.llm.endpoint

    def ask(self, question: Question) -> BaseModel | ReplyFailed:
        if self.progress:
            self.progress(question.part.label + question.name.replace("_", " "))
        article = self.text[question.part.start : question.part.end]
        user = self.prompts.task(
            question.name, language=self.language, article=article, passage=question.passage, **question.variables
        )
        messages = [{"role": "system", "content": self.system}, {"role": "user", "content": user}]
        self.llm.log.stage = PASSES.get(question.name, question.name)
        try:
            return self.llm.extract(question.reply, messages, max_tokens=question.max_tokens, context=question.context)
        except ReplyFailed as failure:
            return failure
        except ExtractionError as cut_off:  # a reply cut at max_tokens: like an invalid one, nothing to keep
            return ReplyFailed(str(cut_off).removeprefix(f"{self.endpoint}: "), None)

    def usage(self) -> Usage:
        return self.llm.log.usage()
