"""A briefing as Markdown that reads well rendered (GitHub, GitLab, any CommonMark viewer) and as plain text.

Every string in a briefing comes from the article or from the model, and either may be hostile
(a page quoting ``<script>``, a title made of ``[click](javascript:…)``, a name containing
``|`` that would split the participants table). So text is never pasted into Markdown: the
Jinja2 environment's ``finalize`` hook escapes every ``{{ … }}`` output, and only values wrapped
in :class:`MdSafe` (produced here from our own constants) pass through as markup. A template
therefore cannot forget to escape, which is the same guarantee autoescape gives HTML.
"""

from __future__ import annotations

import re
from typing import Any

from summarizer.export.inputs import check_article
from summarizer.export.templates import render_template
from summarizer.export.view import build_view
from summarizer.schema import Briefing

__all__ = ["MdSafe", "briefing_markdown", "md_escape", "render_markdown"]


class MdSafe(str):
    """Markdown written by this program (heading markers, our anchors): emitted as is."""

    __slots__ = ()


# Characters that start markup wherever they stand: escapes, code, emphasis, links and images
# ([ ]), raw HTML and autolinks (<), tables (|), headings (#), strikethrough (~), math ($ on
# GitHub) and e-mail autolinks (@). Backslash-escaping any ASCII punctuation is always valid
# CommonMark, so over-escaping costs only a backslash in the plain-text reading.
_ALWAYS = re.compile(r"[\\`*_\[\]<>|#~$@]")
# & only matters when it would start an entity (&lt; &#60;); "AT&T" stays readable.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# GitHub links bare URLs without any brackets ("extended autolinks"); an escaped ':' or '.'
# is not recognised as part of one.
_SCHEME = re.compile(r":(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
# Block markers only count at the start of a line: lists (- + 1. 1)), setext underlines (=).
_LINE_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _escape_char(match: re.Match[str]) -> str:
    char = match[0]
    if char == "_":
        # Between two letters or digits "_" can neither open nor close emphasis (CommonMark's
        # flanking rules), so file and model names such as q4_k_m stay readable as plain text.
        text, at = match.string, match.start()
        if 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum():
            return char
    return "\\" + char


def md_escape(value: object) -> str:
    """Render untrusted text as literal Markdown inline text, on one line.

    Whitespace runs (line breaks included) become one space: every value is placed on a line
    of its own making, so a value can never start a block (a heading, a list, a table row, a
    code block) of its own.
    """
    text = _CONTROLS.sub("", " ".join(str(value).split()))
    text = _ALWAYS.sub(_escape_char, text)
    text = _ENTITY.sub(r"\\&", text)
    text = _SCHEME.sub(r"\\:", text)
    text = _WWW.sub(r"\1\\.", text)
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _finalize(value: Any) -> str:
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return ""
    return md_escape(value)


def render_markdown(template: str, **variables: Any) -> str:
    """Render one Markdown template of ``prompts/export/``, tidied so plain-text readers see no noise."""
    text = render_template(template, autoescape=False, finalize=_finalize, **variables)
    lines = [line.rstrip() for line in text.splitlines()]  # trailing spaces would be hard line breaks
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def heading(level: int) -> MdSafe:
    return MdSafe("#" * level)


def briefing_markdown(briefing: Briefing, article_text: str | None = None) -> str:
    """One briefing as a Markdown document.

    With ``article_text`` the quote positions are checked against the article first (raising
    :class:`summarizer.export.ArticleMismatchError` if it is not the briefing's article), and
    the footer says they were checked; without it they are shown as recorded.
    """
    spans = check_article(briefing, article_text) if article_text is not None else None
    return render_markdown("briefing.md.j2", b=build_view(briefing, spans), h=heading(2))
