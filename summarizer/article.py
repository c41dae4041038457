"""Turning an article file into the one exact string every later stage works on.

Why this module is strict: every quote in a briefing is checked against character offsets
into ``Article.text``, and the model will happily "quote" mojibake. So the text is decoded
exactly once, deterministically, and a guess is only made when it cannot be wrong in a way
that matters: UTF-8 (with or without a BOM) and BOM-marked UTF-16/32 are taken as they are;
cp1252 is accepted only when the result unmistakably reads as Latin-script text; anything
else is refused with a message that tells the user how to fix the file. Refusing is cheap
(the user re-saves the file); summarising garbage silently is not.

All failures are ``InputError`` with a complete one-line message that names the file, since
the CLI prints that line and nothing else.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass

from summarizer.errors import InputError
from summarizer.files import display_name, read_bounded
from summarizer.html_text import extract_text
from summarizer.language import detect as detect_language

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

# Language identification on a few hundred words is as good as on the whole text, and the
# classifier's cost grows with the input; the beginning of an article is its densest part.
# Below this many letters the classifier's answer is noise.

# Binary detection: a handful of stray control characters (a pasted escape, a form feed from
# a PDF export) is tolerated; beyond both limits the data is not text.
MAX_STRAY_CONTROLS = 3
MAX_CONTROL_SHARE = 0.01

# cp1252 fallback: Western European prose has a few accented letters per word at most
# (Italian ~2-4% of letters, French/Spanish/German ~2-6%). Cyrillic, Greek, Hebrew or Asian
# bytes read as cp1252 turn into runs made only of accented letters (e.g. "Ïðèâåò").
MAX_NON_ASCII_LETTER_SHARE = 0.40
# Words of two or more letters with no ASCII letter ("ïðè") are almost nonexistent in
# Western languages ("été", "çà" are the classic exceptions), so a few short ones are
# tolerated; from four letters on ("Ïóòèí") there are none, so one is enough to refuse.
FOREIGN_WORDS_TOLERATED = 2
MAX_FOREIGN_WORD_SHARE = 0.05
LONG_FOREIGN_WORD = 4
# Non-letter characters outside common typography (e.g. "¤ ¦ ¨ ¬ ¯ ¸") point at a wrong guess.
MAX_ODD_SYMBOL_SHARE = 0.02

# HTML detection for documents that do not start with a doctype: enough tags, and enough of
# the text being tags, that a plain article merely mentioning "<p>" is not mistaken for HTML.
MIN_HTML_TAGS = 3
MIN_HTML_MARKUP_SHARE = 0.005


@dataclass(frozen=True)
class Article:
    """An article ready for summarising; frozen because quote offsets depend on ``text``."""

    text: str  # the article text; all quote offsets elsewhere index into exactly this string
    sha256: str  # hex sha256 of text.encode("utf-8")
    chars: int  # len(text)
    language: str  # ISO 639-1 code from py3langid, or "und" when the text is too short
    source: str | None  # the path it came from, or None
    encoding: str  # what the bytes were decoded as: "utf-8", "utf-8-sig", "cp1252", ...
    extracted_from_html: bool


# (magic prefix, what it is). Checked before decoding so that a PDF or a .docx gets a message
# saying what it is instead of a confusing encoding complaint.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive, e.g. a .docx or .odt document"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office (.doc) document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\x7fELF", "an executable"),
)

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_UNICODE_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# C0 controls that are not whitespace, and DEL. \t \n \r \v \f are whitespace, not binary.
_CONTROL_RE = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
# Dropped: those, NUL, and invisible characters that change how *other* text is shown, never
# what it says: C1 controls (U+0080-U+009F; U+009B is a terminal's CSI), bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069: "Trojan Source" reordering, so a quote
# reads differently on screen than to the model) and byte-order marks inside the text.
# Directional marks (LRM, RLM, ALM) and joiners (ZWJ, ZWNJ) stay: scripts need them.
# html_text.extract_text drops the same set from what character references produce.
_DROPPED_CONTROLS_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Form feed and vertical tab are line breaks (Word exports a manual line break as \v).
_VERTICAL_SPACE_RE = re.compile(r"[\x0b\x0c]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# Whitespace and byte-order marks before the text, in any order ("\ufeff\n\ufeff" when two
# files saved with a BOM are concatenated and read as text).
_LEADING_BLANK_RE = re.compile(r"^[\s\ufeff]+")

_META_CHARSET_RE = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# Labels that browsers (WHATWG) decode as windows-1252 anyway: cp1252 is a superset there.
_CP1252_LABELS = frozenset(
    {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii"}
)

_ASCII_LETTER_RE = re.compile(r"[A-Za-z]")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# Non-ASCII characters that ordinary Western text uses besides letters.
_TYPOGRAPHIC = frozenset(
    "\u00a0\u00ad¡¢£¥§©ª«®°±²³´µ¶·¹º»¼½¾¿×÷"
    "€‚„…†‡‰‹›‘’“”•–—™"
)

_HTML_START_RE = re.compile(r"(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_HTML_TAG_RE = re.compile(
    r"</?(?:a|article|b|blockquote|body|br|div|em|h[1-6]|head|i|img|li|meta|ol|p|script"
    r"|section|span|strong|style|table|td|title|tr|ul)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)



def _binary_error(shown: str, why: str) -> InputError:
    return InputError(f"{shown}: binary data, not a text article ({why}); save the article as text")


def _refuse_binary_text(text: str, shown: str) -> None:
    """Refuse data that is not text; works on decoded text so UTF-16 is judged fairly."""
    if "\x00" in text:
        raise _binary_error(shown, "it contains NUL bytes")
    controls = len(_CONTROL_RE.findall(text))
    if controls > MAX_STRAY_CONTROLS and controls > MAX_CONTROL_SHARE * len(text):
        raise _binary_error(shown, f"{controls:,} control characters")


@functools.lru_cache(maxsize=512)
def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN ")


def _looks_like_latin_text(text: str) -> bool:
    """Whether cp1252-decoded text is plausibly what the author wrote.

    Every byte decodes to *something* in cp1252, so validity proves nothing; what gives a
    wrong guess away is the shape of the result. Text in a non-Latin single-byte encoding
    (cp1251, KOI8-R, cp1253...) becomes words made only of accented letters, and multi-byte
    encodings add odd symbols; real Western prose has mostly ASCII letters around a few
    accents. Thresholds are the module constants above.
    """
    non_ascii = _NON_ASCII_RE.findall(text)
    non_ascii_letters = sum(1 for ch in non_ascii if _is_latin_letter(ch))
    odd = sum(1 for ch in non_ascii if not _is_latin_letter(ch) and ch not in _TYPOGRAPHIC)
    if odd > MAX_ODD_SYMBOL_SHARE * len(non_ascii):
        return False
    letters = len(_ASCII_LETTER_RE.findall(text)) + non_ascii_letters
    if non_ascii_letters > MAX_NON_ASCII_LETTER_SHARE * letters:
        return False
    words = _WORD_RE.findall(text)
    foreign = [word for word in words if not _ASCII_LETTER_RE.search(word)]
    if any(len(word) >= LONG_FOREIGN_WORD for word in foreign):
        return False
    return len(foreign) <= max(FOREIGN_WORDS_TOLERATED, MAX_FOREIGN_WORD_SHARE * len(words))


def _declared_html_charset(data: bytes) -> str | None:
    """The codec an HTML page declares in ``<meta charset>``, if it is safe to honour.

    Only ASCII-compatible single/multi-byte codecs are honoured: the declaration was read as
    ASCII, so a codec that decodes ASCII differently (UTF-16, UTF-7, EBCDIC, Python's
    ``unicode_escape``) would contradict the very bytes it was found in. UTF-8 labels are ignored because the data already failed
    to decode as UTF-8.
    """
    match = _META_CHARSET_RE.search(data[:4096])
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _CP1252_LABELS:
        label = "cp1252"
    try:
        codec = codecs.lookup(label).name
        probe = b"<meta charset=x> \\x41 \\u0041 +AEE-"  # escapes a Python-only codec would decode
        if codec.startswith("utf") or probe.decode(codec) != probe.decode("ascii"):
            return None
    except (LookupError, UnicodeError):
        return None
    return codec


def decode_bytes(data: bytes, *, name: str) -> tuple[str, str]:
    """Decode an article's bytes, returning ``(text, encoding)``.

    The order encodes how certain each answer is: known binary formats and control-character
    noise are refused first (their messages are more useful than an encoding complaint); a
    BOM is proof of the encoding; strict UTF-8 practically never succeeds by accident; an
    HTML page's own charset declaration is the author's word; cp1252 is a guess that must pass
    ``_looks_like_latin_text``. The returned text is exactly what the bytes say (only a BOM is
    removed), so normalisation stays in one place.
    """
    shown = display_name(name)
    if not data:
        return "", "utf-8"
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise _binary_error(shown, f"it looks like {what}")

    for bom, codec, label in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise InputError(
                    f"{shown}: starts with a {label} byte-order mark but is not valid {label};"
                    " re-save it as UTF-8"
                ) from None
            _refuse_binary_text(text, shown)
            return text, codec

    # Control bytes are the same in every ASCII-compatible encoding, so check them undecoded.
    _refuse_binary_text(data.decode("latin-1"), shown)

    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise InputError(
                f"{shown}: starts with a UTF-8 byte-order mark but is not valid UTF-8;"
                " re-save it as UTF-8"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    declared = _declared_html_charset(data)
    if declared is not None:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; fall back to the guess below

    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass  # bytes undefined in cp1252: certainly not cp1252 text
    else:
        if _looks_like_latin_text(text):
            return text, "cp1252"
    raise InputError(
        f"{shown}: not valid UTF-8 and the encoding cannot be determined safely;"
        " re-save it as UTF-8"
    )


def _looks_like_html(text: str) -> bool:
    """Whether the text is an HTML document (or fragment) rather than prose about HTML."""
    head = text[:1024].lstrip("\ufeff \t\n")
    if _HTML_START_RE.match(head):
        return True
    if head[:5].lower() in {"<?xml", "<!--"} and _HTML_START_RE.search(head):
        return True
    tags = [match.group(0) for match in _HTML_TAG_RE.finditer(text)]
    return len(tags) >= MIN_HTML_TAGS and sum(map(len, tags)) >= MIN_HTML_MARKUP_SHARE * len(text)


def _build_article(
    text: str, *, encoding: str, name: str, source: str | None, noun: str
) -> Article:
    """Normalise decoded text into an ``Article``; shared by files and in-memory text.

    Only line endings, invisible control characters and the blank edges (surrounding
    whitespace, byte-order marks before the text) are changed: accents, spacing and
    punctuation are the author's, and the model's quotes must match them.
    """
    shown = display_name(name)
    if _SURROGATE_RE.search(text):
        raise InputError(
            f"{shown}: contains characters that are not valid Unicode (lone surrogates);"
            " re-save it as UTF-8"
        )
    originally_empty = not text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_binary_text(text, shown)
    text = _VERTICAL_SPACE_RE.sub("\n", _DROPPED_CONTROLS_RE.sub("", text))

    extracted = _looks_like_html(text)
    if extracted:
        text = extract_text(text)
    text = _LEADING_BLANK_RE.sub("", text).rstrip()
    if not text:
        if extracted:
            raise InputError(f"{shown}: no article text found in HTML")
        if originally_empty:
            raise InputError(f"{shown}: {noun} is empty")
        raise InputError(f"{shown}: {noun} contains only whitespace, no article text")

    return Article(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        chars=len(text),
        language=detect_language(text)[0],
        source=source,
        encoding=encoding,
        extracted_from_html=extracted,
    )


def article_from_text(text: str, *, source: str | None = None) -> Article:
    """Build an article from text already in memory (stdin, tests, other front ends).

    It goes through the same normalisation as a file so that the same words always give the
    same ``Article`` (and the same sha256), wherever they came from.
    """
    return _build_article(
        text, encoding="utf-8", name=source or "<text>", source=source, noun="text"
    )


def load_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Load, decode and normalise an article file.

    ``max_bytes`` bounds memory and model cost: a news article is tens of kilobytes, so
    megabytes mean the wrong file (a log, a dump, a video) and reading it would only delay
    the inevitable error.
    """
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    name = os.fsdecode(os.fspath(path))
    shown = display_name(name)
    data = read_bounded(name, max_bytes=max_bytes)
    if not data:
        raise InputError(f"{shown}: file is empty")
    text, encoding = decode_bytes(data, name=name)
    return _build_article(text, encoding=encoding, name=name, source=name, noun="file")
