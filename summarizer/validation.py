"""What reply validators check a model's answer against: the article, the briefing language, the passage asked about.

Validators run inside Instructor, which gives them no way to see the question; the context travels
in a ContextVar set around each extraction instead of Instructor's own ``context=``, because with
one Instructor renders every message as a Jinja template, so "{{ ... }}" in an article would be
executed. ``model_validate(..., context=ValidationContext(...))`` works too (salvage and tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from pydantic import ValidationInfo

from summarizer.grounding import QuoteLocator


@dataclass(frozen=True)
class ValidationContext:
    """The article a reply is about; ``passage`` is the part of it one question shows marked."""

    article: str | None = None
    language: str | None = None
    passage: str | None = None
    _casefolded: list[QuoteLocator] = field(default_factory=list, repr=False, compare=False)

    @property
    def casefolded(self) -> QuoteLocator | None:
        """A case-insensitive locator for names in replies, built once per article (shared by passages)."""
        if self.article is None:
            return None
        if not self._casefolded:
            self._casefolded.append(QuoteLocator(self.article.casefold()))
        return self._casefolded[0]

    def about(self, passage: str | None) -> ValidationContext:
        """The same article's context for a question about ``passage``."""
        return replace(self, passage=passage)

    def in_language(self, language: str | None) -> ValidationContext:
        """The same context checking replies against another briefing language (None: any language)."""
        return replace(self, language=language)


NO_CONTEXT = ValidationContext()

_CURRENT: ContextVar[ValidationContext | None] = ContextVar("validation_context", default=None)


@contextmanager
def validating(context: ValidationContext | None) -> Iterator[None]:
    """Make ``context`` the one validators see while a reply is parsed."""
    token = _CURRENT.set(context)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def context_of(info: ValidationInfo) -> ValidationContext:
    """The context given to ``model_validate``, else the one set by :func:`validating`."""
    if isinstance(info.context, ValidationContext):
        return info.context
    return _CURRENT.get() or NO_CONTEXT
