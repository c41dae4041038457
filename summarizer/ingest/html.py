"""Whether a text is an HTML page, and the project's own reader of its text (standard library only).

Since trafilatura reads pages (:mod:`summarizer.ingest.webpage`, much better on real news
pages), this reader is its last fallback: it runs on the page with its hidden elements already
removed when trafilatura finds no text at all. It stays because it never fails, is
deterministic and easy to reason about, and is linear on any markup. A few structural rules:

* boilerplate containers (navigation, page header/footer, asides, forms, scripts, ...) are
  dropped wholesale, because their text is never part of the article and would invite the
  model to "quote" menus and cookie banners;
* when the page marks the story with ``<article>``, only that is kept, since sites put related
  stories, comments and teasers everywhere else;
* block elements become line breaks and runs of whitespace become one space, which is how a
  browser renders them, so what the model reads matches what the user saw;
* the headline is kept as the first line, because a briefing without it loses its subject.

``html.parser`` never validates, and its few internal assertions on odd declarations are
caught, so broken markup yields whatever text could be recovered instead of an exception.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from summarizer.ingest.cleaning import INVISIBLE_RE

# Containers whose whole content is boilerplate or not text at all.
SKIPPED_ELEMENTS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "canvas", "object",
        "nav", "header", "footer", "aside", "form", "button", "select", "textarea",
        "iframe", "dialog",
    }
)

# Elements that a browser renders as separate blocks: their edges end a paragraph.
BLOCK_ELEMENTS = frozenset(
    {
        "address", "article", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "hgroup", "hr", "html", "legend", "li", "main",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
        "title", "tr", "ul",
    }
)

# Table cells sit side by side: separate them by a space, not a line.
_CELL_ELEMENTS = frozenset({"td", "th"})

# HTML collapses ASCII whitespace only; a non-breaking space stays what the author wrote.
_SPACE_RE = re.compile(r"[ \t\n\r\f]+")

# "<![if ...]>" (Word's conditional comments) and similar marked sections trip an assertion
# in html.parser's declaration handling; they never carry article text, so they go first.
# "[^<>]" rather than "[^>]": a run of "<![" with no ">" must not be rescanned from every "<![".
_MARKED_SECTION_RE = re.compile(r"<!\[(?!CDATA\[)[^<>]*>")

# html.parser as shipped before the fix of CVE-2025-6069 (Python 3.11 here) searches to the end
# of the document for the end of every "<..." construct it cannot finish; when the search fails
# it moves on by a character or two and searches again from the next "<". A 2 MiB page of
# "</</</..." or of "<!--x>" repeated takes hours. ``_defuse`` removes exactly the constructs
# that cannot be finished, so every search succeeds and parsing stays linear:
# * after the last ">" nothing can be finished: the page is cut at the first construct there
#   (HTML5 drops a tag cut off by the end of the file too);
# * a comment or CDATA section opened after the last possible end of one never ends: its "<"
#   is escaped, so it reads as the text it is (the old parser showed it as text as well).
_CONSTRUCT_START_RE = re.compile(r"<[A-Za-z/!?]")
# (opener, where html.parser starts looking for the end, relative to the opener; the end)
_UNTERMINATED: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("<!--", 4, re.compile(r"--\s*>")),  # html.parser's own comment end
    ("<![CDATA[", 3, re.compile(r"\]\s*\]\s*>")),  # and marked-section end
)


# HTML detection for documents that do not start with a doctype: enough tags, and enough of
# the text being tags, that a plain article merely mentioning "<p>" is not mistaken for HTML.
MIN_HTML_TAGS = 3
MIN_HTML_MARKUP_SHARE = 0.005


_HTML_START_RE = re.compile(r"(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_HTML_TAG_RE = re.compile(
    r"</?(?:a|article|b|blockquote|body|br|div|em|h[1-6]|head|i|img|li|meta|ol|p|script"
    r"|section|span|strong|style|table|td|title|tr|ul)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Whether the text is an HTML document (or fragment) rather than prose about HTML."""
    head = text[:1024].lstrip("\ufeff \t\n")
    if _HTML_START_RE.match(head):
        return True
    if head[:5].lower() in {"<?xml", "<!--"} and _HTML_START_RE.search(head):
        return True
    tags = [match.group(0) for match in _HTML_TAG_RE.finditer(text)]
    return len(tags) >= MIN_HTML_TAGS and sum(map(len, tags)) >= MIN_HTML_MARKUP_SHARE * len(text)


@dataclass(frozen=True)
class _Paragraph:
    text: str
    in_article: bool
    is_h1: bool


class _Extractor(HTMLParser):
    """Collects paragraphs with just enough context to choose which ones are the article.

    The parser keeps no element tree: real pages are too often malformed for a tree to be
    trustworthy, so only the few facts the rules need are tracked (which dropped containers
    are open, whether we are inside ``<article>``, ``<h1>``, ``<pre>`` or ``<title>``).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[_Paragraph] = []
        self.title_parts: list[str] = []
        # <h1> found inside a dropped <header>: (text, inside <article>)
        self.header_headlines: list[tuple[str, bool]] = []
        self._parts: list[str] = []
        self._skip: list[str] = []
        self._article_depth = 0
        self._article_skip_marks: list[int] = []
        self._h1_depth = 0
        self._header_h1_parts: list[str] = []
        self._pre_depth = 0
        self._in_title = False

    # -- helpers -------------------------------------------------------------------------

    def flush(self) -> None:
        """End the current paragraph; empty ones vanish so stray tags add no blank lines."""
        raw = "".join(self._parts)
        self._parts.clear()
        text = _SPACE_RE.sub(" ", raw).strip()
        if text:
            self.paragraphs.append(
                _Paragraph(text, in_article=self._article_depth > 0, is_h1=self._h1_depth > 0)
            )

    def _only_in_header(self) -> bool:
        return bool(self._skip) and all(tag == "header" for tag in self._skip)

    def _close_article(self) -> None:
        self.flush()
        self._article_depth -= 1
        mark = self._article_skip_marks.pop()
        # A dropped container left open inside the article cannot outlive it.
        del self._skip[mark:]

    # -- HTMLParser callbacks ------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            if not self._skip:
                self.flush()
            self._skip.append(tag)
            return
        if tag == "h1":
            if not self._skip:
                self.flush()
            self._h1_depth += 1
            self._header_h1_parts.clear()
            return
        if self._skip:
            return
        if tag == "title":
            self._in_title = True
            return
        if tag == "article":
            self.flush()
            self._article_depth += 1
            self._article_skip_marks.append(len(self._skip))
            return
        if tag in BLOCK_ELEMENTS:
            self.flush()
        if tag == "pre":
            self._pre_depth += 1
        elif tag in _CELL_ELEMENTS:
            self._parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # "<div/>" opens nothing in HTML; only its role as a separator (e.g. "<br/>") matters.
        if tag in SKIPPED_ELEMENTS or tag in {"article", "h1", "title", "pre"}:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and tag in self._skip:
            while self._skip.pop() != tag:
                pass
            return
        if tag == "h1" and self._h1_depth:
            if not self._skip:
                self.flush()
            elif self._only_in_header():
                text = _SPACE_RE.sub(" ", "".join(self._header_h1_parts)).strip()
                if text:
                    self.header_headlines.append((text, self._article_depth > 0))
            self._header_h1_parts.clear()
            self._h1_depth -= 1
            return
        if self._skip:
            # Unclosed boilerplate must not swallow the rest of the page: the end of the
            # enclosing article or of the body closes it implicitly.
            if tag == "article" and self._article_depth:
                self._close_article()
            elif tag in {"body", "html"}:
                self._skip.clear()
            return
        if tag == "title":
            self._in_title = False
            return
        if tag == "article":
            if self._article_depth:
                self._close_article()
            return
        if tag in BLOCK_ELEMENTS:
            self.flush()
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        elif tag in _CELL_ELEMENTS:
            self._parts.append(" ")

    def handle_data(self, data: str) -> None:
        # Character references must not bring back what cleaning drops ("&#x202E;", "&#x9D;").
        data = INVISIBLE_RE.sub("", data)
        if self._skip:
            if self._h1_depth and self._only_in_header():
                self._header_h1_parts.append(data)
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._pre_depth:
            # Preformatted line breaks are real: each line is its own paragraph.
            *complete, rest = data.split("\n")
            for line in complete:
                self._parts.append(line)
                self.flush()
            self._parts.append(rest)
            return
        self._parts.append(data)


def _headline(parser: _Extractor, kept: list[_Paragraph], article_mode: bool) -> str:
    """Best headline when the kept text has no ``<h1>`` of its own.

    Preference order reflects how news sites mark up a story: an ``<h1>`` in the article's own
    header, then an ``<h1>`` in the body just outside ``<article>``, then the page ``<title>``.
    An ``<h1>`` in the page-level header is ignored: it is usually the site's logo.
    """
    for text, in_article in parser.header_headlines:
        if in_article:
            return text
    if article_mode:
        for paragraph in parser.paragraphs:
            if paragraph.is_h1 and not paragraph.in_article:
                return paragraph.text
    return _SPACE_RE.sub(" ", "".join(parser.title_parts)).strip()


def _defuse(html: str) -> str:
    """``html`` without the constructs html.parser would rescan to the end (see above)."""
    tail = _CONSTRUCT_START_RE.search(html, html.rfind(">") + 1)
    if tail is not None:
        html = html[: tail.start()]
    for opener, search_from, close_re in _UNTERMINATED:
        last_close = -1
        for last_close_match in close_re.finditer(html):
            last_close = last_close_match.start()
        # An opener at p finds an end only if one starts at p + search_from or later.
        cut = max(0, last_close - search_from + 1)
        if html.find(opener, cut) >= 0:
            html = html[:cut] + html[cut:].replace(opener, "&lt;" + opener[1:])
    return html


def extract_text(html: str) -> str:
    """Return the article text of an HTML document, one paragraph per line.

    Returns an empty string when nothing but boilerplate is present (a page title alone is
    not an article), so the caller can refuse the input with a clear message.
    """
    parser = _Extractor()
    # html.parser still has internal assertions for a few malformed declarations (they
    # differ across Python versions); the text gathered so far is the best we can do.
    with contextlib.suppress(AssertionError, ValueError):
        parser.feed(_defuse(_MARKED_SECTION_RE.sub("", html)))
        parser.close()
    parser.flush()

    article_mode = any(p.in_article for p in parser.paragraphs)
    kept = [p for p in parser.paragraphs if p.in_article] if article_mode else parser.paragraphs
    if not kept:
        return ""
    lines = [p.text for p in kept]
    if not any(p.is_h1 for p in kept):
        headline = _headline(parser, kept, article_mode)
        if headline and headline != lines[0]:
            lines.insert(0, headline)
    return "\n".join(lines)
