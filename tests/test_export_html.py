"""Tests for summarizer.export.html: the self-contained HTML view with the quotes highlighted.

The decisive checks run in a real browser (Debian's chromium, headless, ``--dump-dom``): what
matters is the DOM a reader's browser builds, not the string we wrote. Offsets are code points,
so the Russian fixture has an emoji (one code point, two UTF-16 units) before later quotes, and
spans that are identical, nested and crossing. Without chromium these tests are skipped, unless
SUMMARIZER_REQUIRE_BROWSER=1 (set it in CI) turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.export import ArticleMismatchError, briefing_html, load_briefing
from summarizer.export.html import Highlight, highlight_article
from summarizer.ingest import load_article
from summarizer.schema import Briefing

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "export"
CASES = {
    "it": (DATA / "it_putin_pyongyang.json", ROOT / "seeds" / "000_ba58efed2f2f0b1f.txt"),
    "ru": (DATA / "ru_lavrov_pyongyang.json", DATA / "ru_article.txt"),
}

CHROMIUM = next((path for path in (shutil.which("chromium"), "/usr/bin/chromium") if path and os.path.exists(path)), None)
BROWSER_TIMEOUT = 60


def require_browser() -> str:
    if CHROMIUM is None:
        if os.environ.get("SUMMARIZER_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (SUMMARIZER_REQUIRE_BROWSER=1) but not installed: apt-get install -y chromium")
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium); CI installs it")
    return CHROMIUM


def dump_dom(html_text: str, tmp_path: Path) -> str:
    """Load the page from a file:// URL in headless chromium, offline, and return the DOM it built."""
    browser = require_browser()
    page = tmp_path / "page.html"
    page.write_text(html_text, encoding="utf-8")
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, timeout=BROWSER_TIMEOUT, check=False)
    stdout = done.stdout.decode("utf-8")
    assert done.returncode == 0 and "<html" in stdout, done.stderr.decode("utf-8", "replace")[-2000:]
    return stdout


class Page(HTMLParser):
    """The parts of a page the tests look at: marks (text per data-span), elements and attributes."""

    def __init__(self, html_text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open_marks: list[dict[str, str | None]] = []
        self.fragments: dict[str, list[str]] = {}  # data-span -> text of each fragment, in order
        self.first: dict[str, dict[str, str | None]] = {}  # data-span -> attributes of its first fragment
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.in_article = 0
        self.article_text: list[str] = []
        self.stack: list[str] = []
        self.script_text: list[str] = []
        self.feed(html_text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area", "base", "embed"}:
            return
        self.stack.append(tag)
        if attributes.get("id") == "article-text":
            self.in_article = len(self.stack)
        if tag == "mark":
            key = attributes.get("data-span") or ""
            self.fragments.setdefault(key, []).append("")
            self.first.setdefault(key, attributes)
            self.open_marks.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self.open_marks:
            self.open_marks.pop()
        if self.stack and self.stack[-1] == tag:
            if self.in_article == len(self.stack):
                self.in_article = 0
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for mark in self.open_marks:
            fragments = self.fragments[mark.get("data-span") or ""]
            fragments[-1] += data
        if self.in_article:
            self.article_text.append(data)
        if self.stack and self.stack[-1] == "script":
            self.script_text.append(data)

    def mark_text(self, key: str) -> str:
        return "".join(self.fragments[key])


def quoted_items(briefing: Briefing) -> list[tuple[str, str, tuple[int, int]]]:
    items = [(f"claim-{i}", c.quote, c.quote_span) for i, c in enumerate(briefing.claims, 1) if c.quote and c.quote_span]
    items += [(f"denial-{i}", d.quote, d.quote_span) for i, d in enumerate(briefing.denials, 1) if d.quote and d.quote_span]
    return items


def check_page(page: Page, briefing: Briefing, article: str) -> None:
    """Every quote is highlighted exactly, linked both ways, and the article is shown whole and verbatim."""
    assert "".join(page.article_text) == article
    by_id = {attrs.get("id"): attrs for _tag, attrs in page.elements if attrs.get("id")}
    links = {attrs.get("href") for tag, attrs in page.elements if tag == "a"}
    for item_id, quote, span in quoted_items(briefing):
        # The item's quote links to the highlight: its first <mark>, whose text is the quote.
        marks = [key for key, attrs in page.first.items() if item_id in (attrs.get("data-items") or "").split()]
        assert len(marks) == 1, (item_id, marks)
        key = marks[0]
        assert page.first[key].get("id") == key
        assert f"#{key}" in links
        assert item_id in by_id
        assert page.mark_text(key) == quote == article[span[0] : span[1]], item_id


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[str, Briefing, str]:
    briefing_path, article_path = CASES[request.param]
    return request.param, load_briefing(briefing_path), load_article(article_path).text


# --- in a real browser ------------------------------------------------------------------------


def test_browser_highlights_every_quote_exactly(case: tuple[str, Briefing, str], tmp_path: Path) -> None:
    _lang, briefing, article = case
    dom = dump_dom(briefing_html(briefing, article), tmp_path)
    page = Page(dom)
    check_page(page, briefing, article)
    # The one inline script ran, so its CSP hash is right (it marks the root element).
    root = next(attrs for tag, attrs in page.elements if tag == "html")
    assert "js" in (root.get("class") or "").split()


def test_browser_russian_overlaps_are_nested_shared_and_split(tmp_path: Path) -> None:
    briefing_path, article_path = CASES["ru"]
    briefing, article = load_briefing(briefing_path), load_article(article_path).text
    page = Page(dump_dom(briefing_html(briefing, article), tmp_path))
    # Peskov and the Kremlin deny with the same sentence: one highlight for both.
    shared = [attrs for attrs in page.first.values() if attrs.get("data-items") == "denial-1 denial-2"]
    assert len(shared) == 1
    # Peskov's two-sentence quote crosses the denial sentence: it continues in a second fragment.
    peskov = next(key for key, attrs in page.first.items() if attrs.get("data-items") == "claim-4")
    assert len(page.fragments[peskov]) == 2
    assert page.mark_text(peskov) == briefing.claims[3].quote
    # Zakharova's quote (with its emoji) lies inside her denial sentence: a mark inside a mark.
    zakharova = next(key for key, attrs in page.first.items() if attrs.get("data-items") == "claim-3")
    assert page.mark_text(zakharova) == "Очередная порция фейков от Госдепа 🤡"
    assert len(page.fragments[zakharova]) == 1


# --- the page as written ----------------------------------------------------------------------


def test_page_is_self_contained(case: tuple[str, Briefing, str]) -> None:
    _lang, briefing, article = case
    html_text = briefing_html(briefing, article)
    page = Page(html_text)
    for tag, attrs in page.elements:
        assert tag not in {"img", "link", "iframe", "object", "embed", "base", "form"}
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    style = html_text.split("<style>", 1)[1].split("</style>", 1)[0]
    script = "".join(page.script_text)
    assert "url(" not in style and "@import" not in style
    assert not any(word in script for word in ("http:", "https:", "fetch(", "XMLHttpRequest", "import(", "src"))
    csp = next(attrs["content"] for tag, attrs in page.elements if tag == "meta" and attrs.get("http-equiv"))
    assert csp is not None and csp.startswith("default-src 'none';") and "script-src 'sha256-" in csp
    assert [tag for tag, _attrs in page.elements].count("script") == 1
    check_page(page, briefing, article)


def test_page_shows_the_whole_briefing(case: tuple[str, Briefing, str]) -> None:
    _lang, briefing, article = case
    html_text = briefing_html(briefing, article)
    for section in ["Participants", "Claims", "Denials", "Not verified", "Provenance"]:
        assert f"<h3>{section}</h3>" in html_text
    for warning in briefing.warnings:
        assert warning.message.replace("'", "&#39;") in html_text
    assert briefing.source.sha256 in html_text


def test_wrong_article_is_refused(case: tuple[str, Briefing, str]) -> None:
    _lang, briefing, article = case
    with pytest.raises(ArticleMismatchError, match="does not match the briefing"):
        briefing_html(briefing, article.replace(" ", "  ", 1))


# --- highlighting, without a browser ----------------------------------------------------------


def spans_page(text: str, spans: list[tuple[int, int]]) -> Page:
    highlights = [Highlight(f"q-{i}", start, end) for i, (start, end) in enumerate(spans, 1)]
    return Page(f'<div id="article-text">{highlight_article(text, highlights)}</div>')


def test_crossing_spans_are_split_into_fragments() -> None:
    text = "0123456789"
    page = spans_page(text, [(2, 6), (4, 8), (4, 6), (0, 10)])
    assert {key: "".join(parts) for key, parts in page.fragments.items()} == {
        "q-1": "2345", "q-2": "4567", "q-3": "45", "q-4": text}
    assert page.fragments["q-2"] == ["45", "67"]  # interrupted where q-1 ends
    assert "".join(page.article_text) == text


@given(
    st.text(alphabet=st.sampled_from(list("ab<>&\"' \nжё🤡\u0301")), min_size=1, max_size=30).flatmap(
        lambda text: st.tuples(
            st.just(text),
            st.lists(
                st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda s: s[0] < s[1]),
                max_size=6,
                unique=True,
            ),
        )
    )
)
def test_any_spans_highlight_exactly_their_text(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    page = spans_page(text, spans)
    assert "".join(page.article_text) == text
    for i, (start, end) in enumerate(spans, 1):
        assert page.mark_text(f"q-{i}") == text[start:end]


def test_quote_without_span_is_located_or_reported_missing(case: tuple[str, Briefing, str]) -> None:
    """Older or hand-made briefings may lack a span: the export locates the quote itself, never guesses."""
    _lang, briefing, article = case
    data = briefing.model_dump(mode="json")
    data["claims"][0]["quote_span"] = None  # still in the article: located and highlighted
    data["claims"][1]["quote_span"] = None
    data["claims"][1]["quote"] = "words nobody wrote"
    changed = Briefing.model_validate(data)
    page = Page(briefing_html(changed, article))
    items = {item for attrs in page.first.values() for item in (attrs.get("data-items") or "").split()}
    assert "claim-1" in items and "claim-2" not in items
    key = next(k for k, attrs in page.first.items() if "claim-1" in (attrs.get("data-items") or "").split())
    assert page.mark_text(key) == briefing.claims[0].quote
    assert "not found in the article text" in briefing_html(changed, article)


def test_page_shows_the_web_page_metadata() -> None:
    from test_export_markdown import web_briefing

    briefing, article = CASES["it"]
    page = briefing_html(web_briefing(load_briefing(briefing)), load_article(article).text)
    provenance = page.split('<dl class="provenance">', 1)[1].split("</dl>", 1)[0]
    for label, value in [
        ("URL", "https://news.example/esteri/putin-pyongyang"),
        ("Headline", "Putin a Pyongyang, l&#39;incontro con Kim"),
        ("Published", "2024-06-18 (publication date, not the event date)"),
        ("Text extracted by", "trafilatura 2.3.1"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in provenance
