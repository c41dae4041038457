"""``summarizer eval`` end to end over a fake OpenAI server: reports, cache, baseline, gates.

The fake model (tests/fakemodel.py) knows only the seed article; it stands in for a model so that
the runner, the cache and the reports can be checked exactly. Scores here are the fake's, not a
model result.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakemodel import FakeModel
from fakeserver import FakeServer, respond

from summarizer.cli import main

ROOT = Path(__file__).resolve().parent.parent
SENTINEL = "sk-test-SENTINEL-0123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    with FakeServer(default=respond(FakeModel())) as fake:
        yield fake


def run_eval(server: FakeServer, *args: str) -> int:
    return main(["eval", *args, "--base-url", server.base_url, "--model", "fake"])


def the_run(out: Path) -> dict:
    (path,) = sorted(out.glob("*.json"))
    return json.loads(path.read_text())


def test_eval_writes_reports_and_a_second_run_makes_no_llm_call(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval(server, str(suite), "--out", str(tmp_path / "runs1")) == 0
    first_calls = server.calls
    assert first_calls > 5
    run = the_run(tmp_path / "runs1")
    (case,) = run["cases"]
    assert case["id"] == "seed-putin-pyongyang" and case["schema_valid"] and case["error"] is None
    assert run["totals"]["llm_calls"] == first_calls and run["totals"]["cache_hits"] == 0
    for field in ("participants", "claims", "denials"):
        assert 0.0 <= run["suite"][field]["f1"] <= 1.0
        assert {"matched", "missed", "extra"} <= set(case["score"][field])
    speakers = case["score"]["quote_speakers"]
    assert 0 <= speakers["right"] <= speakers["matched"] and set(run["suite"]["quote_speakers"]) == {"matched", "right", "share"}
    report = next((tmp_path / "runs1").glob("*.md")).read_text()
    assert report.startswith("# Evaluation: fake") and "seed-putin-pyongyang" in report
    assert "| quote speakers |" in report and f"{speakers['right']}/{speakers['matched']}" in report
    shown = capsys.readouterr().out
    assert "seed-putin-pyongyang" in shown and "suite" in shown

    assert run_eval(server, str(suite), "--out", str(tmp_path / "runs2")) == 0
    assert server.calls == first_calls  # every reply came from the cache
    again = the_run(tmp_path / "runs2")
    assert again["totals"]["cache_hits"] == first_calls
    assert again["suite"] == run["suite"]

    cached = list((tmp_path / "cache" / "completions").rglob("*.json"))
    assert len(cached) == first_calls
    assert all(SENTINEL not in p.read_text() for p in cached)
    assert all(SENTINEL not in p.read_text() for p in (tmp_path / "runs1").iterdir())


def test_corrupt_cache_entry_is_asked_again_and_rewritten(server: FakeServer, suite: Path, tmp_path: Path) -> None:
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a")) == 0
    calls = server.calls
    victim = sorted((tmp_path / "cache" / "completions").rglob("*.json"))[0]
    victim.write_text("{not json")
    assert run_eval(server, str(suite), "--out", str(tmp_path / "b")) == 0
    assert server.calls == calls + 1
    assert json.loads(victim.read_text())["response"]["choices"]


def test_no_cache_asks_again(server: FakeServer, suite: Path, tmp_path: Path) -> None:
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a")) == 0
    calls = server.calls
    assert run_eval(server, str(suite), "--out", str(tmp_path / "b"), "--no-cache") == 0
    assert server.calls == 2 * calls


def test_thresholds_gate_the_exit_code(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a"), "--min-f1", "participants=0.1") == 0
    f1 = the_run(tmp_path / "a")["suite"]["claims"]["f1"]
    assert f1 < 1.0
    capsys.readouterr()
    assert run_eval(server, str(suite), "--out", str(tmp_path / "b"), "--min-f1", "claims=1.0") == 1
    assert f"claims F1 {f1:.2f} is below the minimum 1.00" in capsys.readouterr().err
    assert run_eval(server, str(suite), "--min-f1", "claims=2") == 2  # not a valid threshold


def test_baseline_names_the_case_that_got_worse(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a")) == 0
    baseline = the_run(tmp_path / "a")
    baseline["cases"][0]["score"]["claims"]["f1"] = 1.0  # pretend it used to be perfect
    baseline["suite"]["claims"]["f1"] = 1.0
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline))
    capsys.readouterr()
    assert run_eval(server, str(suite), "--out", str(tmp_path / "b"), "--baseline", str(path)) == 0
    out = capsys.readouterr().out
    assert "case seed-putin-pyongyang got worse: claims F1 1.00 →" in out
    assert "claims.f1: 1.000 →" in out
    report = next((tmp_path / "b").glob("*.md")).read_text()
    assert "## Against the baseline" in report and "got worse" in report


def test_a_run_kept_in_evals_runs_is_a_baseline(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = sorted((ROOT / "evals" / "runs").glob("*.json"))[0]
    before = json.loads(old.read_text(encoding="utf-8"))["suite"]["participants"]["f1"]
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a"), "--baseline", str(old)) == 0
    after = the_run(tmp_path / "a")["suite"]["participants"]["f1"]
    assert f"participants.f1: {before:.3f} → {after:.3f}" in capsys.readouterr().out


def test_broken_gold_file_is_one_line_and_the_other_cases_still_run(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = suite / "gold" / "a-broken.yaml"
    broken.write_text((suite / "gold" / "seed-putin-pyongyang.yaml").read_text().replace("kind: person", "kind: human", 1))
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a")) == 1
    run = the_run(tmp_path / "a")
    by_id = {c["id"]: c for c in run["cases"]}
    assert by_id["seed-putin-pyongyang"]["schema_valid"]
    error = by_id["a-broken"]["error"]
    assert "a-broken.yaml" in error and "kind" in error and "\n" not in error
    assert "case(s) could not be scored" in capsys.readouterr().err


def test_article_path_leaving_the_suite_is_refused(server: FakeServer, suite: Path, tmp_path: Path) -> None:
    gold = suite / "gold" / "seed-putin-pyongyang.yaml"
    gold.write_text(gold.read_text().replace("article: articles/", "article: ../../", 1))
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a")) == 1
    (case,) = the_run(tmp_path / "a")["cases"]
    assert "leaves the suite folder" in case["error"]
    assert server.calls == 0


def test_cases_runs_only_the_matching_cases_and_reports_each_with_its_time(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = suite / "gold" / "a-broken.yaml"  # would fail the run if it were run
    other.write_text("not: a gold file\n")
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a"), "--cases", "seed-*,zz-nothing*") == 2
    assert "'zz-nothing*' matches no case" in capsys.readouterr().err  # a typo never runs a smaller suite quietly
    assert server.calls == 0

    assert run_eval(server, str(suite), "--out", str(tmp_path / "a"), "--cases", "seed-*") == 0
    assert [c["id"] for c in the_run(tmp_path / "a")["cases"]] == ["seed-putin-pyongyang"]
    err = capsys.readouterr().err
    assert re.search(r"seed-putin-pyongyang: \d+ s, \d+ LLM calls, \d+ re-asks", err)


def test_an_80_column_terminal_gets_a_table_that_fits(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert run_eval(server, str(suite), "--out", str(tmp_path / "a")) == 0
    shown = capsys.readouterr().out
    assert max(len(line) for line in shown.splitlines()) <= 80
    run = the_run(tmp_path / "a")
    suite_row = next(line for line in shown.splitlines() if line.strip().startswith("suite"))
    assert f"{run['suite']['claims']['f1']:.2f}" in suite_row.split()  # whole figures, not broken across lines
    assert "Cost by pass" in shown and "participants" in shown


def test_refused_replies_are_counted_by_pass_and_rule(
    monkeypatch: pytest.MonkeyPatch, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    with FakeServer(default=respond(FakeModel(faults={"Attribution": ["Sure, here it is.", "{}"]}))) as server:
        assert run_eval(server, str(suite), "--out", str(tmp_path / "runs")) == 0

    (case,) = the_run(tmp_path / "runs")["cases"]
    assert case["refused"]["claims: not JSON"] == 1
    assert case["refused"]["claims: speaker: missing"] == 1  # the re-ask was refused too: the question gave up
    assert case["usage"]["passes"]["claims"]["reasks"] == 1
    report = next((tmp_path / "runs").glob("*.md")).read_text()
    assert "## Why replies were refused" in report and "| claims: not JSON | 1 |" in report
    assert "Why replies were refused" in capsys.readouterr().out
