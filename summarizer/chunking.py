"""Split an article too long for the model's context into overlapping parts.

Each part is shown to the model on its own, so a cut in the wrong place loses meaning: parts end
at a paragraph break where one is close enough, else at a sentence end, else between words, and
only as a last resort in the middle of a word. Each part also repeats the end of the previous
one (the *overlap*) so that a quote keeps the sentence that introduces it ("Putin said:") and a
denial keeps the accusation before it.

Every part has a *core*: the characters it is responsible for. The cores tile the article
without gaps or overlap, so each quote and each sentence belongs to exactly one part, which is
what lets the results of the parts be merged without double counting. All offsets are code
point offsets into the whole article, so quote spans found in a part need no translation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from summarizer.sentences import split_sentences

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*|\n\s*")  # a blank line, else a single line break
_WORD = re.compile(r"\s+")
MIN_CUT_SHARE = 0.5  # a preferred boundary is used only if the part keeps at least this share of its room


@dataclass(frozen=True)
class Chunk:
    """``text[start:end]`` is shown to the model; ``[core, end)`` is what this part answers for."""

    start: int
    core: int
    end: int

    def owns(self, offset: int) -> bool:
        return self.core <= offset < self.end


def split_into_chunks(text: str, max_chars: int, overlap_chars: int = 0) -> list[Chunk]:
    """Parts of at most ``max_chars`` characters (overlap included) whose cores tile ``text``.

    ``overlap_chars`` is the most each part repeats of the one before; the overlap starts at a
    sentence or word boundary, so it may be shorter. A text that fits is one part.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    overlap_chars = max(0, min(overlap_chars, max_chars // 2))
    if len(text) <= max_chars:
        return [Chunk(0, 0, len(text))]
    paragraphs = sorted({m.end() for m in _PARAGRAPH.finditer(text)})
    sentences = sorted({start for start, _end in split_sentences(text)} | set(paragraphs))
    words = sorted({m.end() for m in _WORD.finditer(text)})
    chunks: list[Chunk] = []
    core = 0
    while core < len(text):
        start = core if not chunks else _overlap_start(core, overlap_chars, sentences, words)
        room = max_chars - (core - start)
        end = len(text) if len(text) - core <= room else _cut(core, room, paragraphs, sentences, words)
        chunks.append(Chunk(start, core, end))
        core = end
    return chunks


def _cut(core: int, room: int, *boundaries: list[int]) -> int:
    """The last boundary of the most preferred kind that leaves the part a fair share of its room."""
    lowest = core + max(1, int(room * MIN_CUT_SHARE))
    for kind in boundaries:
        last = bisect_right(kind, core + room) - 1
        if last >= 0 and kind[last] >= lowest:
            return kind[last]
    return core + room  # one unbroken word longer than a part: cut it


def _overlap_start(core: int, overlap: int, sentences: list[int], words: list[int]) -> int:
    """The earliest sentence (else word) start within ``overlap`` characters before ``core``."""
    for kind in (sentences, words):
        first = bisect_left(kind, core - overlap)
        if first < len(kind) and kind[first] < core:
            return kind[first]
    return core


_DENSE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")  # CJK, kana, hangul


def estimate_tokens(text: str) -> int:
    """A deliberately high token estimate for servers that cannot count: one per CJK character,
    one per three characters elsewhere (tokenizers average about four in Latin text and three in
    Cyrillic), so parts planned with it fit."""
    dense = len(_DENSE.findall(text))
    return dense + (len(text) - dense + 2) // 3
