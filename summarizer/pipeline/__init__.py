"""The pipeline as stages, one module each, in the order the data flows:

``plan`` (parts) → ``story`` (sentences, quotes) → ``participants`` → ``choose`` / ``claims`` /
``denials`` → ``event`` → ``assemble``, orchestrated by ``run``; every question goes through the
``ask`` seam, and ``salvage`` keeps what is valid. :class:`Summarizer` is the public entry point.
"""

from summarizer.pipeline.run import Options
from summarizer.pipeline.summarizer import Summarizer, summarize, summarize_with

__all__ = ["Options", "Summarizer", "summarize", "summarize_with"]
