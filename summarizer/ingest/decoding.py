"""Bytes to text: refusing binaries, and decoding exactly once, deterministically.

Why this is strict: every quote in a briefing is checked against character offsets into
``Article.text``, and the model will happily "quote" mojibake. So a guess is only made when it
cannot be wrong in a way that matters: UTF-8 (with or without a BOM) and BOM-marked UTF-16/32
are taken as they are; an HTML page's own charset declaration is honoured when it is safe;
cp1252 is accepted only when the result unmistakably reads as Latin-script text; anything else
is refused with a message that tells the user how to fix the file. Refusing is cheap (the user
re-saves the file); summarising garbage silently is not.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from summarizer.errors import InputError
from summarizer.files import display_name

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

def _binary_error(shown: str, why: str) -> InputError:
    return InputError(f"{shown}: binary data, not a text article ({why}); save the article as text")


def refuse_binary_text(text: str, shown: str) -> None:
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
    """The codec an HTML page declares in ``<meta charset>``, if it is safe to honour."""
    match = _META_CHARSET_RE.search(data[:4096])
    if match is None:
        return None
    return safe_codec(match.group(1).decode("ascii"))


def safe_codec(label: str) -> str | None:
    """The codec a declared charset label names (``<meta charset>``, HTTP), if it is safe to honour.

    Only ASCII-compatible single/multi-byte codecs are honoured: the declaration was read as
    ASCII, so a codec that decodes ASCII differently (UTF-16, UTF-7, EBCDIC, Python's
    ``unicode_escape``) would contradict the very bytes it was found in. UTF-8 labels are
    ignored because the data already failed to decode as UTF-8.
    """
    label = label.strip().lower()
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


def decode_bytes(data: bytes, *, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode an article's bytes, returning ``(text, encoding)``.

    The order encodes how certain each answer is: known binary formats and control-character
    noise are refused first (their messages are more useful than an encoding complaint); a
    BOM is proof of the encoding; strict UTF-8 practically never succeeds by accident; an
    HTML page's own charset declaration is the author's word (``declared``, a web server's
    Content-Type charset, comes before it); cp1252 is a guess that must pass
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
            refuse_binary_text(text, shown)
            return text, codec

    # Control bytes are the same in every ASCII-compatible encoding, so check them undecoded.
    refuse_binary_text(data.decode("latin-1"), shown)

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

    for codec in (safe_codec(declared) if declared else None, _declared_html_charset(data)):
        if codec is not None:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                pass  # a wrong declaration is common; fall back to the next one, then the guess below

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
