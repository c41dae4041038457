"""What an export is made from: briefing files, and the article checked against its briefing.

Exports read files a user names (briefings that ``summarize -o`` wrote, the article one was made
from), so every way such a file can be wrong ends here as one ``InputError`` line naming it. A
briefing's quote offsets only mean something in the exact text they were computed on, so the
article is read the way ``summarize`` reads it and then checked (sha256, and each quote at its
span) before any format shows a position.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from pydantic import ValidationError

from summarizer.errors import InputError
from summarizer.files import read_bounded
from summarizer.grounding import QuoteLocator, Span
from summarizer.schema import READABLE_SCHEMA_VERSIONS, Briefing, Claim, Denial

__all__ = ["ArticleMismatchError", "check_article", "load_briefing", "parse_briefing", "quoted_items", "read_article_text"]

# A briefing is a few kilobytes; megabytes mean the wrong file, and reading it would only delay the error.
MAX_BRIEFING_BYTES = 10 * 1024 * 1024


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


# --- the article a briefing was made from -----------------------------------------------------


def read_article_text(path: str | os.PathLike[str]) -> str:
    """The article's text exactly as ``summarize`` read it, so its sha256 and offsets are the briefing's.

    ``path`` may be a URL, as for ``summarize``: the page is fetched again (with the same bounds),
    and the sha256 check then says whether it still gives the text the briefing was made from.
    """
    from summarizer.ingest import load_source  # fetch, decoding, HTML extraction, normalisation: as 'summarize'

    return load_source(path).text


def check_article(briefing: Briefing, article_text: str) -> list[Span | None]:
    """Check that ``article_text`` is the briefing's article and that every quote sits at its span.

    Offsets are only meaningful against the exact text they were computed on; a different text
    (another edition, a re-extraction) would make every highlight silently wrong, so a mismatch
    is an error rather than a best effort. Returns the span of each quote, in the order of
    :func:`quoted_items` (None where an item has no quote, or a quote without a span that is not
    in the text).
    """
    digest = hashlib.sha256(article_text.encode("utf-8")).hexdigest()
    if digest != briefing.source.sha256:
        raise ArticleMismatchError(
            f"the article text does not match the briefing (its sha256 is {digest[:12]}…, the briefing was made from"
            f" {briefing.source.sha256[:12]}…); give the exact article the briefing was made from"
        )
    locator: QuoteLocator | None = None
    spans: list[Span | None] = []
    for label, item in quoted_items(briefing):
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


def quoted_items(briefing: Briefing) -> list[tuple[str, Claim | Denial]]:
    """The items that may carry a quote, labelled for messages: claims first, then denials."""
    return [(f"claim {i}", c) for i, c in enumerate(briefing.claims, 1)] + [
        (f"denial {i}", d) for i, d in enumerate(briefing.denials, 1)
    ]
