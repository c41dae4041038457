"""The briefing: the passes' results with the source they index into and the provenance that traces them."""

from __future__ import annotations

import datetime as dt

from summarizer.cost import estimate_cost
from summarizer.ingest import Article
from summarizer.schema import (
    Briefing,
    BriefingWarning,
    Claim,
    Denial,
    Event,
    ExtractorRef,
    Participant,
    PromptRef,
    Provenance,
    Publication,
    Source,
    Usage,
)


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
        source=source_of(article),
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


def source_of(article: Article) -> Source:
    """What the briefing says about its article: the text spans index into, and where it came from."""
    extractor, page = article.extractor, article.metadata
    return Source(
        language=article.language,
        chars=article.chars,
        sha256=article.sha256,
        url=article.url,
        extractor=ExtractorRef(name=extractor.name, version=extractor.version) if extractor else None,
        publication=Publication(
            headline=page.headline,
            published=page.published,
            site_name=page.site_name,
            author=page.author,
            canonical_url=page.canonical_url,
            language=page.language,
        )
        if page
        else None,
    )
