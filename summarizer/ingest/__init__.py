"""Reading an article: (a URL fetched →) bounded bytes → decoded text → cleaned text (HTML → article text) → ``Article``.

One module per job: :mod:`.fetch` (a URL to the page's bytes, bounded, only when given one),
:mod:`.decoding` (bytes to text), :mod:`.cleaning` (what is removed), :mod:`.webpage` (a page to
its article text and metadata, by trafilatura) with :mod:`.html` (HTML detection, and the
project's own reader as the fallback), :mod:`.article` (the ``Article`` and the loaders that
assemble the others).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.ingest.article import DEFAULT_MAX_BYTES, Article, article_from_text, load_article, load_source, load_url
    from summarizer.ingest.decoding import decode_bytes

__all__ = ["DEFAULT_MAX_BYTES", "Article", "article_from_text", "decode_bytes", "load_article", "load_source", "load_url"]


def __getattr__(name: str) -> Any:
    """Import lazily: the CLI asks :mod:`.fetch` whether an argument is a URL before anything is
    loaded, and that must not load the language identifier."""
    if name == "decode_bytes":
        from summarizer.ingest.decoding import decode_bytes

        return decode_bytes
    if name in __all__:
        from summarizer.ingest import article

        return getattr(article, name)
    raise AttributeError(name)
