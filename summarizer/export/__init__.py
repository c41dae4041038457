"""Exports: a briefing as Markdown or as one self-contained HTML page, several as a Markdown digest.

Briefings are read by people outside the terminal (pasted into an issue, mailed, archived), so
the exports have to stay faithful to what was verified: every quote keeps its position in the
article, dropped items stay visible under "Not verified", and the provenance travels with the
text. Everything in a briefing came from an untrusted article or an untrusted model, so no
string from it is ever emitted as markup: Markdown output escapes it, HTML output autoescapes it.

The templates are files under ``prompts/export/`` (like the prompts, so wording and layout can
be changed without touching code). This package's ``__init__`` holds what every format shares:
reading a briefing file, checking an article against a briefing, and the format-neutral view of
a briefing that the templates render. The renderers are imported lazily, so that the CLI's
``--help`` does not pay for Jinja2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from summarizer.errors import InputError
from summarizer.files import os_reason, read_bounded
from summarizer.grounding import Span
from summarizer.schema import READABLE_SCHEMA_VERSIONS, UNNAMED_SOURCE, Briefing, Claim, Denial

if TYPE_CHECKING:
    from summarizer.export.digest import digest_markdown
    from summarizer.export.html import briefing_html
    from summarizer.export.markdown import briefing_markdown

__all__ = [
    "ArticleMismatchError",
    "briefing_html",
    "briefing_markdown",
    "check_article",
    "digest_markdown",
    "load_briefing",
    "parse_briefing",
]

_LAZY = {
    "briefing_markdown": "summarizer.export.markdown",
    "digest_markdown": "summarizer.export.digest",
    "briefing_html": "summarizer.export.html",
}

# A briefing is a few kilobytes; megabytes mean the wrong file, and reading it would only delay the error.
MAX_BRIEFING_BYTES = 10 * 1024 * 1024


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


class ArticleMismatchError(InputError):
    """The article text given is not the one the briefing's quote offsets index into."""


# --- reading briefing files -------------------------------------------------------------------


def load_briefing(path: str | os.PathLike[str]) -> Briefing:
    """Read and validate a briefing JSON file; every failure is one ``InputError`` line naming the file."""
    name = os.fspath(path)
    data = read_bounded(name, max_bytes=MAX_BRIEFING_BYTES, kind="briefing file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not a briefing: not JSON (the file is not UTF-8 text)") from None
    return parse_briefing(text, name=name)


def parse_briefing(text: str, *, name: str = "<briefing>") -> Briefing:
    """Validate briefing JSON text, explaining the first problem in one line (the CLI shows only that)."""
    if not text.strip():
        raise InputError(f"{name}: empty file, not a briefing")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{name}: not a briefing (JSON nested too deeply)") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}: not a briefing (a JSON object is expected, the file holds a JSON {_json_type(data)})")
    if "schema_version" in data and data["schema_version"] not in READABLE_SCHEMA_VERSIONS:
        raise InputError(
            f"{name}: unsupported briefing schema_version {data['schema_version']!r}"
            f" (this summarizer reads {', '.join(READABLE_SCHEMA_VERSIONS)})"
        )
    try:
        return Briefing.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise InputError(f"{name}: not a valid briefing: {where}: {first['msg']}{more}") from None


def _json_type(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "null")


# --- checking an article against a briefing -------------------------------------------------


def check_article(briefing: Briefing, article_text: str) -> list[Span | None]:
    """Check that ``article_text`` is the briefing's article and that every quote sits at its span.

    Offsets are only meaningful against the exact text they were computed on; a different text
    (another edition, a re-extraction) would make every highlight silently wrong, so a mismatch
    is an error rather than a best effort. Returns the span of each quote, claims first then
    denials (None where an item has no quote, or a quote without a span that is not in the text).
    """
    digest = hashlib.sha256(article_text.encode("utf-8")).hexdigest()
    if digest != briefing.source.sha256:
        raise ArticleMismatchError(
            f"the article text does not match the briefing (its sha256 is {digest[:12]}…, the briefing was made from"
            f" {briefing.source.sha256[:12]}…); give the exact article the briefing was made from"
        )
    from summarizer.grounding import QuoteLocator

    locator: QuoteLocator | None = None
    spans: list[Span | None] = []
    for label, item in _quoted_items(briefing):
        if item.quote is None:
            spans.append(None)
            continue
        if item.quote_span is None:
            locator = locator or QuoteLocator(article_text)
            spans.append(locator.locate(item.quote))
            continue
        start, end = item.quote_span
        inside = 0 <= start < end <= len(article_text)
        if not inside or QuoteLocator(article_text[start:end]).locate(item.quote) != (0, end - start):
            raise ArticleMismatchError(
                f"{label}: its quote_span [{start}, {end}) does not hold its quote in the article text"
                " (the briefing was edited, or made by a faulty program)"
            )
        spans.append((start, end))
    return spans


def _quoted_items(briefing: Briefing) -> list[tuple[str, Claim | Denial]]:
    return [(f"claim {i}", c) for i, c in enumerate(briefing.claims, 1)] + [
        (f"denial {i}", d) for i, d in enumerate(briefing.denials, 1)
    ]


# --- the format-neutral view the templates render ----------------------------------------------
#
# Strings here are raw (unescaped) article and model text: each format escapes on output, in one
# place (the Markdown environment's finalize hook, the HTML environment's autoescape), so a
# template cannot forget to.


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
        spans = [item.quote_span if item.quote is not None else None for _label, item in _quoted_items(briefing)]
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
        model=prov.model,
        backend=prov.backend,
        prompt=f"{prov.prompt.template} v{prov.prompt.version}",
        prompt_sha256=prov.prompt.sha256,
        created=_timestamp(prov.created_at),
        usage=(
            f"{usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion tokens;"
            f" {_plural(usage.llm_calls, 'LLM call')}; {_plural(usage.reasks, 're-ask')}"
        ),
        briefing_language=language_label(prov.briefing_language),
        briefing_language_code=prov.briefing_language,
        checked=checked,
    )


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


def templates_dir() -> Path:
    """The export templates, next to the prompt templates (packaged or in a checkout)."""
    from summarizer.prompts import prompts_root

    return prompts_root() / "export"


def read_asset(name: str) -> str:
    """A template-folder file inlined verbatim (CSS, script): the HTML view must need no other file."""
    path = templates_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        from summarizer.errors import ConfigError

        raise ConfigError(f"{path}: cannot read export asset ({os_reason(exc)})") from None
