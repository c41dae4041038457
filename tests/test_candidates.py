"""Denial candidates: the program's cue lexicons and the quote a candidate carries."""

from __future__ import annotations

import pytest

from summarizer.cues import has_cue
from summarizer.ingest import article_from_text
from summarizer.pipeline.candidates import denial_candidates
from summarizer.pipeline.plan import Part
from summarizer.pipeline.story import Story


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The agency has firmly rejected the suggestion.", "en"),
        ("Der Konzern wies die Vorwürfe zurück.", "de"),
        ("PANSA rechazó esas acusaciones.", "es"),
        ("Белова отвергла обвинения.", "ru"),
        ("公司否认了这一说法。", "zh"),
        ("公司否認了這一說法，稱報道不實。", "zh"),  # traditional characters
        ("The minister denied it.", "it"),  # English cues are always tried
    ],
)
def test_denial_cues_in_each_language(text: str, language: str) -> None:
    assert has_cue(text, "denial", language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The denominator rose.", "en"),  # "deny" is a whole word, not a prefix
        ("Er sagte, er komme zurück.", "de"),  # "zurück" alone is not "wies … zurück"
        ("Si tratta del secondo incontro.", "it"),
    ],
)
def test_words_that_only_look_like_cues(text: str, language: str) -> None:
    assert not has_cue(text, "denial", language)


def candidates(text: str) -> list[tuple[str, str | None]]:
    story = Story.of(article_from_text(text), "en")
    found = denial_candidates(story, Part(0, 0, len(text)))
    return [(text[s:e], c.quote[0] if c.quote else None) for c in found for s, e in [c.span]]


def test_a_cue_sentence_takes_the_quote_that_opens_the_next_sentence_of_its_paragraph() -> None:
    text = (
        "The company rejected the accusations of the union leaders. \u201cAt no point did we hide anything from anyone,\u201d"
        " the statement says.\nThe river rose again on Monday night."
    )
    [(span, quote)] = candidates(text)
    assert quote == "At no point did we hide anything from anyone"
    assert span.endswith("the statement says.")  # one candidate for both sentences


def test_a_quote_in_the_next_paragraph_is_not_taken() -> None:
    text = (
        "The company rejected the accusations of the union leaders.\n"
        "\u201cWe will build a new bridge over the river,\u201d the mayor said."
    )
    assert candidates(text) == [("The company rejected the accusations of the union leaders.", None)]


def test_no_cue_no_candidate() -> None:
    assert candidates("The river rose again on Monday night. The mayor visited the town.") == []
