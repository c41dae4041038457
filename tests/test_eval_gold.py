"""Tests for summarizer.eval.gold: loading gold files from a suite folder written into tmp_path.

Every refusal is checked for the exact field path in its message and for the one-line rule,
since the CLI prints that line and nothing else.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from summarizer.errors import InputError
from summarizer.eval.gold import GoldCase, discover, load_case, load_cases, names_of, suite_dir_of
from summarizer.ingest import load_article

ARTICLE = (
    "Il presidente russo Vladimir Putin è a Pyongyang per incontrare il leader nordcoreano Kim Jong-un.\r\n"
    "“Le relazioni tra i nostri paesi stanno entrando in un periodo di nuova grande prosperità”, ha detto Kim.\r\n"
    "Le accuse Usa sono state respinte da Mosca e Pyongyang.\r\n"
)

# The format as specified, comments and all; only the placeholders are filled in.
SPEC_EXAMPLE = """\
id: seed-putin-pyongyang
article: articles/seed-putin-pyongyang.txt   # relative to the suite folder (the parent of gold/)
language: it
event:
  title: Putin visits Pyongyang for talks with Kim Jong-un
  summary: Vladimir Putin arrived in Pyongyang. He met Kim Jong-un.
  date: null                     # ISO date, or null when the article does not state it
  location: [Pyongyang, North Korea]   # any of these is right; [] when none
participants:
  - name: Vladimir Putin
    aliases: [Putin, Vladimir Putin, Il presidente russo]
    kind: person                 # person | organization | country | group
    required: true               # false: not penalised if missing, not a false positive if present
  - name: Kim Jong-un
    kind: person
  - name: Russia
    aliases: [Mosca]
    kind: country
  - name: North Korea
    aliases: [Pyongyang]
    kind: country
  - name: United States
    aliases: [Usa]
    kind: country
    required: false
claims:
  - speaker: Kim Jong-un         # a participant name, or "unnamed source"
    statement: Relations between the two countries are entering a period of great prosperity.
    quote: Le relazioni tra i nostri paesi stanno entrando in un periodo di nuova grande prosperità
    required: true
denials:
  - speaker: [Russia, North Korea]   # one name or a list: any member matches
    denied: that North Korea supplied weapons to Russia
    accuser: United States       # or null
    quote: null
    required: true
"""
ARTICLE_NAME = "articles/seed-putin-pyongyang.txt"


def spec_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(SPEC_EXAMPLE))


def make_suite(root: Path, text: str | dict[str, Any] = SPEC_EXAMPLE, name: str = "case.yaml") -> Path:
    """A suite folder with the article and one gold file; returns the gold file's path."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / ARTICLE_NAME).write_bytes(ARTICLE.encode("utf-8"))
    (root / "gold").mkdir(exist_ok=True)
    gold = root / "gold" / name
    if not isinstance(text, str):
        text = yaml.safe_dump(text, sort_keys=False, allow_unicode=True)
    gold.write_text(text, encoding="utf-8")
    return gold


def refusal(gold: Path) -> str:
    """The message of the InputError that loading ``gold`` raises, checked for the one-line rule."""
    with pytest.raises(InputError) as info:
        load_case(gold, gold.parent.parent)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{gold}: ")
    return message


def with_change(tmp_path: Path, change: Any) -> Path:
    data = spec_data()
    change(data)
    return make_suite(tmp_path / "suite", data)


# --- valid files ------------------------------------------------------------------------------


def test_spec_example_loads_unchanged(tmp_path: Path) -> None:
    gold = make_suite(tmp_path / "suite")
    case = load_case(gold, tmp_path / "suite")
    assert case.id == "seed-putin-pyongyang"
    assert case.language == "it"
    assert case.event.date is None
    assert case.event.location == ["Pyongyang", "North Korea"]
    putin, kim, *_rest, usa = case.participants
    assert putin.aliases == ["Putin", "Vladimir Putin", "Il presidente russo"] and putin.required is True
    assert kim.aliases == [] and kim.required is True  # the defaults
    assert usa.required is False
    assert case.claims[0].quote is not None and case.claims[0].required is True
    assert case.denials[0].speaker == ["Russia", "North Korea"]
    assert names_of(case.denials[0].speaker) == ["Russia", "North Korea"]
    assert case.denials[0].accuser == "United States"
    assert case.gold_path == gold
    assert case.article_path == (tmp_path / "suite" / ARTICLE_NAME).resolve()


def test_article_text_is_normalised_like_the_pipeline(tmp_path: Path) -> None:
    gold = make_suite(tmp_path / "suite")
    case = load_case(gold, tmp_path / "suite")
    expected = load_article(tmp_path / "suite" / ARTICLE_NAME)
    assert case.article_text == expected.text
    assert "\r" not in case.article_text  # CRLF in the file, "\n" in the text
    assert case.loaded_article.sha256 == expected.sha256


def test_one_name_speaker_and_lenient_blanks(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE.replace("speaker: [Russia, North Korea]", "speaker: Mosca")
    text = text.replace("location: [Pyongyang, North Korea]", "location: Pyongyang")
    text = text.replace("  - name: Kim Jong-un\n", "  - name: Kim Jong-un\n    aliases:\n")
    text = text.replace("date: null", "date: 2024-06-19")  # unquoted: YAML makes it a date object
    text += "\n"
    case = load_case(make_suite(tmp_path / "suite", text), tmp_path / "suite")
    assert case.denials[0].speaker == "Mosca" and names_of("Mosca") == ["Mosca"]
    assert case.event.location == ["Pyongyang"]
    assert case.participants[1].aliases == []
    assert case.event.date == "2024-06-19"


def test_empty_lists_may_be_blank_or_omitted(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE[: SPEC_EXAMPLE.index("claims:")] + "claims:\n"
    text = text.replace("location: [Pyongyang, North Korea]", "location: []")
    case = load_case(make_suite(tmp_path / "suite", text), tmp_path / "suite")
    assert case.claims == [] and case.denials == []
    assert case.event.location == []


def test_quote_marks_in_gold_quotes_follow_the_grounding_rules(tmp_path: Path) -> None:
    quote = "Le relazioni tra i nostri paesi stanno entrando in un periodo di nuova grande prosperità"
    gold = with_change(tmp_path, lambda d: d["claims"][0].update(quote=f"«{quote}»"))
    assert load_case(gold, tmp_path / "suite").claims[0].quote == f"«{quote}»"


def test_symlink_inside_the_suite_is_allowed(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d.update(article="gold/link.txt"))
    os.symlink(tmp_path / "suite" / ARTICLE_NAME, tmp_path / "suite" / "gold" / "link.txt")
    assert load_case(gold, tmp_path / "suite").article_text.startswith("Il presidente")


def test_case_built_without_load_case_has_no_article() -> None:
    case = GoldCase.model_validate(spec_data())
    with pytest.raises(RuntimeError, match="load_case"):
        _ = case.article_text


# --- broken files -----------------------------------------------------------------------------


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    lines = SPEC_EXAMPLE.splitlines()
    assert lines[4].startswith("  title:")
    lines[4] = "  title: Putin: visits Pyongyang"  # line 5: a second ": " in a plain value
    message = refusal(make_suite(tmp_path / "suite", "\n".join(lines)))
    assert message.startswith(f"{tmp_path / 'suite' / 'gold' / 'case.yaml'}: broken YAML at line 5: ")
    assert "mapping values are not allowed" in message


def test_unclosed_bracket_is_broken_yaml(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE.replace("location: [Pyongyang, North Korea]", "location: [Pyongyang, North Korea")
    assert "broken YAML at line" in refusal(make_suite(tmp_path / "suite", text))


def test_duplicate_key_is_refused_with_its_line(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE + "claims: []\n"
    line = text.count("\n")
    message = refusal(make_suite(tmp_path / "suite", text))
    assert message.endswith(f"broken YAML at line {line}: duplicate key 'claims'")


def test_wrong_kind_names_the_field(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["participants"][0].update(kind="people"))
    assert refusal(gold) == (f"{gold}: participants[0].kind: must be one of person, organization, country, group, not 'people'")


def test_wrong_kind_deeper_in_the_list(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["participants"][2].update(kind="nation"))
    assert ": participants[2].kind: must be one of person, organization, country, group" in refusal(gold)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("event", "title"), "event.title"),
        (("event", "date"), "event.date"),
        (("participants", 0, "name"), "participants[0].name"),
        (("participants", 1, "kind"), "participants[1].kind"),
        (("claims", 0, "statement"), "claims[0].statement"),
        (("denials", 0, "denied"), "denials[0].denied"),
        (("id",), "id"),
        (("article",), "article"),
        (("participants",), "participants"),
    ],
)
def test_missing_field(tmp_path: Path, path: tuple[Any, ...], field: str) -> None:
    def drop(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    gold = with_change(tmp_path, drop)
    assert refusal(gold) == f"{gold}: {field}: required field is missing"


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (lambda d: d["participants"][0], "participants[0].role"),
        (lambda d: d["claims"][0], "claims[0].role"),
        (lambda d: d["event"], "event.role"),
        (lambda d: d, "role"),
    ],
)
def test_extra_key_is_refused(tmp_path: Path, where: Any, field: str) -> None:
    gold = with_change(tmp_path, lambda d: where(d).update(role="president"))
    assert refusal(gold) == f"{gold}: {field}: unknown key"


def test_misspelt_required_is_an_unknown_key(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["participants"][4].update(requried=False))
    assert refusal(gold).endswith("participants[4].requried: unknown key")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["participants"][0].update(name=123), "participants[0].name: must be text (put it in quotes)"),
        (lambda d: d["participants"][0].update(name="  "), "participants[0].name: must not be empty"),
        (lambda d: d["participants"][0].update(required="maybe"), "participants[0].required: must be true or false"),
        (lambda d: d.update(participants={"name": "x"}), "participants: must be a list"),
        (lambda d: d.update(event="Putin in Pyongyang"), "event: must be a mapping of keys to values"),
        (lambda d: d["event"].update(date="19 June 2024"), "event.date: must be a date (YYYY-MM-DD) or null, got '19 June 2024'"),
        (lambda d: d["event"].update(date="2024-02-30"), "event.date: must be a date (YYYY-MM-DD) or null, got '2024-02-30'"),
        (lambda d: d["denials"][0].update(speaker=[]), "denials[0].speaker: must be a name or a non-empty list of names"),
        (
            lambda d: d["claims"][0].update(speaker=["Kim Jong-un", 7]),
            "claims[0].speaker: must be a name or a non-empty list of names",
        ),
        (lambda d: d["claims"][0].update(quote=""), "claims[0].quote: must not be empty"),
    ],
)
def test_wrong_values_name_the_field(tmp_path: Path, change: Any, expected: str) -> None:
    gold = with_change(tmp_path, change)
    assert refusal(gold) == f"{gold}: {expected}"


def test_datetime_is_not_a_date(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE.replace("date: null", "date: 2024-06-19 10:00:00")
    assert refusal(make_suite(tmp_path / "suite", text)).endswith(
        "event.date: must be a date (YYYY-MM-DD) or null, not a date and time"
    )


def test_more_problems_are_counted_on_the_same_line(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["participants"][0]["kind"] = "people"
        d["participants"][1]["kind"] = "people"
        del d["event"]["title"]

    assert refusal(with_change(tmp_path, change)).endswith("(and 2 more problems)")


def test_speaker_must_be_a_participant(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["claims"][0].update(speaker="Kim Jong Il"))
    assert refusal(gold) == (
        f"{gold}: claims[0].speaker: 'Kim Jong Il' is not a participant's name or alias, nor 'unnamed source'"
    )


def test_speaker_list_member_and_accuser_must_be_participants(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["denials"][0].update(speaker=["Russia", "Moscow"]))
    assert ": denials[0].speaker[1]: 'Moscow' is not a participant's name or alias" in refusal(gold)
    gold = with_change(tmp_path, lambda d: d["denials"][0].update(accuser="Washington"))
    assert ": denials[0].accuser: 'Washington' is not a participant's name or alias" in refusal(gold)


def test_speaker_may_be_an_alias_in_another_spelling_or_unnamed(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["claims"][0]["speaker"] = "il presidente RUSSO"
        d["denials"][0]["speaker"] = "unnamed source"

    gold = with_change(tmp_path, change)
    assert load_case(gold, gold.parent.parent).claims[0].speaker == "il presidente RUSSO"


def test_participant_listed_twice(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["participants"].append({"name": "vladimir putin", "kind": "person"}))
    assert refusal(gold) == f"{gold}: participants[5].name: 'vladimir putin' is also participants[0]"


def test_gold_quote_must_be_in_the_article(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d["claims"][0].update(quote="Le relazioni sono ottime"))
    assert refusal(gold) == f"{gold}: claims[0].quote: not found verbatim in the article"
    gold = with_change(tmp_path, lambda d: d["denials"][0].update(quote="respinte da Washington"))
    assert refusal(gold) == f"{gold}: denials[0].quote: not found verbatim in the article"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the gold file is empty"),
        (b"# only a comment\n", "the gold file is empty"),
        (b"- id: x\n", "must be a YAML mapping (id, article, language, event, ...), not a list"),
        (b"just text\n", "must be a YAML mapping (id, article, language, event, ...), not a str"),
        (b"id: caf\xe9\n", "not valid UTF-8 at line 1; save the gold file as UTF-8"),
    ],
)
def test_files_that_are_not_gold_cases(tmp_path: Path, content: bytes, expected: str) -> None:
    gold = make_suite(tmp_path / "suite")
    gold.write_bytes(content)
    assert refusal(gold) == f"{gold}: {expected}"


def test_missing_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "suite" / "gold" / "nope.yaml"
    assert refusal(gold) == f"{gold}: no such file"


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    text = SPEC_EXAMPLE.replace("language: it", "language: !!python/object/apply:os.getcwd []")
    assert "broken YAML at line 3" in refusal(make_suite(tmp_path / "suite", text))


# --- the article path -------------------------------------------------------------------------


@pytest.mark.parametrize("article", ["../outside.txt", "articles/../../outside.txt", "gold/../../outside.txt"])
def test_article_leaving_the_suite_is_refused(tmp_path: Path, article: str) -> None:
    (tmp_path / "outside.txt").write_text(ARTICLE, encoding="utf-8")
    gold = with_change(tmp_path, lambda d: d.update(article=article))
    assert refusal(gold) == f"{gold}: article: leaves the suite folder ({article})"


def test_absolute_article_path_is_refused(tmp_path: Path) -> None:
    inside = str((tmp_path / "suite" / ARTICLE_NAME).resolve())
    gold = with_change(tmp_path, lambda d: d.update(article=inside))
    assert refusal(gold) == f"{gold}: article: must be a path relative to the suite folder, not an absolute path"


def test_symlink_out_of_the_suite_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    gold = with_change(tmp_path, lambda d: d.update(article="articles/link.txt"))
    os.symlink(tmp_path / "secret.txt", tmp_path / "suite" / "articles" / "link.txt")
    assert refusal(gold) == f"{gold}: article: leaves the suite folder (articles/link.txt)"


def test_missing_article_file(tmp_path: Path) -> None:
    gold = with_change(tmp_path, lambda d: d.update(article="articles/missing.txt"))
    message = refusal(gold)
    assert message.startswith(f"{gold}: article: ")
    assert message.endswith("missing.txt: no such file")


def test_empty_article_file(tmp_path: Path) -> None:
    gold = make_suite(tmp_path / "suite")
    (tmp_path / "suite" / ARTICLE_NAME).write_bytes(b"")
    assert refusal(gold).endswith("seed-putin-pyongyang.txt: file is empty")


# --- discovery --------------------------------------------------------------------------------


def test_discover_a_suite_sorts_its_gold_files(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    for name in ("b.yaml", "a.yaml", "c.yaml"):
        make_suite(suite, name=name)
    (suite / "gold" / "notes.txt").write_text("not gold", encoding="utf-8")
    (suite / "gold" / "old.yml").write_text("not run", encoding="utf-8")
    assert [p.name for p in discover([suite])] == ["a.yaml", "b.yaml", "c.yaml"]


def test_discover_takes_files_as_given_once(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    b = make_suite(suite, name="b.yaml")
    a = make_suite(suite, name="a.yaml")
    assert discover([b, a, b]) == [b, a]
    assert discover([b, suite]) == [b, a]


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("missing", "no such file or folder"),
        ("no-gold", "not a suite folder: it has no gold/ folder"),
        ("empty-gold", "no gold files (gold/*.yaml)"),
    ],
)
def test_discover_refuses(tmp_path: Path, layout: str, expected: str) -> None:
    target = tmp_path / "suite"
    if layout != "missing":
        target.mkdir()
    if layout == "empty-gold":
        (target / "gold").mkdir()
    with pytest.raises(InputError) as info:
        discover([target])
    assert str(info.value) == f"{target}: {expected}"


def test_suite_dir_of(tmp_path: Path) -> None:
    gold = make_suite(tmp_path / "suite")
    assert suite_dir_of(gold) == tmp_path / "suite"
    loose = tmp_path / "case.yaml"
    with pytest.raises(InputError, match=r"must sit in the gold/ folder of a suite"):
        suite_dir_of(loose)


def test_load_cases_from_a_suite(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    make_suite(suite, name="one.yaml")
    make_suite(suite, SPEC_EXAMPLE.replace("id: seed-putin-pyongyang", "id: second"), name="two.yaml")
    assert [c.id for c in load_cases([suite])] == ["seed-putin-pyongyang", "second"]


def test_load_cases_refuses_duplicate_ids(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    first = make_suite(suite, name="one.yaml")
    second = make_suite(suite, name="two.yaml")
    with pytest.raises(InputError) as info:
        load_cases([suite])
    assert str(info.value) == f"{second}: id: 'seed-putin-pyongyang' is also the id of {first}"
