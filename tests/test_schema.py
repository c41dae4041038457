"""Tests for summarizer.schema and the published ``schemas/briefing.schema.json``.

Field names are a contract with outside tools, so they are written out here by hand: renaming a
field in the models must fail a test, not silently change the published schema.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from summarizer.schema import Briefing, briefing_json_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schemas" / "briefing.schema.json"
GENERATOR = ROOT / "scripts" / "generate_schema.py"
REGENERATE = "python scripts/generate_schema.py"


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    assert SCHEMA_FILE.is_file(), f"{SCHEMA_FILE} is missing; generate it with: {REGENERATE}"
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(committed: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(committed)
    cls.check_schema(committed)
    return cls(committed, format_checker=cls.FORMAT_CHECKER)


def valid_briefing() -> dict[str, Any]:
    """A complete briefing as JSON, written by hand (not produced by the models under test)."""
    return {
        "schema_version": "1.0",
        "event": {
            "title": "Putin visits Pyongyang",
            "summary": "Vladimir Putin met Kim Jong-un in Pyongyang. They agreed on a strategic partnership.",
            "date": "2024-06-19",
            "location": "Pyongyang, North Korea",
        },
        "participants": [
            {
                "name": "Vladimir Putin",
                "kind": "person",
                "role": "President of Russia",
                "aliases": ["Vladimir Putin", "Putin"],
            },
            {"name": "North Korea", "kind": "country", "role": None, "aliases": ["Pyongyang"]},
        ],
        "claims": [
            {
                "speaker": "Vladimir Putin",
                "statement": "Putin thanked Kim for his support.",
                "quote": "Grazie per il sostegno",
                "quote_span": [1500, 1522],
            },
            {"speaker": "unnamed source", "statement": "A reported statement.", "quote": None, "quote_span": None},
        ],
        "denials": [
            {
                "speaker": "Russia",
                "denied": "Russia denies receiving North Korean weapons.",
                "accuser": "United States",
                "quote": "Accuse che Mosca e Pyongyang hanno ufficialmente respinto.",
                "quote_span": [1200, 1258],
            },
            {
                "speaker": "North Korea",
                "denied": "Arms deliveries.",
                "accuser": None,
                "quote": None,
                "quote_span": None,
            },
        ],
        "source": {"language": "it", "chars": 2300, "sha256": "0" * 64},
        "provenance": {
            "model": "qwen2.5-coder-1.5b-instruct-q4_k_m",
            "backend": "embedded",
            "prompt": {"template": "briefing", "version": "2", "sha256": "f" * 64},
            "created_at": "2024-06-19T10:00:00Z",
            "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "llm_calls": 14, "reasks": 1},
            "briefing_language": "en",
        },
        "warnings": [{"section": "claims", "message": "duplicate dropped", "item": {"quote": "x"}}],
    }


def web_briefing() -> dict[str, Any]:
    """A 1.2 briefing of a web page: the source says where it came from and what the page states."""
    data = valid_briefing()
    data["schema_version"] = "1.2"
    data["source"].update(
        url="https://news.example/putin-pyongyang",
        extractor={"name": "trafilatura", "version": "2.3.1"},
        publication={
            "headline": "Putin a Pyongyang",
            "published": "2024-06-18",
            "site_name": "Il Giornale",
            "author": "Mario Rossi",
            "canonical_url": "https://news.example/putin-pyongyang",
            "language": "it-IT",
        },
    )
    return data


def accepted_by_schema(validator: jsonschema.protocols.Validator, data: dict[str, Any]) -> bool:
    return not list(validator.iter_errors(data))


def accepted_by_models(data: dict[str, Any]) -> bool:
    try:
        Briefing.model_validate(data)
    except ValidationError:
        return False
    return True


# --- the committed file -----------------------------------------------------------------------


def test_committed_schema_is_the_generated_one(committed: dict[str, Any]) -> None:
    assert committed == briefing_json_schema(), (
        f"{SCHEMA_FILE.relative_to(ROOT)} is out of date with summarizer/schema.py; regenerate it with: {REGENERATE}"
    )


def test_generator_check_passes_on_committed_file_and_fails_on_stale_one(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    stale = tmp_path / "briefing.schema.json"
    stale.write_text(SCHEMA_FILE.read_text(encoding="utf-8").replace('"title"', '"titel"', 1), encoding="utf-8")
    failed = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--output", str(stale)], capture_output=True, text=True, cwd=ROOT
    )
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1 and REGENERATE in failed.stderr
    assert stale.read_text(encoding="utf-8") != SCHEMA_FILE.read_text(encoding="utf-8")  # --check never writes


def test_committed_file_format_is_sorted_indented_with_trailing_newline(committed: dict[str, Any]) -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert text == json.dumps(committed, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- field names (the contract) ---------------------------------------------------------------

EXPECTED_FIELDS = {
    "Briefing": {"schema_version", "event", "participants", "claims", "denials", "source", "provenance", "warnings"},
    "Event": {"title", "summary", "date", "location"},
    "Participant": {"name", "kind", "role", "aliases"},
    "Claim": {"speaker", "statement", "quote", "quote_span"},
    "Denial": {"speaker", "denied", "accuser", "quote", "quote_span"},
    "Source": {"language", "chars", "sha256", "url", "extractor", "publication"},
    "Publication": {"headline", "published", "site_name", "author", "canonical_url", "language"},
    "ExtractorRef": {"name", "version"},
    "Provenance": {"model", "backend", "prompt", "created_at", "usage", "briefing_language", "cost_usd", "chunks"},
    "PromptRef": {"template", "version", "sha256"},
    "Usage": {"prompt_tokens", "completion_tokens", "llm_calls", "reasks", "cached_tokens", "seconds", "passes"},
    "PassUsage": {"llm_calls", "reasks", "prompt_tokens", "completion_tokens", "seconds"},
    "BriefingWarning": {"section", "message", "item"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_FIELDS))
def test_field_names_are_exactly_the_documented_ones(committed: dict[str, Any], name: str) -> None:
    definition = committed if name == "Briefing" else committed["$defs"][name]
    assert set(definition["properties"]) == EXPECTED_FIELDS[name]
    assert definition["additionalProperties"] is False


def test_every_object_in_the_schema_is_listed_above(committed: dict[str, Any]) -> None:
    assert set(committed["$defs"]) | {"Briefing"} == set(EXPECTED_FIELDS)


def test_kind_is_one_of_four(committed: dict[str, Any]) -> None:
    assert set(committed["$defs"]["Participant"]["properties"]["kind"]["enum"]) == {
        "person",
        "organization",
        "country",
        "group",
    }


# --- validation: the schema and the models agree ----------------------------------------------


def test_hand_made_briefing_is_valid_for_schema_and_models(validator: jsonschema.protocols.Validator) -> None:
    data = valid_briefing()
    validator.validate(data)
    briefing = Briefing.model_validate(data)
    assert briefing.claims[0].quote_span == (1500, 1522)
    # What the models write back is valid for the schema too, and equal to what was read.
    dumped = json.loads(briefing.model_dump_json())
    validator.validate(dumped)
    assert Briefing.model_validate(dumped) == briefing


def test_minimal_briefing_with_defaults_is_valid(validator: jsonschema.protocols.Validator) -> None:
    data = valid_briefing()
    del data["schema_version"], data["warnings"]
    data["provenance"]["usage"] = {}
    data["event"]["date"] = None
    data["participants"] = data["claims"] = data["denials"] = []
    assert accepted_by_schema(validator, data)
    assert accepted_by_models(data)


@pytest.mark.parametrize("date", ["2024-13-01", "June 5", "2024-6-5", "2024-02-30", "19/06/2024", "2024-06-19T10:00"])
def test_bad_dates_are_rejected(validator: jsonschema.protocols.Validator, date: str) -> None:
    data = valid_briefing()
    data["event"]["date"] = date
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@pytest.mark.parametrize(
    "path",
    [
        ("extra",),
        ("event", "extra"),
        ("participants", 0, "extra"),
        ("claims", 0, "extra"),
        ("denials", 0, "extra"),
        ("source", "extra"),
        ("source", "publication", "extra"),
        ("source", "extractor", "extra"),
        ("provenance", "extra"),
        ("provenance", "prompt", "extra"),
        ("provenance", "usage", "extra"),
        ("warnings", 0, "extra"),
    ],
    ids=lambda p: ".".join(map(str, p)),
)
def test_extra_keys_are_rejected(validator: jsonschema.protocols.Validator, path: tuple[Any, ...]) -> None:
    data = copy.deepcopy(web_briefing())
    _set(data, path, "surprise")
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)


@pytest.mark.parametrize("kind", ["people", "Person", "company", "place", ""])
def test_kind_outside_the_four_is_rejected(validator: jsonschema.protocols.Validator, kind: str) -> None:
    data = valid_briefing()
    data["participants"][0]["kind"] = kind
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema_version",), "2.0"),
        (("claims", 0, "quote_span"), [1, 2, 3]),
        (("claims", 0, "quote_span"), [1]),
        (("denials", 0, "quote_span"), ["a", "b"]),
        (("source", "chars"), "many"),
        (("warnings", 0, "section"), "source"),
    ],
    ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else repr(v),
)
def test_other_bad_values_are_rejected(
    validator: jsonschema.protocols.Validator, path: tuple[Any, ...], value: Any
) -> None:
    data = valid_briefing()
    _set(data, path, value)
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)


@pytest.mark.parametrize(
    "missing", ["event", "participants", "claims", "denials", "source", "provenance"], ids=str
)
def test_required_sections(validator: jsonschema.protocols.Validator, missing: str) -> None:
    data = valid_briefing()
    del data[missing]
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)


def test_nullable_fields_must_still_be_present(validator: jsonschema.protocols.Validator) -> None:
    """null is a statement ("the article does not say"); a missing key is a broken producer."""
    for section, field in [("claims", "quote"), ("claims", "quote_span"), ("denials", "accuser")]:
        data = valid_briefing()
        del data[section][1][field]
        assert not accepted_by_schema(validator, data), (section, field)
        assert not accepted_by_models(data), (section, field)
    data = valid_briefing()
    del data["event"]["date"]
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)


def test_web_page_source_is_valid_and_round_trips(validator: jsonschema.protocols.Validator) -> None:
    data = web_briefing()
    validator.validate(data)
    briefing = Briefing.model_validate(data)
    assert briefing.source.publication is not None and briefing.source.publication.published == "2024-06-18"
    assert briefing.event.date == "2024-06-19"  # the event's date is its own, not the publication's
    assert json.loads(briefing.model_dump_json())["source"] == data["source"]


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_versions_without_the_web_fields_are_still_read(validator: jsonschema.protocols.Validator, version: str) -> None:
    data = valid_briefing()
    data["schema_version"] = version
    assert accepted_by_schema(validator, data)
    briefing = Briefing.model_validate(data)
    assert (briefing.source.url, briefing.source.extractor, briefing.source.publication) == (None, None, None)


@pytest.mark.parametrize("date", ["2024-13-01", "June 5", "2024-02-30", "2024-06-19T10:00"])
def test_bad_publication_dates_are_rejected(validator: jsonschema.protocols.Validator, date: str) -> None:
    data = web_briefing()
    data["source"]["publication"]["published"] = date
    assert not accepted_by_schema(validator, data)
    assert not accepted_by_models(data)
