"""Tests for summarizer.grounding: locating the model's verbatim quotes in the article."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from summarizer.grounding import (
    QUOTE_MARKS,
    QuoteLocator,
    locate_quote,
    normalise,
    quote_text,
)

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "000_ba58efed2f2f0b1f.txt"

# Written out independently of the module, so a mark dropped from its table fails a test.
ALL_QUOTE_MARKS = "“”„‟«»\"″'‘’‚‛‹›′"
WHITESPACE = " \t\n\r\u00a0\u202f\u2009\u3000\u2028"


def reference_normalise(text: str) -> str:
    """A deliberately naive re-statement of the normalisation rules, character by character."""
    out: list[str] = []
    for ch in text:
        if ch.isspace():
            if not out or out[-1] != " ":
                out.append(" ")
        elif ch in ALL_QUOTE_MARKS:
            out.append('"')
        else:
            out.append(ch)
    return "".join(out)


def located(article: str, quote: str) -> str | None:
    span = locate_quote(article, quote)
    return None if span is None else quote_text(article, span)


# --- examples ---------------------------------------------------------------------------------


def test_exact_match_returns_offsets() -> None:
    article = "Il governo ha approvato la legge ieri sera."
    assert locate_quote(article, "approvato la legge") == (14, 32)
    assert located(article, "approvato la legge") == "approvato la legge"


def test_whole_article_matches() -> None:
    article = "Una frase sola."
    assert locate_quote(article, "Una frase sola.") == (0, len(article))


def test_newline_in_article_matches_space_in_quote() -> None:
    article = "Il ministro ha detto che la\nriforma passerà entro l'estate."
    assert located(article, "la riforma passerà") == "la\nriforma passerà"


def test_double_spaces_in_quote_match_single_space() -> None:
    article = "Il ministro ha detto che la riforma passerà."
    assert located(article, "la   riforma \t passerà") == "la riforma passerà"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000", "\t", "\r\n", " \n  "])
def test_unicode_whitespace_runs_are_equivalent(space: str) -> None:
    article = f"Prezzo: 10{space}euro al chilo."
    assert located(article, "10 euro al") == f"10{space}euro al"


def test_whitespace_cannot_match_no_whitespace() -> None:
    assert locate_quote("la riforma", "lariforma") is None
    assert locate_quote("lariforma", "la riforma") is None


def test_span_after_collapsed_whitespace_maps_back() -> None:
    article = "a  \n\n  b\t\t\tc     d e"
    assert located(article, "c d e") == "c     d e"
    assert locate_quote(article, "d e") == (article.index("d"), len(article))


def test_curly_quotes_in_article_match_straight_quotes_in_quote() -> None:
    article = "Ha detto: “non ci fermeremo” davanti ai giornalisti."
    assert located(article, 'detto: "non ci fermeremo" davanti') == (
        "detto: “non ci fermeremo” davanti"
    )


def test_guillemets_match_curly_quotes() -> None:
    article = "Il titolo era «Una nuova era» e basta."
    assert located(article, "titolo era “Una nuova era” e") == "titolo era «Una nuova era» e"


@pytest.mark.parametrize("article_mark", list(ALL_QUOTE_MARKS))
@pytest.mark.parametrize("quote_mark", ['"', "'"])
def test_every_quote_mark_is_one_class(article_mark: str, quote_mark: str) -> None:
    article = f"x {article_mark}y{article_mark} z"
    assert located(article, f"x {quote_mark}y{quote_mark} z") == article


def test_apostrophe_inside_word() -> None:
    article = "con l’obiettivo di inaugurare una nuova era"
    assert located(article, "con l'obiettivo di") == "con l’obiettivo di"
    assert located("con l'obiettivo di", "l’obiettivo") == "l'obiettivo"


def test_quote_wrapped_in_quote_marks_returns_inner_text() -> None:
    article = "Kim ha detto: “Le relazioni sono ottime”, poi è partito."
    span = locate_quote(article, '"Le relazioni sono ottime"')
    assert span is not None
    assert quote_text(article, span) == "Le relazioni sono ottime"
    assert article[span[0] - 1] == "“"
    assert article[span[1]] == "”"


def test_quote_with_surrounding_whitespace_and_nested_marks() -> None:
    article = "Ha detto «Basta» ieri."
    assert located(article, "  \n«“ Basta ”»\t ") == "Basta"


NO_FOLD_ARTICLE = "Il governo ha approvato, perché la legge… ieri – sera."


@pytest.mark.parametrize(
    ("quote", "verbatim"),
    [
        ("il governo ha approvato", "Il governo ha approvato"),  # case
        ("Il governo ha approvatO", "Il governo ha approvato"),  # case, last letter
        ("Il governo ha approvata", "Il governo ha approvato"),  # one changed letter
        ("Il governo ha appróvato", "Il governo ha approvato"),  # accent added
        ("perche la legge", "perché la legge"),  # accent removed
        ("perche\u0301 la legge", "perché la legge"),  # decomposed accent (no NFC/NFD folding)
        ("la legge... ieri", "la legge… ieri"),  # three dots vs ellipsis
        ("ieri - sera", "ieri – sera"),  # hyphen vs en dash
        ("ieri — sera", "ieri – sera"),  # em dash vs en dash
        ("Il governo, ha approvato", "Il governo ha approvato"),  # extra punctuation
        ("approvato; perché", "approvato, perché"),  # other punctuation
    ],
)
def test_no_other_normalisation(quote: str, verbatim: str) -> None:
    assert locate_quote(NO_FOLD_ARTICLE, verbatim) is not None  # control: the original matches
    assert locate_quote(NO_FOLD_ARTICLE, quote) is None


def test_quote_not_present() -> None:
    assert locate_quote("Il governo ha approvato la legge.", "Il parlamento") is None


def test_longer_than_article() -> None:
    assert locate_quote("breve", "breve ma non troppo") is None


def test_cyrillic_offsets() -> None:
    article = (
        "Президент России Владимир Путин прибыл в Пхеньян.\n"
        "Он сказал: «Спасибо за поддержку»."
    )
    span = locate_quote(article, '"Спасибо за поддержку"')
    assert span is not None
    start, end = span
    assert article[start:end] == "Спасибо за поддержку"
    assert start == article.index("Спасибо")
    assert end == start + len("Спасибо за поддержку")
    assert located(article, "Путин прибыл в Пхеньян. Он сказал") == (
        "Путин прибыл в Пхеньян.\nОн сказал"
    )
    assert locate_quote(article, "путин прибыл") is None  # case matters in Cyrillic too


def test_emoji_and_cjk_offsets() -> None:
    article = "🎉🎉 北京 今天\u3000天气 很好 👍🏽 “好的” 🇮🇹 fine"
    span = locate_quote(article, "今天 天气 很好 👍🏽")
    assert span == (article.index("今天"), article.index("👍🏽") + len("👍🏽"))
    # The leading mark is stripped as a wrapper; the inner closing mark is part of the quote.
    assert located(article, "«好的» 🇮🇹") == "好的” 🇮🇹"
    assert locate_quote(article, "今天天气") is None


def test_multiple_occurrences_returns_first() -> None:
    article = "Il gatto dorme. Il cane abbaia. Il gatto dorme ancora."
    assert locate_quote(article, "Il gatto dorme") == (0, 14)
    last = (article.rindex("gatto"), len(article) - 1)
    assert locate_quote(article, "gatto dorme ancora") == last


def test_first_occurrence_after_normalisation() -> None:
    article = "x “ciao” y ‘ciao’ z"
    assert locate_quote(article, "'ciao' z") == (article.index("‘") + 1, len(article))
    assert locate_quote(article, "x 'ciao") == (0, article.index("ciao") + 4)


@pytest.mark.parametrize("quote", ["", "   ", "\n\t\u00a0", '""', "“ ”", " « » ' ", "'"])
def test_empty_quote(quote: str) -> None:
    assert locate_quote("Qualsiasi articolo con “virgolette” e spazi.", quote) is None


def test_empty_article() -> None:
    assert locate_quote("", "qualcosa") is None
    assert locate_quote("", "") is None


def test_locator_is_reusable_and_matches_wrapper() -> None:
    article = "Uno  due\ntre “quattro” cinque."
    locator = QuoteLocator(article)
    quotes = ["due tre", '"quattro" cinque.', "sei", "Uno due", "cinque."]
    assert [locator.locate(q) for q in quotes] == [locate_quote(article, q) for q in quotes]
    assert [locator.locate(q) for q in quotes] == [locator.locate(q) for q in quotes]
    assert locator.article == article


def test_normalise() -> None:
    assert normalise("a \u00a0\n b «c» ’d’\t") == 'a b "c" "d" '


def test_quote_marks_constant_is_exactly_the_documented_set() -> None:
    assert set(QUOTE_MARKS) == set(ALL_QUOTE_MARKS)


def test_seed_article_kim_quote() -> None:
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    quote = (
        "Le relazioni tra i nostri paesi stanno entrando in un periodo di nuova grande prosperità"
    )
    span = locate_quote(article, quote)
    assert span is not None
    assert quote_text(article, span) == quote
    assert article[span[0] - 1] == "“"
    assert span[0] == article.index("“Le relazioni") + 1


def test_seed_article_putin_quote_with_straight_quotes() -> None:
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    inner = "Grazie per il sostegno, combattiamo contro decenni di imperialismo degli Stati Uniti"
    span = locate_quote(article, f'"{inner}"')
    assert span is not None
    assert quote_text(article, span) == inner
    assert article[span[0] - 1] == "“"
    assert article[span[1]] == "”"
    assert locate_quote(article, f'"{inner.replace("Stati", "stati")}"') is None


def test_many_quotes_in_long_article_are_fast() -> None:
    words = [f"parola{i}" for i in range(14_000)]
    article = "  \n".join(" “".join(words[i : i + 7]) for i in range(0, len(words), 7))
    assert len(article) >= 100_000
    # Each quote straddles a "  \n" run and a curly opening mark (given as a straight one).
    quotes = [f'parola{i} parola{i + 1} "parola{i + 2}' for i in range(6, 14_000, 140)]
    quotes += ["assente"] * 5
    assert len(quotes) == 105
    began = time.perf_counter()
    locator = QuoteLocator(article)
    spans = [locator.locate(q) for q in quotes]
    elapsed = time.perf_counter() - began
    assert spans[-5:] == [None] * 5
    for quote, span in zip(quotes[:-5], spans[:-5], strict=True):
        assert span is not None
        assert reference_normalise(quote_text(article, span)) == reference_normalise(quote)
    assert elapsed < 1.0, f"{elapsed:.3f}s for {len(quotes)} quotes"


# --- properties ---------------------------------------------------------------------------------

# Small alphabet with whitespace and quote marks, so runs, marks and repeats are common.
_ALPHABET = st.sampled_from(list("abcé Ж中🎉.,-") + list(WHITESPACE) + list(ALL_QUOTE_MARKS))
texts = st.text(alphabet=_ALPHABET, max_size=80)
_SKIP = set(WHITESPACE) | set(ALL_QUOTE_MARKS)


@st.composite
def text_with_slice(draw: st.DrawFn) -> tuple[str, int, int]:
    """A text and a slice [i, j) of it that starts and ends on neither whitespace nor a mark."""
    text = draw(texts)
    content = [k for k, ch in enumerate(text) if ch not in _SKIP]
    assume(content)
    i = draw(st.sampled_from(content), label="start")
    last = draw(st.sampled_from([k for k in content if k >= i]), label="last")
    return text, i, last + 1


@given(case=text_with_slice())
def test_property_substring_is_found_at_or_before_its_position(case: tuple[str, int, int]) -> None:
    text, i, j = case
    substring = text[i:j]
    span = QuoteLocator(text).locate(substring)
    assert span is not None
    start, end = span
    assert 0 <= start <= i
    assert start < end <= len(text)
    assert reference_normalise(text[start:end]) == reference_normalise(substring)
    assert text[start] not in _SKIP
    assert text[end - 1] not in _SKIP


_WRAPPER = st.text(alphabet=st.sampled_from(list(WHITESPACE + ALL_QUOTE_MARKS)), max_size=4)


@given(case=text_with_slice(), prefix=_WRAPPER, suffix=_WRAPPER)
def test_property_wrapping_in_marks_and_spaces_changes_nothing(
    case: tuple[str, int, int], prefix: str, suffix: str
) -> None:
    text, i, j = case
    assert locate_quote(text, prefix + text[i:j] + suffix) == locate_quote(text, text[i:j])


@given(text=texts, before=texts, after=texts, data=st.data())
def test_property_absent_character_means_none(
    text: str, before: str, after: str, data: st.DataObject
) -> None:
    missing = data.draw(st.characters(exclude_categories=("Cs",)), label="missing")
    assume(missing not in text and missing not in _SKIP and not missing.isspace())
    assert locate_quote(text, before + missing + after) is None


_ANY_CHAR = st.characters(exclude_categories=("Cs",))
_NASTY = st.sampled_from(["\x00", "\u200f", "\u200e", "\u200b", "\ufeff", "\u0301", "\r"])
any_text = st.text(alphabet=st.one_of(_ANY_CHAR, _NASTY, _ALPHABET), max_size=120)


@given(article=any_text, quote=any_text)
def test_property_never_raises_and_span_is_valid(article: str, quote: str) -> None:
    span = locate_quote(article, quote)
    if span is not None:
        start, end = span
        assert 0 <= start < end <= len(article)
        assert not article[start].isspace()
        assert not article[end - 1].isspace()
        assert reference_normalise(article[start:end]) == reference_normalise(quote).strip(' "')


@given(article=any_text)
def test_property_article_slices_are_found(article: str) -> None:
    locator = QuoteLocator(article)
    for size in (1, 5, 20):
        for start in range(0, len(article), 7):
            piece = article[start : start + size]
            ends = (piece[0], piece[-1]) if piece else ()
            if ends and not any(c.isspace() or c in ALL_QUOTE_MARKS for c in ends):
                span = locator.locate(piece)
                assert span is not None
                assert span[0] <= start
