"""Pass-level evaluation: one pass alone, fed from gold, scored on what it decides.

The scoring logic runs on the scripted stand-in at the ask seam (``seed_script.py``, a lookup
table for the seed, not a model result); ``eval --pass`` end to end runs over the fake OpenAI
server, so the run file, the cache, the baseline and the terminal table are checked exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import seed_script
from fakemodel import FakeModel
from fakeserver import FakeServer, respond

from summarizer.cli import main
from summarizer.eval.gold import load_case
from summarizer.eval.passes import (
    attribution_pass,
    denials_pass,
    event_pass,
    figures_of,
    participants_pass,
    reported_pass,
)
from summarizer.pipeline import Options
from summarizer.pipeline.ask import Question
from summarizer.pipeline.summarizer import prepare
from summarizer.testing import ScriptedModel

ROOT = Path(__file__).resolve().parent.parent
SEED_GOLD = ROOT / "evals" / "gold" / "seed-putin-pyongyang.yaml"


def seed_case():
    gold = load_case(SEED_GOLD, ROOT / "evals")
    story, parts = prepare(gold.loaded_article)
    return gold, story, parts


def test_participants_pass_counts_per_kind_and_lists_what_gold_does_not_have() -> None:
    gold, story, parts = seed_case()
    people = [*seed_script.PEOPLE, {"name": "Marco Rossi", "role": "reporter", "aliases": []}]
    listed = {**seed_script.PARTICIPANTS, "people": people}
    model = ScriptedModel({"participants": lambda q: {q.variables["kind"]: listed[q.variables["kind"]]}})
    outcome = participants_pass(model, story, parts, gold)

    assert {q.name for q in model.questions} == {"participants"}  # no other pass runs
    assert (outcome.counts["tp"], outcome.counts["fp"], outcome.counts["fn"]) == (5, 1, 0)
    assert outcome.counts["person fp"] == 1 and outcome.counts["country tp"] == 3
    assert "not in gold: Marco Rossi (person, reporter)" in outcome.details
    figures = figures_of("participants", outcome.counts)
    assert figures["recall"] == 1.0 and figures["precision"] == pytest.approx(5 / 6)
    assert figures["country F1"] == 1.0 and figures["organization F1"] is None  # no organization on either side


def test_attribution_pass_asks_each_gold_quote_among_the_gold_names() -> None:
    gold, story, parts = seed_case()

    def putin_if_offered(q: Question) -> dict[str, str]:
        offered = seed_script.choices(q.reply, "speaker")
        return {"speaker": "Vladimir Putin" if "Vladimir Putin" in offered else offered[0], "statement": "He speaks."}

    model = ScriptedModel({"attribution": putin_if_offered})
    outcome = attribution_pass(model, story, parts, gold)

    quoted = [c for c in gold.claims if c.quote]
    assert [q.name for q in model.questions] == ["attribution"] * len(quoted)
    offered = [seed_script.choices(q.reply, "speaker") for q in model.questions]
    assert offered[0] == ["Kim Jong-un"]  # "…", ha detto Kim Jong-un: the tag names the speaker
    assert "[[" + quoted[0].quote in model.questions[0].passage
    untagged = offered[1:]
    assert all(o[-1] == "unnamed source" for o in untagged)  # the gold names written near each quote
    assert not {"Ukraine", "United Nations"} & set(untagged[0])  # named only far from it
    right = 1 + sum(c.speaker == "Vladimir Putin" for c in quoted[1:])
    assert outcome.counts["speaker right"] == right and outcome.counts["quotes"] == len(quoted)
    figures = figures_of("attribution", outcome.counts)
    assert figures["speaker right"] == pytest.approx(right / len(quoted))
    assert figures["in language"] == 1.0 and 0.0 < figures["similarity"] < 1.0
    assert any(line.startswith("speaker 'Vladimir Putin', gold 'Korean Central News Agency'") for line in outcome.details)


def test_attribution_pass_counts_a_statement_left_in_the_article_language() -> None:
    gold, story, parts = seed_case()
    italian = "Le relazioni tra i due paesi entrano in un periodo di grande prosperità e di cooperazione."
    model = ScriptedModel({"attribution": {"speaker": "Kim Jong-un", "statement": italian}})
    figures = figures_of("attribution", attribution_pass(model, story, parts, gold).counts)
    assert figures["in language"] == 0.0 and figures["answered"] == 1.0


def test_reported_pass_matches_the_statements_found_to_gold_claims_without_a_quote() -> None:
    gold, story, parts = seed_case()
    model = ScriptedModel(seed_script.SCRIPT)
    outcome = reported_pass(model, story, parts, gold)

    assert [q.name for q in model.questions] == ["reported", "attribution"]  # pick sentences, attribute the one picked
    offered = seed_script.choices(model.questions[0].reply, "sentences")
    assert not any(c.quote and c.quote in sentence for c in gold.claims for sentence in offered)  # quoted ones are not
    assert (outcome.counts["tp"], outcome.counts["fp"], outcome.counts["fn"]) == (1, 0, 0)  # the US claim is optional
    assert figures_of("reported", outcome.counts) == {"recall": 1.0, "precision": 1.0, "F1": 1.0, "speaker right": 1.0}


def test_reported_pass_counts_a_wrong_speaker_and_lists_what_gold_does_not_have() -> None:
    gold, story, parts = seed_case()
    def three(q: Question) -> dict[str, list[str]]:  # Kim's sentence and two more, as many as a reply may pick
        offered = seed_script.choices(q.reply, "sentences")
        kim = next(s for s in offered if s.startswith(seed_script.REPORTED_SENTENCE_START))
        return {"sentences": [kim, *[s for s in offered if s != kim][:2]]}

    model = ScriptedModel({"reported": three, "attribution": lambda q: {
        "speaker": "Vladimir Putin", "statement": seed_script.statement_for(q.passage or "[[]]", "Putin")}})
    outcome = reported_pass(model, story, parts, gold)

    assert outcome.counts["tp"] == 1 and outcome.counts["speaker right"] == 0
    assert outcome.counts["fp"] == 2  # the other two sentences are not in gold
    assert any(line.startswith("speaker 'Vladimir Putin', gold 'Kim Jong-un'") for line in outcome.details)
    assert any(line.startswith("not in gold: Vladimir Putin: ") for line in outcome.details)
    figures = figures_of("reported", outcome.counts)
    assert figures["speaker right"] == 0.0 and figures["recall"] == 1.0 and figures["precision"] < 0.5


def test_denials_pass_asks_each_candidate_with_the_gold_participants() -> None:
    gold, story, parts = seed_case()
    model = ScriptedModel(seed_script.SCRIPT)
    outcome = denials_pass(model, story, parts, gold)

    assert {q.name for q in model.questions} == {"deniers", "accusation"}  # the gold aliases resolve every name
    # one gold denial by Russia or North Korea: the first denier found matches, the second is one too many
    assert (outcome.counts["tp"], outcome.counts["fp"], outcome.counts["fn"]) == (1, 1, 0)
    figures = figures_of("denials", outcome.counts)
    assert figures["denier right"] == 1.0 and figures["accuser right"] == 1.0 and figures["in language"] == 1.0
    assert figures["precision"] == 0.5 and figures["similarity"] > 0.5
    assert any(line.startswith("not in gold: ") for line in outcome.details)


def test_denials_pass_counts_a_wrong_accuser_and_a_denial_left_in_the_article_language() -> None:
    gold, story, parts = seed_case()
    quoted = gold.denials[0].model_copy(update={"quote": seed_script.DENIAL_SENTENCE})  # matched by where it is
    gold = gold.model_copy(update={"denials": [quoted]})
    italian = "La Corea del Nord ha fornito armi alla Russia per la guerra in Ucraina, violando le sanzioni dell'Onu."
    model = ScriptedModel({**seed_script.SCRIPT, "deniers": {"denied_by": ["Mosca"]},
                           "accusation": {"accuser": "Onu", "accusation": italian}})  # fmt: skip
    outcome = denials_pass(model, story, parts, gold)

    figures = figures_of("denials", outcome.counts)
    assert (outcome.counts["tp"], outcome.counts["fp"]) == (1, 0)
    assert figures["accuser right"] == 0.0 and figures["in language"] == 0.0 and figures["denier right"] == 1.0
    assert any(line.startswith("accuser 'United Nations', gold 'United States'") for line in outcome.details)
    assert any(line.startswith("denied not in the briefing language: ") for line in outcome.details)


def test_event_pass_scores_date_place_and_title() -> None:
    gold, story, parts = seed_case()
    model = ScriptedModel(seed_script.SCRIPT)
    outcome = event_pass(model, story, parts, gold)
    assert [q.name for q in model.questions] == ["event"]
    figures = figures_of("event", outcome.counts)
    assert figures["date"] == 1.0 and figures["place"] == 1.0 and figures["title sim"] > 0.5


def test_event_pass_on_a_split_article_is_told_the_gold_statements_of_later_parts() -> None:
    gold = load_case(SEED_GOLD, ROOT / "evals")
    story, parts = prepare(gold.loaded_article, options=Options(chunk_tokens=250))
    assert len(parts) > 1
    model = ScriptedModel(seed_script.SCRIPT)
    event_pass(model, story, parts, gold)
    (question,) = model.questions
    later = [c for c in gold.claims if c.quote and not parts[0].owns(story.text.find(c.quote))]
    assert later and question.variables["later"] == [f"{c.speaker}: {c.statement}" for c in later]


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with FakeServer(default=respond(FakeModel())) as fake:
        yield fake


def run_eval(server: FakeServer, *args: str) -> int:
    return main(["eval", *args, "--base-url", server.base_url, "--model", "fake"])


def the_run(out: Path) -> dict:
    (path,) = sorted(out.glob("*.json"))
    return json.loads(path.read_text())


def test_eval_pass_writes_its_run_and_a_rerun_asks_nothing(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert run_eval(server, str(suite), "--pass", "attribution", "--out", str(tmp_path / "a")) == 0
    quoted = sum(1 for c in load_case(SEED_GOLD, ROOT / "evals").claims if c.quote)
    assert server.calls == quoted  # the attribution questions and nothing else
    run = the_run(tmp_path / "a")
    assert run["kind"] == "pass" and run["pass"] == "attribution"
    (case,) = run["cases"]
    assert case["usage"]["llm_calls"] == quoted and case["counts"]["quotes"] == quoted
    assert set(run["figures"]) == {"speaker right", "similarity", "in language", "answered"}
    assert next((tmp_path / "a").glob("*-pass-attribution.md")).read_text().startswith("# Pass-level evaluation: attribution")
    shown = capsys.readouterr()
    assert max(len(line) for line in shown.out.splitlines()) <= 80
    suite_row = next(line for line in shown.out.splitlines() if line.strip().startswith("suite")).split()
    assert all(f"{value:.2f}" in suite_row for value in run["figures"].values())  # whole figures, not cut
    assert "…" not in shown.out  # no header cut short either
    assert "seed-putin-pyongyang: " in shown.err

    baseline = next((tmp_path / "a").glob("*.json"))
    assert run_eval(server, str(suite), "--pass", "attribution", "--out", str(tmp_path / "b"), "--baseline", str(baseline)) == 0
    assert server.calls == quoted  # every answer from the cache
    assert "speaker right: " in capsys.readouterr().out and "(+0.000)" in next((tmp_path / "b").glob("*.md")).read_text()


def test_eval_pass_participants_asks_only_the_participants_questions(server: FakeServer, suite: Path, tmp_path: Path) -> None:
    assert run_eval(server, str(suite), "--pass", "participants", "--out", str(tmp_path / "a")) == 0
    assert server.calls == 4  # one question per kind
    run = the_run(tmp_path / "a")
    assert run["figures"]["recall"] == 1.0  # the fake lists the seed's five required participants
    assert run["figures"]["person F1"] == 1.0 and run["figures"]["country F1"] == 1.0


@pytest.mark.parametrize(
    ("pass_name", "figures"),
    [
        ("reported", {"recall", "precision", "F1", "speaker right"}),
        ("denials", {"recall", "precision", "F1", "denier right", "accuser right", "similarity", "in language"}),
    ],
)
def test_eval_pass_reported_and_denials_write_their_figures(
    server: FakeServer, suite: Path, tmp_path: Path, pass_name: str, figures: set[str],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "80")
    assert run_eval(server, str(suite), "--pass", pass_name, "--out", str(tmp_path / "a")) == 0
    run = the_run(tmp_path / "a")
    (case,) = run["cases"]
    assert server.calls == case["usage"]["llm_calls"] >= 2  # a choice of sentences (or deniers), then a question per item
    assert set(run["figures"]) == figures
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 80


def test_a_baseline_of_another_kind_or_pass_is_one_line(
    server: FakeServer, suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval(server, str(suite), "--pass", "event", "--out", str(tmp_path / "a")) == 0
    event_run = next((tmp_path / "a").glob("*.json"))
    capsys.readouterr()
    assert run_eval(server, str(suite), "--pass", "participants", "--baseline", str(event_run)) == 2
    assert "a run of --pass event, not of --pass participants" in capsys.readouterr().err
    assert run_eval(server, str(suite), "--baseline", str(event_run), "--out", str(tmp_path / "b")) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "a run of --pass event, not of the whole suite" in err
    assert run_eval(server, str(suite), "--pass", "event", "--min-f1", "all=0.5") == 2
