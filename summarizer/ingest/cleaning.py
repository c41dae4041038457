"""Decoded text to the one exact string quotes are checked against: what is removed, and why.

Only line endings, invisible control characters and the blank edges are changed: accents,
spacing and punctuation are the author's, and the model's quotes must match them. The HTML
reader removes the same invisible set from what character references produce, so both paths
share ``INVISIBLE_RE``.
"""

from __future__ import annotations

import re

from summarizer.errors import InputError
from summarizer.ingest.decoding import refuse_binary_text

# Dropped: C0 controls that are not whitespace, NUL, DEL, and invisible characters that change how *other* text is shown, never
# what it says: C1 controls (U+0080-U+009F; U+009B is a terminal's CSI), bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069: "Trojan Source" reordering, so a quote
# reads differently on screen than to the model) and byte-order marks inside the text.
# Directional marks (LRM, RLM, ALM) and joiners (ZWJ, ZWNJ) stay: scripts need them.
INVISIBLE_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Form feed and vertical tab are line breaks (Word exports a manual line break as \v).
_VERTICAL_SPACE_RE = re.compile(r"[\x0b\x0c]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# Whitespace and byte-order marks before the text, in any order ("\ufeff\n\ufeff" when two
# files saved with a BOM are concatenated and read as text).
_LEADING_BLANK_RE = re.compile(r"^[\s\ufeff]+")


def clean(text: str, shown: str) -> str:
    """Unified line endings, no invisible controls; refuses lone surrogates and binary noise.

    The binary check runs after line endings are unified and before controls are dropped, so
    dropping cannot hide that a file was not text.
    """
    if _SURROGATE_RE.search(text):
        raise InputError(
            f"{shown}: contains characters that are not valid Unicode (lone surrogates);"
            " re-save it as UTF-8"
        )
    text = unify_line_endings(text)
    refuse_binary_text(text, shown)
    return clean_controls(text)


def unify_line_endings(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``, so offsets do not depend on the editor."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def drop_invisible(text: str) -> str:
    """``text`` without the invisible characters of :data:`INVISIBLE_RE` (page metadata uses it too)."""
    return INVISIBLE_RE.sub("", text)


def clean_controls(text: str) -> str:
    """Invisible characters dropped, vertical tab and form feed as line breaks: what :func:`clean`
    does after its checks, and what an extractor's output gets (it may decode references again)."""
    return _VERTICAL_SPACE_RE.sub("\n", drop_invisible(text))


def trim(text: str) -> str:
    """The text without its blank edges (whitespace, and byte-order marks before it)."""
    return _LEADING_BLANK_RE.sub("", text).rstrip()
