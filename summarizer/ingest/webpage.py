"""A web page's article text and publication metadata, by a well-kept extractor (trafilatura).

Why trafilatura, and why not alone: on the shared article-extraction benchmark (181 real news
pages) the project's own reader (:mod:`summarizer.ingest.html`) let menus, captions and teasers
through (F1 0.770); trafilatura keeps the article body (F1 0.953 with its defaults, 0.964 with
the settings below, see ``benchmarks/bench_extraction.py``). Whatever boilerplate reaches the
model becomes invented participants and claims, so the better extractor is worth a dependency.

What this module adds around it, because trafilatura alone does not promise it:

* **Hidden text never reaches the model.** trafilatura keeps a ``<template>``'s content and its
  rescue stages can return text from containers a browser never shows, so the page is parsed
  here first and every element that is not rendered as text (scripts, styles, templates,
  frames, objects, ``hidden`` elements, ...) is removed, with comments and processing
  instructions, before trafilatura sees the tree. Navigation goes too: it is never the article.
* **Linear time.** lxml (libxml2) parses in one pass, and the tree is handed to trafilatura as a
  tree, so nothing is re-parsed from text; the size limit was applied before decoding.
* **A fallback.** When trafilatura finds nothing with its precision settings it is asked again
  with its defaults, then the project's own reader is used: a page is refused ("no article text
  found in HTML") only when none of them finds text.
* **Deterministic text.** The result is cleaned like any other text (:mod:`.cleaning`), and the
  extractor and its version are recorded, because a new version can change the text and so its
  sha256 (a batch then summarizes those articles again).

Metadata is read from the untouched page (JSON-LD lives in ``<script>``), but it is never sent
to the model: it is only recorded in the briefing's ``source`` and shown to the reader.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import TYPE_CHECKING

from summarizer.ingest.cleaning import clean_controls, drop_invisible, unify_line_endings
from summarizer.ingest.html import extract_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Elements whose content a browser does not render as text (or only without scripts, or only
# when opened): their text is never article text, and is where hidden instructions hide.
HIDDEN_ELEMENTS = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "canvas", "svg", "math", "dialog", "textarea", "select", "option", "button",
    "datalist", "nav",
)  # fmt: skip
# Inline styles that hide an element ("display: none", "visibility:hidden").
_HIDING_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# trafilatura's settings that measured best on the benchmark: the article body without the
# readers' comments, favouring precision (boilerplate is what misleads the model).
PRECISE = {"favor_precision": True, "include_comments": False, "include_images": False, "include_links": False}
DEFAULTS = {"include_comments": False}

# A metadata value longer than this is not a headline or a name; it is cut (and marked so).
MAX_METADATA_CHARS = 500
_LANGUAGE_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")

OWN_READER = "summarizer.ingest.html"


@dataclass(frozen=True)
class Extractor:
    """What turned the page into text: the text of a page depends on it, so it is recorded."""

    name: str
    version: str


@dataclass(frozen=True)
class PageMetadata:
    """What the page says about itself, when it says it (every field may be None)."""

    headline: str | None = None
    published: str | None = None  # YYYY-MM-DD: the page's publication date, never the event's
    site_name: str | None = None
    author: str | None = None
    canonical_url: str | None = None
    language: str | None = None  # as the page declares it, e.g. "en-US" (the detected one is Article.language)


@dataclass(frozen=True)
class WebPage:
    text: str  # "" when no extractor found article text
    metadata: PageMetadata
    extractor: Extractor


@cache
def _trafilatura() -> ModuleType:
    """trafilatura, imported on first use (it is heavy) with its loggers silenced.

    Its warnings would be printed as extra lines next to the CLI's one-line errors; what it
    could not do is visible in the result instead (no text, no metadata).
    """
    for name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    import trafilatura

    return trafilatura


def trafilatura_version() -> str:
    try:
        return version("trafilatura")
    except PackageNotFoundError:  # pragma: no cover - a broken install
        return "unknown"


def _own_version() -> str:
    from summarizer import __version__

    return __version__


def _parse(html: str) -> HtmlElement | None:
    """The page as an lxml tree, without comments and processing instructions.

    The text was decoded once already (:mod:`.decoding`); it is given to lxml as UTF-8 bytes
    with the encoding fixed, so a ``<meta charset>`` or an XML declaration cannot make lxml
    decode it a second, different way.
    """
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        return document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.LxmlError, ValueError):
        return None  # e.g. a document that is only a comment: nothing to extract


def _strip_hidden(tree: HtmlElement) -> HtmlElement:
    from lxml import etree

    etree.strip_elements(tree, *HIDDEN_ELEMENTS, with_tail=False)
    for element in tree.xpath("//*[@hidden or @style]"):
        if element.get("hidden") is not None or _HIDING_STYLE_RE.search(element.get("style") or ""):
            element.drop_tree()  # keeps its tail: the text after it is not hidden
    return tree


def _main_text(html: str) -> tuple[str, Extractor]:
    """The article text by trafilatura (precise, then defaults), else by the project's reader.

    The project's reader gets the page without its hidden elements too (serialised from the
    stripped tree): it drops scripts and templates itself, but not ``hidden`` elements.
    """
    from lxml import etree

    trafilatura = _trafilatura()
    tree = None
    for settings in (PRECISE, DEFAULTS):
        tree = _parse(html)
        if tree is None:
            break
        text = trafilatura.extract(_strip_hidden(tree), output_format="txt", **settings) or ""
        text = clean_controls(unify_line_endings(text)).strip()
        if text:
            return text, Extractor("trafilatura", trafilatura_version())
    if tree is not None:
        tree = _parse(html)  # trafilatura changed the last one
        html = etree.tostring(_strip_hidden(tree), encoding="unicode", method="html") if tree is not None else ""
    return extract_text(html), Extractor(OWN_READER, _own_version())


def _one_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(drop_invisible(value).split())
    if len(text) > MAX_METADATA_CHARS:
        text = text[: MAX_METADATA_CHARS - 1] + "…"
    return text or None


def _iso_date(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat() if len(value) >= 10 else None
    except ValueError:
        return None


def _http_url(value: object) -> str | None:
    text = _one_line(value)
    return text if text and text.lower().startswith(("http://", "https://")) and " " not in text else None


def _declared_language(tree: HtmlElement) -> str | None:
    """``<html lang>``, else ``Content-Language``, else ``og:locale``: a language tag or None."""
    candidates = [tree.get("lang"), tree.get("xml:lang")]
    candidates += tree.xpath("//meta[translate(@http-equiv,'CONTELAGU','contelagu')='content-language']/@content")
    candidates += tree.xpath("//meta[@property='og:locale']/@content")
    for candidate in candidates:
        tag = (candidate or "").strip().split(",")[0].strip()
        if _LANGUAGE_TAG_RE.match(tag):
            primary, *rest = tag.replace("_", "-").split("-")
            return "-".join([primary.lower(), *(part.upper() if len(part) == 2 else part for part in rest)])
    return None


def _metadata(html: str) -> PageMetadata:
    """What the page's markup states about it; never guessed from the article text."""
    tree = _parse(html)
    if tree is None:
        return PageMetadata()
    language = _declared_language(tree)
    try:
        # extensive=False: the publication date only from the page's markup and URL, never a
        # date found somewhere in the text.
        found = _trafilatura().extract_metadata(tree, extensive=False)
    except Exception:  # metadata is a bonus: a bug in it must not lose the article
        return PageMetadata(language=language)
    return PageMetadata(
        headline=_one_line(found.title),
        published=_iso_date(found.date),
        site_name=_one_line(found.sitename),
        author=_one_line(found.author),
        canonical_url=_http_url(found.url),
        language=language,
    )


def read_webpage(html: str) -> WebPage:
    """The article text of an HTML page, its metadata and what extracted it."""
    text, extractor = _main_text(html)
    return WebPage(text=text, metadata=_metadata(html), extractor=extractor)
