"""Checks on the hand-made evaluation gold set in ``evals/``.

A gold file is only useful if it is internally consistent: its quotes must really be in its
article (found the same way the program finds a model's quotes, with ``locate_quote``), its
speakers must be its own participants, and its dates and kinds must be values a briefing can
have. The set as a whole must keep covering what it was built to cover (several languages, a
case without denials, an article longer than 2,500 words).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from summarizer.grounding import locate_quote

SUITE = Path(__file__).resolve().parent.parent / "evals"
GOLD_FILES = sorted((SUITE / "gold").glob("*.yaml"))

UNNAMED_SOURCE = "unnamed source"
KINDS = {"person", "organization", "country", "group"}
TOP_KEYS = {"id", "article", "language", "event", "participants", "claims", "denials"}
EVENT_KEYS = {"title", "summary", "date", "location"}
PARTICIPANT_KEYS = {"name", "aliases", "kind", "required"}
CLAIM_KEYS = {"speaker", "statement", "quote", "required"}
DENIAL_KEYS = {"speaker", "denied", "accuser", "quote", "required"}
KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")

MIN_CASES = 6
MIN_LANGUAGES = 4
LONG_ARTICLE_WORDS = 2500


def load_gold(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (yaml.YAMLError, ValueError) as error:  # ValueError: an impossible unquoted date
        pytest.fail(f"{path.name}: not readable as YAML: {error}")
    assert isinstance(data, dict), f"{path.name}: not a YAML mapping"
    return data


def article_path(gold: dict[str, Any]) -> Path:
    """The article a gold file names, resolved against the suite folder (the parent of gold/)."""
    return (SUITE / gold["article"]).resolve()


def read_article(gold: dict[str, Any]) -> str:
    return article_path(gold).read_text(encoding="utf-8")  # strict: a bad byte fails the test


def as_names(value: Any) -> list[Any]:
    """A speaker or accuser is one name or a list of names (any member matches)."""
    return value if isinstance(value, list) else [value]


def test_gold_set_is_not_empty() -> None:
    assert GOLD_FILES, f"no gold files in {SUITE / 'gold'}"


@pytest.fixture(params=GOLD_FILES, ids=lambda path: path.stem)
def gold_case(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    path: Path = request.param
    return path, load_gold(path)


def test_structure(gold_case: tuple[Path, dict[str, Any]]) -> None:
    _, gold = gold_case
    assert set(gold) == TOP_KEYS, f"top-level keys: {sorted(gold)}"
    assert set(gold["event"]) == EVENT_KEYS, f"event keys: {sorted(gold['event'])}"
    for key in ("title", "summary"):
        assert isinstance(gold["event"][key], str) and gold["event"][key].strip(), f"event.{key} is empty"
    location = gold["event"]["location"]
    assert isinstance(location, list), "event.location must be a list ([] when none)"
    assert all(isinstance(place, str) and place.strip() for place in location), location
    for participant in gold["participants"]:
        assert set(participant) == PARTICIPANT_KEYS, f"participant keys: {sorted(participant)}"
        assert isinstance(participant["name"], str) and participant["name"].strip()
        assert isinstance(participant["aliases"], list)
        assert isinstance(participant["required"], bool), participant["name"]
    for claim in gold["claims"]:
        assert set(claim) == CLAIM_KEYS, f"claim keys: {sorted(claim)}"
        assert isinstance(claim["statement"], str) and claim["statement"].strip()
        assert isinstance(claim["required"], bool), claim["statement"]
    for denial in gold["denials"]:
        assert set(denial) == DENIAL_KEYS, f"denial keys: {sorted(denial)}"
        assert isinstance(denial["denied"], str) and denial["denied"].strip()
        assert isinstance(denial["required"], bool), denial["denied"]


def test_id_and_article_path(gold_case: tuple[Path, dict[str, Any]]) -> None:
    path, gold = gold_case
    assert gold["id"] == path.stem, f"id {gold['id']!r} differs from the file name {path.stem!r}"
    assert KEBAB_CASE.match(gold["id"]), f"id {gold['id']!r} is not kebab-case"
    assert LANGUAGE_CODE.match(gold["language"]), f"language {gold['language']!r} is not ISO 639-1"
    assert not Path(gold["article"]).is_absolute(), "article must be relative to the suite folder"
    resolved = article_path(gold)
    assert resolved.is_relative_to(SUITE.resolve()), f"article {gold['article']!r} leaves {SUITE}"
    assert resolved.is_file(), f"article {gold['article']!r} does not exist"
    assert read_article(gold).strip(), "article is empty"


def test_quotes_are_in_the_article(gold_case: tuple[Path, dict[str, Any]]) -> None:
    _, gold = gold_case
    article = read_article(gold)
    for item in [*gold["claims"], *gold["denials"]]:
        quote = item["quote"]
        if quote is None:
            continue
        assert isinstance(quote, str), f"quote must be a string or null: {quote!r}"
        assert locate_quote(article, quote) is not None, f"quote not found in the article: {quote!r}"


def test_aliases_are_in_the_article(gold_case: tuple[Path, dict[str, Any]]) -> None:
    _, gold = gold_case
    article = read_article(gold)
    for participant in gold["participants"]:
        for alias in participant["aliases"]:
            assert isinstance(alias, str), f"{participant['name']}: alias {alias!r} is not a string"
            assert locate_quote(article, alias) is not None, f"{participant['name']}: alias {alias!r} not in article"


def test_speakers_are_participants(gold_case: tuple[Path, dict[str, Any]]) -> None:
    _, gold = gold_case
    names = [participant["name"] for participant in gold["participants"]]
    assert len(names) == len(set(names)), f"duplicate participant names: {names}"
    known = {*names, UNNAMED_SOURCE}
    for claim in gold["claims"]:
        for speaker in as_names(claim["speaker"]):
            assert speaker in known, f"claim speaker {speaker!r} is not a participant"
    for denial in gold["denials"]:
        speakers = as_names(denial["speaker"])
        assert speakers, "a denial needs a speaker"
        for speaker in speakers:
            assert speaker in known, f"denial speaker {speaker!r} is not a participant"
        if denial["accuser"] is not None:
            for accuser in as_names(denial["accuser"]):
                assert accuser in known, f"accuser {accuser!r} is not a participant"


def test_kinds(gold_case: tuple[Path, dict[str, Any]]) -> None:
    _, gold = gold_case
    for participant in gold["participants"]:
        assert participant["kind"] in KINDS, f"{participant['name']}: kind {participant['kind']!r}"


def test_date_is_null_or_iso(gold_case: tuple[Path, dict[str, Any]]) -> None:
    _, gold = gold_case
    date = gold["event"]["date"]
    if date is None:
        return
    # Unquoted, YAML reads 2025-03-04 as a date object; quoted, it stays a string. Both are ISO.
    if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
        return
    assert isinstance(date, str) and ISO_DATE.match(date), f"date {date!r} is not YYYY-MM-DD"
    dt.date.fromisoformat(date)


def test_the_set_covers_what_it_should() -> None:
    golds = [load_gold(path) for path in GOLD_FILES]
    assert len(golds) >= MIN_CASES, f"{len(golds)} cases, want at least {MIN_CASES}"
    languages = {gold["language"] for gold in golds}
    assert len(languages) >= MIN_LANGUAGES, f"languages {sorted(languages)}"
    assert {"it", "en"} <= languages, f"languages {sorted(languages)} lack it or en"
    assert any(gold["denials"] == [] for gold in golds), "no case without denials"
    longest = max(len(read_article(gold).split()) for gold in golds)
    assert longest > LONG_ARTICLE_WORDS, f"longest article has {longest} words"
