"""The name a direct quote's own tag gives its speaker ("…," Ms. Marsh said), found by the program.

News style attributes a quote in the words right next to it: after it ("…," Mr. Ortega said;
„…“, sagte Reinholz; «…», — добавил Андрей Соколов; “…”王建华说) or before it in the same
sentence (Ms. Liu said: “…”). A name written there beside a verb of speech (the ``speech``
lexicon of ``cues.toml``) is the speaker, so the model need not guess among everyone named
nearby; a pronoun ("she said") is no name, and then the model decides among the participants
named around the quote (:mod:`summarizer.pipeline.speakers`).

A name is a run of capitalised words. A word the article also writes in lower case ("The",
"She", "Il") is no name word, so a run that begins a sentence loses it. In Chinese and Japanese,
which have no capitals, the words between the quote and the verb are the name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from summarizer.cues import speech_pattern
from summarizer.names import fold_text, name_lexicon
from summarizer.sentences import is_cjk

Span = tuple[int, int]

_CLOSING = "\u201d\u00bb\u201c\"\u300d\u300f'’"
_ENDING_MARKS = ".,;:!?。，、！？…"  # a quote's last punctuation, inside or outside its marks
_OPENING = "\u201c\u00ab\u201e\"\u300c\u300e"
_TAG_CHARS = 160  # the longest tag read after or before a quote
_CJK_TAG_CHARS = 12  # a CJK name and its verb
_WORD = re.compile(r"[^\W\d_][\w'’\-]*\.?")
# Words between a verb and the name after it ("said the company's chief executive, Jane Doe"): few.
_MAX_WORDS_BETWEEN = 4


def tag_name(text: str, span: Span, sentences: list[Span], language: str) -> str | None:
    """The speaker's name as the quote at ``span`` is tagged with, written as in the article
    ("Mr. Ortega", "Reinholz", "Андрей Соколов", "王建华"), or None when its tag names nobody.

    ``sentences``: the article's sentence spans, in order.
    """
    after = _after(text, span, sentences)
    name = _name_near_verb(after, language, text, verb_first_allowed=True)
    if name is None and not speech_pattern(language).search(after):
        name = _name_near_verb(_before(text, span, sentences), language, text, verb_first_allowed=False)
    return name


def tagged_after(text: str, span: Span, sentences: list[Span], language: str) -> bool:
    """Whether a verb of speech follows the quote at ``span`` in its sentence ("…," she said)."""
    return speech_pattern(language).search(_after(text, span, sentences)) is not None


def name_words(name: str) -> list[str]:
    """The words of a name without a courtesy title or rank ("Dr Helen Price" -> Helen, Price)."""
    words = _WORD.findall(name)
    while len(words) > 1 and fold_text(words[0].rstrip(".")) in name_lexicon("honorifics"):
        words = words[1:]
    return [w.rstrip(".") for w in words]


def _after(text: str, span: Span, sentences: list[Span]) -> str:
    """From the quote's closing mark to the end of its sentence or the next quote."""
    end = span[1]
    while end < len(text) and text[end] in _CLOSING + _ENDING_MARKS:
        end += 1
    if is_cjk(text[span[1] - 1]) or (end < len(text) and is_cjk(text[end])):
        segment = text[end : end + _CJK_TAG_CHARS + 4]
        return re.split(f"[。！？\n{_OPENING}]", segment, maxsplit=1)[0]
    sentence = _sentence_of(sentences, max(span[1] - 1, span[0]))
    stop = min(sentence[1] if sentence else len(text), end + _TAG_CHARS)
    segment = text[end:stop]
    cut = min((segment.find(mark) for mark in _OPENING if mark in segment), default=-1)
    return segment[:cut] if cut >= 0 else segment


def _before(text: str, span: Span, sentences: list[Span]) -> str:
    """From the start of the quote's sentence to its opening mark, after any earlier quote."""
    sentence = _sentence_of(sentences, span[0])
    start = max(sentence[0] if sentence else 0, span[0] - _TAG_CHARS)
    segment = text[start : span[0]].rstrip(_OPENING + " \u00a0")
    last_close = max(segment.rfind(mark) for mark in "\u201d\u00bb\u300d\u300f")  # marks that only close
    return segment[last_close + 1 :]


def _sentence_of(sentences: list[Span], position: int) -> Span | None:
    index = bisect_right([s for s, _e in sentences], position) - 1
    return sentences[index] if 0 <= index < len(sentences) else None


def _name_near_verb(segment: str, language: str, article: str, *, verb_first_allowed: bool) -> str | None:
    """The name next to a verb of speech in ``segment``: the nearest run of name words right
    before the verb, or (``verb_first_allowed``) right after it across a few lower-case words."""
    verb = speech_pattern(language).search(segment)
    if verb is None:
        return None
    if any(is_cjk(c) for c in segment):
        name = segment[: verb.start()].strip(" ,，、:：—-")
        return name if 2 <= len(name) <= _CJK_TAG_CHARS and all(is_cjk(c) for c in name) else None
    for name, start, end in reversed(_runs(segment[: verb.start()], article)):
        between = segment[end : verb.start()]
        if not between.strip() or _apposition(between):
            return None if _joined(segment, start, article) else name
    if not verb_first_allowed:
        return None
    rest = segment[verb.end() :]
    runs = _runs(rest, article)
    # "a déclaré la maire de Limoges, Hélène Marchal": a role, then the name after a comma.
    comma = rest.find(",")
    if comma >= 0 and len(_WORD.findall(rest[:comma])) <= 2 * _MAX_WORDS_BETWEEN:
        for name, start, _end in runs:
            if start > comma and not rest[comma + 1 : start].strip():
                return name
    if not runs:
        return None
    name, start, _end = runs[0]
    between = _WORD.findall(rest[:start])
    if len(between) <= _MAX_WORDS_BETWEEN and all(not w[0].isupper() for w in between):
        return name
    return None


def _apposition(between: str) -> bool:
    """Whether ``between`` is an apposition set off by commas (", a hydrologist at Leeds,")."""
    stripped = between.strip()
    if not (stripped.startswith(",") and stripped.endswith(",") and stripped.count(",") == 2 and len(stripped) < 90):
        return False
    first = _WORD.search(stripped)
    return first is not None and not first.group()[0].isupper()


def _joined(segment: str, start: int, article: str) -> bool:
    """Whether the run at ``start`` goes on from words before it ("Food and Rural Affairs",
    "Environment, Food"): part of a longer name or a list, so no name of its own."""
    before = _WORD.findall(segment[:start])
    if not before:
        return False
    if fold_text(before[-1]) in name_lexicon("name_connectors"):
        return True
    return segment[:start].rstrip().endswith(",") and _is_name_word(before[-1], article)


def _runs(segment: str, article: str) -> list[tuple[str, int, int]]:
    """Runs of name words in ``segment``: (as written, start, end) in order."""
    runs: list[tuple[str, int, int]] = []
    words = list(_WORD.finditer(segment))
    index = 0
    while index < len(words):
        word = words[index]
        if not _is_name_word(word.group(), article):
            index += 1
            continue
        first = last = index
        probe = index + 1
        while probe < len(words):
            gap = segment[words[probe - 1].end() : words[probe].start()]
            if gap.strip() or "\n" in gap:
                break
            token = words[probe].group()
            if _is_name_word(token, article):
                last = probe
            elif fold_text(token) not in name_lexicon("name_particles"):
                break
            probe += 1
        start, end = words[first].start(), words[last].end()
        runs.append((segment[start:end].rstrip("."), start, end))
        index = last + 1
    return runs


def _is_name_word(word: str, article: str) -> bool:
    if not word[0].isupper():
        return False
    return not _written_lower(word.rstrip("."), article)


@lru_cache(maxsize=8192)
def _written_lower(word: str, article: str) -> bool:
    """Whether ``article`` also writes ``word`` in lower case (then it is no name word)."""
    if len(word) > 1 and word.isupper():
        return False  # an acronym (FDA, PANSA)
    return re.search(rf"(?<![\w]){re.escape(word[0].lower() + word[1:])}(?!\w)", article) is not None


def full_name(name: str, article: str) -> str | None:
    """The fullest form the article writes of a person tagged by surname ("Mr. Ortega" -> "Luis
    Ortega"): the first run of two or more name words ending in that surname; None if there is none.
    A name of two or more words is its own full form (without a courtesy title)."""
    words = name_words(name)
    if len(words) >= 2:
        return " ".join(words)
    if not words or any(is_cjk(c) for c in name):
        return None
    surname = fold_text(words[0])
    for run, _start, _end in _runs(article, article):
        found = name_words(run)
        if len(found) >= 2 and fold_text(found[-1]) == surname:
            return " ".join(found)
    return None
