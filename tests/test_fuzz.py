"""Property-based fuzzing of the two places where untrusted text enters the program.

* The input loader (:mod:`summarizer.ingest`): for ANY bytes or string it either returns an
  ``Article`` that keeps its invariants, or raises ``InputError`` with a one-line message;
  never another exception. Valid text comes back equal to the input modulo the documented
  normalisation (line endings, stray C0 controls, the surrounding whitespace and BOMs).
* The quote locator (:mod:`summarizer.grounding`): any non-blank slice of an article is found,
  at its first occurrence, with a span that slices the original article; whitespace runs and
  quote-mark styles may change, nothing else; a needle that cannot occur gives ``None``.

The expectations are restated here from the modules' docstrings, not imported from them. Runs
are derandomized and use no example database, so CI sees the same examples every time.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from summarizer.errors import InputError
from summarizer.grounding import QuoteLocator, locate_quote, normalise
from summarizer.ingest import Article, article_from_text, decode_bytes, load_article
from summarizer.ingest.webpage import read_webpage

# Reproducible in CI: the same examples on every run, nothing read from or written to a database.
_PROFILE = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


def fuzz(max_examples: int) -> settings:
    return settings(_PROFILE, max_examples=max_examples)


# ------------------------------------------------------------------------------------------------
# Shared text material
# ------------------------------------------------------------------------------------------------

RLM, LRM, RLO, PDF = "\u200f", "\u200e", "\u202e", "\u202c"
BOM = "\ufeff"

WORDS: dict[str, list[str]] = {
    "latin": ["the", "president", "said", "città", "perché", "l’obiettivo", "Straße", "über", "élève", "año", "naïve"],
    "latin-extended": ["Łódź", "İstanbul", "Ærøskøbing", "ǅemal", "coöperate", "ﬁnal"],
    "cyrillic": ["Президент", "России", "Путин", "заявил", "Москва", "ёлка", "Қазақстан", "Україна", "їжак"],
    "greek": ["Αθήνα", "κυβέρνηση", "ΌΧΙ"],
    "cjk": ["北京", "东京都", "서울", "ソウル", "会談", "「合意」", "平壤"],
    "rtl": ["القاهرة", "قال", "الرئيس", "ירושלים", "אמר", RLM + "שלום" + RLM, RLO + "abc" + PDF, LRM + "Gaza" + RLM],
    "indic": ["नमस्ते", "दिल्ली", "தமிழ்"],
    "emoji": ["🎉", "👍🏽", "👨\u200d👩\u200d👧", "🇮🇹", "❤\ufe0f", "e\u0301t\u0301e\u0301", "n\u0303o", "Å", "🏳️\u200d🌈"],
}
ALL_WORDS = [word for words in WORDS.values() for word in words]
PUNCTUATION = [".", ",", "!", "?", "—", "–", "…", "«", "»", "“", "”", "„", "'", "’", "(", ")", "%", "№", "€", ":", ";"]
# What separates words in prose: every line-ending convention and a few Unicode spaces.
SEPARATORS = [" ", " ", " ", "  ", "\n", "\r\n", "\r", "\t", "\n\n", "\r\n\r\n", "\u00a0", "\u202f", "\u3000", "\u2028"]
# C0 controls the loader tolerates (at most three) and drops; \v and \f become line breaks.
STRAY_CONTROLS = ["\x01", "\x07", "\x08", "\x1b", "\x1f", "\x7f", "\x0b", "\x0c"]
EDGE_PADDING = [" ", "\n", "\r\n", "\t", "\u00a0", "\u3000", BOM]

_random_word = st.text(st.characters(categories=["L", "M", "N"]), min_size=1, max_size=8)
word = st.one_of(st.sampled_from(ALL_WORDS), _random_word)


@st.composite
def prose(draw: st.DrawFn, words: st.SearchStrategy[str] = word, max_words: int = 40, controls: bool = True) -> str:
    """Non-blank, non-HTML text: words, punctuation, any line endings, BOMs and up to three stray controls."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, max_words))):
        parts.append(draw(words))
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(PUNCTUATION)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    if controls:
        for _ in range(draw(st.integers(0, 3))):
            parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(STRAY_CONTROLS)))
    padding = st.lists(st.sampled_from(EDGE_PADDING), max_size=4).map("".join)
    return draw(padding) + "".join(parts) + draw(padding)


def long_line(min_chars: int = 5_000, max_chars: int = 60_000) -> st.SearchStrategy[str]:
    """One very long line (no line break at all), in one script."""
    return st.tuples(st.sampled_from(ALL_WORDS), st.integers(min_chars, max_chars)).map(
        lambda pair: " ".join([pair[0]] * (pair[1] // (len(pair[0]) + 1) + 1))
    )


# ------------------------------------------------------------------------------------------------
# Part 1: the input loader
# ------------------------------------------------------------------------------------------------

# Encodings that carry their byte-order mark; the loader must take them at their word.
BOM_CODECS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
ALL_BOMS = [codecs.BOM_UTF8, *BOM_CODECS.values()]
MAGIC = [b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF"]

# Western words for the cp1252 fallback: each has mostly ASCII letters, as real prose does.
WESTERN_WORDS = ["the", "minister", "said", "city", "città", "perché", "Straße", "über", "Müller", "año", "señora"]
WESTERN_WORDS += ["façade", "garçon", "naïve", "può", "già", "Zürich", "Köln", "São", "Paulo"]
WESTERN_TYPOGRAPHY = ["’", "“", "”", "–", "—", "…", "€", "«", "»", "°", "½", "\u00a0"]
# Russian words of four or more letters without ч/Ч/ё/Ё (which cp1252 reads as symbols, not letters),
# so that each one becomes a "word" of accented letters only when read as cp1252.
RUSSIAN_WORDS = ["Путин", "Москва", "заявил", "президент", "России", "Пхеньян", "встрече", "лидером", "страны"]
ENGLISH_WORDS = ["the", "president", "said", "on", "Tuesday", "talks", "trade", "a", "it"]

# Sensible labels, Python-only codecs, bytes-to-bytes codecs, EBCDIC, UTF-7/16 (which contradict an ASCII
# declaration) and unknown names: the loader must either honour, ignore or refuse each one cleanly.
CHARSET_LABELS = ["koi8-r", "windows-1251", "shift_jis", "gb18030", "iso-8859-1", "latin1", "big5", "iso2022_jp", "hz"]
CHARSET_LABELS += ["utf-8", "utf-16", "utf-7", "cp037", "idna", "unicode_escape", "raw_unicode_escape", "charmap"]
CHARSET_LABELS += ["punycode", "rot13", "hex", "base64", "undefined", "mbcs", "no-such-codec"]

# What the loader drops: C0 controls and DEL (\t \n \v \f \r are whitespace and handled apart),
# C1 controls, bidi embeddings/overrides/isolates ("Trojan Source") and byte-order marks anywhere.
DROPPED_CONTROLS = frozenset(
    map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF])
)
LEADING_SPACE_AND_BOMS = re.compile(r"^[\s\ufeff]+")
# Characters no Article text may contain: C0 controls other than tab and newline, DEL, lone surrogates.
FORBIDDEN_IN_ARTICLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def documented_normalisation(decoded: str, *, html: bool = False) -> str:
    """What ``summarizer.ingest`` documents it does to decoded text, restated independently.

    Line endings become ``\n``; stray C0 and C1 controls, DEL, bidi overrides, embeddings and
    isolates and byte-order marks are dropped, form feed and vertical tab become line breaks; an
    HTML document is replaced by its extracted text (:func:`read_webpage`); then the surrounding whitespace is removed.
    Nothing else changes: accents, spacing inside the text, punctuation, RTL/LTR marks, joiners
    and emoji are the author's.
    """
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join("\n" if ch in "\v\f" else ch for ch in text if ch not in DROPPED_CONTROLS)
    if html:
        text = read_webpage(text).text
    return LEADING_SPACE_AND_BOMS.sub("", text).rstrip()


def decode_as_documented(data: bytes, encoding: str) -> str:
    """The bytes decoded with ``encoding``, its byte-order mark (if any) removed."""
    if encoding in BOM_CODECS:
        assert data.startswith(BOM_CODECS[encoding]), encoding
        return data[len(BOM_CODECS[encoding]) :].decode(encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)
    return data.decode(encoding)


def assert_one_line_message(exc: InputError, name: str) -> str:
    message = str(exc)
    assert message, "empty message"
    assert message == message.strip(), repr(message)
    assert len(message.splitlines()) == 1 and "\n" not in message and "\r" not in message, repr(message)
    assert message.startswith(f"{name}: "), repr(message)
    return message


def assert_article_invariants(article: Article) -> None:
    text = article.text
    assert isinstance(article, Article)
    assert isinstance(text, str) and text, repr(text)
    assert "\x00" not in text
    assert not FORBIDDEN_IN_ARTICLE.search(text), repr(FORBIDDEN_IN_ARTICLE.search(text))
    assert article.chars == len(text)
    assert article.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text == text.strip() and not text.startswith(BOM), repr(text[:10])
    assert codecs.lookup(article.encoding)
    assert isinstance(article.extracted_from_html, bool)
    assert article.language == "und" or re.fullmatch(r"[a-z]{2,3}", article.language), article.language


def outcome(call: Callable[[], Article], name: str) -> Article | None:
    """Run a loader call: an Article (checked) or an InputError (checked, None); anything else fails."""
    try:
        article = call()
    except InputError as exc:
        assert_one_line_message(exc, name)
        return None
    assert_article_invariants(article)
    return article


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file rewritten by every example (a module-scoped directory: hypothesis reruns the body)."""
    return tmp_path_factory.mktemp("fuzz") / "article.txt"


def load_bytes(path: Path, data: bytes) -> Article | None:
    path.write_bytes(data)
    return outcome(lambda: load_article(path), str(path))


# --- byte strategies --------------------------------------------------------------------------

utf8_prose = prose().map(lambda text: text.encode("utf-8"))


@st.composite
def bom_encoded(draw: st.DrawFn) -> bytes:
    """Text (or garbage) behind a UTF-8/16/32 byte-order mark."""
    codec = draw(st.sampled_from(["utf-8", *BOM_CODECS]))
    bom = codecs.BOM_UTF8 if codec == "utf-8" else BOM_CODECS[codec]
    if draw(st.booleans()):
        return bom + draw(st.binary(max_size=120))
    text = draw(st.one_of(prose(), st.text(max_size=80)))
    return bom + text.encode(codec, errors="surrogatepass")


@st.composite
def western_cp1252(draw: st.DrawFn) -> bytes:
    parts = [draw(st.sampled_from(WESTERN_WORDS))]  # at least one word: typography alone is blank or no prose
    parts += draw(st.lists(st.sampled_from(WESTERN_WORDS + WESTERN_TYPOGRAPHY), max_size=40))
    parts = draw(st.permutations(parts))
    return (" ".join(parts) + draw(st.sampled_from(["", "\n", "\r\n"]))).encode("cp1252")


@st.composite
def russian_cp1251(draw: st.DrawFn) -> bytes:
    """cp1251 Russian with at least one word of four or more letters, possibly among English words."""
    parts = [draw(st.sampled_from(RUSSIAN_WORDS))]
    parts += draw(st.lists(st.sampled_from(RUSSIAN_WORDS + ENGLISH_WORDS + ["—", "«", "»", ",", "."]), max_size=30))
    parts = draw(st.permutations(parts))
    return " ".join(parts).encode("cp1251")


control_noise = st.lists(
    st.one_of(st.sampled_from([*STRAY_CONTROLS, "\x00", "\r", "\n", "\t"]), st.sampled_from("abc xyz")),
    min_size=1,
    max_size=200,
).map(lambda chars: "".join(chars).encode("latin-1"))


@st.composite
def html_with_charset(draw: st.DrawFn) -> bytes:
    """An HTML page declaring a charset (sensible or absurd), with a body in some encoding or none."""
    label = draw(st.sampled_from(CHARSET_LABELS)).encode("ascii")
    codec = draw(st.sampled_from(["koi8-r", "cp1251", "shift_jis", "cp1252", "utf-8", "latin-1"]))
    body = draw(prose(controls=False)).encode(codec, errors="replace") if draw(st.booleans()) else draw(st.binary(max_size=60))
    quote = draw(st.sampled_from([b'"', b"'", b""]))
    return (
        b"<!doctype html><html><head><meta charset=" + quote + label + quote + b"></head><body><p>" + body + b"</p></body></html>"
    )


@st.composite
def mutated(draw: st.DrawFn, source: st.SearchStrategy[bytes]) -> bytes:
    """Valid-looking bytes with a few random byte edits (flip, insert, delete, truncate)."""
    data = bytearray(draw(source))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif data and at < len(data):
            if kind == "flip":
                data[at] = draw(st.integers(0, 255))
            elif kind == "delete":
                del data[at]
            else:
                del data[at:]
    return bytes(data)


any_bytes = st.one_of(
    st.binary(max_size=300),
    utf8_prose,
    bom_encoded(),
    western_cp1252(),
    russian_cp1251(),
    control_noise,
    html_with_charset(),
    mutated(st.one_of(utf8_prose, western_cp1252(), bom_encoded())),
    st.tuples(st.sampled_from(MAGIC), st.binary(max_size=50)).map(b"".join),
    st.tuples(st.sampled_from(ALL_BOMS), st.sampled_from(ALL_BOMS), st.binary(max_size=20)).map(b"".join),
    long_line(max_chars=20_000).map(lambda text: text.encode("utf-8")),
)

# Nasty pieces for in-memory text: NUL, controls, CR, BOM, RTL overrides, lone surrogates.
_NASTY = ["\x00", *STRAY_CONTROLS, "\r", "\r\n", BOM, RLM, RLO, PDF, "\u2028", "\u0085", "\ud800", "\udfff", "\U0010ffff"]
_NASTY += ["<p>", "</p>", "&#0;", "&#13;"]
any_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.characters(), st.sampled_from(_NASTY), word), max_size=60).map("".join),
    prose(),
)


@fuzz(300)
@given(data=any_bytes)
@example(data=b"")
@example(data=codecs.BOM_UTF8)
@example(data=codecs.BOM_UTF16_LE + b"\x00")  # odd byte count after a UTF-16 BOM
@example(data=codecs.BOM_UTF32_LE + b"\x00\xd8\x00\x00")  # a surrogate code point in UTF-32
@example(data=b"<meta charset=unicode_escape>\\ud800 \xe9")  # a codec that can produce surrogates
@example(data=b"<meta charset=unicode_escape>\\x00 \xe9")  # ... or a NUL from no NUL byte
def test_load_article_any_bytes(scratch: Path, data: bytes) -> None:
    """Any file: an Article whose text is the decoded bytes, normalised as documented, or one InputError line."""
    article = load_bytes(scratch, data)
    if article is None:
        return
    decoded, encoding = decode_bytes(data, name=str(scratch))
    assert article.encoding == encoding
    assert decoded == decode_as_documented(data, encoding)
    assert article.text == documented_normalisation(decoded, html=article.extracted_from_html)


@fuzz(300)
@given(data=any_bytes)
def test_decode_bytes_any_bytes(data: bytes) -> None:
    """decode_bytes returns exactly what the bytes say (only a BOM removed), or one InputError line."""
    try:
        text, encoding = decode_bytes(data, name="in.txt")
    except InputError as exc:
        assert_one_line_message(exc, "in.txt")
        return
    assert isinstance(text, str) and isinstance(encoding, str)
    assert text == decode_as_documented(data, encoding)
    if data.startswith(codecs.BOM_UTF8):
        assert encoding == "utf-8-sig"
    elif not any(data.startswith(bom) for bom in BOM_CODECS.values()) and encoding not in ("utf-8", "cp1252"):
        assert re.search(rb"<meta\b[^>]*charset", data[:4096], re.IGNORECASE), encoding  # only a page's own declaration


@fuzz(300)
@given(text=any_text)
@example(text=BOM + " " + BOM + "Hello")
@example(text="\ud800 lone surrogate")
@example(text="a\x00b")
@example(text="<p>x&#0;y&#13;z</p><p>a</p><p>b</p>")
def test_article_from_text_any_string(text: str) -> None:
    """Any str, lone surrogates included: an Article normalised as documented, or one InputError line."""
    article = outcome(lambda: article_from_text(text), "<text>")
    if article is not None:
        assert article.encoding == "utf-8" and article.source is None
        assert article.text == documented_normalisation(text, html=article.extracted_from_html)


@fuzz(200)
@given(text=any_text.filter(lambda t: not re.search(r"[\ud800-\udfff]", t)))
def test_same_words_same_article_from_text_or_file(scratch: Path, text: str) -> None:
    """article_from_text and a UTF-8 file with the same text agree: same text and sha256, or both refuse."""
    from_text = outcome(lambda: article_from_text(text), "<text>")
    from_file = load_bytes(scratch, text.encode("utf-8"))
    if any(text.encode("utf-8").startswith(magic) for magic in MAGIC):
        return  # a file can look like a PDF or a PNG; text in memory is text
    if from_text is None or from_file is None:
        assert from_text is None and from_file is None, (from_text, from_file)
        return
    assert (from_file.text, from_file.sha256, from_file.language) == (from_text.text, from_text.sha256, from_text.language)


@fuzz(200)
@given(
    text=st.one_of(prose(), prose(words=st.sampled_from(ALL_WORDS), max_words=200), long_line(max_chars=30_000)),
    codec=st.sampled_from(["utf-8", "utf-8-sig", *BOM_CODECS]),
)
@example(text="\r\n\ufeff Perché è così? \r\n\r\n— Sì.\x01\r\n", codec="utf-8")
@example(text=BOM + "\r\n" + BOM + "Ciao a tutti, è così.", codec="utf-8")  # two BOM files concatenated
@example(text="Привет\x0bмир\x0cи \u202eשלום\u202c 👨\u200d👩\u200d👧 北京", codec="utf-16-be")
def test_valid_unicode_prose_is_kept_verbatim(scratch: Path, text: str, codec: str) -> None:
    """Prose in any script and any Unicode encoding loads; its text is the input modulo the documented normalisation."""
    data = BOM_CODECS.get(codec, b"") + text.encode(codec)
    article = load_bytes(scratch, data)
    assert article is not None, "valid prose was refused"
    expected_encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else codec
    assert article.encoding == expected_encoding
    assert article.extracted_from_html is False
    assert article.text == documented_normalisation(text)
    # Same words, same Article, whatever the encoding or the front end.
    assert article.sha256 == article_from_text(text).sha256

    # Only whitespace, controls and BOMs may differ: every visible character survives, in order.
    def visible(t: str) -> list[str]:
        return [ch for ch in t if ch not in DROPPED_CONTROLS and not ch.isspace() and ch != BOM]

    assert visible(article.text) == visible(text)


@fuzz(150)
@given(data=western_cp1252())
def test_cp1252_western_prose_is_accepted(scratch: Path, data: bytes) -> None:
    """Western prose saved as cp1252 (not valid UTF-8) is decoded as cp1252, exactly."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        assume(False)  # ASCII only, or accidentally valid UTF-8: not the fallback's case
    article = load_bytes(scratch, data)
    assert article is not None, data
    assert article.encoding == "cp1252"
    assert article.text == documented_normalisation(data.decode("cp1252"))


@fuzz(150)
@given(data=russian_cp1251())
def test_cp1251_russian_is_refused(scratch: Path, data: bytes) -> None:
    """Russian in cp1251 would read as Latin mojibake in cp1252: it must be refused, never summarised."""
    path = scratch
    path.write_bytes(data)
    with pytest.raises(InputError) as excinfo:
        load_article(path)
    message = assert_one_line_message(excinfo.value, str(path))
    assert "UTF-8" in message


# ------------------------------------------------------------------------------------------------
# Part 2: the quote locator
# ------------------------------------------------------------------------------------------------

# Restated from the grounding docstring, escaped so that look-alikes cannot be confused.
QUOTE_MARKS = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u0022\u2033\u0027\u2018\u2019\u201a\u201b\u2039\u203a\u2032"
SPACES = [" ", "  ", "\n", "\n\n", "\t", " \n ", "\r\n", "\u00a0", "\u202f", "\u2009", "\u3000", "\u2028", "\x0b", "\x85", "\x1c"]


def is_skipped(ch: str) -> bool:
    """Neither whitespace nor a quote mark: the characters a located span may start or end on."""
    return ch.isspace() or ch in QUOTE_MARKS


# Multi-code-point clusters (combining marks, ZWJ emoji, flags, skin tones, RTL marks), Cyrillic, CJK.
CLUSTERS = [*"abZé", "e\u0301", "o\u0308\u0304", *"Жжёы", "е\u0308", *"中文", "🎉", "👍🏽", "👨\u200d👩\u200d👧", "🇮🇹", "❤\ufe0f"]
CLUSTERS += [RLM, RLO, PDF, "ש", "ع", *".,-—…1"]
cluster = st.one_of(st.sampled_from(CLUSTERS), st.sampled_from(SPACES), st.sampled_from(QUOTE_MARKS))
article_text = st.lists(cluster, max_size=40).map("".join)


@st.composite
def text_and_slice(draw: st.DrawFn, texts: st.SearchStrategy[str] = article_text) -> tuple[str, int, int]:
    """A text and code-point offsets i < j such that text[i:j] has something besides whitespace and marks."""
    text = draw(texts)
    content = [k for k, ch in enumerate(text) if not is_skipped(ch)]
    assume(content)
    inside = draw(st.sampled_from(content), label="inside")  # a code point the slice must contain
    i = draw(st.integers(0, inside), label="i")
    j = draw(st.integers(inside + 1, len(text)), label="j")
    return text, i, j


def comparison_form(quote: str) -> str:
    """The quote as the locator compares it: normalised, and stripped of its own edge whitespace and marks."""
    return normalise(quote).strip(' "')


def first_occurrence(text: str, needle: str) -> int:
    """Brute force: the smallest original offset from which the text reads as ``needle`` once normalised."""
    return next(k for k in range(len(text)) if normalise(text[k:]).startswith(needle))


def assert_valid_span(text: str, quote: str, span: tuple[int, int] | None) -> tuple[int, int]:
    assert span is not None, (text, quote)
    start, end = span
    assert isinstance(start, int) and isinstance(end, int)
    assert 0 <= start < end <= len(text), span
    assert not is_skipped(text[start]) and not is_skipped(text[end - 1]), (text[start], text[end - 1])
    assert normalise(text[start:end]) == comparison_form(quote), (text[start:end], quote)
    return start, end


@fuzz(400)
@given(case=text_and_slice())
@example(case=("👨\u200d👩\u200d👧 «Жё»  e\u0301", 3, 11))
@example(case=("a  \n b  a b", 6, 11))
def test_any_slice_is_found_at_its_first_occurrence(case: tuple[str, int, int]) -> None:
    text, i, j = case
    quote = text[i:j]
    span = assert_valid_span(text, quote, QuoteLocator(text).locate(quote))
    own_start = i + next(k for k, ch in enumerate(quote) if not is_skipped(ch))
    assert span[0] <= own_start
    assert span[0] == first_occurrence(text, comparison_form(quote))


@st.composite
def restyled(draw: st.DrawFn, quote: str) -> str:
    """``quote`` with each whitespace run and each quote mark replaced by another, and maybe wrapped."""
    pieces = []
    for piece in re.split(r"(\s+)", quote):
        if piece and piece.isspace():
            pieces.append(draw(st.sampled_from(SPACES)))
        else:
            pieces.append("".join(draw(st.sampled_from(QUOTE_MARKS)) if ch in QUOTE_MARKS else ch for ch in piece))
    wrapper = st.text(st.sampled_from([*QUOTE_MARKS, " ", "\n", "\u00a0"]), max_size=3)
    return draw(wrapper) + "".join(pieces) + draw(wrapper)


@fuzz(300)
@given(case=text_and_slice(), data=st.data())
def test_restyled_slice_is_found_at_the_same_span(case: tuple[str, int, int], data: st.DataObject) -> None:
    """Whitespace runs and quote-mark styles are the only differences the locator forgives."""
    text, i, j = case
    quote = text[i:j]
    variant = data.draw(restyled(quote), label="variant")
    locator = QuoteLocator(text)
    span = locator.locate(quote)
    assert locator.locate(variant) == span
    assert_valid_span(text, variant, span)


# Characters the needle may carry that the article lacks: any, except whitespace and quote marks.
_absent_candidate = st.characters(exclude_categories=["Cs"]).filter(lambda ch: not is_skipped(ch))


@fuzz(300)
@given(text=article_text, data=st.data())
def test_needle_with_an_absent_character_is_not_found(text: str, data: st.DataObject) -> None:
    missing = data.draw(_absent_candidate.filter(lambda ch: ch not in text), label="missing")
    around = st.one_of(st.text(st.sampled_from(list(text)), max_size=10) if text else st.just(""), cluster)
    needle = data.draw(around, label="before") + missing + data.draw(around, label="after")
    assert locate_quote(text, needle) is None
    assert QuoteLocator(text).locate(needle) is None


@fuzz(300)
@given(
    case=text_and_slice(st.lists(st.sampled_from(CLUSTERS + list(QUOTE_MARKS)), min_size=2, max_size=40).map("".join)),
    space=st.sampled_from(SPACES),
    data=st.data(),
)
def test_whitespace_never_matches_no_whitespace(case: tuple[str, int, int], space: str, data: st.DataObject) -> None:
    """In a text without whitespace, a slice with whitespace inserted between two of its words is not found."""
    text, i, j = case
    quote = text[i:j]
    cuts = [
        k
        for k in range(1, len(quote))
        if any(not is_skipped(ch) for ch in quote[:k]) and any(not is_skipped(ch) for ch in quote[k:])
    ]
    assume(cuts)
    k = data.draw(st.sampled_from(cuts), label="cut")
    assert locate_quote(text, quote[:k] + space + quote[k:]) is None


# Decomposed accents only (e + U+0301 ...), lower case only: composed or upper-case forms are absent.
_decomposed_text = st.lists(
    st.sampled_from(["e\u0301", "a\u0300", "o\u0308", "е\u0308", "ж", "x", " ", "«", "»"]), max_size=30
).map("".join)


@fuzz(200)
@given(case=text_and_slice(_decomposed_text), form=st.sampled_from(["NFC", "upper"]))
def test_no_case_or_unicode_folding(case: tuple[str, int, int], form: str) -> None:
    """Case and Unicode normalisation are not forgiven: the composed or upper-case quote is not found."""
    text, i, j = case
    quote = text[i:j]
    changed = unicodedata.normalize("NFC", quote) if form == "NFC" else quote.upper()
    assume(comparison_form(changed) != comparison_form(quote))
    assert locate_quote(text, changed) is None
    assert_valid_span(text, quote, locate_quote(text, quote))


_any_quote = st.one_of(
    st.text(max_size=40),
    st.lists(cluster, max_size=12).map("".join),
    st.lists(st.sampled_from([*SPACES, *QUOTE_MARKS]), max_size=6).map("".join),
)


@fuzz(300)
@given(text=st.one_of(article_text, st.text(max_size=120)), quotes=st.lists(_any_quote, max_size=8))
def test_locator_on_arbitrary_input(text: str, quotes: list[str]) -> None:
    """Never raises; a reused locator agrees with locate_quote; any span it returns is valid; blanks give None."""
    locator = QuoteLocator(text)
    for quote in quotes:
        span = locator.locate(quote)
        assert span == locate_quote(text, quote)
        if not comparison_form(quote):
            assert span is None
        elif span is not None:
            assert_valid_span(text, quote, span)
            assert span[0] == first_occurrence(text, comparison_form(quote))
        else:
            assert comparison_form(quote) not in normalise(text)


@fuzz(300)
@given(text=st.one_of(article_text, st.text(max_size=120)))
def test_normalise_contract(text: str) -> None:
    """Every quote mark becomes ", every whitespace run one space; nothing else changes; idempotent."""
    result = normalise(text)
    assert normalise(result) == result
    assert "  " not in result
    assert all(ch == " " or not ch.isspace() for ch in result)
    assert all(ch == '"' or ch not in QUOTE_MARKS for ch in result)
    assert [ch for ch in result if ch not in ' "'] == [ch for ch in text if not is_skipped(ch)]
    assert len(result) <= len(text)
