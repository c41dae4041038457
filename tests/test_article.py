"""Tests for summarizer.ingest: turning files into article text (decoding, cleaning, HTML).

Inputs are real files written into ``tmp_path``; expected values are computed here
independently of the module (hashes, decoded strings), so a regression in decoding or
normalisation changes what the assertions see.
"""

from __future__ import annotations

import builtins
import dataclasses
import gzip
import hashlib
import io
import os
import random
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import summarizer.files as files_module
from summarizer.errors import InputError, SummarizerError
from summarizer.ingest import (
    DEFAULT_MAX_BYTES,
    Article,
    article_from_text,
    decode_bytes,
    load_article,
)
from summarizer.ingest.html import extract_text

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "000_ba58efed2f2f0b1f.txt"

ITALIAN = (
    "Perché è così difficile? “Le relazioni tra i nostri paesi stanno entrando in un periodo "
    "di nuova prosperità”, ha detto il leader – così riferisce l’agenzia ufficiale… "
    "La città è più tranquilla, però la visita è già finita."
)
FRENCH = (
    "L’été dernier, les élèves ont dû rester à l’école pendant que la ville fêtait "
    "la victoire. « Où est passé le maire ? » a demandé un journaliste."
)
GERMAN = (
    "Über die alte Brücke gehen täglich tausende Bürger; die Straße ist für Fußgänger "
    "gesperrt, während die Größe des Projekts weiter wächst."
)
SPANISH = (
    "¿Qué pasó ayer en la montaña? El niño comió con su señora madre y dijo que "
    "el próximo año volverá a la región. ¡Olé!"
)
RUSSIAN = (
    "Президент России Владимир Путин прибыл в Пхеньян для встречи с лидером КНДР "
    "Ким Чен Ыном. Это новая эра в отношениях двух стран, заявил он журналистам."
)
ENGLISH = (
    "The president arrived in the capital on Tuesday for talks with the prime minister "
    "about trade, security and the future of the alliance between the two countries. "
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, *fragments: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Load ``path`` expecting an InputError; check the one-line, names-the-file contract."""
    with pytest.raises(InputError) as excinfo:
        load_article(path, max_bytes=max_bytes)
    message = str(excinfo.value)
    assert "\n" not in message and "\r" not in message, message
    assert path.name in message, message
    assert str(path) in message, message
    cause = message.replace(str(path), "").lower()  # the name must not satisfy a fragment
    for fragment in fragments:
        assert fragment.lower() in cause, message
    assert isinstance(excinfo.value, SummarizerError)
    return message


class ReadSpy:
    """Stands in for ``open`` inside summarizer.ingest and records every read."""

    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []  # (size requested, bytes returned)
        self.opened = 0

    def open(self, file: str, mode: str = "r", *args: object, **kwargs: object) -> SpyFile:
        self.opened += 1
        return SpyFile(builtins.open(file, mode, *args, **kwargs), self)

    @property
    def bytes_read(self) -> int:
        return sum(returned for _requested, returned in self.reads)


class SpyFile:
    def __init__(self, handle: io.BufferedReader, spy: ReadSpy) -> None:
        self._handle = handle
        self._spy = spy

    def __enter__(self) -> SpyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._spy.reads.append((size, len(data)))
        return data


@pytest.fixture
def read_spy(monkeypatch: pytest.MonkeyPatch) -> ReadSpy:
    spy = ReadSpy()
    monkeypatch.setattr(files_module, "open", spy.open, raising=False)
    return spy


# -- decoding ----------------------------------------------------------------------------


def test_utf8_file(tmp_path: Path) -> None:
    path = write(tmp_path, "article.txt", ITALIAN.encode("utf-8"))
    article = load_article(path)
    assert article.text == ITALIAN
    assert article.encoding == "utf-8"
    assert article.chars == len(ITALIAN)
    assert article.sha256 == hashlib.sha256(ITALIAN.encode("utf-8")).hexdigest()
    assert article.language == "it"
    assert article.source == str(path)
    assert article.extracted_from_html is False


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + ITALIAN.encode("utf-8"))
    article = load_article(path)
    assert article.text == ITALIAN
    assert not article.text.startswith("\ufeff")
    assert article.encoding == "utf-8-sig"
    assert article.sha256 == hashlib.sha256(ITALIAN.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
    ],
)
def test_unicode_with_bom(tmp_path: Path, bom: bytes, codec: str, expected: str) -> None:
    text = RUSSIAN + "\r\n" + ITALIAN
    path = write(tmp_path, "wide.txt", bom + text.encode(codec))
    article = load_article(path)
    assert article.text == RUSSIAN + "\n" + ITALIAN
    assert article.encoding == expected
    assert article.language == "ru"


def test_utf16_bom_with_broken_body_is_refused(tmp_path: Path) -> None:
    # Odd length: the last code unit is cut in half.
    path = write(tmp_path, "broken16.txt", b"\xff\xfe" + "Ciao".encode("utf-16-le") + b"a")
    refused(path, "UTF-16", "re-save it as UTF-8")


def test_utf8_bom_with_invalid_body_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "badbom.txt", b"\xef\xbb\xbf" + "Perché".encode("cp1252"))
    refused(path, "byte-order mark", "not valid UTF-8")


def test_newlines_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "crlf.txt", b"Riga uno\r\nRiga due\rRiga tre\n\r\nRiga quattro\r\n")
    article = load_article(path)
    assert article.text == "Riga uno\nRiga due\nRiga tre\n\nRiga quattro"
    assert "\r" not in article.text


def test_spacing_and_accents_are_kept(tmp_path: Path) -> None:
    raw = "  \n Titolo:  così\u00a0è\n\n\tcon   tre spazi e un\ttab  \n\n"
    path = write(tmp_path, "spaces.txt", raw.encode("utf-8"))
    article = load_article(path)
    assert article.text == "Titolo:  così\u00a0è\n\n\tcon   tre spazi e un\ttab"
    assert article.chars == len(article.text)


def test_cp1252_italian_is_accepted(tmp_path: Path) -> None:
    data = ITALIAN.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fallback is really exercised
    path = write(tmp_path, "italiano.txt", data)
    article = load_article(path)
    assert article.encoding == "cp1252"
    assert article.text == ITALIAN
    assert "Perché è così" in article.text
    assert "“Le relazioni" in article.text and "prosperità”" in article.text
    assert article.language == "it"


@pytest.mark.parametrize("text", [FRENCH, GERMAN, SPANISH, "Perché è così"])
def test_cp1252_western_languages_are_accepted(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "western.txt", text.encode("cp1252"))
    article = load_article(path)
    assert article.encoding == "cp1252"
    assert article.text == text


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r", "iso8859_5"])
def test_cyrillic_single_byte_is_refused(tmp_path: Path, codec: str) -> None:
    data = RUSSIAN.encode(codec)
    data.decode("cp1252")  # every byte is a valid cp1252 char: only the heuristic can refuse
    path = write(tmp_path, f"russo-{codec}.txt", data)
    refused(path, "not valid UTF-8 and the encoding cannot be determined safely", "UTF-8")


def test_english_with_a_little_cp1251_russian_is_refused(tmp_path: Path) -> None:
    # Mostly ASCII, so letter shares look Western; the all-accented words give it away.
    data = (ENGLISH * 3 + "Путин прибыл.").encode("cp1251")
    path = write(tmp_path, "mixed.txt", data)
    refused(path, "cannot be determined safely")


@pytest.mark.parametrize(
    ("text", "codec"),
    [("ギリシャの首相が東京に到着しました。", "shift_jis"), ("Ο πρόεδρος έφτασε στην πόλη.", "cp1253")],
)
def test_other_legacy_encodings_are_refused(tmp_path: Path, text: str, codec: str) -> None:
    path = write(tmp_path, "legacy.txt", text.encode(codec))
    refused(path, "cannot be determined safely")


def test_random_high_bytes_without_controls_are_refused(tmp_path: Path) -> None:
    rng = random.Random(7)
    alphabet = [b for b in range(0x20, 0x100) if b != 0x7F]
    data = bytes(rng.choice(alphabet) for _ in range(4000))
    path = write(tmp_path, "noise.txt", data)
    refused(path, "not valid UTF-8")


def test_decode_bytes_directly() -> None:
    assert decode_bytes("città".encode(), name="a.txt") == ("città", "utf-8")
    assert decode_bytes("città".encode("cp1252"), name="a.txt") == ("città", "cp1252")
    with pytest.raises(InputError, match=r"^dir/b\.txt: not valid UTF-8"):
        decode_bytes(RUSSIAN.encode("cp1251"), name="dir/b.txt")


# -- binary data --------------------------------------------------------------------------


def test_random_bytes_are_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "random.bin", random.Random(1234).randbytes(4096))
    refused(path, "binary data, not a text article")


def test_nul_bytes_are_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "nul.txt", ITALIAN.encode("utf-8") + b"\x00" + b"fine")
    refused(path, "binary data", "NUL")


def test_many_control_characters_are_binary(tmp_path: Path) -> None:
    data = ("parola\x1b\x07 " * 50).encode("ascii")
    path = write(tmp_path, "controls.txt", data)
    refused(path, "binary data", "control characters")


def test_a_few_stray_controls_are_dropped(tmp_path: Path) -> None:
    raw = "Prima\x07 riga\x1b\nPagina\x0cseconda\x0briga\x7f fine " + ITALIAN
    path = write(tmp_path, "stray.txt", raw.encode("utf-8"))
    article = load_article(path)
    assert article.text == "Prima riga\nPagina\nseconda\nriga fine " + ITALIAN
    assert article.chars == len(article.text)


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>Testo</w:document>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"IHDR-without-nul" * 4, "PNG"),
        (b"\xff\xd8\xff\xe0JFIF" + b"x" * 40, "JPEG"),
        (b"GIF89a" + b"x" * 40, "GIF"),
        (_zip_bytes(), "ZIP"),
        (gzip.compress(ITALIAN.encode("utf-8")), "gzip"),
    ],
)
def test_known_binary_formats(tmp_path: Path, data: bytes, what: str) -> None:
    path = write(tmp_path, "upload.bin", data)
    message = refused(path, "binary data, not a text article", what)
    if what == "PDF":
        assert "save the article as text" in message


# -- file system problems -----------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    refused(write(tmp_path, "empty.txt", b""), "empty")


def test_bom_only_file_is_empty(tmp_path: Path) -> None:
    refused(write(tmp_path, "bomonly.txt", b"\xef\xbb\xbf"), "empty")


def test_whitespace_only_file(tmp_path: Path) -> None:
    refused(write(tmp_path, "blank.txt", b" \r\n\t \n\x0c \xc2\xa0 \n"), "only whitespace")


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "a-directory"
    path.mkdir()
    refused(path, "directory")


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "missing.txt", "no such file")


def test_path_through_a_file_is_missing(tmp_path: Path) -> None:
    parent = write(tmp_path, "plain.txt", b"testo")
    refused(parent / "child.txt", "no such file")


def test_name_with_newline_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.txt"
    with pytest.raises(InputError) as excinfo:
        load_article(path)
    message = str(excinfo.value)
    assert "\n" not in message
    assert "lines.txt" in message and "no such file" in message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.txt", b"testo segreto")
    path.chmod(0)
    try:
        refused(path, "permission denied")
    finally:
        path.chmod(0o600)


def test_permission_error_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs everywhere, including as root, where chmod cannot make a file unreadable.
    path = write(tmp_path, "locked.txt", b"testo")

    def deny(file: str, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", file)

    monkeypatch.setattr(files_module, "open", deny, raising=False)
    refused(path, "permission denied")


def test_huge_sparse_file_is_refused_without_reading(tmp_path: Path, read_spy: ReadSpy) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    message = refused(path, "too large", max_bytes=1024)
    assert time.perf_counter() - started < 1.0
    assert "52,428,800" in message and "1,024" in message
    assert read_spy.bytes_read == 0


def test_read_is_bounded_when_stat_understates(
    tmp_path: Path, read_spy: ReadSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # stat cannot always be trusted (devices, pipes, growing files): the read itself is capped.
    path = write(tmp_path, "growing.txt", b"a" * 200_000)
    real_stat = os.stat

    def lying_stat(target: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(target, *args, **kwargs)
        if os.fspath(target) == str(path):
            fields = list(result[:10])
            fields[6] = 10  # st_size
            return os.stat_result(fields)
        return result

    monkeypatch.setattr(os, "stat", lying_stat)
    refused(path, "too large", "more than", max_bytes=1000)
    assert read_spy.opened == 1
    assert 0 < read_spy.bytes_read <= 1001
    assert all(0 <= requested <= 1001 for requested, _returned in read_spy.reads)


def test_size_limit_boundary(tmp_path: Path) -> None:
    exact = write(tmp_path, "exact.txt", b"a" * 100)
    assert load_article(exact, max_bytes=100).chars == 100
    over = write(tmp_path, "over.txt", b"a" * 101)
    refused(over, "too large", "101 bytes", "100 bytes", max_bytes=100)


def test_default_limit_is_two_mebibytes() -> None:
    assert DEFAULT_MAX_BYTES == 2 * 1024 * 1024


# -- HTML ---------------------------------------------------------------------------------

NEWS_PAGE = """<!DOCTYPE html>
<html lang="it">
<head>
  <meta charset="utf-8">
  <title>Putin a Pyongyang | Il Giornale</title>
  <style>body { font-family: serif } .STYLETEXT {}</style>
  <script>var tracking = "SCRIPTTEXT"; if (a < b && c > d) {}</script>
</head>
<body>
  <header><h1>Il Giornale</h1>
    <nav><a href="/">Home</a> <a href="/esteri">NAVTEXT Esteri</a></nav>
  </header>
  <aside><article><p>ASIDETEXT: altre notizie</p></article></aside>
  <div class="cookie">COOKIETEXT accetta i cookie</div>
  <article>
    <header><h1>Putin   a
      Pyongyang</h1><p>BYLINETEXT di Mario Rossi</p></header>
    <p>Il presidente russo &egrave; arrivato a Pyongyang &amp; ha incontrato   Kim.</p>
    <p>&ldquo;Una nuova era&rdquo;, ha detto. L&rsquo;incontro &#232; durato &#x32; ore.</p>
    <form><button>BUTTONTEXT Iscriviti</button></form>
    <noscript>NOSCRIPTTEXT</noscript>
    <p>Terzo<br>paragrafo.</p>
  </article>
  <footer>FOOTERTEXT &copy; 2024</footer>
</body>
</html>
"""


def test_html_page_keeps_only_the_article(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", NEWS_PAGE.encode("utf-8"))
    article = load_article(path)
    assert article.extracted_from_html is True
    assert article.encoding == "utf-8"
    # The headline (in the article's <header>) is the page's metadata, not article text.
    assert article.metadata is not None and article.metadata.headline == "Putin a Pyongyang"
    assert article.metadata.language == "it"
    assert article.extractor is not None and article.extractor.name == "trafilatura"
    assert article.text.split("\n") == [
        "Il presidente russo è arrivato a Pyongyang & ha incontrato Kim.",
        "“Una nuova era”, ha detto. L’incontro è durato 2 ore.",
        "Terzo",
        "paragrafo.",
    ]
    junk = ["SCRIPTTEXT", "STYLETEXT", "NAVTEXT", "ASIDETEXT", "COOKIETEXT", "BYLINE",
            "BUTTONTEXT", "NOSCRIPTTEXT", "FOOTERTEXT", "Il Giornale", "<", "&amp;"]
    for fragment in junk:
        assert fragment not in article.text
    assert article.language == "it"
    assert article.sha256 == hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    assert article.chars == len(article.text)


def test_html_without_text(tmp_path: Path) -> None:
    page = (
        "<!doctype html><html><head><title>Solo un titolo</title>"
        "<script>document.write('SCRIPT')</script></head>"
        "<body><nav><a href='/'>Home</a></nav><div>  &nbsp; </div></body></html>"
    )
    refused(write(tmp_path, "empty.html", page.encode("utf-8")), "no article text found in HTML")


def test_html_fragment_without_doctype_is_detected(tmp_path: Path) -> None:
    fragment = "<p>Primo paragrafo &egrave; qui.</p>\n<p>Secondo   paragrafo.</p><p>Terzo.</p>"
    article = load_article(write(tmp_path, "fragment.txt", fragment.encode("utf-8")))
    assert article.extracted_from_html is True
    assert article.text == "Primo paragrafo è qui.\nSecondo paragrafo.\nTerzo."


@pytest.mark.parametrize(
    "raw",
    [
        ENGLISH * 3 + "Editors wrap each paragraph in <p> and </p>; Q&amp;A follows.",
        # Three tags, but a negligible share of a long text.
        ENGLISH * 20 + "Editors use <p>, </p> and <br> in Q&amp;A pages.",
    ],
)
def test_plain_text_mentioning_tags_is_not_html(tmp_path: Path, raw: str) -> None:
    article = load_article(write(tmp_path, "about-html.txt", raw.encode("utf-8")))
    assert article.extracted_from_html is False
    assert article.text == raw.strip()


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        f"</head><body><p>{RUSSIAN}</p></body></html>"
    )
    article = load_article(write(tmp_path, "ru.html", page.encode("cp1251")))
    assert article.encoding == "cp1251"
    assert article.text == RUSSIAN
    assert article.language == "ru"
    assert article.extracted_from_html is True


def test_html_with_wrong_utf8_declaration_falls_back_to_the_heuristic(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="utf-8"></head><body><p>{ITALIAN}</p></body></html>'
    article = load_article(write(tmp_path, "wrong.html", page.encode("cp1252")))
    assert article.encoding == "cp1252"
    assert article.text == ITALIAN


def test_extract_text_without_article_keeps_body_minus_boilerplate() -> None:
    html = (
        "<html><head><title>Titolo della pagina</title></head><body>"
        "<nav>menu</nav><h1>Il titolo</h1><div>Uno <b>grassetto</b> e <i>corsivo</i>.</div>"
        "<ul><li>primo</li><li>secondo</li></ul><table><tr><td>a</td><td>b</td></tr></table>"
        "<footer>piede</footer></body></html>"
    )
    assert extract_text(html) == "Il titolo\nUno grassetto e corsivo.\nprimo\nsecondo\na b"


def test_extract_text_uses_title_when_there_is_no_h1() -> None:
    html = "<html><head><title> Il   titolo </title></head><body><p>Testo.</p></body></html>"
    assert extract_text(html) == "Il titolo\nTesto."


def test_extract_text_prepends_h1_just_outside_the_article() -> None:
    html = "<body><h1>Titolo</h1><p>teaser</p><article><p>Corpo.</p></article></body>"
    assert extract_text(html) == "Titolo\nCorpo."


def test_extract_text_ignores_page_header_h1_in_favour_of_title() -> None:
    html = (
        "<html><head><title>Vero titolo</title></head><body>"
        "<header><h1>Logo del sito</h1></header><p>Corpo.</p></body></html>"
    )
    assert extract_text(html) == "Vero titolo\nCorpo."


def test_extract_text_unclosed_boilerplate_ends_with_its_container() -> None:
    assert extract_text("<article><p>Dentro<aside>pubblicità</article><p>fuori") == "Dentro"
    assert extract_text("<body><nav>menu <p>perso</p></body><p>dopo</p>") == "dopo"


def test_extract_text_keeps_pre_lines() -> None:
    assert extract_text("<pre>riga  uno\nriga due</pre><p>fine</p>") == "riga uno\nriga due\nfine"


def test_extract_text_survives_malformed_declarations() -> None:
    # "<![ " makes html.parser raise AssertionError on Python 3.11.
    html = "<p>prima</p><![if !supportLists]>·<![endif]><p>dopo &amp; ancora</p><![ x"
    assert extract_text(html) == "prima\n·\ndopo & ancora"
    assert extract_text("<p>testo</p><![ ") == "testo"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["<p>", "</p>", "<div>", "<article>", "</article>", "<nav>", "</nav>",
                 "<script>", "</script>", "<h1>", "</h1>", "<br/>", "<pre>", "</pre>",
                 "<![", "<!--", "-->", "<!doctype", "&amp;", "&#", "<", ">", "'", '"', "\n",
                 "<title>", "</title>", "<header>", "</header>", "</body>", "<td>"]
            ),
            st.text(max_size=8),
        ),
        max_size=40,
    )
)
def test_extract_text_never_raises_and_is_tidy(pieces: list[str]) -> None:
    text = extract_text("".join(pieces))
    assert isinstance(text, str)
    for line in text.split("\n") if text else []:
        assert line, repr(text)
        assert line == line.strip(), repr(text)
        assert "  " not in line and "\t" not in line, repr(text)


# -- the seed article, in-memory text and the dataclass -----------------------------------


def test_seed_article() -> None:
    raw = SEED_ARTICLE.read_bytes()
    expected = raw.decode("utf-8").replace("\r\n", "\n").strip()
    article = load_article(SEED_ARTICLE)
    assert article.text == expected
    assert article.text.startswith("Il presidente russo")
    assert article.language == "it"
    assert article.chars == len(article.text) == len(expected)
    assert article.sha256 == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert article.encoding == "utf-8"
    assert article.source == str(SEED_ARTICLE)
    assert article.extracted_from_html is False


def test_article_from_text_matches_file(tmp_path: Path) -> None:
    from_file = load_article(write(tmp_path, "same.txt", ("\ufeff" + ITALIAN).encode("utf-8")))
    from_text = article_from_text(ITALIAN + "\r\n", source="memo")
    assert from_text.text == from_file.text
    assert from_text.sha256 == from_file.sha256
    assert from_text.source == "memo"
    assert from_text.encoding == "utf-8"
    assert article_from_text(ITALIAN).source is None


def test_article_from_text_refusals() -> None:
    with pytest.raises(InputError, match=r"^<text>: text is empty$"):
        article_from_text("")
    with pytest.raises(InputError, match=r"^stdin: text contains only whitespace"):
        article_from_text(" \n\t ", source="stdin")
    with pytest.raises(InputError, match=r"^<text>: binary data"):
        article_from_text("abc\x00def")
    with pytest.raises(InputError, match=r"^<text>: .*not valid Unicode"):
        article_from_text("caf\udce9 " + ITALIAN)


def test_language_undetermined_for_short_text() -> None:
    assert article_from_text("Sì, è così.").language == "und"
    assert article_from_text("1234 5678 — 90!").language == "und"


def test_language_uses_only_the_beginning() -> None:
    english_head = ENGLISH * 40  # well over the 5000-character sample
    italian_tail = ITALIAN * 200
    assert article_from_text(italian_tail).language == "it"
    assert article_from_text(english_head + italian_tail).language == "en"


def test_article_is_frozen() -> None:
    article = article_from_text(ITALIAN)
    assert isinstance(article, Article)
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.text = "altro"  # type: ignore[misc]
