"""summarizer: turn a news article, in any language, into a verified structured briefing.

Library use::

    from summarizer import summarize
    briefing = summarize(open("article.txt").read())   # embedded model, offline
    print(briefing.event.title)

or keep one backend open for many articles with :class:`Summarizer`, and run a folder of them,
concurrently and resumably, with :class:`Batch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Batch", "Briefing", "Options", "Provider", "Settings", "Summarizer",
    "find_articles", "load_article", "open_provider", "summarize",
]  # fmt: skip

if TYPE_CHECKING:
    from summarizer.batch import Batch, find_articles
    from summarizer.ingest import load_article
    from summarizer.pipeline import Options, Summarizer, summarize
    from summarizer.providers import Provider, Settings, open_provider
    from summarizer.schema import Briefing

_LAZY = {
    "Provider": "summarizer.providers",
    "Settings": "summarizer.providers",
    "open_provider": "summarizer.providers",
    "Options": "summarizer.pipeline",
    "Summarizer": "summarizer.pipeline",
    "summarize": "summarizer.pipeline",
    "Briefing": "summarizer.schema",
    "Batch": "summarizer.batch",
    "find_articles": "summarizer.batch",
    "load_article": "summarizer.ingest",
}


def __getattr__(name: str) -> Any:
    """Import lazily: the CLI's --help and error paths should not pay for openai and instructor."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
