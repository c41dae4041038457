"""Split an article into sentences, keeping their offsets.

Some passes ask the model to *choose* sentences of the article (where is a denial? where is a
statement reported?) instead of writing them: with the sentences as a JSON-schema enum, the
choice is verbatim by construction. A light rule-based splitter is enough for that, since a
sentence boundary placed slightly wrong still yields verbatim article text.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(
    r"(?<=[.!?…。！？])[\"”»’)]*\s+(?=[\"“«„(¿¡]?[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ0-9])"  # end mark, then a capital
    r"|\n+"  # or a line break
)
_MIN_CHARS = 12
_MAX_CHARS = 700


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences of ``text``, stripped of surrounding whitespace."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        # The closing marks after the end mark belong to the sentence; only the space does not.
        spans.append((start, match.start() + len(match.group().rstrip())))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end - begin >= _MIN_CHARS:
            end = min(end, begin + _MAX_CHARS)
            while text[end - 1].isspace():  # a cut can land on a space; text[begin] is not one
                end -= 1
            result.append((begin, end))
    return result
