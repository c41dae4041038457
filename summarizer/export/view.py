"""The format-neutral view of a briefing: what the Markdown, HTML and digest templates render.

The view decides what a reader sees and in what order (claims grouped by speaker, named speakers
before anonymous sources, "not stated" for a missing date, provenance as short lines), once for
every format; the formats only lay it out. Strings here are raw (unescaped) article and model
text: each format escapes on output, in one place (the Markdown environment's ``finalize`` hook,
the HTML environment's autoescape), so a template cannot forget to.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from summarizer.export.inputs import quoted_items
from summarizer.grounding import Span
from summarizer.schema import UNNAMED_SOURCE, Briefing

__all__ = [
    "BriefingView", "ItemView", "ParticipantView", "SpeakerGroup", "WarningView", "build_view", "language_label",
    "publication_lines",
]  # fmt: skip


@dataclass
class ItemView:
    """A claim or a denial as shown: its place in the briefing, its quote and where that quote is."""

    id: str  # "claim-1", "denial-2": anchors in the HTML view, stable across formats
    number: int
    speaker: str
    text: str  # the claim's statement, or what the denial denies
    accuser: str | None
    quote: str | None
    span: Span | None
    span_key: str | None = None  # the highlight in the article (HTML), when the quote was located
    not_found: bool = False  # checked against the article, and the quote is not in it

    @property
    def position(self) -> str:
        if self.not_found:
            return "not found in the article text"
        if self.span is None:
            return "position in the article not recorded"
        start, end = self.span
        return f"characters {start}–{end}"


@dataclass
class SpeakerGroup:
    speaker: str
    role: str | None
    claims: list[ItemView]


@dataclass
class WarningView:
    section: str
    message: str
    fields: list[tuple[str, str]]


@dataclass
class ParticipantView:
    name: str
    kind: str
    role: str | None
    aliases: list[str]


@dataclass
class BriefingView:
    title: str
    summary: str
    when: str
    where: str
    who: str
    participants: list[ParticipantView]
    claim_groups: list[SpeakerGroup]
    claims: list[ItemView]
    denials: list[ItemView]
    warnings: list[WarningView]
    source_language: str
    source_language_code: str
    source_chars: str
    source_sha256: str
    publication: list[tuple[str, str]]  # (label, value): where a web page came from and what it states
    model: str
    backend: str
    prompt: str
    prompt_sha256: str
    created: str
    usage: str
    briefing_language: str
    briefing_language_code: str
    checked: bool


NOT_STATED = "not stated in the article"
MAX_WARNING_FIELD_CHARS = 300


def build_view(briefing: Briefing, spans: list[Span | None] | None = None) -> BriefingView:
    """Everything the templates show, in the order they show it; ``spans`` are from ``check_article``."""
    checked = spans is not None
    if spans is None:
        spans = [item.quote_span if item.quote is not None else None for _label, item in quoted_items(briefing)]
    roles = {p.name: p.role for p in briefing.participants}
    claims = [
        ItemView(f"claim-{i}", i, _name(c.speaker), c.statement, None, c.quote, spans[i - 1])
        for i, c in enumerate(briefing.claims, 1)
    ]
    offset = len(briefing.claims)
    denials = [
        ItemView(f"denial-{i}", i, _name(d.speaker), d.denied, d.accuser, d.quote, spans[offset + i - 1])
        for i, d in enumerate(briefing.denials, 1)
    ]
    for item in [*claims, *denials]:
        item.not_found = checked and item.quote is not None and item.span is None
    groups: dict[str, SpeakerGroup] = {}
    for claim in claims:
        group = groups.setdefault(claim.speaker, SpeakerGroup(claim.speaker, roles.get(claim.speaker), []))
        group.claims.append(claim)
    # Named speakers first, in the order they first speak; anonymous sources last.
    ordered = [g for g in groups.values() if g.speaker != UNNAMED_SOURCE] + [
        g for g in groups.values() if g.speaker == UNNAMED_SOURCE
    ]
    event = briefing.event
    prov = briefing.provenance
    usage = prov.usage
    return BriefingView(
        title=event.title or "Untitled briefing",
        summary=event.summary,
        when=event.date or NOT_STATED,
        where=event.location or NOT_STATED,
        who=", ".join(_name(p.name) for p in briefing.participants) or "nobody identified",
        participants=[ParticipantView(_name(p.name), p.kind, p.role, list(p.aliases)) for p in briefing.participants],
        claim_groups=ordered,
        claims=claims,
        denials=denials,
        warnings=[_warning_view(w.section, w.message, w.item) for w in briefing.warnings],
        source_language=language_label(briefing.source.language),
        source_language_code=briefing.source.language,
        source_chars=f"{briefing.source.chars:,}",
        source_sha256=briefing.source.sha256,
        publication=publication_lines(briefing),
        model=prov.model,
        backend=prov.backend,
        prompt=f"{prov.prompt.template} v{prov.prompt.version}",
        prompt_sha256=prov.prompt.sha256,
        created=_timestamp(prov.created_at),
        usage=(
            f"{usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion tokens;"
            f" {_plural(usage.llm_calls, 'LLM call')}; {_plural(usage.reasks, 're-ask')}"
            + (f"; by pass: {usage.per_pass()}" if usage.passes else "")
        ),
        briefing_language=language_label(prov.briefing_language),
        briefing_language_code=prov.briefing_language,
        checked=checked,
    )


def publication_lines(briefing: Briefing) -> list[tuple[str, str]]:
    """What the briefing records about a web page, as (label, value) lines; none for plain text."""
    source, page = briefing.source, briefing.source.publication
    lines: list[tuple[str, str]] = []
    if source.url:
        lines.append(("URL", source.url))
    if page is not None:
        for label, value in (
            ("Headline", page.headline),
            ("Site", page.site_name),
            ("Author", page.author),
            ("Published", f"{page.published} (publication date, not the event date)" if page.published else None),
            ("Canonical URL", page.canonical_url if page.canonical_url != source.url else None),
            ("Page language", page.language),
        ):
            if value:
                lines.append((label, value))
    if source.extractor is not None:
        lines.append(("Text extracted by", f"{source.extractor.name} {source.extractor.version}"))
    return lines


def language_label(code: str) -> str:
    from summarizer.prompts import LANGUAGE_NAMES

    name = LANGUAGE_NAMES.get(code.lower())
    return f"{name} ({code})" if name else code


def _name(value: str) -> str:
    # An empty name would leave empty emphasis markers behind ("****" is a thematic break).
    return value if value.strip() else "(no name)"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%d %H:%M") + " (time zone not recorded)"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _warning_view(section: str, message: str, item: dict[str, Any] | None) -> WarningView:
    fields = []
    for key, value in (item or {}).items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if len(shown) > MAX_WARNING_FIELD_CHARS:
            shown = shown[: MAX_WARNING_FIELD_CHARS - 1] + "…"
        fields.append((str(key), shown))
    return WarningView(section, message, fields)
