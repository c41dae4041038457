"""Run files: the runs kept in evals/runs/ read back as typed objects, and serve as baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import InputError
from summarizer.eval.gold import GoldClaim, GoldParticipant
from summarizer.eval.report import FIELDS, baseline_lines, gate, headline, markdown_report
from summarizer.eval.results import CaseScore, QuoteSpeakerTotals
from summarizer.eval.runfile import EvalRun, load_run, run_json
from summarizer.schema import Briefing, Claim, PassUsage, Usage

ROOT = Path(__file__).resolve().parent.parent
RUN_FILES = sorted((ROOT / "evals" / "runs").glob("*.json"))
OLDEST, NEWEST = RUN_FILES[0], RUN_FILES[-1]


def raw(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def assert_kept(original: Any, again: Any, where: str = "run") -> None:
    """Everything the file holds is read back unchanged (later versions may only add keys)."""
    if isinstance(original, dict):
        assert isinstance(again, dict), where
        for key, value in original.items():
            assert key in again, f"{where}.{key}"
            assert_kept(value, again[key], f"{where}.{key}")
    elif isinstance(original, list):
        assert isinstance(again, list) and len(again) == len(original), where
        for i, (a, b) in enumerate(zip(original, again, strict=True)):
            assert_kept(a, b, f"{where}[{i}]")
    else:
        assert again == original and type(again) is type(original), where


def test_there_are_old_runs_to_read() -> None:
    assert len(RUN_FILES) >= 2


@pytest.mark.parametrize("path", RUN_FILES, ids=lambda p: p.stem)
def test_an_old_run_reads_back_with_nothing_lost(path: Path) -> None:
    assert_kept(raw(path), json.loads(run_json(load_run(path))))


def test_the_newest_run_file_is_written_again_byte_for_byte() -> None:
    """Byte for byte once the figures added since (null where the file predates them) are taken out again."""
    original, again = raw(NEWEST), json.loads(run_json(load_run(NEWEST)))
    if "quote_speakers" not in original["suite"]:
        assert again["suite"].pop("quote_speakers") is None
        for case in again["cases"]:
            assert case["score"].pop("quote_speakers") is None
    for kept, case in zip(original["cases"], again["cases"], strict=True):  # schema 1.2's web page fields
        if case.get("briefing") and "url" not in kept["briefing"]["source"]:
            for key in ("url", "extractor", "publication"):
                assert case["briefing"]["source"].pop(key) is None
    for kept, case in zip(original["cases"], again["cases"], strict=True):  # schema 1.3's cost per pass
        usages = [(kept["usage"], case["usage"])]
        if case.get("briefing"):
            usages.append((kept["briefing"]["provenance"]["usage"], case["briefing"]["provenance"]["usage"]))
        for old, new in usages:
            if "passes" not in old:
                assert (new.pop("seconds"), new.pop("passes")) == (0.0, {})
    for kept, case in zip(original["cases"], again["cases"], strict=True):  # refusals, counted since
        if "refused" not in kept:
            assert case.pop("refused") == {}
    assert json.dumps(again, indent=1, ensure_ascii=False) + "\n" == NEWEST.read_text(encoding="utf-8")


def test_the_report_gives_the_cost_of_each_pass_for_the_suite_and_each_case() -> None:
    usage = Usage(
        llm_calls=3,
        passes={"participants": PassUsage(llm_calls=2, prompt_tokens=900, seconds=4.0),
                "claims": PassUsage(llm_calls=1, reasks=1, completion_tokens=40, seconds=3.0)},
    )  # fmt: skip
    run = load_run(NEWEST)
    cases = [case.model_copy(update={"usage": usage}) for case in run.cases[:2]]
    report = markdown_report(run.model_copy(update={"cases": cases}))
    assert "| participants | 4 | 0 | 1,800 | 0 | 8 |" in report
    assert "| claims | 2 | 2 | 0 | 80 | 6 |" in report
    assert f"| {cases[0].case_id} | 2 calls, 0 re-asks, 4 s | 1 calls, 1 re-asks, 3 s |" in report
    assert "Cost by pass" not in markdown_report(load_run(OLDEST))  # a run from before has no such figures


def with_quote_speakers(run: EvalRun, right: int, matched: int) -> EvalRun:
    figure = QuoteSpeakerTotals(matched=matched, right=right, share=right / matched)
    return run.model_copy(update={"suite": run.suite.model_copy(update={"quote_speakers": figure})})


def test_quote_speakers_delta_only_against_a_baseline_that_has_the_figure() -> None:
    old, new = load_run(OLDEST), with_quote_speakers(load_run(NEWEST), 3, 4)
    assert headline(old)["quote_speakers.share"] is None
    assert not [line for line in baseline_lines(new, old) if "quote_speakers" in line]
    lines = baseline_lines(new, with_quote_speakers(old, 1, 4))
    assert "quote_speakers.share: 0.250 → 0.750 (+0.500)" in lines
    assert "quote_speakers.share: 0.750 → 0.250 (-0.500) (worse)" in baseline_lines(with_quote_speakers(old, 1, 4), new)


def suite_cell(report: str, column: str) -> str:
    rows = [line.strip("|").split(" | ") for line in report.splitlines() if line.startswith("| ")]
    header, suite = rows[0], next(r for r in rows if r[0].strip() == "**suite**")
    return suite[header.index(column)].strip()


def test_quote_speakers_in_the_report_of_an_old_run_and_a_new_one() -> None:
    assert suite_cell(markdown_report(load_run(OLDEST)), "quote speakers") == "–"
    assert suite_cell(markdown_report(with_quote_speakers(load_run(OLDEST), 3, 4)), "quote speakers") == "3/4 (0.75)"


def test_an_old_run_is_typed_objects() -> None:
    run, data = load_run(OLDEST), raw(OLDEST)
    assert isinstance(run, EvalRun)
    assert run.suite.claims.f1 == data["suite"]["claims"]["f1"]
    assert run.totals.llm_calls == data["totals"]["llm_calls"]
    case = run.cases[0]
    assert (case.case_id, case.gold_path) == (data["cases"][0]["id"], data["cases"][0]["gold"])
    assert isinstance(case.briefing, Briefing) and isinstance(case.score, CaseScore)
    claims = case.score.claims
    assert claims.missed and all(isinstance(m.item, GoldClaim) for m in claims.missed)
    assert claims.extra and all(isinstance(m.item, Claim) for m in claims.extra)
    assert all(isinstance(m.gold, GoldParticipant) for m in case.score.participants.matched)
    stored = data["cases"][0]["score"]["claims"]["missed"]
    assert [m.item.statement for m in claims.missed] == [m["item"]["statement"] for m in stored]


def test_headline_of_an_old_run_is_its_stored_figures() -> None:
    figures, data = headline(load_run(OLDEST)), raw(OLDEST)
    for name in FIELDS:
        for metric in ("precision", "recall", "f1"):
            assert figures[f"{name}.{metric}"] == data["suite"][name][metric]
    assert figures["quotes.grounded_share"] == data["suite"]["quotes"]["share"]
    assert figures["tokens"] == data["totals"]["prompt_tokens"] + data["totals"]["completion_tokens"]
    assert figures["seconds"] == data["seconds"]


def test_an_old_run_is_a_baseline() -> None:
    old, new = raw(OLDEST), raw(NEWEST)
    lines = baseline_lines(load_run(NEWEST), load_run(OLDEST))
    before, after = old["suite"]["claims"]["f1"], new["suite"]["claims"]["f1"]
    assert f"claims.f1: {before:.3f} → {after:.3f} ({after - before:+.3f})" in lines

    # The other way round, every case that lost F1 in some field is named, and no other.
    lines = baseline_lines(load_run(OLDEST), load_run(NEWEST))
    newer = {c["id"]: c["score"] for c in new["cases"]}
    worse = {c["id"] for c in old["cases"] if any(c["score"][f]["f1"] < newer[c["id"]][f]["f1"] - 1e-9 for f in FIELDS)}
    assert worse
    named = {line.split()[1] for line in lines if line.startswith("case ")}
    assert named == worse


def test_markdown_report_of_an_old_run_against_another() -> None:
    data = raw(NEWEST)
    report = markdown_report(load_run(NEWEST), load_run(OLDEST))
    assert report.startswith(f"# Evaluation: {data['model']}") and "## Against the baseline" in report
    for case in data["cases"]:
        assert f"### {case['id']}" in report
        for missed in case["score"]["participants"]["missed"]:
            assert f"{missed['item']['name']} ({missed['item']['kind']})" in report
    assert gate(load_run(NEWEST), {"participants": 0.0}) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "cannot read an eval run"),
        ("[1, 2]", "not an eval run written by summarizer eval"),
        ('{"format": 1}', "not an eval run written by summarizer eval (started_at: Field required)"),
    ],
)
def test_what_is_not_a_run_file_is_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "run.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_run(path)
    assert expected in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)


def test_another_format_is_refused(tmp_path: Path) -> None:
    data = raw(NEWEST)
    data["format"] = 2
    path = tmp_path / "run.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="not an eval run written by summarizer eval"):
        load_run(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read an eval run"):
        load_run(tmp_path / "nothing.json")
