"""Splitting long articles into overlapping parts (``summarizer.chunking``).

The invariants that let the pipeline merge the parts' answers: the cores tile the article exactly
(every quote and sentence belongs to exactly one part), every part fits its budget with its
overlap included, offsets are code points of the whole article, and cuts prefer paragraph breaks,
then sentence ends, then whitespace, and cut inside a word only when nothing else is in range.
"""

from __future__ import annotations

import itertools
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.chunking import MIN_CUT_SHARE, Chunk, estimate_tokens, split_into_chunks
from summarizer.sentences import split_sentences

# --- helpers --------------------------------------------------------------------------------


def paragraph_starts(text: str) -> set[int]:
    """Ends of whitespace runs that contain a line break: where a new paragraph (line) begins."""
    return {m.end() for m in re.finditer(r"\s+", text) if "\n" in m.group()}


def sentence_starts(text: str) -> set[int]:
    return {start for start, _end in split_sentences(text)} | paragraph_starts(text)


def word_starts(text: str) -> set[int]:
    return {m.end() for m in re.finditer(r"\s+", text)}


def assert_tiling(text: str, chunks: list[Chunk], max_chars: int, overlap_chars: int) -> None:
    """The contract every split must keep, whatever the text and the parameters."""
    assert chunks, "at least one part"
    assert chunks[0].start == chunks[0].core == 0
    assert chunks[-1].end == len(text)
    for previous, chunk in itertools.pairwise(chunks):
        assert chunk.core == previous.end, (previous, chunk)
    for chunk in chunks:
        assert 0 <= chunk.start <= chunk.core <= chunk.end <= len(text)
        if len(chunks) > 1:
            assert chunk.core < chunk.end, f"empty core {chunk}"
        assert chunk.end - chunk.start <= max_chars, f"{chunk} longer than {max_chars} with its overlap"
        overlap = chunk.core - chunk.start
        assert overlap <= max(0, overlap_chars)
        assert overlap <= max_chars // 2  # the overlap never eats more than half a part
        if overlap:
            # The repeated context starts at the beginning of a word (a sentence or a word boundary);
            # a CJK sentence follows its end mark with no space between them.
            assert chunk.start == 0 or text[chunk.start - 1].isspace() or chunk.start in sentence_starts(text), (
                chunk, text[chunk.start - 5 : chunk.start + 5])
            assert not text[chunk.start].isspace()
            assert chunk.start in sentence_starts(text) | word_starts(text) | {0}
    # The cores partition the text: every offset is owned by exactly one part.
    assert "".join(text[c.core : c.end] for c in chunks) == text
    for offset in range(len(text)):
        assert sum(c.owns(offset) for c in chunks) == 1, offset


def parts(text: str, chunks: list[Chunk]) -> list[str]:
    return [text[c.start : c.end] for c in chunks]


def cuts(chunks: list[Chunk]) -> list[int]:
    """Where each part but the last ends."""
    return [c.end for c in chunks[:-1]]


# --- articles -------------------------------------------------------------------------------

LATIN_PARAGRAPHS = [
    "Il presidente ha incontrato i ministri degli Esteri nella capitale per discutere della crisi. "
    "La riunione è durata più di tre ore e si è conclusa senza una dichiarazione comune.",
    "Secondo fonti diplomatiche, le delegazioni hanno esaminato il calendario dei prossimi incontri. "
    "Un nuovo vertice è previsto per l'autunno, ma la data non è ancora stata fissata.",
    "Nel pomeriggio i leader hanno visitato il porto, dove sono attraccate le navi della flotta. "
    "Le autorità locali hanno rafforzato le misure di sicurezza in tutta la zona.",
    "Gli analisti sottolineano che l'accordo potrebbe cambiare gli equilibri della regione. "
    "Altri osservatori restano prudenti e attendono i dettagli del documento finale.",
    "La stampa internazionale ha seguito la visita con grande attenzione per tutta la giornata. "
    "I giornalisti sono stati ammessi soltanto alla cerimonia di apertura del vertice.",
]
CYRILLIC_PARAGRAPHS = [
    "Президент встретился с министрами иностранных дел в столице, чтобы обсудить кризис. "
    "Совещание продолжалось более трёх часов и завершилось без общего заявления.",
    "По данным дипломатических источников, делегации рассмотрели график будущих встреч. "
    "Новый саммит запланирован на осень, но дата ещё не определена.",
    "Днём лидеры посетили порт, где стоят корабли флота. "
    "Местные власти усилили меры безопасности во всём районе.",
    "Аналитики подчёркивают, что соглашение может изменить баланс сил в регионе. "
    "Другие наблюдатели сохраняют осторожность и ждут подробностей итогового документа.",
    "Международная пресса весь день внимательно следила за визитом. "
    "Журналистов допустили только на церемонию открытия саммита.",
]
LATIN = "\n\n".join(LATIN_PARAGRAPHS)
CYRILLIC = "\n\n".join(CYRILLIC_PARAGRAPHS)
LATIN_ONE_PARAGRAPH = " ".join(LATIN_PARAGRAPHS)  # sentences, no line break
CYRILLIC_ONE_PARAGRAPH = " ".join(CYRILLIC_PARAGRAPHS)
LATIN_ONE_SENTENCE = " ".join(w for p in LATIN_PARAGRAPHS for w in re.sub(r"[.,']", "", p).lower().split())
CYRILLIC_ONE_SENTENCE = " ".join(w for p in CYRILLIC_PARAGRAPHS for w in re.sub(r"[.,]", "", p).lower().split())


# --- the tiling and the sizes ---------------------------------------------------------------


@pytest.mark.parametrize("text", [LATIN, CYRILLIC, LATIN_ONE_PARAGRAPH, CYRILLIC_ONE_PARAGRAPH, LATIN_ONE_SENTENCE],
                         ids=["latin", "cyrillic", "latin-sentences", "cyrillic-sentences", "latin-words"])
@pytest.mark.parametrize(("max_chars", "overlap_chars"), [(60, 0), (120, 12), (200, 40), (333, 100), (500, 400)])
def test_cores_tile_the_text_and_parts_fit(text, max_chars, overlap_chars):
    chunks = split_into_chunks(text, max_chars, overlap_chars)

    assert len(chunks) > 1
    assert_tiling(text, chunks, max_chars, overlap_chars)


def test_a_text_that_fits_is_one_part():
    assert split_into_chunks(LATIN, len(LATIN), 50) == [Chunk(0, 0, len(LATIN))]
    assert split_into_chunks(LATIN, len(LATIN) + 1000, 50) == [Chunk(0, 0, len(LATIN))]
    assert split_into_chunks(CYRILLIC, len(CYRILLIC)) == [Chunk(0, 0, len(CYRILLIC))]
    assert split_into_chunks("x", 1) == [Chunk(0, 0, 1)]
    assert split_into_chunks("", 1) == [Chunk(0, 0, 0)]
    assert len(split_into_chunks(LATIN, len(LATIN) - 1)) == 2


@pytest.mark.parametrize("max_chars", [0, -1, -100])
def test_max_chars_below_one_is_refused(max_chars):
    with pytest.raises(ValueError, match="max_chars"):
        split_into_chunks(LATIN, max_chars)
    with pytest.raises(ValueError, match="max_chars"):
        split_into_chunks("", max_chars)  # refused even when nothing needs splitting


def test_one_character_parts():
    chunks = split_into_chunks("abc de", 1, 5)

    assert chunks == [Chunk(i, i, i + 1) for i in range(6)]  # no room for any overlap


def test_owns_is_the_half_open_core():
    chunk = Chunk(5, 10, 20)

    assert [chunk.owns(i) for i in (4, 5, 9, 10, 11, 19, 20, 21)] == [False, False, False, True, True, True, False, False]
    assert not Chunk(3, 3, 3).owns(3)


def test_offsets_are_code_points_of_the_whole_text():
    """Cyrillic letters are two UTF-8 bytes: sizes and offsets count characters, not bytes."""
    chunks = split_into_chunks(CYRILLIC, 150, 30)

    assert_tiling(CYRILLIC, chunks, 150, 30)
    pieces = parts(CYRILLIC, chunks)
    assert max(len(p) for p in pieces) > 100  # parts use their room in characters...
    assert max(len(p.encode("utf-8")) for p in pieces) > 150  # ...which is more than 150 bytes
    for chunk, piece in zip(chunks, pieces, strict=True):
        assert CYRILLIC.find(piece, chunk.start) == chunk.start


# --- where the cuts land --------------------------------------------------------------------


@pytest.mark.parametrize("text", [LATIN, CYRILLIC], ids=["latin", "cyrillic"])
def test_cuts_land_on_paragraph_breaks(text):
    longest = max(len(p) for p in text.split("\n\n"))
    chunks = split_into_chunks(text, longest + 10, 0)

    assert_tiling(text, chunks, longest + 10, 0)
    assert set(cuts(chunks)) <= paragraph_starts(text)
    for piece in parts(text, chunks)[:-1]:
        assert piece.endswith(".\n\n")
    # Whole paragraphs: each part is one or more of them, none broken.
    assert [p.strip() for piece in parts(text, chunks) for p in piece.split("\n\n") if p.strip()] == text.split("\n\n")


@pytest.mark.parametrize("text", [LATIN, CYRILLIC], ids=["latin", "cyrillic"])
def test_a_paragraph_break_wins_over_a_later_sentence_end(text):
    first, second = text.split("\n\n")[:2]
    max_chars = len(first) + 2 + second.index(". ") + 10  # the first break, then a sentence end, then room
    chunks = split_into_chunks(text, max_chars, 0)

    assert chunks[0].end == len(first) + 2
    assert sentence_starts(text) & set(range(chunks[0].end + 1, max_chars + 1)), "a sentence end was in range too"


@pytest.mark.parametrize("text", [LATIN_ONE_PARAGRAPH, CYRILLIC_ONE_PARAGRAPH], ids=["latin", "cyrillic"])
def test_without_a_paragraph_break_cuts_land_on_sentence_ends(text):
    chunks = split_into_chunks(text, 260, 40)

    assert_tiling(text, chunks, 260, 40)
    assert len(chunks) >= 3
    starts = {s for s, _e in split_sentences(text)}
    assert set(cuts(chunks)) <= starts
    for piece in parts(text, chunks)[:-1]:
        assert piece.endswith(". ")


@pytest.mark.parametrize("text", [LATIN_ONE_SENTENCE, CYRILLIC_ONE_SENTENCE], ids=["latin", "cyrillic"])
def test_without_a_sentence_end_cuts_land_between_words(text):
    chunks = split_into_chunks(text, 97, 20)

    assert_tiling(text, chunks, 97, 20)
    assert len(chunks) >= 5
    words = text.split(" ")
    for chunk in chunks[:-1]:
        assert text[chunk.end - 1] == " " and text[chunk.end] != " "
    # No word is broken: the cores' words are the text's words.
    assert [w for c in chunks for w in text[c.core : c.end].split()] == words


def test_one_giant_word_is_cut_hard():
    word = "x" * 95
    text = f"Una parola lunghissima: {word} e poi basta."
    chunks = split_into_chunks(text, 40, 0)

    assert_tiling(text, chunks, 40, 0)
    assert chunks[0].end == len("Una parola lunghissima: ")  # the word boundary still in range is used
    assert chunks[1] == Chunk(24, 24, 64)  # then the word itself is cut where the room ends
    assert chunks[2] == Chunk(64, 64, 104)
    assert split_into_chunks("y" * 25, 10, 3) == [Chunk(0, 0, 10), Chunk(10, 10, 20), Chunk(20, 20, 25)]


def test_a_word_boundary_too_early_gives_way_to_a_hard_cut():
    """A boundary that would leave a part less than half its room is not worth taking."""
    text = "ab " + "z" * 60
    chunks = split_into_chunks(text, 20, 0)

    assert_tiling(text, chunks, 20, 0)
    assert chunks[0] == Chunk(0, 0, 20)
    assert MIN_CUT_SHARE == 0.5


# --- the overlap ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [LATIN_ONE_PARAGRAPH, CYRILLIC_ONE_PARAGRAPH], ids=["latin", "cyrillic"])
def test_the_overlap_starts_at_the_earliest_sentence_in_range(text):
    overlap = 120
    chunks = split_into_chunks(text, 300, overlap)
    starts = sentence_starts(text)

    assert_tiling(text, chunks, 300, overlap)
    for chunk in chunks[1:]:
        in_range = sorted(s for s in starts if chunk.core - overlap <= s < chunk.core)
        if in_range:
            assert chunk.start == in_range[0]
    assert any(c.start < c.core for c in chunks[1:]), "some part repeats a sentence"


@pytest.mark.parametrize("text", [LATIN_ONE_SENTENCE, CYRILLIC_ONE_SENTENCE], ids=["latin", "cyrillic"])
def test_without_a_sentence_the_overlap_starts_at_a_word(text):
    chunks = split_into_chunks(text, 120, 30)

    assert_tiling(text, chunks, 120, 30)
    for chunk in chunks[1:]:
        assert 0 < chunk.core - chunk.start <= 30
        assert text[chunk.start - 1] == " " and text[chunk.start] != " "


def test_no_overlap_when_no_boundary_is_in_range():
    text = "y" * 50
    assert all(c.start == c.core for c in split_into_chunks(text, 10, 5))


@pytest.mark.parametrize("overlap_chars", [0, -7])
def test_no_overlap_asked_means_none(overlap_chars):
    chunks = split_into_chunks(LATIN, 100, overlap_chars)

    assert_tiling(LATIN, chunks, 100, 0)
    assert all(c.start == c.core for c in chunks)


def test_an_overlap_larger_than_a_part_is_capped_at_half():
    chunks = split_into_chunks(LATIN, 100, 10_000)

    assert_tiling(LATIN, chunks, 100, 10_000)
    assert all(c.core - c.start <= 50 for c in chunks)
    assert any(c.core - c.start > 0 for c in chunks)


# --- emoji, combining marks and CJK -----------------------------------------------------------

EMOJI_CJK = (
    "北京消息。两国领导人今天举行会谈，讨论了经济合作和地区安全问题。双方同意加强在能源领域的合作。\n"
    "会谈结束后，双方签署了多项协议 🤝🏽 并共同会见了记者。记者会持续了一个小时。\n"
    "Nel frattempo a Roma 🇮🇹 i mercati hanno reagito con calma 📈: la borsa ha chiuso in lieve rialzo. "
    "Gli operatori 👩‍💻 attendono i dati sull'inflazione della prossima settimana.\n"
    "東京でも関心が高まっている。専門家は今後の交渉に注目している。한국 정부도 회담 결과를 환영했다.\n"
    "ありがとう😀😀😀ございます。最后一段没有空格也没有换行符所以只能在字符之间切开这是最后的手段。"
)


@pytest.mark.parametrize(("max_chars", "overlap_chars"), [(7, 3), (25, 5), (40, 10), (64, 20), (120, 30)])
def test_emoji_and_cjk_are_split_on_code_points(max_chars, overlap_chars):
    chunks = split_into_chunks(EMOJI_CJK, max_chars, overlap_chars)

    assert_tiling(EMOJI_CJK, chunks, max_chars, overlap_chars)
    for piece in parts(EMOJI_CJK, chunks):
        assert len(piece) <= max_chars  # code points: an emoji is 1 (4 UTF-8 bytes, 2 UTF-16 units)


def test_cjk_lines_are_cut_at_line_breaks():
    lines = EMOJI_CJK.split("\n")
    chunks = split_into_chunks(EMOJI_CJK, max(len(line) for line in lines) + 1, 0)

    assert set(cuts(chunks)) <= paragraph_starts(EMOJI_CJK)
    assert [line for c in chunks for line in EMOJI_CJK[c.core : c.end].splitlines()] == lines


# --- the property: any text, any parameters ---------------------------------------------------

ALPHABET = st.sampled_from(
    list("abcxyz ABC") + list("абвгдАБВ") + list("中文한글かな") + ["😀", "🇮🇹", "\u0301", "\u00a0"]
    + [" ", " ", "  ", "\n", "\n\n", "\t", ". ", "! ", "? ", "。", ", ", ".\n", "» ", "“", "”"]
)  # fmt: skip
TEXTS = st.lists(ALPHABET, max_size=400).map("".join) | st.lists(
    st.sampled_from(LATIN_PARAGRAPHS[0].split() + CYRILLIC_PARAGRAPHS[0].split() + ["\n\n", "\n", "😀"]), max_size=120
).map(" ".join)


def expected_cut(text: str, core: int, room: int) -> int:
    """The spec: the last paragraph break in range, else the last sentence start, else the last
    word start, else a hard cut; the range is the second half (at least) of the part's room."""
    lowest = core + max(1, int(room * MIN_CUT_SHARE))
    for boundaries in (paragraph_starts(text), sentence_starts(text), word_starts(text)):
        in_range = [b for b in boundaries if lowest <= b <= core + room]
        if in_range:
            return max(in_range)
    return core + room


@st.composite
def splits(draw: st.DrawFn) -> tuple[str, int, int]:
    """A text, a part size mostly smaller than it (so that it is split), and an overlap."""
    text = draw(TEXTS)
    max_chars = draw(st.integers(1, max(1, len(text) + 3)) | st.integers(1, 150))
    overlap_chars = draw(st.integers(-5, max_chars) | st.integers(0, 200))
    return text, max_chars, overlap_chars


@settings(max_examples=300, derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=splits())
def test_any_split_tiles_and_fits(case):
    text, max_chars, overlap_chars = case
    chunks = split_into_chunks(text, max_chars, overlap_chars)

    assert_tiling(text, chunks, max_chars, overlap_chars)
    if len(text) <= max_chars:
        assert chunks == [Chunk(0, 0, len(text))]
    for chunk in chunks[:-1]:
        room = max_chars - (chunk.core - chunk.start)
        assert chunk.end == expected_cut(text, chunk.core, room), chunk


# --- the token estimate ---------------------------------------------------------------------


def test_estimate_of_nothing_is_zero():
    assert estimate_tokens("") == 0


@pytest.mark.parametrize("text", [LATIN, LATIN_ONE_SENTENCE, "a", "ab", "abc", "abcd", "x" * 1000])
def test_latin_estimate_is_at_least_a_token_per_three_characters(text):
    """Tokenizers average about four characters per token in Latin text: the estimate says three."""
    assert estimate_tokens(text) == math.ceil(len(text) / 3)
    assert estimate_tokens(text) >= len(text) / 4


@pytest.mark.parametrize("text", [CYRILLIC, CYRILLIC_ONE_SENTENCE, "Путин"])
def test_cyrillic_estimate_is_at_least_a_token_per_three_characters(text):
    assert estimate_tokens(text) >= len(text) / 3
    assert estimate_tokens(text) == math.ceil(len(text) / 3)


@pytest.mark.parametrize(
    "text",
    ["两国领导人今天举行会谈", "東京でも関心が高まっている", "한국 정부도 회담 결과를 환영했다", "ＡＢＣ１２３", "中"],
    ids=["chinese", "japanese", "korean", "fullwidth", "one"],
)
def test_cjk_estimate_is_at_least_a_token_per_character(text):
    dense = sum(1 for ch in text if not ch.isspace())
    assert estimate_tokens(text) >= dense
    assert estimate_tokens(text) == dense + math.ceil((len(text) - dense) / 3)


def test_mixed_text_estimate_adds_both_rules():
    text = "Putin 在北京 met Xi."  # 3 CJK characters, 15 others
    assert estimate_tokens(text) == 3 + 5
    assert estimate_tokens(EMOJI_CJK) >= sum(1 for ch in EMOJI_CJK if "\u4e00" <= ch <= "\u9fff")


@settings(max_examples=200, derandomize=True, deadline=None, database=None)
@given(text=TEXTS)
def test_estimate_is_never_below_a_token_per_three_characters(text):
    assert estimate_tokens(text) >= len(text) / 3
