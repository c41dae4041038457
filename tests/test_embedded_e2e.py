"""End to end with the real embedded model: the CLI, the llama.cpp server it starts, the seed.

These run what a user runs (``summarizer summarize seeds/…``) in a subprocess, so they cover
install, model assembly, the server lifecycle and the whole pipeline. The facts checked are the
ones a reader of the seed article must get; the model's wording is never compared.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from procs import embedded_workers, gone

from summarizer.names import name_key
from summarizer.schema import Briefing

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_ba58efed2f2f0b1f.txt"
KIM_QUOTE = "Le relazioni tra i nostri paesi stanno entrando in un periodo di nuova grande prosperità"
PUTIN_QUOTE = "Grazie per il sostegno, combattiamo contro decenni di imperialismo degli Stati Uniti"

SAME = {
    "vladimir putin": {"Vladimir Putin", "Putin", "Vladimir Vladimirovich Putin"},
    "kim jong un": {"Kim Jong-un", "Kim"},
    "russia": {"Russia", "Russian Federation", "Moscow"},
    "north korea": {"North Korea", "Democratic People's Republic of Korea", "DPRK", "Pyongyang"},
    "united states": {"United States", "United States of America", "USA", "US", "Washington"},
}


def _canonical(name: str) -> str:
    key = name_key(name)
    return next((canon for canon, forms in SAME.items() if key in {name_key(f) for f in forms}), key)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_BACKEND"))}
    return env


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Briefing]:
    out = tmp_path_factory.mktemp("e2e") / "briefing.json"
    before = set(embedded_workers())
    result = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "summarize", str(SEED), "--json", "-o", str(out)],
        capture_output=True, text=True, env=_env(), timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(embedded_workers()) <= before, "the embedded server outlived the CLI"
    briefing = Briefing.model_validate_json(result.stdout)
    assert Briefing.model_validate_json(out.read_text()) == briefing
    return result, briefing


def test_seed_names_the_participants(seed_run: tuple[subprocess.CompletedProcess[str], Briefing]) -> None:
    _, briefing = seed_run
    names = {_canonical(p.name) for p in briefing.participants}
    assert {"vladimir putin", "kim jong un", "russia", "north korea", "united states"} <= names, names


def test_seed_claims_carry_exact_quotes(seed_run: tuple[subprocess.CompletedProcess[str], Briefing]) -> None:
    _, briefing = seed_run
    text = SEED.read_text(encoding="utf-8").strip()
    by_quote = {c.quote: c for c in briefing.claims if c.quote}
    kim = [c for q, c in by_quote.items() if q.startswith(KIM_QUOTE)]
    putin = [c for q, c in by_quote.items() if q.startswith(PUTIN_QUOTE)]
    assert kim and _canonical(kim[0].speaker) == "kim jong un", briefing.claims
    assert putin and _canonical(putin[0].speaker) == "vladimir putin", briefing.claims
    for claim in briefing.claims:
        if claim.quote is not None:
            start, end = claim.quote_span
            assert text[start:end] == claim.quote


def test_seed_denial_of_us_accusation(seed_run: tuple[subprocess.CompletedProcess[str], Briefing]) -> None:
    _, briefing = seed_run
    denials = [d for d in briefing.denials if _canonical(d.speaker) in {"russia", "north korea"}]
    assert denials, briefing.denials
    assert any(d.accuser and _canonical(d.accuser) == "united states" for d in denials), denials
    participants = {p.name for p in briefing.participants} | {"unnamed source"}
    assert all(d.speaker in participants and (d.accuser is None or d.accuser in participants) for d in briefing.denials)


def test_seed_date_not_guessed_and_nothing_repeated(seed_run: tuple[subprocess.CompletedProcess[str], Briefing]) -> None:
    _, briefing = seed_run
    assert briefing.event.date is None
    names = [name_key(p.name) for p in briefing.participants]
    assert len(names) == len(set(names))
    claims = [(c.speaker, c.quote or name_key(c.statement)) for c in briefing.claims]
    assert len(claims) == len(set(claims))
    denials = [(d.speaker, name_key(d.denied)) for d in briefing.denials]
    assert len(denials) == len(set(denials))
    assert briefing.source.language == "it"
    assert briefing.provenance.backend == "embedded"
    assert briefing.provenance.usage.llm_calls >= 5


def test_one_pass_alone_on_the_seed_scored_against_gold(tmp_path: Path) -> None:
    """`eval --pass attribution` on the seed: the real model asked each gold quote's speaker among
    the gold names, and nothing else, scored in a run file."""
    result = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "eval", str(ROOT / "evals"), "--cases", "seed-*",
         "--pass", "attribution", "--out", str(tmp_path)],
        capture_output=True, text=True, env=_env(), timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run = json.loads(next(tmp_path.glob("*-pass-attribution.json")).read_text())
    (case,) = run["cases"]
    assert run["backend"] == "embedded" and case["counts"]["quotes"] == 4 and case["counts"]["not found"] == 0
    assert set(case["usage"]["passes"]) == {"claims"}  # attribution questions only
    assert run["figures"]["answered"] >= 0.75 and run["figures"]["speaker right"] >= 0.5, case["details"]


def test_ctrl_c_stops_the_embedded_server(tmp_path: Path) -> None:
    """Interrupting a run mid-way exits 130 with one line and leaves no server process behind."""
    process = subprocess.Popen(
        [sys.executable, "-m", "summarizer.cli", "summarize", str(SEED)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and not workers:
        time.sleep(0.2)
        workers = embedded_workers(parent=process.pid)
    assert workers, "the embedded server never started"
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == "summarizer: interrupted"
    assert "Traceback" not in stderr
    assert all(gone(pid) for pid in workers)


def test_seed_split_into_parts_keeps_the_late_quote_and_merges_participants(tmp_path: Path) -> None:
    """The seed in parts of 350 tokens, as a long article would be: Putin's thanks near the end
    still reach the briefing, attributed to him, with a span into the whole article, and the
    participants of both parts are one list."""
    out = tmp_path / "parts.json"
    result = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "summarize", str(SEED), "--chunk-tokens", "350", "-o", str(out), "--json"],
        capture_output=True, text=True, env=_env(), timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    briefing = Briefing.model_validate_json(out.read_text())
    assert briefing.provenance.chunks >= 2
    text = SEED.read_text(encoding="utf-8").strip()
    putin = [c for c in briefing.claims if c.quote and c.quote.startswith(PUTIN_QUOTE)]
    assert putin and _canonical(putin[0].speaker) == "vladimir putin", briefing.claims
    assert putin[0].quote_span[0] > len(text) // 2  # it sits in the second half of the article
    for item in [*briefing.claims, *briefing.denials]:
        if item.quote is not None:
            assert text[item.quote_span[0] : item.quote_span[1]] == item.quote
    names = [name_key(p.name) for p in briefing.participants]
    assert len(names) == len(set(names)), names
    people = [p.name.split() for p in briefing.participants if p.kind == "person"]
    surnames_alone = {name_key(n[0]) for n in people if len(n) == 1}
    assert not surnames_alone & {name_key(n[-1]) for n in people if len(n) > 1}, people  # "Putin" merged into "Vladimir Putin"
