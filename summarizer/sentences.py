"""Split an article into sentences, keeping their offsets.

Some passes ask the model to *choose* sentences of the article (where is a denial? where is a
statement reported?) instead of writing them: with the sentences as a JSON-schema enum, the
choice is verbatim by construction. A light rule-based splitter is enough for that, since a
sentence boundary placed slightly wrong still yields verbatim article text; it was measured
against pysbd on hand-labelled cases in ten languages (``benchmarks/bench_sentences.py``), and
needs no language to be known first.

A sentence ends at a line break, or at an end mark (and the closing quotes or brackets after
it) followed by the start of another sentence: after a space, a capital, a digit or a letter of
a script without case; after 。！？ (CJK text puts no space between sentences) any letter. A full
stop after a known abbreviation (``abbreviations.txt``), a single letter (an initial, "z. B.")
or a dotted acronym ("U.S.") ends nothing, nor does one after a day number before a month.
"""

from __future__ import annotations

import re
from pathlib import Path

# End marks, then closing marks (French puts a space before », German closes with “, which after
# 。 opens the next sentence instead), then space (none needed after 。！？), then a letter or a
# digit. The quantifiers are possessive: giving a character back could never make a match.
_END = re.compile(
    r"(?:(?P<mark>[.!?…;\u037e؟।]++)(?:[\"'”“»’‘)\]」』）》〉]|[ \u00a0\u202f]»)*+(?P<space>\s++)"
    r"|(?P<cjk_mark>[。！？]++)(?P<cjk_close>[\"'”»’)\]」』）》〉]*+)(?P<cjk_space>\s*+))"
    r"(?=[\"“«„(¿¡「『（《〈]{0,2}[^\W_])"
)
_OPENERS = re.compile(r"[\"“«„(¿¡「『（《〈]{0,2}")
_ACRONYM = re.compile(r"[^\W\d_]{1,2}(?:\.[^\W\d_]{1,2})+")  # U.S, z.B, e.g, т.е, π.χ (final stop not included)
_DAY = re.compile(r"\d{1,2}")
_ABBREVIATIONS = frozenset(
    line.strip()
    for line in Path(__file__).with_name("abbreviations.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# "am 3. Oktober": German writes the day of a date as an ordinal, with a full stop.
_MONTHS = frozenset(("Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                     "Oktober", "November", "Dezember"))
_LOOKBACK = 40  # characters searched back for the word before a full stop
_MIN_CHARS = 12  # shorter pieces ("Sì.", "No.") are not sentences; a CJK character counts as two
_MAX_CHARS = 700


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences of ``text``, stripped of surrounding whitespace."""
    result = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for match in _END.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, match, line.end()):
                # The closing marks after the end mark belong to the sentence; only the space does not.
                result.extend(_trimmed(text, start, match.start("space" if match["mark"] else "cjk_space")))
                start = match.end()
        result.extend(_trimmed(text, start, line.end()))
    return result


def _ends_sentence(text: str, match: re.Match[str], line_end: int) -> bool:
    after = _OPENERS.match(text, match.end(), line_end).end()
    following = text[after]
    if match["cjk_mark"]:
        # 「…。」と述べた: the quotative particle after a closing quote continues the sentence.
        return not (match["cjk_close"] and following == "と")
    if following.islower():
        return False
    marks = match["mark"]
    if marks == ";":  # the Greek question mark, written as a semicolon after a Greek word
        return _is_greek(text[match.start() - 1]) if match.start() else False
    if marks == ".":
        return not _is_abbreviation(text, match.start(), after, line_end)
    return True


def _is_abbreviation(text: str, stop: int, following: int, line_end: int) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation rather than a sentence."""
    before = text[max(0, stop - _LOOKBACK) : stop]
    word = before.split()[-1] if before and not before[-1].isspace() else ""
    word = word.lstrip("\"'“«„(¿¡[").rpartition("'")[2].rpartition("’")[2]  # "L'On." is "On."
    if {word + ".", word[:1].lower() + word[1:] + "."} & _ABBREVIATIONS or _ACRONYM.fullmatch(word):
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial ("J. Smith", "M. Macron") or a one-letter abbreviation ("т. е.")
    if _DAY.fullmatch(word):
        next_word = text[following : min(line_end, following + _LOOKBACK)].split(maxsplit=1)
        return bool(next_word) and next_word[0].rstrip(".,;:") in _MONTHS
    return False


def _is_greek(char: str) -> bool:
    return "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff"


def is_cjk(char: str) -> bool:
    """Kana and Han: scripts written without spaces, where one character carries about a word."""
    return "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _trimmed(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """The span stripped of surrounding whitespace and cut to ``_MAX_CHARS``, or none if too short."""
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end - begin < _MIN_CHARS and end - begin + sum(map(is_cjk, text[begin:end])) < _MIN_CHARS:
        return []
    end = min(end, begin + _MAX_CHARS)
    while text[end - 1].isspace():  # a cut can land on a space; text[begin] is not one
        end -= 1
    return [(begin, end)]
