"""Comparing names of people, countries and organizations across spellings.

One set of rules serves the pipeline (is this participant listed twice?), the digest (the same
participant in two articles?) and the evaluation (is this the gold participant?), so that all
three agree on when two names are the same. The rules: evals/README.md, "Names".
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Final

_SPECIAL_LETTERS: Final = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)
WORD: Final = re.compile(r"[^\W_]+")
_ARABIC_ARTICLES: Final = frozenset({"al", "el"})
_DOUBLED: Final = re.compile(r"([a-z])\1+")
_FINAL_IYJ: Final = re.compile(r"(?<=[^iyj])[iyj]+$")


def fold_text(text: str) -> str:
    """Casefolded, accents removed, a few special letters spelled out."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_SPECIAL_LETTERS)


def fold_translit(word: str) -> str:
    """Fold transliteration variants of one lower-case word: only spellings, never a syllable."""
    word = word.replace("kh", "h").replace("gh", "g").replace("x", "ks")
    word = _DOUBLED.sub(r"\1", word)
    return _FINAL_IYJ.sub("i", word)


def name_key(name: str) -> str:
    """The comparison form of a name: two names match when their keys are equal."""
    words = WORD.findall(fold_text(name))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    words = [w for w in words if w not in _ARABIC_ARTICLES] or words
    return "".join(fold_translit(w) for w in words)


def names_match(a: str, b: str) -> bool:
    """Whether two names denote the same entity under the name rules (empty keys never match)."""
    key = name_key(a)
    return bool(key) and key == name_key(b)


# Alphabets that separate words with spaces (Latin, Greek, Cyrillic): a name written in one is a
# whole word; a name in a script without spaces (Chinese, Japanese) is matched wherever it occurs.
_SPACED_SCRIPT: Final = re.compile(r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u052F]")


@lru_cache(maxsize=4096)
def written_regex(form: str, *, endings: int = 0) -> re.Pattern[str]:
    """:func:`written_pattern` compiled, case-insensitive, once per form: every question about an
    article looks for the same names again, more of them than ``re``'s own cache holds."""
    return re.compile(written_pattern(form, endings=endings), re.IGNORECASE)


def written_pattern(form: str, *, endings: int = 0) -> str:
    """A regular expression for ``form`` as the article writes it: a whole word ("Vlad" is not in
    "Vladimir"), or anywhere in scripts written without spaces ("王毅" in "外交部长王毅表示").

    ``endings``: letters a name of four or more letters may take as an inflection (Putins, Путина).
    """
    if not _SPACED_SCRIPT.search(form):
        return re.escape(form)
    ending = rf"\w{{0,{endings}}}" if endings and len(form) >= 4 else ""
    return rf"(?<!\w){re.escape(form)}{ending}(?!\w)"


@cache
def name_lexicon(name: str) -> frozenset[str]:
    """A word list of ``entities.toml`` (courtesy titles, name particles, place roles), folded."""
    with resources.files("summarizer").joinpath("entities.toml").open("rb") as handle:
        return frozenset(fold_text(word) for word in tomllib.load(handle)[name])
