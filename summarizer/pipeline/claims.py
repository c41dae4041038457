"""Claims pass: who said each direct quote, then the statements the part reports without quotes.

Quotes are found by the program (:mod:`summarizer.quotes`); the model only attributes them and
paraphrases what they say. Quotes and sentences a denial already covers are not claims too, and
sentences carrying a quote are not offered as reported statements: offering them again invites
duplicates.
"""

from __future__ import annotations

from pydantic import BaseModel

from summarizer.cues import speech_pattern
from summarizer.llm import ReplyFailed
from summarizer.names import name_key
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import (
    ATTRIBUTION_TOKENS,
    CONTINUATION_GAP,
    MAX_QUOTES_PER_PART,
    PASSAGE_AFTER,
    PASSAGE_BEFORE,
)
from summarizer.pipeline.candidates import overlaps
from summarizer.pipeline.choose import choose_sentences
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, dedupe, flagged_unless_in, within
from summarizer.pipeline.speakers import speakers_near
from summarizer.pipeline.story import Span, Story
from summarizer.pipeline.tagged import tagged_speaker
from summarizer.replies import attribution_model
from summarizer.schema import Claim, Participant
from summarizer.speech_tags import tagged_after


def find_claims(
    asker: Asker, story: Story, part: Part, participants: list[Participant], covered: list[Span], warnings: Warnings
) -> list[Claim]:
    """The part's quoted claims, one per quote, then its reported statements, each attributed to a participant.

    ``covered``: passages a denial already stands for.
    """
    claims: list[Claim] = []
    owned = [(quote, span) for quote, span in story.quotes_of(part) if not overlaps(span, covered)]
    for quote, span in within(owned, MAX_QUOTES_PER_PART, warnings, "claims", "quotes"):
        continued = continued_speaker(story, claims[-1] if claims else None, span)
        claim = attribute_quote(asker, story, part, participants, quote, span, warnings, continued)
        if claim is not None:
            claims.append(claim)
    claims += reported_claims(asker, story, part, participants, covered, warnings)
    return dedupe(claims, claim_key, warnings, "claims")


def reported_claims(
    asker: Asker, story: Story, part: Part, participants: list[Participant], covered: list[Span], warnings: Warnings
) -> list[Claim]:
    """Statements the part reports without quotes: the model picks them among the part's sentences
    without a quote (none a denial stands for), then attributes each to a participant named near it.

    The pass-level evaluation asks through here too (``eval --pass reported``).
    """
    claims: list[Claim] = []
    offered = [s for s in story.without_quotes(story.sentences_of(part)) if not overlaps(s, covered)]
    for start, end in choose_sentences(asker, story, part, "reported", offered, warnings, "claims"):
        passage = story.passage(start, end, 0, 0)
        question = _attribution(story, part, participants, (start, end), passage, quoted=False)
        reply = _attribute(asker, story, question, warnings, "a reported statement", {"sentence": passage})
        if reply is None:
            continue
        claims.append(Claim(speaker=reply.speaker, statement=reply.statement, quote=None, quote_span=None))  # type: ignore[attr-defined]
    return claims


def attribute_quote(
    asker: Asker,
    story: Story,
    part: Part,
    participants: list[Participant],
    quote: str,
    span: Span,
    warnings: Warnings,
    continued: str | None = None,
) -> Claim | None:
    """The claim of one direct quote: who says it and what it states. The speaker is the one its
    tag names (:mod:`.tagged`), else ``continued`` (the speaker of the quote it goes on from),
    else the model's choice among the participants named near it.

    The pass-level evaluation asks through here too, so that it judges exactly what a briefing asks.
    """
    start, end = span
    passage = story.passage(start, end, PASSAGE_BEFORE, PASSAGE_AFTER)
    known = tagged_speaker(story, span, participants) or continued
    question = _attribution(story, part, participants, span, passage, quoted=True, known=known)
    reply = _attribute(asker, story, question, warnings, "a quote", {"quote": quote})
    if reply is None:
        return None
    return Claim(speaker=reply.speaker, statement=reply.statement, quote=quote, quote_span=span)  # type: ignore[attr-defined]


def continued_speaker(story: Story, previous: Claim | None, span: Span) -> str | None:
    """The speaker of ``previous`` when the quote at ``span`` goes on from it: in the same
    paragraph, with only the previous quote's tag between them ("…," she said. "…"), and no tag
    of its own."""
    if previous is None or previous.quote_span is None:
        return None
    between = story.text[previous.quote_span[1] : span[0]]
    language = story.article.language
    if "\n" in between or len(between) > CONTINUATION_GAP or not speech_pattern(language).search(between):
        return None
    if tagged_after(story.text, span, story.sentences, language):
        return None
    return previous.speaker


def _attribution(
    story: Story,
    part: Part,
    participants: list[Participant],
    span: Span,
    passage: str,
    *,
    quoted: bool,
    known: str | None = None,
) -> Question:
    """The attribution question about ``passage``: its speaker ``known``, or among the participants
    named near ``span``."""
    names = [known] if known else speakers_near(story, span, participants, quoted=quoted)
    return Question(
        "attribution", attribution_model(names, unnamed=not known), part, ATTRIBUTION_TOKENS, story.asking.about(passage),
        {"names": names, "known": known},
    )


def _attribute(
    asker: Asker, story: Story, question: Question, warnings: Warnings, what: str, item: dict[str, str]
) -> BaseModel | None:
    """The attribution, flagged if not in the briefing language; None (and a warning) if invalid.

    A statement that only copies the article's words adds nothing to its quote: dropped."""
    reply = asker.ask(question)
    if isinstance(reply, ReplyFailed):
        warnings.drop("claims", f"no valid attribution for {what}: {reply}", item)
        return None
    note = "statement not in the briefing language; kept as the model wrote it"
    return flagged_unless_in(story.language, reply, question.context, warnings, "claims", note)


def claim_key(claim: Claim) -> tuple[str, str]:
    """Two claims are the same when one speaker says the same quote, or the same thing without one."""
    return (claim.speaker, claim.quote or name_key(claim.statement))
