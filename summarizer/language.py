"""Language identification (py3langid), shared by article loading and reply validation."""

from __future__ import annotations

from functools import cache

import py3langid.langid as langid

MIN_LETTERS = 20
CONFIDENT = 0.9


@cache
def _identifier() -> langid.LanguageIdentifier:
    return langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """ISO 639-1 code and its probability; ``("und", 0.0)`` when the text is too short to tell."""
    sample = text[:5000]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return "und", 0.0
    code, probability = _identifier().classify(sample)
    return code, float(probability)


# Languages written in the Latin alphabet: a text for one of them that is mostly in another script
# (Cyrillic, Greek, CJK...) is in the wrong language whatever the identifier's confidence.
LATIN_SCRIPT = frozenset(["en", "it", "fr", "de", "es", "pt", "nl", "pl", "tr"])


def _mostly_non_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    non_latin = sum(1 for c in letters if not ("a" <= c.lower() <= "z" or "\u00c0" <= c <= "\u024f"))
    return len(letters) >= MIN_LETTERS // 2 and non_latin > len(letters) / 2


def clearly_not(text: str, expected: str) -> str | None:
    """The language ``text`` is confidently in, if that is not ``expected``; else None.

    Used to catch a model that copies the article's words where a paraphrase in the briefing
    language was asked for; short or mixed texts are never flagged.
    """
    code, probability = detect(text)
    if code in ("und", expected):
        return None
    if probability >= CONFIDENT or (expected in LATIN_SCRIPT and _mostly_non_latin(text)):
        return code
    return None
