"""One article as every pass reads it: its text, sentences and direct quotes, found once by the program."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarizer.grounding import QuoteLocator
from summarizer.ingest import Article
from summarizer.pipeline.plan import Part
from summarizer.quotes import find_direct_quotes
from summarizer.sentences import split_sentences
from summarizer.validation import ValidationContext

Span = tuple[int, int]


@dataclass(frozen=True)
class Story:
    """What the passes share about one article; offsets are always into the whole article."""

    article: Article
    language: str  # of the briefing
    context: ValidationContext
    quotes: list[tuple[str, Span]]  # direct quotes, located verbatim
    sentences: list[Span]
    _previous: dict[int, Span] = field(repr=False)  # sentence start -> the sentence before it

    @classmethod
    def of(cls, article: Article, language: str) -> Story:
        locator = QuoteLocator(article.text)
        sentences = split_sentences(article.text)
        return cls(
            article=article,
            language=language,
            context=ValidationContext(article=article.text, language=language),
            quotes=[(q, span) for q in find_direct_quotes(article.text) if (span := locator.locate(q))],
            sentences=sentences,
            _previous={s[0]: before for s, before in zip(sentences[1:], sentences[:-1], strict=False)},
        )

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def asking(self) -> ValidationContext:
        """What replies in free text are checked against while asked: everything but the briefing
        language, which is checked afterwards and flagged (see ``salvage.flagged_unless_in``)."""
        return self.context.in_language(None)

    def sentences_of(self, part: Part) -> list[Span]:
        """The sentences ``part`` answers for (each sentence belongs to exactly one part)."""
        return [s for s in self.sentences if part.owns(s[0])]

    def quotes_of(self, part: Part) -> list[tuple[str, Span]]:
        return [(quote, span) for quote, span in self.quotes if part.owns(span[0])]

    def without_quotes(self, sentences: list[Span]) -> list[Span]:
        return [(s, e) for s, e in sentences if not any(qs < e and s < qe for _q, (qs, qe) in self.quotes)]

    def previous(self, start: int) -> Span | None:
        """The sentence before the one that starts at ``start``."""
        return self._previous.get(start)

    def passage(self, start: int, end: int, before: int, after: int) -> str:
        """The span marked with [[ ]] inside the words around it (same paragraph only)."""
        text = self.text
        paragraph_start = text.rfind("\n", 0, start) + 1
        paragraph_end = text.find("\n", end)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        return (
            text[max(paragraph_start, start - before) : start]
            + "[["
            + text[start:end]
            + "]]"
            + text[end : min(paragraph_end, end + after)]
        )
