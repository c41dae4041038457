"""Scoring one briefing against one gold case: match each field, check the event, quotes and their speakers.

Pure functions, no model: a score changes only when the briefing or the gold file does. The
rules are in evals/README.md; ``tests/test_eval_scoring.py`` pins each one.
"""

from __future__ import annotations

import hashlib
from typing import Final, Literal

from summarizer.eval.aggregation import field_score
from summarizer.eval.gold import GoldCase
from summarizer.eval.matching import CaseMatcher, location_correct, match, overlap, participant_pair
from summarizer.eval.results import CaseScore, EventScore, QuoteIssue, QuoteScore, QuoteSpeakerScore, WrongSpeaker
from summarizer.eval.similarity import text_similarity
from summarizer.grounding import Span, normalise
from summarizer.schema import Briefing, Claim, Denial

_QUOTE_EDGES: Final = ' "'  # what grounding.normalise turns outer whitespace and quote marks into


def score_case(briefing: Briefing, gold: GoldCase, article_text: str) -> CaseScore:
    """Score one briefing against its gold case; ``article_text`` is the text quotes index into."""
    matcher = CaseMatcher(briefing, gold, article_text)
    event = EventScore(
        date_correct=gold.event.date == briefing.event.date,
        location_correct=location_correct(gold.event.location, briefing.event.location),
        title_similarity=text_similarity(gold.event.title, briefing.event.title),
        summary_similarity=text_similarity(gold.event.summary, briefing.event.summary),
        gold_date=gold.event.date,
        predicted_date=briefing.event.date,
        gold_location=list(gold.event.location),
        predicted_location=briefing.event.location,
    )
    participants = match(gold.participants, briefing.participants, participant_pair)
    claims = match(gold.claims, briefing.claims, matcher.claim_pair)
    denials = match(gold.denials, briefing.denials, matcher.denial_pair)
    return CaseScore(
        case_id=gold.id,
        participants=field_score(gold.participants, briefing.participants, participants, ("kind_correct",)),
        claims=field_score(gold.claims, briefing.claims, claims),
        denials=field_score(gold.denials, briefing.denials, denials, ("accuser_correct",)),
        event=event,
        quotes=_quote_score(briefing, matcher),
        article_matches_briefing=hashlib.sha256(article_text.encode("utf-8")).hexdigest() == briefing.source.sha256,
        quote_speakers=_quote_speakers(briefing, gold, matcher),
    )


def _span_consistent(article: str, quote: str, span: Span) -> bool:
    start, end = span
    if not 0 <= start < end <= len(article):
        return False
    piece = article[start:end]
    return piece == quote or normalise(piece).strip(_QUOTE_EDGES) == normalise(quote).strip(_QUOTE_EDGES)


def _quote_score(briefing: Briefing, matcher: CaseMatcher) -> QuoteScore:
    emitted = grounded = with_span = consistent = 0
    ungrounded: list[QuoteIssue] = []
    inconsistent: list[QuoteIssue] = []
    items: list[tuple[Literal["claims", "denials"], int, Claim | Denial]] = [
        *(("claims", i, c) for i, c in enumerate(briefing.claims)),
        *(("denials", i, d) for i, d in enumerate(briefing.denials)),
    ]
    for section, index, item in items:
        if item.quote is None:
            continue
        emitted += 1
        issue = QuoteIssue(section=section, index=index, quote=item.quote, quote_span=item.quote_span)
        if matcher.span(item.quote) is None:
            ungrounded.append(issue)
        else:
            grounded += 1
        if item.quote_span is not None:
            with_span += 1
            if _span_consistent(matcher.article, item.quote, item.quote_span):
                consistent += 1
            else:
                inconsistent.append(issue)
    return QuoteScore(
        emitted=emitted,
        grounded=grounded,
        share=grounded / emitted if emitted else None,
        with_span=with_span,
        spans_consistent=consistent,
        ungrounded=ungrounded,
        inconsistent_spans=inconsistent,
    )


def _quote_speakers(briefing: Briefing, gold: GoldCase, matcher: CaseMatcher) -> QuoteSpeakerScore:
    """Whether claims quoting a gold quote name its speaker, whatever the rest of the claim."""
    gold_quotes = [(span, g) for g in gold.claims if (span := matcher.span(g.quote)) is not None]
    matched = right = 0
    wrong: list[WrongSpeaker] = []
    for index, claim in enumerate(briefing.claims):
        span = matcher.span(claim.quote)
        overlaps = [(overlap(span, gold_span), g) for gold_span, g in gold_quotes]
        best = max((o for o, _ in overlaps), default=0.0)
        if claim.quote is None or best == 0.0:
            continue
        nearest = [g for o, g in overlaps if o == best]
        matched += 1
        if any(matcher.same_speaker(g.speaker, claim.speaker) for g in nearest):
            right += 1
        else:
            wrong.append(WrongSpeaker(index=index, quote=claim.quote, speaker=claim.speaker, gold_speaker=nearest[0].speaker))
    return QuoteSpeakerScore(matched=matched, right=right, share=right / matched if matched else None, wrong=wrong)
