"""Exports: a briefing as Markdown or as one self-contained HTML page, several as a Markdown digest.

Briefings are read by people outside the terminal (pasted into an issue, mailed, archived), so
the exports have to stay faithful to what was verified: every quote keeps its position in the
article, dropped items stay visible under "Not verified", and the provenance travels with the
text. Everything in a briefing came from an untrusted article or an untrusted model, so no
string from it is ever emitted as markup: Markdown output escapes it, HTML output autoescapes it.

Data flows one way through the package:

* :mod:`~summarizer.export.inputs` reads briefing files and the article, and checks that the
  article is the briefing's (sha256, each quote at its span);
* :mod:`~summarizer.export.view` turns a briefing (and the checked spans) into the
  format-neutral view that every template renders;
* :mod:`~summarizer.export.templates` finds the templates (files under ``prompts/export/``) and
  renders one;
* :mod:`~summarizer.export.markdown`, :mod:`~summarizer.export.html` and
  :mod:`~summarizer.export.digest` are the formats.

The names below are imported on first use, so that the CLI's ``--help`` pays for neither
pydantic nor Jinja2.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.export.digest import digest_markdown
    from summarizer.export.html import briefing_html
    from summarizer.export.inputs import ArticleMismatchError, check_article, load_briefing, parse_briefing, read_article_text
    from summarizer.export.markdown import briefing_markdown

__all__ = [
    "ArticleMismatchError",
    "briefing_html",
    "briefing_markdown",
    "check_article",
    "digest_markdown",
    "load_briefing",
    "parse_briefing",
    "read_article_text",
]

_HOMES = {
    "ArticleMismatchError": "summarizer.export.inputs",
    "check_article": "summarizer.export.inputs",
    "load_briefing": "summarizer.export.inputs",
    "parse_briefing": "summarizer.export.inputs",
    "read_article_text": "summarizer.export.inputs",
    "briefing_markdown": "summarizer.export.markdown",
    "digest_markdown": "summarizer.export.digest",
    "briefing_html": "summarizer.export.html",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
