"""``summarize`` over many articles: batch, resume and no loss, cost.

The CLI runs as a real subprocess against a fake OpenAI-compatible server over real HTTP, like
``test_cli.py``. The fake model (``fakemodel.py``) only knows the seed article, so each test
article is the seed plus one short Italian sentence of its own: distinct text and SHA-256, and a
marker ("nota numero NN della redazione") that every request about that article carries, so the
server can count the requests per article. Nothing in the code under test is mocked.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import ENV_DROP
from fakemodel import SEED, FakeModel
from fakeserver import Action, FakeServer, Response, respond, status

from summarizer.batch import SUMMARY_NAME
from summarizer.schema import Briefing

SEED_TEXT = SEED.read_text(encoding="utf-8")
MARKER = re.compile(r"nota numero (\d\d) della redazione")
EVENT_IT = {  # the fake model's event in Italian, for --lang it (a summary in English is refused)
    "title": "Putin in visita a Pyongyang da Kim Jong-un",
    "summary": [
        "Il presidente russo Vladimir Putin è arrivato a Pyongyang per i colloqui con Kim Jong-un.",
        "I due leader hanno discusso del rafforzamento dell'alleanza militare tra Russia e Corea del Nord.",
    ],
    "date": None,
    "location": "Pyongyang, Corea del Nord",
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


# --- articles, the fake model, the CLI ----------------------------------------------------------


def article_text(number: int, extra: str = "") -> str:
    return f"{SEED_TEXT.rstrip()}\nQuesta è la nota numero {number:02d} della redazione.{extra}\n"


def write_article(path: Path, number: int, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_text(number, extra), encoding="utf-8")
    return path


def sha256_of(path: Path) -> str:
    """The SHA-256 a briefing's ``source`` must carry: of the article text, outer whitespace dropped."""
    return hashlib.sha256(path.read_text(encoding="utf-8").strip().encode("utf-8")).hexdigest()


def number_of(path: Path) -> int:
    match = MARKER.search(path.read_text(encoding="utf-8"))
    assert match, path
    return int(match.group(1))


class Recorder:
    """The fake model behind a ``respond`` function that also records what the server saw.

    Thread-safe: the server answers each request on its own thread. ``delay`` sleeps inside the
    request (so in-flight requests overlap and can be counted); requests about an article whose
    number is in ``fail`` get HTTP 400 (not retried); ``cached_tokens`` adds OpenAI's report of
    cached prompt tokens to every reply's usage.
    """

    def __init__(self) -> None:
        self.model = FakeModel()
        self.delay = 0.0
        self.fail: set[int] = set()
        self.cached_tokens = 0
        self.asked: Counter[int | None] = Counter()  # article number -> chat requests
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.server = FakeServer(default=respond(self))

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def reset(self) -> None:
        with self._lock:
            self.asked.clear()
            self.max_in_flight = 0

    def __call__(self, body: Any) -> Action:
        match = MARKER.search(json.dumps(body.get("messages"), ensure_ascii=False))
        number = int(match.group(1)) if match else None
        with self._lock:
            self.asked[number] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            if number in self.fail:
                return status(400)
            action = self.model(body)
            if self.cached_tokens and isinstance(action, Response):
                completion = json.loads(action.body)
                completion["usage"]["prompt_tokens_details"] = {"cached_tokens": self.cached_tokens}
                action = Response(action.status, json.dumps(completion).encode(), action.content_type, action.headers)
            return action
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture
def llm() -> Iterator[Recorder]:
    recorder = Recorder()
    recorder.server.start()
    try:
        yield recorder
    finally:
        recorder.server.close()


def cli_args(*args: str, base_url: str) -> list[str]:
    return [sys.executable, "-m", "summarizer.cli", "summarize", *args, "--base-url", base_url]


def run_cli(*args: str, llm: Recorder, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = cli_args(*args, base_url=llm.base_url)
    proc = subprocess.run(command, capture_output=True, env=env, cwd=cwd, timeout=timeout, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode("utf-8", "replace"))


def read_summary(out: Path) -> dict[str, Any]:
    return json.loads((out / SUMMARY_NAME).read_text(encoding="utf-8"))


def entries(summary: dict[str, Any], cwd: Path) -> dict[Path, dict[str, Any]]:
    """The summary's per-article entries, keyed by the article's resolved path."""
    return {(cwd / entry["source"]).resolve(): entry for entry in summary["articles"]}


def briefing_files(out: Path) -> list[Path]:
    """The briefings in ``out``; not the run summary, nor the hidden temporaries of atomic writes
    (a killed run may leave one, as a kill can come in the middle of a write)."""
    return sorted(p for p in out.glob("*.json") if p.name != SUMMARY_NAME and not p.name.startswith("."))


def load_briefings(out: Path) -> dict[str, Briefing]:
    """Every briefing in ``out`` (each must parse: no half-written file), keyed by file name."""
    return {p.name: Briefing.model_validate_json(p.read_bytes()) for p in briefing_files(out)}


def snapshot(paths: Sequence[Path]) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def usage_sum(briefings: Sequence[Briefing]) -> dict[str, int]:
    keys = ("prompt_tokens", "completion_tokens", "llm_calls", "reasks", "cached_tokens")
    return {k: sum(getattr(b.provenance.usage, k) for b in briefings) for k in keys}


def assert_complete(out: Path, articles: Sequence[Path], cwd: Path) -> dict[Path, Briefing]:
    """One valid briefing per article, whose source is that article; nothing else in ``out``."""
    summary = read_summary(out)
    by_article = entries(summary, cwd)
    assert set(by_article) == {a.resolve() for a in articles}
    found: dict[Path, Briefing] = {}
    for article in articles:
        output = cwd / by_article[article.resolve()]["output"]
        assert output.parent.resolve() == out.resolve()
        found[article] = Briefing.model_validate_json(output.read_bytes())
        assert found[article].source.sha256 == sha256_of(article) == by_article[article.resolve()]["sha256"]
    outputs = {(cwd / e["output"]).resolve() for e in by_article.values()}
    assert len(outputs) == len(articles)  # distinct files, even for articles sharing a name
    assert {p.resolve() for p in out.iterdir()} == {*outputs, (out / SUMMARY_NAME).resolve()}  # no stray or temporary file
    return found


def assert_clean_stderr(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""


# --- batch: folders, glob patterns, several files ------------------------------------------------


@pytest.fixture
def library(tmp_path: Path) -> dict[str, Path]:
    """src/n01.txt, src/n02.txt, src/sub/n03.md, more/n01.txt (same name as src/n01.txt), more/notes.csv."""
    return {
        "src1": write_article(tmp_path / "src" / "n01.txt", 1),
        "src2": write_article(tmp_path / "src" / "n02.txt", 2),
        "src3": write_article(tmp_path / "src" / "sub" / "n03.md", 3),
        "more1": write_article(tmp_path / "more" / "n01.txt", 4),
        "csv": write_article(tmp_path / "more" / "notes.csv", 5),  # not an article suffix: not taken from a folder
    }


BATCH_FORMS = {
    "folders": (["src", "more"], ["src1", "src2", "src3", "more1"]),
    "glob": (["src/**/n0*.*"], ["src1", "src2", "src3"]),
    "files": (["src/n02.txt", "more/n01.txt", "src/n01.txt", "src/n02.txt"], ["src2", "more1", "src1"]),
}


@pytest.mark.parametrize("form", sorted(BATCH_FORMS))
def test_batch_inputs_give_one_briefing_per_article(form, tmp_path, env, llm, library):
    inputs, keys = BATCH_FORMS[form]
    articles = [library[k] for k in keys]

    proc = run_cli(*inputs, "-o", "out", llm=llm, env=env, cwd=tmp_path)  # a pattern reaches the tool unexpanded

    assert proc.returncode == 0, proc.stderr
    assert_clean_stderr(proc)
    out = tmp_path / "out"
    briefings = assert_complete(out, articles, tmp_path)
    summary = read_summary(out)
    n = len(articles)
    assert summary["counts"] == {"done": n, "skipped": 0, "failed": 0, "interrupted": 0, "pending": 0}
    assert summary["finished_at"] is not None
    assert summary["model"] == "fake-model" and summary["backend"] == "openai-compatible"
    assert summary["briefing_language"] == "en"
    totals = usage_sum(list(briefings.values()))
    assert totals["llm_calls"] == llm.server.calls
    for key in ("this_run", "all_briefings"):
        assert summary[key] == {"articles": n, **totals, "cost_usd": None, "articles_without_price": n}
    by_article = entries(summary, tmp_path)
    for article, briefing in briefings.items():
        entry = by_article[article.resolve()]
        assert entry["status"] == "done" and entry["error"] is None
        assert entry["usage"] == briefing.provenance.usage.model_dump()
        assert entry["cost_usd"] is None and briefing.provenance.cost_usd is None  # no price for fake-model
        assert llm.asked[number_of(article)] == briefing.provenance.usage.llm_calls  # each article asked once
    assert llm.asked[None] == 0
    if form == "folders":  # src/n01.txt and more/n01.txt: two distinct files, neither overwritten
        names = {Path(by_article[a.resolve()]["output"]).name for a in (library["src1"], library["more1"])}
        assert len(names) == 2 and all(name.startswith("n01-") for name in names)
    assert f"{n} done, 0 skipped (already done), 0 failed" in proc.stderr


# --- concurrency -----------------------------------------------------------------------------------


def test_concurrency_bounds_requests_in_flight(tmp_path, env, llm):
    """--concurrency 3: articles overlap, never more than 3 at once (--concurrency 1: see the resume test)."""
    articles = [write_article(tmp_path / "in" / f"a{i}.txt", i) for i in range(5)]
    llm.delay = 0.03

    proc = run_cli("in", "-o", "out", "--concurrency", "3", llm=llm, env=env, cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert_complete(tmp_path / "out", articles, tmp_path)
    assert read_summary(tmp_path / "out")["concurrency"] == 3
    assert 2 <= llm.max_in_flight <= 3


# --- resume -----------------------------------------------------------------------------------------


def test_resume_skips_what_is_current_and_redoes_what_changed(tmp_path, env, llm):
    articles = [write_article(tmp_path / "in" / f"a{i}.txt", i) for i in range(3)]
    out = tmp_path / "out"
    args = ["in", "-o", "out", "--concurrency", "1"]
    llm.delay = 0.02  # requests could overlap if more than one article ran at a time
    proc = run_cli(*args, llm=llm, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert llm.max_in_flight == 1
    llm.delay = 0.0
    first = assert_complete(out, articles, tmp_path)
    files = briefing_files(out)
    before = snapshot(files)
    calls = llm.server.calls

    llm.reset()
    proc = run_cli(*args, llm=llm, env=env, cwd=tmp_path)  # the same command again

    assert proc.returncode == 0, proc.stderr
    assert llm.server.calls == calls and sum(llm.asked.values()) == 0  # no chat request in run 2
    assert snapshot(files) == before  # byte-identical, not even rewritten
    summary = read_summary(out)
    assert summary["counts"] == {"done": 0, "skipped": 3, "failed": 0, "interrupted": 0, "pending": 0}
    assert {e["status"] for e in summary["articles"]} == {"skipped"}
    assert summary["this_run"]["articles"] == 0 and summary["this_run"]["llm_calls"] == 0
    assert summary["all_briefings"] == {
        "articles": 3, **usage_sum(list(first.values())), "cost_usd": None, "articles_without_price": 3,
    }  # fmt: skip
    assert "0 done, 3 skipped" in proc.stderr

    # One article's text changes: only that one is asked again.
    write_article(articles[1], 1, extra=" Aggiornamento delle ore dieci.")
    llm.reset()
    proc = run_cli(*args, llm=llm, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    redone = assert_complete(out, articles, tmp_path)
    assert set(llm.asked) == {1}
    assert redone[articles[1]].source.sha256 != first[articles[1]].source.sha256
    unchanged = [files[0], files[2]]
    assert snapshot(unchanged) == {p: before[p] for p in unchanged}
    assert [e["status"] for e in read_summary(out)["articles"]] == ["skipped", "done", "skipped"]

    # Another briefing language, then another model: everything is redone.
    llm.model = FakeModel(always={"EventReply": EVENT_IT})
    for extra, check in (
        (["--lang", "it"], lambda b: b.provenance.briefing_language == "it"),
        (["--lang", "it", "--model", "other-model"], lambda b: b.provenance.model == "other-model"),
    ):
        llm.reset()
        proc = run_cli(*args, *extra, llm=llm, env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        briefings = assert_complete(out, articles, tmp_path)
        assert set(llm.asked) == {0, 1, 2}, extra
        assert all(check(b) for b in briefings.values()), extra
        assert read_summary(out)["counts"]["done"] == 3


# --- interrupted runs lose nothing finished --------------------------------------------------------


def session_members(sid: int) -> list[int]:
    """Processes in session ``sid`` (the child was started as a session leader)."""
    members = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp session ...
        if int(fields[3]) == sid:
            members.append(int(stat.split("/")[2]))
    return members


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["SIGKILL", "SIGINT", "SIGTERM"])
def test_interrupted_run_loses_nothing_and_resumes(sig, tmp_path, env, llm):
    articles = [write_article(tmp_path / "in" / f"a{i}.txt", i) for i in range(8)]
    out = tmp_path / "out"
    args = ["in", "-o", "out", "--concurrency", "2"]
    llm.delay = 0.05  # 17 requests an article: about 0.9 s each, 2 at a time
    child = subprocess.Popen(
        cli_args(*args, base_url=llm.base_url), env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 40
        while not (out.is_dir() and len([p for p in out.glob("*.json") if p.name != SUMMARY_NAME]) >= 2):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "no briefing written in time"
            time.sleep(0.02)
        child.send_signal(sig)
        _, stderr = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    stderr_text = stderr.decode("utf-8", "replace")
    assert session_members(child.pid) == []  # nothing left behind: no orphan
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)

    summary = read_summary(out)  # the summary file itself is never half-written
    counts = summary["counts"]
    assert sum(counts.values()) == 8
    by_status = Counter(e["status"] for e in summary["articles"])
    if sig == signal.SIGKILL:  # no chance to update the summary: what it lists as done is done
        assert child.returncode == -signal.SIGKILL
        assert set(by_status) <= {"done", "pending"}
    else:  # like Ctrl-C: the summary tells finished, interrupted (in flight) and never started apart
        assert child.returncode == 130, stderr_text
        assert "Traceback" not in stderr_text
        assert stderr_text.splitlines()[-1] == "summarizer: interrupted"
        assert set(by_status) <= {"done", "interrupted", "pending"}
        assert by_status["done"] >= 1 and by_status["interrupted"] >= 1 and by_status["pending"] >= 1
        assert summary["finished_at"] is None
    for entry in summary["articles"]:
        output = tmp_path / entry["output"]
        if entry["status"] == "done":  # what the summary calls done is there
            assert Briefing.model_validate_json(output.read_bytes()).source.sha256 == entry["sha256"]
        if entry["status"] == "pending" and sig != signal.SIGKILL:  # never started: nothing written
            assert not output.exists()

    written = load_briefings(out)  # every file there parses: none is half-written
    assert len(written) >= 2
    by_sha = {sha256_of(a): a for a in articles}
    finished = {by_sha[b.source.sha256] for b in written.values()}
    before = snapshot(briefing_files(out))
    stale = out / f".{next(iter(written))}.k1ll3d.tmp"  # what a kill during write_atomically leaves
    stale.write_text('{"schema_version": "1.1", "ev', encoding="utf-8")

    llm.delay = 0.0
    llm.reset()
    proc = run_cli(*args, llm=llm, env=env, cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert_clean_stderr(proc)
    assert_complete(out, articles, tmp_path)
    assert not stale.exists() and not list(out.glob(".*.tmp"))  # stale temporaries are cleaned up
    for article in articles:
        if article in finished:  # done before the kill: not asked again, file untouched
            assert llm.asked[number_of(article)] == 0, article
        else:
            assert llm.asked[number_of(article)] > 0, article
    assert snapshot(list(before)) == before
    summary = read_summary(out)
    assert summary["counts"] == {"done": 8 - len(finished), "skipped": len(finished), "failed": 0, "interrupted": 0, "pending": 0}


# --- one article's failure does not stop the others ----------------------------------------------


def test_failures_are_isolated_recorded_and_retried(tmp_path, env, llm):
    for i in range(2):
        write_article(tmp_path / "in" / f"good{i}.txt", i)
    refused = write_article(tmp_path / "in" / "refused.txt", 7)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "image.txt").write_bytes(PNG)
    llm.fail = {7}

    proc = run_cli("in", "-o", "out", llm=llm, env=env, cwd=tmp_path)

    assert proc.returncode == 1, proc.stderr
    assert_clean_stderr(proc)
    out = tmp_path / "out"
    summary = read_summary(out)
    assert summary["counts"] == {"done": 2, "skipped": 0, "failed": 3, "interrupted": 0, "pending": 0}
    statuses = {Path(e["source"]).name: (e["status"], e["error"]) for e in summary["articles"]}
    for name in ("good0.txt", "good1.txt"):
        assert statuses[name] == ("done", None)
    for name, expected in (("empty.txt", "empty"), ("image.txt", "PNG"), ("refused.txt", "400")):
        state, error = statuses[name]
        assert state == "failed", name
        assert expected in error and "\n" not in error, error
        assert f"failed in/{name}: " in proc.stderr.replace("\n", " ")
    assert sorted(load_briefings(out)) == ["good0.json", "good1.json"]
    assert llm.asked[7] == 1  # HTTP 400 is not retried
    assert summary["this_run"]["articles"] == 2

    llm.fail = set()
    llm.reset()
    proc = run_cli("in", "-o", "out", llm=llm, env=env, cwd=tmp_path)

    assert proc.returncode == 1, proc.stderr  # the empty and binary files still fail
    assert_clean_stderr(proc)
    assert set(llm.asked) == {7}
    summary = read_summary(out)
    assert summary["counts"] == {"done": 1, "skipped": 2, "failed": 2, "interrupted": 0, "pending": 0}
    assert {Path(e["source"]).name for e in summary["articles"] if e["status"] == "done"} == {"refused.txt"}
    briefings = load_briefings(out)
    assert sorted(briefings) == ["good0.json", "good1.json", "refused.json"]
    assert briefings["refused.json"].source.sha256 == sha256_of(refused)


# --- cost ---------------------------------------------------------------------------------------------


def test_cost_from_a_price_file(tmp_path, env, llm):
    articles = [write_article(tmp_path / "in" / f"a{i}.txt", i) for i in range(2)]
    prices = tmp_path / "prices.toml"
    prices.write_text('[models."fake-model"]\ninput = 1.0\noutput = 2.0\ncached_input = 0.5\n', encoding="utf-8")
    llm.cached_tokens = 40  # of the 100 prompt tokens of every reply

    proc = run_cli("in", "-o", "out", llm=llm, env={**env, "SUMMARIZER_PRICES": str(prices)}, cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    briefings = assert_complete(tmp_path / "out", articles, tmp_path)
    summary = read_summary(tmp_path / "out")
    by_article = entries(summary, tmp_path)
    costs = []
    for article, briefing in briefings.items():
        usage = briefing.provenance.usage
        assert usage.cached_tokens == 40 * usage.llm_calls > 0
        fresh = usage.prompt_tokens - usage.cached_tokens
        expected = (fresh * 1.0 + usage.cached_tokens * 0.5 + usage.completion_tokens * 2.0) / 1_000_000
        assert briefing.provenance.cost_usd == pytest.approx(expected, abs=1e-9)
        assert by_article[article.resolve()]["cost_usd"] == briefing.provenance.cost_usd
        costs.append(briefing.provenance.cost_usd)
    assert summary["this_run"]["cost_usd"] == pytest.approx(sum(costs), abs=1e-9)
    assert summary["this_run"]["articles_without_price"] == 0
    assert summary["this_run"]["cached_tokens"] == sum(b.provenance.usage.cached_tokens for b in briefings.values())
    assert f"${sum(costs):.4f}" in proc.stderr


# --- bad batch options: one line, exit 2, before any request -------------------------------------


BAD_OPTIONS = {
    "no output folder": (["in"], "need an output folder: -o FOLDER"),
    "output is a file": (["in", "-o", "in/a0.txt"], "in/a0.txt: not a folder"),
    "--json": (["in", "-o", "out", "--json"], "--json works with one article"),
    "--markdown": (["in/a0.txt", "in/a1.txt", "-o", "out", "--markdown", "x.md"], "--markdown works with one article"),
    "stdin among inputs": (["-", "in/a0.txt", "-o", "out"], "standard input (-) cannot be part of a batch"),
    "empty folder": (["empty", "-o", "out"], "empty: no article files in this folder"),
    "glob matching nothing": (["in/*.nope", "-o", "out"], "in/*.nope: no file matches this pattern"),
    "concurrency 0": (["in", "-o", "out", "--concurrency", "0"], "--concurrency: must be 1 or more, got 0"),
}


@pytest.mark.parametrize("case", list(BAD_OPTIONS))
def test_bad_batch_options_are_one_line_errors(case, tmp_path, monkeypatch, capsys, fake_server):
    """Refused before any backend opens. In-process (``cli.main``), as an interpreter start per case
    would cost more than the rest of the file; the exit code and stderr are the ones a user gets."""
    from summarizer.cli import main

    args, expected = BAD_OPTIONS[case]
    write_article(tmp_path / "in" / "a0.txt", 0)
    write_article(tmp_path / "in" / "a1.txt", 1)
    (tmp_path / "empty").mkdir()
    for name in os.environ:
        if name.startswith(ENV_DROP):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    sigterm = signal.getsignal(signal.SIGTERM)
    try:
        code = main(["summarize", *args, "--base-url", fake_server.base_url])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    finally:
        signal.signal(signal.SIGTERM, sigterm)
    captured = capsys.readouterr()

    lines = captured.err.splitlines()
    assert code == 2, lines
    assert captured.out == ""
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: "), lines
    assert expected in lines[0]
    assert fake_server.requests == []
    assert not (tmp_path / "out").exists()
