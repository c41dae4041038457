"""Find the sentences that may report a denial, by their words, before any model sees them.

A small model asked "which sentences report a denial?" picks a few and misses the rest; asked
about one sentence at a time it decides well. So the program proposes every sentence with a cue
("denied", "rejected", "wies … zurück", 否认 …) from a lexicon per language (``cues.toml``), and
the model decides about each. A cue with other meanings costs one question, never a wrong item.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

CueKind = Literal["denial", "speech"]  # the lexicons of cues.toml

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_GAP = "…"


def has_cue(text: str, kind: CueKind, language: str) -> bool:
    """Whether ``text`` contains a ``kind`` cue of the article's ``language`` (or of English).

    For a language with no lexicon every lexicon is tried: a foreign cue in an unknown language
    costs a question at worst.
    """
    return _pattern(kind, language).search(text) is not None


@cache
def _pattern(kind: CueKind, language: str) -> re.Pattern[str]:
    lexicons = _lexicons()[kind]
    languages = {language, "en"} if language in lexicons else set(lexicons)
    cues = sorted({cue for lang in languages for cue in lexicons[lang]})
    return re.compile("|".join(_cue_regex(cue) for cue in cues), re.IGNORECASE)


def _cue_regex(cue: str) -> str:
    """One cue of the lexicon syntax (see ``cues.toml``) as a regular expression."""
    if _GAP in cue:
        first, second = (part.strip() for part in cue.split(_GAP, 1))
        return f"(?:{_cue_regex(first)})[^.!?。！？]*?(?:{_cue_regex(second)})"
    if _CJK.search(cue):
        return re.escape(cue)
    stem = cue.endswith("*")
    words = r"\s+".join(re.escape(word) for word in cue.rstrip("*").split())
    return rf"(?<!\w){words}" + ("" if stem else r"(?!\w)")


@cache
def _lexicons() -> dict[str, dict[str, list[str]]]:
    with resources.files("summarizer").joinpath("cues.toml").open("rb") as handle:
        return tomllib.load(handle)


def speech_pattern(language: str) -> re.Pattern[str]:
    """The verbs of speech that tag a quote with its speaker, in ``language`` (and English)."""
    return _pattern("speech", language)
