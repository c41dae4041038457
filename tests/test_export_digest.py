"""Tests for summarizer.export.digest: several briefings in one Markdown document.

The three fixtures share participants under different spellings, transliterations and short
forms ("Kim Jong-un" / "Kim Jong Un"; "Sergei" / "Serghei" / "Sergey Lavrov"; "KCNA" / "Kcna"),
and one pair that must NOT be merged ("Kim" is both Kim Jong-un in one article and Kim Yo Jong
in another).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_export_markdown import REGENERATE, compare_golden, gfm, headings, plain, walk

from summarizer.export import digest_markdown, load_briefing
from summarizer.export.digest import participant_index
from summarizer.schema import Briefing

DATA = Path(__file__).resolve().parent / "data" / "export"
NAMES = ["it_putin_pyongyang.json", "ru_lavrov_pyongyang.json", "en_kim_lavrov_wonsan.json"]
GOLDEN = DATA / "digest_it_ru_en.md"


@pytest.fixture(scope="module")
def briefings() -> list[tuple[str, Briefing]]:
    return [(name, load_briefing(DATA / name)) for name in NAMES]


@pytest.fixture(scope="module")
def digest(briefings: list[tuple[str, Briefing]]) -> str:
    return digest_markdown(briefings)


def test_digest_matches_golden_file(digest: str) -> None:
    compare_golden(digest, GOLDEN, REGENERATE)


def test_title_contents_and_one_section_per_article(digest: str, briefings: list[tuple[str, Briefing]]) -> None:
    tokens = gfm().parse(digest)
    top = [h for h in headings(tokens) if h[0] <= 2]
    assert top == [(1, "News digest"), (2, "Contents"), (2, "Article 1"), (2, "Article 2"), (2, "Article 3"),
                   (2, "Participants across articles")]
    # Each article section has the full briefing, one level down.
    per_article = [h for h in headings(tokens) if h[0] == 3]
    assert [text for _level, text in per_article].count("Provenance") == 3
    assert [text for _level, text in per_article].count("Not verified") == 3


def test_contents_links_point_at_the_section_slugs(digest: str, briefings: list[tuple[str, Briefing]]) -> None:
    """GitHub, GitLab and markdown-it-anchor all slug "Article 2" as article-2: no raw HTML anchors needed."""
    tokens = walk(gfm().parse(digest))
    contents = digest.split("## Contents", 1)[1].split("## Article 1", 1)[0]
    links = [t.attrGet("href") for t in walk(gfm().parse(contents)) if t.type == "link_open"]
    assert links == ["#article-1", "#article-2", "#article-3", "#participants-across-articles"]
    link_texts = []
    for i, t in enumerate(tokens):
        if t.type == "link_open" and t.attrGet("href") in links[:3]:
            link_texts.append(tokens[i + 1].content)
    assert link_texts[:3] == [b.event.title for _name, b in briefings]
    assert not any(t.type in ("html_inline", "html_block") for t in tokens)


def entry(digest: str, name: str) -> str:
    """The index entry of one participant, as text."""
    index = digest.split("## Participants across articles", 1)[1]
    start = index.index(f"\n- **{name}**")
    end = index.find("\n- **", start + 1)
    return index[start : end if end > 0 else len(index)]


def test_index_merges_aliases_across_articles(digest: str) -> None:
    kim = entry(digest, "Kim Jong Un")
    assert "also written: Kim Jong-un, Kim, Ким Чен Ын, Ким Чен Ыном, Mr Kim" in kim
    assert [line.split("]")[0] for line in kim.splitlines() if "[Article" in line] == [
        "  - [Article 1", "  - [Article 2", "  - [Article 3"]
    assert "claimed: Kim said North Korea's support for Russia is unconditional." in kim
    assert "claimed: Kim promised to fully support the 'just cause' of the Russian people." in kim

    lavrov = entry(digest, "Sergei Lavrov")  # Serghei (it) = Sergei (en, name) ~ Sergey (en alias = ru name)
    assert lavrov.count("[Article") == 3
    assert "Serghei Lavrov, Sergey Lavrov, Сергей Лавров" in lavrov

    kcna = entry(digest, "Korean Central News Agency")  # "Kcna" (it alias) links to "KCNA" (en name)
    assert kcna.count("[Article") == 3

    us = entry(digest, "United States")
    assert "alleged: That North Korea supplied Russia with weapons for use in Ukraine. (denied by Russia, North Korea)" in us


def test_index_keeps_apart_what_only_a_surname_links(digest: str) -> None:
    """"Kim" names Kim Jong-un in the Italian article and Kim Yo Jong in the English one: not one person."""
    sister = entry(digest, "Kim Yo Jong")
    assert sister.count("[Article") == 1
    assert "denied: That North Korea sends troops and artillery shells to Russia. (accused by United States)" in sister


def test_index_keeps_apart_participants_of_different_kinds(digest: str) -> None:
    assert entry(digest, "US State Department").count("[Article") == 1  # an organization, not the country
    assert entry(digest, "United States").count("[Article") == 2


def test_index_never_merges_two_participants_of_one_article(briefings: list[tuple[str, Briefing]]) -> None:
    label, briefing = briefings[2]
    data = json.loads(briefing.model_dump_json())
    # Both Kims now share a two-word form in the same article: still two participants.
    data["participants"][2]["aliases"].append("Kim Jong Un")
    index = participant_index([(label, Briefing.model_validate(data)), briefings[1]])
    kims = [e for e in index if e.name.startswith("Kim")]
    assert sorted((e.name, [a.number for a in e.appearances]) for e in kims) == [("Kim Jong Un", [1, 2]), ("Kim Yo Jong", [1])]


def test_index_lists_every_participant_once(briefings: list[tuple[str, Briefing]]) -> None:
    index = participant_index(briefings)
    names = [e.name for e in index]
    assert len(names) == len(set(names))
    appearances = sum(len(e.appearances) for e in index)
    assert appearances == sum(len(b.participants) for _label, b in briefings)


def test_speaker_missing_from_participants_still_indexed(briefings: list[tuple[str, Briefing]]) -> None:
    label, briefing = briefings[2]
    data = json.loads(briefing.model_dump_json())
    data["claims"].append({"speaker": "Anonymous Official", "statement": "Something.", "quote": None, "quote_span": None})
    data["claims"].append({"speaker": "unnamed source", "statement": "Rumour.", "quote": None, "quote_span": None})
    index = participant_index([(label, Briefing.model_validate(data))])
    official = next(e for e in index if e.name == "Anonymous Official")
    assert official.kind == "unknown kind" and official.appearances[0].claimed == ["Something."]
    assert not any(e.name == "unnamed source" for e in index)


def test_digest_of_one_briefing_and_custom_title(briefings: list[tuple[str, Briefing]]) -> None:
    text = digest_markdown(briefings[:1], title="Morning | <b>digest</b>")
    first = gfm().parse(text)
    assert headings(first)[0] == (1, "Morning | <b>digest</b>")
    assert plain(first[1]) == "Morning | <b>digest</b>"
    with pytest.raises(ValueError, match="at least one briefing"):
        digest_markdown([])
