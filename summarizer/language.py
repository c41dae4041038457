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


def clearly_not(text: str, expected: str) -> str | None:
    """The language ``text`` is confidently in, if that is not ``expected``; else None.

    Used to catch a model that copies the article's words where a paraphrase in the briefing
    language was asked for; short or mixed texts are never flagged.
    """
    code, probability = detect(text)
    return code if code not in ("und", expected) and probability >= CONFIDENT else None
