"""Tests for summarizer.export.markdown: the Markdown briefing of one article.

The golden file pins the whole document for a realistic briefing of the Italian seed article;
the structural tests parse it with markdown-it-py (CommonMark plus GFM tables) so that a layout
change that still "looks right" as text but renders wrongly is caught too.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from summarizer.export import ArticleMismatchError, briefing_markdown, check_article, load_briefing
from summarizer.export.markdown import md_escape
from summarizer.grounding import locate_quote
from summarizer.ingest import load_article
from summarizer.schema import Briefing

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "export"
SEED_ARTICLE = ROOT / "seeds" / "000_ba58efed2f2f0b1f.txt"
IT_BRIEFING = DATA / "it_putin_pyongyang.json"
IT_GOLDEN = DATA / "it_putin_pyongyang.md"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
REGENERATE = "UPDATE_GOLDEN=1 python -m pytest tests/test_export_markdown.py tests/test_export_digest.py"


def gfm() -> MarkdownIt:
    """CommonMark with GitHub's tables and strikethrough: how the output is read on GitHub."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def walk(tokens: list[Token]) -> list[Token]:
    """Block tokens and, inside each inline token, its children, in document order."""
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out.extend(walk(token.children or []))
    return out


def plain(inline: Token) -> str:
    """The text a reader sees in one inline token (escapes resolved, soft breaks as spaces)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def headings(tokens: list[Token]) -> list[tuple[int, str]]:
    return [(int(t.tag[1]), plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]


def compare_golden(actual: str, golden: Path, regenerate: str) -> None:
    """Assert ``actual`` equals the committed file, or rewrite it when UPDATE_GOLDEN=1."""
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing; create it with: {regenerate}"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True), str(golden), "actual", n=2
            )
        )
        pytest.fail(
            f"the export differs from {golden.name}.\nIf the change is intended, regenerate the golden files with:\n"
            f"    {regenerate}\nand review the diff before committing it.\n\n{diff[:6000]}",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def it_article() -> str:
    return load_article(SEED_ARTICLE).text


@pytest.fixture(scope="module")
def it_briefing() -> Briefing:
    return load_briefing(IT_BRIEFING)


@pytest.fixture(scope="module")
def it_markdown(it_briefing: Briefing, it_article: str) -> str:
    return briefing_markdown(it_briefing, it_article)


# --- the fixture itself ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["it_putin_pyongyang", "ru_lavrov_pyongyang", "en_kim_lavrov_wonsan"])
def test_fixture_spans_are_where_the_program_finds_the_quotes(name: str) -> None:
    """The hand-made briefings must be ones the pipeline could have made: spans from locate_quote."""
    briefing = load_briefing(DATA / f"{name}.json")
    article_path = SEED_ARTICLE if name.startswith("it_") else DATA / f"{name.split('_')[0]}_article.txt"
    article = load_article(article_path)
    assert briefing.source.sha256 == article.sha256 and briefing.source.chars == article.chars
    for item in [*briefing.claims, *briefing.denials]:
        if item.quote is not None:
            assert item.quote_span == locate_quote(article.text, item.quote)
            assert article.text[slice(*item.quote_span)] == item.quote


# --- golden file ------------------------------------------------------------------------------


def test_markdown_matches_golden_file(it_markdown: str) -> None:
    compare_golden(it_markdown, IT_GOLDEN, REGENERATE)


# --- structure, as a Markdown parser sees it ----------------------------------------------


def test_sections_are_headings_in_order(it_markdown: str, it_briefing: Briefing) -> None:
    found = headings(gfm().parse(it_markdown))
    assert found == [
        (1, it_briefing.event.title),
        (2, "Key facts"),
        (2, "Participants"),
        (2, "Claims"),
        (3, "Kim Jong-un (Leader of North Korea)"),
        (3, "Korean Central News Agency (North Korean state news agency)"),
        (3, "Vladimir Putin (President of Russia)"),
        (3, "United States"),
        (2, "Denials"),
        (2, "Not verified"),
        (2, "Provenance"),
    ]


def test_participants_table_has_one_row_per_participant(it_markdown: str, it_briefing: Briefing) -> None:
    tokens = gfm().parse(it_markdown)
    assert sum(t.type == "table_open" for t in tokens) == 1
    header = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "th_open"]
    assert header == ["Name", "Kind", "Role", "As written in the article"]
    cells = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "td_open"]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    assert rows == [[p.name, p.kind, p.role or "—", ", ".join(p.aliases)] for p in it_briefing.participants]


def test_one_blockquote_per_quote_with_its_position(it_markdown: str, it_briefing: Briefing, it_article: str) -> None:
    tokens = gfm().parse(it_markdown)
    quotes = []
    for i, token in enumerate(tokens):
        if token.type == "blockquote_open":
            inner = []
            j = i + 1
            while tokens[j].type != "blockquote_close":
                if tokens[j].type == "inline":
                    inner.append(plain(tokens[j]))
                j += 1
            quotes.append(inner)
    # Claims are grouped by speaker (first appearance), then the denials.
    expected_claims = [c for speaker in dict.fromkeys(c.speaker for c in it_briefing.claims)
                       for c in it_briefing.claims if c.speaker == speaker and c.quote]
    items = [*expected_claims, *(d for d in it_briefing.denials if d.quote)]
    assert quotes == [[f"“{item.quote}”", f"— characters {item.quote_span[0]}–{item.quote_span[1]}"] for item in items]
    for item in items:
        assert it_article[item.quote_span[0] : item.quote_span[1]] == item.quote


def test_warnings_are_listed_not_hidden(it_markdown: str, it_briefing: Briefing) -> None:
    not_verified = it_markdown.split("## Not verified", 1)[1].split("## Provenance", 1)[0]
    for warning in it_briefing.warnings:
        assert f"**{warning.section}:** {warning.message}" in not_verified
    assert "sentence: La visita di Putin" in not_verified


def test_provenance_footer(it_markdown: str, it_briefing: Briefing) -> None:
    footer = it_markdown.split("## Provenance", 1)[1]
    assert it_briefing.source.sha256 in footer
    for text in ["Italian (it)", "2,002 characters", "qwen2.5-coder-1.5b-instruct-q4_k_m (embedded backend)", "briefing v2",
                 "2025-11-20 09:41 UTC", "14,873 prompt + 1,206 completion tokens; 23 LLM calls; 2 re-asks",
                 "checked against the article text"]:
        assert text in footer


def web_briefing(briefing: Briefing) -> Briefing:
    """The seed's briefing as if it had been made from a web page (schema 1.2 source fields)."""
    data = briefing.model_dump(mode="json")
    data["schema_version"] = "1.2"
    data["source"].update(
        url="https://news.example/esteri/putin-pyongyang",
        extractor={"name": "trafilatura", "version": "2.3.1"},
        publication={"headline": "Putin a Pyongyang, l'incontro con Kim", "published": "2024-06-18", "site_name": "Il Giornale",
                     "author": "Mario Rossi", "canonical_url": "https://news.example/putin-pyongyang", "language": "it-IT"},
    )  # fmt: skip
    return Briefing.model_validate(data)


def test_web_page_metadata_in_the_provenance(it_briefing: Briefing, it_article: str) -> None:
    text = briefing_markdown(web_briefing(it_briefing), it_article)
    footer = text.split("## Provenance", 1)[1]
    lines = [line for line in footer.splitlines() if line.startswith("- **")]
    assert lines[1:8] == [
        "- **URL:** https\\://news.example/esteri/putin-pyongyang",
        "- **Headline:** Putin a Pyongyang, l'incontro con Kim",
        "- **Site:** Il Giornale",
        "- **Author:** Mario Rossi",
        "- **Published:** 2024-06-18 (publication date, not the event date)",
        "- **Canonical URL:** https\\://news.example/putin-pyongyang",
        "- **Page language:** it-IT",
    ]
    assert "- **Text extracted by:** trafilatura 2.3.1" in footer
    assert it_briefing.event.date is None
    assert "- **When:** not stated in the article" in text  # the publication date is not the event's


def test_plain_text_briefing_has_no_web_page_lines(it_markdown: str) -> None:
    for label in ("URL", "Headline", "Published", "Text extracted by"):
        assert f"**{label}:**" not in it_markdown


def test_reads_as_plain_text_without_escaping_noise(it_markdown: str) -> None:
    """Ordinary news text needs no escapes: a backslash in this document would be noise for plain-text readers."""
    assert "\\" not in it_markdown
    assert "<" not in it_markdown


def test_without_article_positions_are_shown_as_recorded(it_briefing: Briefing) -> None:
    text = briefing_markdown(it_briefing)
    assert "as recorded (not checked" in text
    assert "— characters 690–881" in text


def test_wrong_article_is_refused(it_briefing: Briefing, it_article: str) -> None:
    with pytest.raises(ArticleMismatchError, match=r"does not match the briefing \(its sha256 is [0-9a-f]{12}…"):
        briefing_markdown(it_briefing, it_article + " ")


def test_span_that_does_not_hold_its_quote_is_refused(it_briefing: Briefing, it_article: str) -> None:
    data = json.loads(it_briefing.model_dump_json())
    data["claims"][0]["quote_span"] = [0, 10]
    with pytest.raises(ArticleMismatchError, match=r"claim 1: its quote_span \[0, 10\) does not hold its quote"):
        check_article(Briefing.model_validate(data), it_article)


def test_quote_without_span_is_located_when_the_article_is_given(it_briefing: Briefing, it_article: str) -> None:
    data = json.loads(it_briefing.model_dump_json())
    data["claims"][0]["quote_span"] = None
    briefing = Briefing.model_validate(data)
    assert check_article(briefing, it_article)[0] == (690, 881)
    assert "position in the article not recorded" in briefing_markdown(briefing)
    assert "— characters 690–881" in briefing_markdown(briefing, it_article)
    data["claims"][0]["quote"] = "parole mai scritte"
    assert "— not found in the article text" in briefing_markdown(Briefing.model_validate(data), it_article)


def test_empty_sections_say_so(it_briefing: Briefing) -> None:
    data = json.loads(it_briefing.model_dump_json())
    data.update(participants=[], claims=[], denials=[], warnings=[])
    text = briefing_markdown(Briefing.model_validate(data))
    for line in ["No participants identified.", "No claims found.", "No denials found.",
                 "Nothing was dropped: every item passed validation."]:
        assert f"\n{line}\n" in text


# --- escaping ---------------------------------------------------------------------------------

MARKDOWN_CHARS = st.sampled_from(
    [*"\\`*_[]()<>!|#~$@&;:./-+=0123456789 \t\n\"'xyzé", "www.", "http://", "&amp;", "&#60;", "<!--"]
)


@given(st.lists(MARKDOWN_CHARS, max_size=40).map("".join))
def test_escaped_text_is_one_paragraph_of_literal_text(text: str) -> None:
    """Whatever the text, escaped it parses as plain text only, and reads as the text itself."""
    collapsed = " ".join(text.split())
    for template in ["{}", "- {}", "> “{}”", "| a | b |\n| --- | --- |\n| {} | x |", "**Who:** {}"]:
        tokens = walk(gfm().parse(template.format(md_escape(text))))
        kinds = {t.type for t in tokens}
        assert kinds <= {
            "paragraph_open", "paragraph_close", "inline", "text", "strong_open", "strong_close",
            "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
            "blockquote_open", "blockquote_close", "table_open", "table_close", "thead_open", "thead_close",
            "tbody_open", "tbody_close", "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close",
        }, (template, text)
        if template == "{}" and collapsed:
            assert [plain(t) for t in tokens if t.type == "inline"] == [collapsed]
        if template.startswith("| a"):
            assert sum(t.type == "td_open" for t in tokens) == 2


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("q4_k_m", "q4_k_m"),
        ("_init_", "\\_init\\_"),
        ("a|b", "a\\|b"),
        ("# x", "\\# x"),
        ("1. x", "1\\. x"),
        ("- x", "\\- x"),
        ("AT&T", "AT&T"),
        ("&lt;", "\\&lt;"),
        ("https://x.org", "https\\://x.org"),
        ("see www.x.org", "see www\\.x.org"),
        ("line\nbreak", "line break"),
        ("Привет, мир", "Привет, мир"),
    ],
)
def test_escape_examples(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped
