"""How alike two statements are: character 3-gram Dice without English function words.

Deterministic and model-free, so a score changes only when a briefing or a gold file does. Why
this measure and this threshold: evals/README.md, "Similarity".
"""

from __future__ import annotations

import re
from typing import Final

from summarizer.names import WORD, fold_text

SIMILARITY_THRESHOLD: Final[float] = 0.55
"""Minimum ``text_similarity`` for two statements to count as the same claim."""

NGRAM: Final[int] = 3

# English function words and reporting verbs: they carry no content a paraphrase must share.
# "states" and "us" are deliberately absent ("United States", "US").
_STOPWORDS_TEXT: Final[str] = """
    a an the and or but nor of in on at to for from by with without about into onto over under
    as than then that this these those there here it its is are was were be been being am do does
    did done has have had having will would shall should can could may might must not no yes so
    such too very also he him his she her hers they them their theirs we our ours you your i me
    my mine who whom whose which what when where why how all any both each few more most other some
    own same only just said says say saying stated told tells according added adds
"""
STOPWORDS: Final[frozenset[str]] = frozenset(_STOPWORDS_TEXT.split())

_POSSESSIVE: Final = re.compile(r"['’]s\b")


def _words(text: str) -> list[str]:
    return WORD.findall(_POSSESSIVE.sub("", fold_text(text)))


def _ngrams(words: list[str]) -> set[str]:
    padded = f" {' '.join(words)} "
    return {padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)}


def text_similarity(a: str, b: str) -> float:
    """Character 3-gram Dice of two texts without function words, in [0, 1].

    When either text is made only of function words they are kept on both sides, so "He said
    no." is still compared with something rather than with nothing.
    """
    words_a, words_b = _words(a), _words(b)
    content_a = [w for w in words_a if w not in STOPWORDS]
    content_b = [w for w in words_b if w not in STOPWORDS]
    if content_a and content_b:
        words_a, words_b = content_a, content_b
    if not words_a or not words_b:
        return 1.0 if not words_a and not words_b else 0.0
    grams_a, grams_b = _ngrams(words_a), _ngrams(words_b)
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))
