"""Candidate denials of a part, found by the program: every sentence with a denial cue.

A denial is often announced in one sentence and worded in the denier's own quote in the next
("The company rejected the accusations. «At no point did we hide…», the statement says"), so a
cue sentence without a quote of its own takes the quote that opens the next sentence of the same
paragraph (news style gives the denier's own words there): the denial then carries those words,
which is what a reader wants to see, and one denial is not found twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.cues import has_cue
from summarizer.pipeline.plan import Part
from summarizer.pipeline.story import Span, Story
from summarizer.schema import Denial


@dataclass(frozen=True)
class DenialCandidate:
    """A passage that may report a denial, and the direct quote that words it, if any."""

    span: Span  # the cue sentence, with the next one when that one holds the quote
    quote: tuple[str, Span] | None


def denial_candidates(story: Story, part: Part) -> list[DenialCandidate]:
    """The part's sentences with a denial cue, each paired with its quote (in article order)."""
    sentences = story.sentences_of(part)
    language = story.article.language
    found: list[DenialCandidate] = []
    skip: Span | None = None
    for index, sentence in enumerate(sentences):
        if sentence == skip or not has_cue(story.text[sentence[0] : sentence[1]], "denial", language):
            continue
        quote = _first_quote(story, sentence)
        span = sentence
        if quote is None and index + 1 < len(sentences):
            following = sentences[index + 1]
            quote = _opening_quote(story, sentence, following)
            if quote is not None:
                span, skip = (sentence[0], following[1]), following
        found.append(DenialCandidate(span, quote))
    return found


def _opening_quote(story: Story, sentence: Span, following: Span) -> tuple[str, Span] | None:
    """The quote that opens ``following``, when it is in the same paragraph as ``sentence``."""
    if "\n" in story.text[sentence[1] : following[0]]:
        return None
    quote = _first_quote(story, following)
    return quote if quote is not None and quote[1][0] - following[0] <= 2 else None


def _first_quote(story: Story, sentence: Span) -> tuple[str, Span] | None:
    start, end = sentence
    return next(((q, (qs, qe)) for q, (qs, qe) in story.quotes if qs < end and start < qe), None)


def covered_by(candidates: list[DenialCandidate], denials: list[Denial]) -> list[Span]:
    """The candidates' passages that became denials: their quotes and sentences are not claims too."""
    quoted = {d.quote_span for d in denials}
    return [c.span for c in candidates if (c.quote[1] if c.quote else c.span) in quoted]


def overlaps(span: Span, spans: list[Span]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)

