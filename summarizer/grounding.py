"""Find the model's verbatim quotes in the article, and compute their offsets ourselves.

Every claim in a briefing carries a quote that is supposed to be copied word for word from the
article. The quote comes from the model, so it is untrusted: models paraphrase, merge two
sentences, translate, "fix" the article's wording, or invent a quote outright. A claim is only
grounded if its quote really occurs in the article, and this module is where that is decided.

The program computes the character offsets itself and never trusts offsets from the model. A
model sees tokens, not characters; it cannot count code points in an Italian, Cyrillic or CJK
text, and an offset it reports would be a guess that merely looks precise. Here an offset is a
Python ``str`` index into the original article, so ``article[start:end]`` is exactly the
matched text, whatever the script (accents, Cyrillic, CJK and emoji are one index each).

Matching is verbatim except for a small, fixed set of normalisations, applied to both article
and quote, each covering a difference that changes no word of what was said:

* Whitespace: any run of whitespace (space, tab, newline, NBSP U+00A0, narrow NBSP U+202F,
  the other Unicode spaces, i.e. whatever ``str.isspace`` accepts) equals any other run.
  Extracted articles keep line breaks and non-breaking spaces from the HTML; models re-flow
  text and emit plain spaces. A run never equals *no* whitespace: "ab" does not match "a b".
* Quote marks: all of “ ” „ ‟ « » " ″ and ' ‘ ’ ‚ ‛ ‹ › ′ are ONE class. Models freely swap
  « » for " and ’ for ', so l’obiettivo matches l'obiettivo. Double and single styles are
  not kept apart because models swap those too (nested quotes are re-styled), and a quote mark
  carries no word.
* The quote's own leading and trailing whitespace and quote marks are ignored, since models
  wrap what they quote in quotation marks. The returned span then covers only the inner text:
  it starts and ends on a character that is neither whitespace nor a quote mark, so the
  article's own surrounding quote marks are not part of it. (A quote that ends in an
  apostrophe, such as "the players'", therefore matches without that apostrophe.)

Nothing else is normalised: case, accents, dashes, ellipses and every other punctuation mark
must match exactly. Folding them would let a reworded or misremembered quote pass as verbatim;
it is better to reject such a quote (and let the caller retry or drop the claim) than to
present a paraphrase as the article's words. An empty quote, or one made only of whitespace and
quote marks, matches nothing.

The article is normalised once, in ``QuoteLocator``, together with a compact index map from
normalised positions back to original ones; each quote is then one ``str.find`` on the
normalised text, so many quotes against a long article stay cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

Span = tuple[int, int]
"""``[start, end)`` offsets into the original article: ``article[start:end]`` is the quote."""

# Escaped so that look-alike characters cannot be confused when reading or editing.
DOUBLE_QUOTE_MARKS: Final[str] = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u0022\u2033"  # “”„‟«»"″
SINGLE_QUOTE_MARKS: Final[str] = "\u0027\u2018\u2019\u201a\u201b\u2039\u203a\u2032"  # '‘’‚‛‹›′
QUOTE_MARKS: Final[str] = DOUBLE_QUOTE_MARKS + SINGLE_QUOTE_MARKS

_CANONICAL_QUOTE: Final[str] = '"'
_CANONICAL_SPACE: Final[str] = " "
_QUOTE_TABLE: Final[dict[int, str]] = str.maketrans(dict.fromkeys(QUOTE_MARKS, _CANONICAL_QUOTE))
# In a str pattern, \s matches exactly the characters for which str.isspace() is true.
_WHITESPACE_RUN: Final[re.Pattern[str]] = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Return the comparison form of ``text``, used on both sides (not stripped).

    Every quote mark becomes ``"`` and every whitespace run becomes one space.
    """
    return _WHITESPACE_RUN.sub(_CANONICAL_SPACE, text.translate(_QUOTE_TABLE))


class QuoteLocator:
    """Locate quotes in one article; build once, then call ``locate`` for each quote.

    Building costs one pass over the article. The index map is stored compactly: only
    whitespace runs longer than one character shift positions, so it records the normalised
    positions where the shift changes and looks a position up by bisection.
    """

    __slots__ = ("_breaks", "_normalised", "_shifts", "article")

    def __init__(self, article: str) -> None:
        self.article: str = article
        translated = article.translate(_QUOTE_TABLE)  # same length as ``article``
        pieces: list[str] = []
        breaks: list[int] = []  # normalised position from which shifts[k] applies
        shifts: list[int] = []  # original position minus normalised position
        removed = 0  # characters dropped so far by collapsing whitespace runs
        previous_end = 0
        for run in _WHITESPACE_RUN.finditer(translated):
            start, end = run.span()
            pieces.append(translated[previous_end:start])
            pieces.append(_CANONICAL_SPACE)
            previous_end = end
            if end - start > 1:
                # The run's single space sits at normalised position start - removed and maps
                # to the run's first character; everything after it is shifted further.
                breaks.append(start - removed + 1)
                removed += end - start - 1
                shifts.append(removed)
        pieces.append(translated[previous_end:])
        self._normalised: str = "".join(pieces)
        self._breaks: list[int] = breaks
        self._shifts: list[int] = shifts

    def _to_original(self, position: int) -> int:
        """Map a position in the normalised article to the original article."""
        k = bisect_right(self._breaks, position)
        return position + (self._shifts[k - 1] if k else 0)

    def locate(self, quote: str) -> Span | None:
        """Return the span of the first occurrence of ``quote`` in the article, or None.

        The span covers the matched original text, without the article's surrounding quote
        marks, and starts and ends on a character that is neither whitespace nor a quote mark.
        """
        needle = normalise(quote).strip(_CANONICAL_SPACE + _CANONICAL_QUOTE)
        if not needle:
            return None
        found = self._normalised.find(needle)
        if found < 0:
            return None
        # The needle's first and last characters are neither whitespace nor quote marks, so
        # each stands for exactly one original character.
        start = self._to_original(found)
        end = self._to_original(found + len(needle) - 1) + 1
        return start, end


def locate_quote(article: str, quote: str) -> Span | None:
    """Locate one quote in ``article``; use ``QuoteLocator`` when there are several quotes."""
    return QuoteLocator(article).locate(quote)


def quote_text(article: str, span: Span) -> str:
    """Return the original article text covered by ``span``."""
    start, end = span
    return article[start:end]
