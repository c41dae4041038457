"""Hostile article and model text must not inject anything into the Markdown or HTML exports.

Every string field of the briefing below (and the article its quotes come from) carries Markdown
and HTML payloads: raw HTML and scripts, javascript: links, images, link syntax and reference
definitions, table-breaking pipes, headings and list markers at line start, HTML comments,
entities, bare URLs, attribute break-outs. The exports must show all of it as text, and only
their own markup may come out of a Markdown parser or a browser.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from test_export_html import Page, check_page, dump_dom
from test_export_markdown import gfm, headings, plain, walk

from summarizer.export import briefing_html, briefing_markdown, digest_markdown
from summarizer.grounding import locate_quote
from summarizer.schema import Briefing

PAYLOADS = [
    "<script>alert('md')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "![pixel](https://evil.example/p.png)",
    "<!-- hidden comment -->",
    "# Injected heading",
    "| broken | table |",
    '<a href="javascript:alert(1)">link</a>',
    "<https://evil.example/auto>",
    "https://evil.example/bare www.evil.example mail@evil.example",
    "`code` ```fence```",
    "**bold** _em_ ~~strike~~ $x^2$",
    "&lt;script&gt; &#60;b&#62; &amp;",
    "[ref]: javascript:alert(1)",
    '" onmouseover="alert(1)" x="',
    "</mark></script></style><svg onload=alert(1)>",
    "javascript:alert(document.cookie)",
]

HOSTILE_LINES = [
    "# Heading at line start",
    "- list item at line start",
    "1. ordered at line start",
    "> quote at line start",
    "    indented code",
    "---",
    "===",
    "<div onclick=alert(1)>block html</div>",
    *PAYLOADS,
]
ARTICLE = "\n".join(f"{line} said the spokesman." for line in HOSTILE_LINES)
HOSTILE = " ".join(PAYLOADS)


def hostile_briefing() -> Briefing:
    def span(quote: str) -> list[int]:
        found = locate_quote(ARTICLE, quote)
        assert found is not None and ARTICLE[found[0] : found[1]] == quote, quote
        return list(found)

    def verbatim(line: str) -> str:
        """The line as the program would quote it: without surrounding spaces and quote marks."""
        found = locate_quote(ARTICLE, line)
        assert found is not None, line
        return ARTICLE[found[0] : found[1]]

    quotes = [verbatim(f"{line} said the spokesman.") for line in HOSTILE_LINES]
    speaker = "Evil | <b>Speaker</b> [x](javascript:alert(1))"
    return Briefing.model_validate({
        "schema_version": "1.3",
        "event": {
            "title": "# <script>alert('title')</script> [t](javascript:alert(1)) | title",
            "summary": "First line\n# Injected heading\n\n<script>alert('summary')</script>\n- item\n" + HOSTILE,
            "date": None,
            "location": "![loc](https://evil.example/l.png) <iframe src=https://evil.example>",
        },
        "participants": [
            {"name": speaker, "kind": "person", "role": "| role | <i>x</i>", "aliases": ["a|b", "<script>x</script>", "`c`"]},
            {"name": "-", "kind": "group", "role": None, "aliases": []},
            {"name": "1. Other", "kind": "organization", "role": HOSTILE, "aliases": PAYLOADS},
        ],
        "claims": [
            *({"speaker": speaker, "statement": f"Statement {i}: {payload}", "quote": quote, "quote_span": span(quote)}
              for i, (payload, quote) in enumerate(zip(PAYLOADS, quotes, strict=False))),
            {"speaker": "1. Other", "statement": "<script>alert('reported')</script>", "quote": None, "quote_span": None},
        ],
        "denials": [
            {"speaker": speaker, "denied": HOSTILE, "accuser": "1. Other", "quote": quotes[-1], "quote_span": span(quotes[-1])},
            {"speaker": "-", "denied": "<!-- x -->", "accuser": None, "quote": quotes[0], "quote_span": span(quotes[0])},
        ],
        "source": {
            "language": 'it" onload="alert(1)',
            "chars": len(ARTICLE),
            "sha256": hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest(),
            # What a hostile web page can put in its metadata (and a hostile URL on the command line).
            "url": "javascript:alert('url')//<script>alert(1)</script>",
            "extractor": {"name": "<b>x</b>", "version": "[v](javascript:alert(1))"},
            "publication": {
                "headline": "# <script>alert('headline')</script> [h](javascript:alert(1))",
                "published": "2025-11-19",
                "site_name": "![site](https://evil.example/s.png)",
                "author": "<img src=x onerror=alert('author')> | a |",
                "canonical_url": "https://evil.example/c?<script>",
                "language": '" onload="alert(1)',
            },
        },
        "provenance": {
            "model": "<script>alert('model')</script>",
            "backend": "[b](javascript:alert(1))",
            "prompt": {"template": "# t", "version": "<v>", "sha256": "| s |"},
            "created_at": "2025-11-20T09:41:07Z",
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "llm_calls": 3, "reasks": 4},
            "briefing_language": "</html>",
        },
        "warnings": [
            {"section": "claims", "message": HOSTILE, "item": {"<script>": HOSTILE, "k|ey": ["![x](y)", {"a": "<b>"}]}},
        ],
    })


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return hostile_briefing()


# --- Markdown ---------------------------------------------------------------------------------

FORBIDDEN_MD = {"html_inline", "html_block", "image", "code_inline", "code_block", "fence", "s_open"}
OUR_EMPHASIS = "(reported speech, no direct quote)"


def check_markdown(text: str, allowed_links: set[str]) -> list:
    tokens = gfm().parse(text)
    every = walk(tokens)
    assert not [t.type for t in every if t.type in FORBIDDEN_MD]
    emphasised = [every[i + 1].content for i, t in enumerate(every) if t.type == "em_open"]
    assert set(emphasised) <= {OUR_EMPHASIS}
    assert {t.attrGet("href") for t in every if t.type == "link_open"} <= allowed_links
    # Rendered to HTML as GitHub would: only Markdown's own elements, hostile text only as text.
    rendered = Page(gfm().render(text))
    markdown_tags = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "blockquote", "hr", "a",
                     "table", "thead", "tbody", "tr", "th", "td"}
    assert {tag for tag, _attrs in rendered.elements} <= markdown_tags
    for tag, attrs in rendered.elements:
        assert set(attrs) <= ({"href"} if tag == "a" else {"style"} if tag in ("th", "td") else set()), (tag, attrs)
    assert "<script>alert('md')</script>" in gfm().render(text).replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
    return tokens


def test_markdown_shows_hostile_text_as_text(briefing: Briefing) -> None:
    text = briefing_markdown(briefing, ARTICLE)
    tokens = check_markdown(text, allowed_links=set())
    found = headings(tokens)
    assert found[0] == (1, " ".join(briefing.event.title.split()))
    assert [h for h in found if h[0] == 2] == [
        (2, s) for s in ["Key facts", "Participants", "Claims", "Denials", "Not verified", "Provenance"]]
    assert [level for level, _ in found].count(3) == 2  # one per speaker group, no injected headings
    # The table survives the pipes: 3 rows of 4 cells, each the participant's text as given.
    cells = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 12
    assert cells[0] == briefing.participants[0].name and cells[3] == "a|b, <script>x</script>, `c`"
    # One blockquote per quote, and each quote reads exactly as in the article.
    quotes = [plain(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "blockquote_open"]
    expected = [c.quote for c in briefing.claims if c.quote] + [d.quote for d in briefing.denials if d.quote]
    assert quotes == [f"“{' '.join(q.split())}”" for q in expected]
    # Bullet lists: only ours (key facts, claims, denials, warnings and its item's fields, provenance).
    assert sum(t.type == "bullet_list_open" for t in tokens) == 7
    assert not any(t.type == "ordered_list_open" for t in tokens)


def test_digest_shows_hostile_text_as_text(briefing: Briefing) -> None:
    text = digest_markdown([("<script>a.json", briefing), ("[b](javascript:x).json", briefing)], title="<h1>x</h1> | #")
    tokens = check_markdown(text, allowed_links={"#article-1", "#article-2", "#participants-across-articles"})
    assert headings(tokens)[0] == (1, "<h1>x</h1> | #")


# --- HTML -------------------------------------------------------------------------------------

# Every element the template itself writes; anything else came from content.
OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "dl", "dt", "dd", "main",
    "section", "div", "span", "mark", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "strong", "blockquote",
    "a", "code", "script",
}


def check_html(html_text: str) -> Page:
    page = Page(html_text)
    assert {tag for tag, _attrs in page.elements} <= OUR_TAGS
    assert [tag for tag, _attrs in page.elements].count("script") == 1
    for tag, attrs in page.elements:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            value = attrs.get(name)
            assert value is None or re.fullmatch(r"#[a-z]+-[0-9]+", value), (tag, name, value)
    langs = [attrs["lang"] for tag, attrs in page.elements if "lang" in attrs]
    assert set(langs) == {"</html>", 'it" onload="alert(1)'}  # attribute values, not break-outs
    return page


def test_html_shows_hostile_text_as_text(briefing: Briefing) -> None:
    html_text = briefing_html(briefing, ARTICLE)
    page = check_html(html_text)
    check_page(page, briefing, ARTICLE)
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html_text.split("<title>", 1)[1]


def test_browser_dom_has_only_our_markup(briefing: Briefing, tmp_path: Path) -> None:
    dom = dump_dom(briefing_html(briefing, ARTICLE), tmp_path)
    page = check_html(dom)
    check_page(page, briefing, ARTICLE)
    root = next(attrs for tag, attrs in page.elements if tag == "html")
    assert "js" in (root.get("class") or "").split()
