"""Find the direct quotes an article contains, before any model sees it.

Small models are poor at copying a quote character for character, but every news style marks
direct speech with quotation marks, so the candidates can be found by the program. The model is
then asked only to *attribute* each quote (who said it, what it means), and the JSON schema can
restrict its ``quote`` fields to exactly these strings: a quote in the briefing is verbatim by
construction, and still checked against the article afterwards.

A quote is a passage of at least three words, or in Chinese and Japanese, written without
spaces, of at least six CJK characters: a word there averages one and a half to two characters,
so six is about three words, while the terms and names put in quotation marks as scare quotes
are mostly two to four (“一带一路”, 「戦争反対」, four-character idioms).
"""

from __future__ import annotations

import re

from summarizer.sentences import is_cjk

# Opening mark -> closing marks accepted for it. „…“ (German) and „…” (Polish/Romanian) both occur.
_PAIRS: dict[str, str] = {
    "\u201c": "\u201d",  # “ ”
    "\u00ab": "\u00bb",  # « »
    "\u201e": "\u201c\u201d",  # „ “ / „ ”
    '"': '"',
    "\u300c": "\u300d",  # 「 」
    "\u300e": "\u300f",  # 『 』
}
_MIN_WORDS = 3
_MIN_CJK_CHARS = 6
_MAX_CHARS = 1500
_EDGE = " \t\n\u00a0,.;:\u3000。，、；："


def find_direct_quotes(text: str, *, limit: int | None = None) -> list[str]:
    """Return the distinct quoted passages of at least three words (six CJK characters), in order
    of appearance (the first ``limit`` of them, if given).

    Scare quotes around one or two words ("so-called" usage, titles) are not statements anybody
    made, so they are skipped.
    """
    matches: list[tuple[int, int, str]] = []
    for opening, closings in _PAIRS.items():
        pattern = re.compile(
            re.escape(opening) + r"([^" + re.escape(opening + closings) + r"\n]{2," + str(_MAX_CHARS) + r"})["
            + re.escape(closings) + "]"
        )
        for match in pattern.finditer(text):
            matches.append((match.start(), match.end(), match.group(1).strip(_EDGE)))
    # A closing mark of one style can open another („…“ then “…”): the earliest match wins and
    # anything overlapping it is not a quote.
    matches.sort()
    quotes: list[str] = []
    taken_until = -1
    for start, end, inner in matches:
        if start < taken_until:
            continue
        taken_until = end
        if len(inner.split()) < _MIN_WORDS and sum(map(is_cjk, inner)) < _MIN_CJK_CHARS:
            continue
        if inner not in quotes and not any(inner in q for q in quotes):
            quotes.append(inner)
        if len(quotes) == limit:
            break
    return quotes
