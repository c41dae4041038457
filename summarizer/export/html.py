"""A briefing as one self-contained HTML page: the article with every quote highlighted, the briefing beside it.

In the spirit of google/langextract's visualiser, a reader checks the briefing against its
source by clicking a highlight (it jumps to the claim or denial) or a quote in the briefing (it
jumps to the highlight). The page is one file with no network access at all (inline CSS and one
small inline script, pinned by a Content-Security-Policy hash, so even a bug in escaping could
not run other script), so it can be mailed or archived next to the briefing.

Offsets are Python ``str`` indices (code points), which is what the briefing records: the
article is cut into pieces here, in Python, and never by index in the browser, whose strings
count UTF-16 units and would drift after the first emoji or astral character.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from summarizer.errors import ConfigError
from summarizer.export.inputs import check_article
from summarizer.export.templates import read_asset, render_template, templates_dir
from summarizer.export.view import ItemView, build_view
from summarizer.schema import Briefing

__all__ = ["Highlight", "briefing_html", "highlight_article"]


@dataclass
class Highlight:
    """One distinct quoted span of the article, and the claims and denials that quote it."""

    key: str  # "q-1": the id of its first <mark>, and its data-span on every fragment
    start: int
    end: int
    items: list[ItemView] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "; ".join(f"{'Claim' if i.id.startswith('claim') else 'Denial'} {i.number}: {i.speaker}" for i in self.items)


def _mark(h: Highlight, *, first: bool) -> str:
    ids = " ".join(item.id for item in h.items)
    head = f' id="{h.key}" tabindex="0"' if first else ""
    cls = "q" if first else "q cont"
    return f'<mark{head} class="{cls}" data-span="{h.key}" data-items="{ids}" title="{escape(h.title)}">'


def highlight_article(text: str, highlights: list[Highlight]) -> Markup:
    """The article as escaped HTML with one ``<mark>`` per highlight, nested where spans nest.

    Identical spans (a claim and a denial quoting the same sentence) share one mark. Spans that
    cross without nesting cannot both be single elements in well-formed HTML, so the one that
    is interrupted continues in further ``<mark class="q cont">`` fragments with the same
    ``data-span``; the text of all fragments of a span, in order, is exactly its quote.
    """
    starts: dict[int, list[Highlight]] = defaultdict(list)
    for h in highlights:
        starts[h.start].append(h)
    for opening in starts.values():
        opening.sort(key=lambda h: -h.end)  # the longest opens first, so it encloses the others
    boundaries = sorted({0, len(text)} | {h.start for h in highlights} | {h.end for h in highlights})
    out: list[str] = []
    stack: list[Highlight] = []
    position = 0
    for boundary in boundaries:
        if boundary > position:
            out.append(escape(text[position:boundary], quote=False))
            position = boundary
        if any(h.end == boundary for h in stack):
            interrupted: list[Highlight] = []
            while any(h.end == boundary for h in stack):
                h = stack.pop()
                out.append("</mark>")
                if h.end != boundary:
                    interrupted.append(h)
            for h in reversed(interrupted):
                out.append(_mark(h, first=False))
                stack.append(h)
        for h in starts.get(boundary, []):
            out.append(_mark(h, first=True))
            stack.append(h)
    return Markup("".join(out))


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def briefing_html(briefing: Briefing, article_text: str) -> str:
    """One briefing and its article as a self-contained HTML page.

    Raises :class:`summarizer.export.ArticleMismatchError` when ``article_text`` is not the text
    the briefing was made from (its sha256 differs, or a quote is not at its recorded span).
    """
    spans = check_article(briefing, article_text)
    view = build_view(briefing, spans)
    by_span: dict[tuple[int, int], Highlight] = {}
    for item in [*view.claims, *view.denials]:
        if item.span is not None:
            by_span.setdefault(item.span, Highlight("", *item.span)).items.append(item)
    highlights = sorted(by_span.values(), key=lambda h: (h.start, -h.end))
    for number, h in enumerate(highlights, 1):
        h.key = f"q-{number}"
        for item in h.items:
            item.span_key = h.key
    script = read_asset("briefing.js")
    css = read_asset("briefing.css")
    # Inlined verbatim, so they must not be able to end their own element.
    if "</script" in script.lower() or "</style" in css.lower():
        raise ConfigError(f"{templates_dir()}: briefing.js or briefing.css contains a closing </script> or </style> tag")
    return render_template(
        "briefing.html.j2",
        autoescape=True,  # every string from the briefing is article or model text
        b=view,
        article=highlight_article(article_text, highlights),
        highlights=highlights,
        css=Markup(css),
        script=Markup(script),
        script_hash=_csp_hash(script),
    )
