"""The briefing: the passes' results with the source they index into and the provenance that traces them."""

from __future__ import annotations

import datetime as dt

from summarizer.cost import estimate_cost
from summarizer.ingest import Article
from summarizer.schema import Briefing, BriefingWarning, Claim, Denial, Event, Participant, PromptRef, Provenance, Source, Usage


def assemble(
    article: Article,
    *,
    event: Event,
    participants: list[Participant],
    claims: list[Claim],
    denials: list[Denial],
    warnings: list[BriefingWarning],
    model: str,
    backend: str,
    prompt: PromptRef,
    usage: Usage,
    language: str,
    parts: int,
) -> Briefing:
    return Briefing(
        event=event,
        participants=participants,
        claims=claims,
        denials=denials,
        source=Source(language=article.language, chars=article.chars, sha256=article.sha256),
        provenance=Provenance(
            model=model,
            backend=backend,
            prompt=prompt,
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            usage=usage,
            briefing_language=language,
            cost_usd=estimate_cost(backend, model, usage),
            chunks=parts,
        ),
        warnings=list(warnings),
    )
