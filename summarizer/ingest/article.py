"""Turning an article file, or text in memory, into the one exact string every later stage uses.

The jobs are apart: ``fetch`` (a URL to bytes), ``decoding`` (bytes to text), ``cleaning``
(what is removed), ``webpage`` (pages to article text and metadata, by trafilatura, with the own
reader in ``html`` as its fallback); this module assembles them, once, for files, URLs and
in-memory text alike, and records what was done, because quote offsets, the sha256 and a
batch's resume all depend on ``Article.text`` being exactly the same for the same input. All
failures are ``InputError`` with a complete one-line message that names the input, since the CLI
prints that line and nothing else.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from summarizer.errors import InputError
from summarizer.files import display_name, read_bounded
from summarizer.ingest.cleaning import clean, trim
from summarizer.ingest.decoding import decode_bytes
from summarizer.ingest.fetch import fetch_page, is_url
from summarizer.ingest.html import looks_like_html
from summarizer.ingest.webpage import Extractor, PageMetadata, read_webpage
from summarizer.language import detect as detect_language

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Article:
    """An article ready for summarising; frozen because quote offsets depend on ``text``."""

    text: str  # the article text; all quote offsets elsewhere index into exactly this string
    sha256: str  # hex sha256 of text.encode("utf-8")
    chars: int  # len(text)
    language: str  # ISO 639-1 code from py3langid, or "und" when the text is too short
    source: str | None  # the path it came from, or None
    encoding: str  # what the bytes were decoded as: "utf-8", "utf-8-sig", "cp1252", ...
    extracted_from_html: bool
    url: str | None = None  # the URL it was fetched from, or None
    extractor: Extractor | None = None  # what turned the HTML into text (None for plain text)
    metadata: PageMetadata | None = None  # what the page says about itself (None for plain text)


def _build_article(
    text: str, *, encoding: str, name: str, source: str | None, noun: str, url: str | None = None, html: bool | None = None
) -> Article:
    """Normalise decoded text into an ``Article``; shared by files and in-memory text.

    HTML is detected on the cleaned text (``html`` True or False says what it is instead, e.g.
    from an HTTP content type).
    """
    shown = display_name(name)
    originally_empty = not text
    text = clean(text, shown)
    extracted = looks_like_html(text) if html is None else html
    page = None
    if extracted:
        page = read_webpage(text)
        text = page.text
    text = trim(text)
    if not text:
        if extracted:
            raise InputError(f"{shown}: no article text found in HTML")
        if originally_empty:
            raise InputError(f"{shown}: {noun} is empty")
        raise InputError(f"{shown}: {noun} contains only whitespace, no article text")

    return Article(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        chars=len(text),
        language=detect_language(text)[0],
        source=source,
        encoding=encoding,
        extracted_from_html=extracted,
        url=url,
        extractor=page.extractor if page else None,
        metadata=page.metadata if page else None,
    )


def article_from_text(text: str, *, source: str | None = None) -> Article:
    """Build an article from text already in memory (stdin, tests, other front ends).

    It goes through the same normalisation as a file so that the same words always give the
    same ``Article`` (and the same sha256), wherever they came from.
    """
    return _build_article(
        text, encoding="utf-8", name=source or "<text>", source=source, noun="text"
    )


def load_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Load, decode and normalise an article file.

    ``max_bytes`` bounds memory and model cost: a news article is tens of kilobytes, so
    megabytes mean the wrong file (a log, a dump, a video) and reading it would only delay
    the inevitable error.
    """
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    name = os.fsdecode(os.fspath(path))
    shown = display_name(name)
    data = read_bounded(name, max_bytes=max_bytes)
    if not data:
        raise InputError(f"{shown}: file is empty")
    text, encoding = decode_bytes(data, name=name)
    return _build_article(text, encoding=encoding, name=name, source=name, noun="file")


def load_url(url: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Fetch a web page (see :mod:`.fetch` for every bound) and read it as any saved page is read.

    The server's charset comes before the page's own declaration, and the body is HTML because
    the server said so (the fetch refuses anything else), whatever it looks like.
    """
    page = fetch_page(url, max_bytes=max_bytes)
    if not page.data:
        raise InputError(f"{display_name(url)}: the server sent an empty page")
    text, encoding = decode_bytes(page.data, name=url, declared=page.charset)
    return _build_article(text, encoding=encoding, name=url, source=url, noun="page", url=url, html=True)


def load_source(source: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """An article from a file or, when ``source`` is an ``http(s)://`` address, from the web."""
    if isinstance(source, str) and is_url(source):
        return load_url(source, max_bytes=max_bytes)
    return load_article(source, max_bytes=max_bytes)
