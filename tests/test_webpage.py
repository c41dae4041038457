"""HTML pages to article text and publication metadata (summarizer.ingest.webpage), through load_article.

Real pages come from the shared article-extraction benchmark, copied into a temporary folder at
test time (skipped when ../shared is absent); expected values are the benchmark's hand-checked
article bodies and URLs, and facts read off the pages by hand. Synthetic pages check the
guarantees the loader keeps whatever the extractor does: hidden text never reaches the article,
character references cannot bring back dropped characters, metadata is one line and only what
the markup states, and the time stays linear at the size limit.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.ingest import DEFAULT_MAX_BYTES, article_from_text, load_article
from summarizer.ingest.webpage import OWN_READER, read_webpage, trafilatura_version

WORDS = re.compile(r"\w+")


def shingle_f1(predicted: str, truth: str) -> float:
    """The benchmark's per-page measure (4-token shingles as multisets), computed here on its own."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = WORDS.findall(text)
        return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))

    pred, true = shingles(predicted), shingles(truth)
    common = sum((pred & true).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(true.values())
    return 2 * precision * recall / (precision + recall)


# --- real pages ---------------------------------------------------------------------------------


def test_real_pages_give_their_article_body(real_pages) -> None:
    for key, (path, truth) in real_pages.items():
        article = load_article(path)
        assert article.extracted_from_html is True
        assert article.extractor is not None
        assert (article.extractor.name, article.extractor.version) == ("trafilatura", trafilatura_version())
        assert shingle_f1(article.text, truth["articleBody"]) >= 0.9, key
        first_sentence = truth["articleBody"].split("\n")[0][:60]
        assert first_sentence in article.text, key


def test_real_page_metadata(real_pages) -> None:
    wsj = load_article(real_pages["042bb7b5feda"][0])
    meta = wsj.metadata
    assert meta is not None
    assert meta.headline == "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play…and Pay"
    assert meta.published == "2019-11-19"
    assert meta.site_name == "Wall Street Journal"
    assert meta.author == "Sarah E Needleman"
    assert meta.canonical_url == real_pages["042bb7b5feda"][1]["url"]
    assert meta.language == "en-US"
    assert wsj.language == "en"
    korean = load_article(real_pages["0ec95c7261d1"][0])
    assert korean.language == "ko" and korean.metadata.language == "ko"
    assert korean.metadata.published == "2018-08-25"
    assert korean.metadata.author is None  # the page names none


def test_a_page_the_old_reader_refused_has_text(real_pages) -> None:
    path, truth = real_pages["0e014df693f1"]
    assert shingle_f1(load_article(path).text, truth["articleBody"]) >= 0.9


# --- what never reaches the article -------------------------------------------------------------

BODY = (
    "<p>Il consiglio comunale ha approvato ieri sera il nuovo piano per il trasporto pubblico della città.</p>"
    "<p>Il sindaco ha detto che le prime linee apriranno entro la fine del prossimo anno, dopo i lavori.</p>"
    "<p>L'opposizione ha votato contro e ha chiesto una verifica indipendente dei costi del progetto.</p>"
)
HIDING_PLACES = {
    "script": "<script>var s = 'LEAK-SCRIPT';</script>",
    "style": "<style>.x{content:'LEAK-STYLE'}</style>",
    "template": "<template><p>LEAK-TEMPLATE istruzioni per il modello</p></template>",
    "noscript": "<noscript><p>LEAK-NOSCRIPT istruzioni per il modello</p></noscript>",
    "comment": "<!-- LEAK-COMMENT istruzioni per il modello -->",
    "iframe": "<iframe>LEAK-IFRAME istruzioni per il modello</iframe>",
    "hidden": "<div hidden><p>LEAK-HIDDEN istruzioni per il modello, molto lunghe e convincenti.</p></div>",
    "display-none": "<p style='display: none'>LEAK-DISPLAY istruzioni per il modello, molto lunghe.</p>",
    "textarea": "<textarea>LEAK-TEXTAREA istruzioni per il modello</textarea>",
    "svg": "<svg><text>LEAK-SVG istruzioni</text></svg>",
    "processing-instruction": "<?php echo 'LEAK-PI'; ?>",
}


@pytest.mark.parametrize("place", HIDING_PLACES)
def test_hidden_text_never_reaches_the_article(place: str) -> None:
    hidden = HIDING_PLACES[place]
    page = f"<!doctype html><html><head><title>Piano</title></head><body><article>{hidden}{BODY}{hidden}</article></body></html>"
    article = article_from_text(page)
    assert "LEAK" not in article.text
    assert "consiglio comunale" in article.text and "verifica indipendente" in article.text


def test_a_page_of_only_hidden_text_is_refused() -> None:
    page = "<!doctype html><html><body>" + "".join(HIDING_PLACES.values()) + "<nav>LEAK-NAV Home</nav></body></html>"
    with pytest.raises(InputError, match="no article text found in HTML"):
        article_from_text(page, source="page.html")


def test_character_references_cannot_bring_back_dropped_characters() -> None:
    references = "a&#x202E;b&#x2066;c&#xFEFF;d&#x9D;e&#x1B;f&#13;g&rlm;h"
    page = f"<!doctype html><html><body><article>{BODY}<p>{references}</p></article></body></html>"
    text = article_from_text(page).text
    assert "abcdef" in text and "\u200fh" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]", text)


def test_the_own_reader_is_the_fallback_and_is_recorded() -> None:
    # trafilatura takes a page made only of a comments section for comments, and keeps nothing.
    page = "<!doctype html><html><body><div class='comments'><p>Un commento di un lettore qui.</p>"
    page += "<p hidden>LEAK-HIDDEN</p><template>LEAK-TEMPLATE</template></div></body></html>"
    article = article_from_text(page)
    assert article.text == "Un commento di un lettore qui."
    assert article.extractor is not None and article.extractor.name == OWN_READER


def test_plain_text_has_no_extractor_and_no_metadata() -> None:
    article = article_from_text("Il sindaco ha parlato ieri sera in consiglio comunale del nuovo piano.")
    assert article.extracted_from_html is False
    assert article.extractor is None and article.metadata is None


# --- metadata -----------------------------------------------------------------------------------


def page_with_head(head: str, body: str = BODY, html_attrs: str = "") -> str:
    return f"<!doctype html><html{html_attrs}><head>{head}</head><body><article>{body}</article></body></html>"


def test_metadata_from_markup() -> None:
    page = page_with_head(
        '<meta property="og:title" content="Il nuovo piano dei trasporti">'
        '<meta property="og:site_name" content="Gazzetta di Prova">'
        '<meta name="author" content="Maria Rossi">'
        '<meta property="article:published_time" content="2024-03-05T08:00:00+01:00">'
        '<link rel="canonical" href="https://gazzetta.example/piano-trasporti">',
        html_attrs=' lang="it-it"',
    )
    meta = article_from_text(page).metadata
    assert meta is not None
    assert meta.headline == "Il nuovo piano dei trasporti"
    assert meta.site_name == "Gazzetta di Prova"
    assert meta.author == "Maria Rossi"
    assert meta.published == "2024-03-05"
    assert meta.canonical_url == "https://gazzetta.example/piano-trasporti"
    assert meta.language == "it-IT"


def test_publication_date_is_never_guessed_from_the_text() -> None:
    body = BODY + "<p>La riunione si è tenuta il 12 gennaio 2023 alle 18.</p>"
    meta = article_from_text(page_with_head("<title>Piano</title>", body)).metadata
    assert meta is not None and meta.published is None


def test_metadata_is_one_line_and_bounded() -> None:
    title = "Titolo\u202e con\x85 righe\n  e   spazi " + "lungo " * 200
    meta = article_from_text(page_with_head(f'<meta property="og:title" content="{title}">'
                                            '<link rel="canonical" href="javascript:alert(1)">')).metadata  # fmt: skip
    assert meta is not None and meta.headline is not None
    assert meta.headline.startswith("Titolo con righe e spazi lungo")
    assert "\n" not in meta.headline and "\u202e" not in meta.headline and "\x85" not in meta.headline
    assert len(meta.headline) <= 500 and meta.headline.endswith("…")
    assert meta.canonical_url is None  # only http(s) URLs


def test_read_webpage_never_sees_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    page = page_with_head('<link rel="canonical" href="https://gazzetta.example/x"><meta property="og:image" content="https://gazzetta.example/i.jpg">')
    assert read_webpage(page).text


# --- linear time at the size limit --------------------------------------------------------------

UNTERMINATED_UNITS = ["</", "<!", "<?", "<![", "<!--x>", "<![CDATA[x>", "<a x", "<a b=", "<a/"]


@pytest.mark.parametrize("unit", UNTERMINATED_UNITS)
def test_unterminated_markup_at_the_limit_is_fast(unit: str) -> None:
    page = "<!doctype html><p>Testo.</p>" + unit * ((DEFAULT_MAX_BYTES - 30) // len(unit))
    started = time.perf_counter()
    article = article_from_text(page)
    assert time.perf_counter() - started < 10
    assert article.text.startswith("Testo.")


@pytest.mark.parametrize(
    "unit",
    ["<span>x</span>", "<tr><td>a</td><td>b</td></tr>", "<li>voce</li>", "<div>", "<p>Parola parola parola.</p>"],
)
def test_many_elements_at_the_limit_take_linear_time(unit: str) -> None:
    """2 MiB of one element repeated: seconds (a quadratic step would take hours)."""
    page = "<html><body><p>Testo dell'articolo.</p><div>" + unit * ((DEFAULT_MAX_BYTES - 60) // len(unit)) + "</div>"
    started = time.perf_counter()
    article_from_text(page)
    assert time.perf_counter() - started < 60


def test_a_saved_page_and_the_same_page_in_memory_are_the_same_article(tmp_path: Path) -> None:
    page = page_with_head("<title>Piano</title>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    from_file, in_memory = load_article(tmp_path / "page.html"), article_from_text(page)
    assert (from_file.text, from_file.sha256, from_file.metadata) == (in_memory.text, in_memory.sha256, in_memory.metadata)
