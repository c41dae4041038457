"""The command line as a user meets it: a real subprocess, real files, a fake server over HTTP.

Bad input must end with exactly one ``summarizer: error: ...`` line on stderr, a non-zero exit
code and no traceback, and it must be refused before any backend is opened: every bad-input run
points ``--base-url`` at a fake server (so the embedded model can never start) without
``--model`` (so opening the backend would list the server's models), and the test checks that
the server saw no request at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakemodel import EVENT, SEED, FakeModel
from fakeserver import FakeServer, respond, status

from summarizer.llm import RetryPolicy
from summarizer.schema import Briefing

SEED_TEXT = SEED.read_bytes()


def run_cli(
    *args: str, env: dict[str, str], cwd: Path, stdin: bytes = b"", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], exit_code: int | None = None) -> str:
    """The error contract: non-zero exit, exactly one 'summarizer: error:' line, no traceback."""
    assert proc.returncode != 0, proc.stdout
    if exit_code is not None:
        assert proc.returncode == exit_code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("summarizer: error: "), proc.stderr
    assert proc.stdout == ""
    return lines[0]


# --- bad input: refused before any backend starts -------------------------------------------

BAD_FILES = {
    "empty": (b"", "file is empty"),
    "whitespace-only": (b"  \n\t\r\n   \n", "only whitespace"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64)), "PNG image"),
    "nul-bytes": (b"Putin arrived.\x00\x00\x00Kim waited.", "NUL bytes"),
    "cp1251-russian": (
        "Президент России Владимир Путин прибыл в Пхеньян для встречи с Ким Чен Ыном.".encode("cp1251"),
        "not valid UTF-8",
    ),
    "html-without-text": (
        b"<!doctype html><html><head><title></title><script>var text = 'not an article';</script>"
        b"<style>p { color: red }</style></head><body><div> </div><p>\n</p></body></html>",
        "no article text found in HTML",
    ),
    "too-large": (b"word " * (2 * 1024 * 1024 // 5 + 10), "too large"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_article_file(case, tmp_path, env, fake_server):
    content, expected = BAD_FILES[case]
    article = tmp_path / f"{case}.txt"
    article.write_bytes(content)

    proc = run_cli("summarize", article.name, "--base-url", fake_server.base_url, env=env, cwd=tmp_path)

    line = assert_one_line_error(proc, exit_code=2)
    assert line.startswith(f"summarizer: error: {article.name}: ")
    assert expected in line
    assert fake_server.requests == []


def test_missing_file(tmp_path, env, fake_server):
    proc = run_cli("summarize", "no-such-article.txt", "--base-url", fake_server.base_url, env=env, cwd=tmp_path)

    line = assert_one_line_error(proc, exit_code=2)
    assert line == "summarizer: error: no-such-article.txt: no such file"
    assert fake_server.requests == []


def test_directory_is_a_batch_that_needs_an_output_folder(tmp_path, env, fake_server):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_bytes(SEED_TEXT)

    proc = run_cli("summarize", "articles", "--base-url", fake_server.base_url, env=env, cwd=tmp_path)

    line = assert_one_line_error(proc, exit_code=2)
    assert "several articles need an output folder: -o FOLDER" in line
    assert fake_server.requests == []


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [(b"", "<stdin>: text is empty"), (b"\x00\x01binary", "binary data")],
)
def test_bad_stdin(stdin, expected, tmp_path, env, fake_server):
    proc = run_cli("summarize", "-", "--base-url", fake_server.base_url, env=env, cwd=tmp_path, stdin=stdin)

    line = assert_one_line_error(proc, exit_code=2)
    assert expected in line
    assert fake_server.requests == []


def test_unknown_briefing_language(tmp_path, env, fake_server):
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)

    proc = run_cli("summarize", "seed.txt", "--lang", "xx", "--base-url", fake_server.base_url, env=env, cwd=tmp_path)

    line = assert_one_line_error(proc, exit_code=2)
    assert "unsupported briefing language 'xx'" in line
    assert fake_server.requests == []


def test_unknown_mode_is_a_usage_error(tmp_path, env, fake_server):
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)

    proc = run_cli("summarize", "seed.txt", "--mode", "grammar", "--base-url", fake_server.base_url, env=env, cwd=tmp_path)

    # argparse's own format: a usage line, then the error line (not the one-line contract).
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "invalid choice: 'grammar'" in proc.stderr.splitlines()[-1]
    assert fake_server.requests == []


def test_negative_max_reasks_does_not_crash(tmp_path, env):
    """``--max-reasks -1`` is not validated by the CLI: today it behaves like 0 (no re-ask).

    Either outcome is acceptable here, a one-line refusal before any request or a run without
    re-asks; a traceback or a hang is not.
    """
    model = FakeModel(always={"EventReply": {**EVENT, "date": "2024-06-19"}})  # invalid on every ask
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)
    with FakeServer(default=respond(model)) as server:
        proc = run_cli(
            "summarize", "seed.txt", "--json", "--max-reasks", "-1", "--model", "fake",
            "--base-url", server.base_url, env=env, cwd=tmp_path,
        )  # fmt: skip
        assert "Traceback" not in proc.stderr
        if proc.returncode != 0:
            assert_one_line_error(proc, exit_code=2)
            assert server.requests == []
        else:
            briefing = Briefing.model_validate_json(proc.stdout)
            assert model.asked["EventReply"] == 1
            assert briefing.event.date is None
            assert [w.section for w in briefing.warnings] == ["event"]


def test_output_path_that_is_a_directory(tmp_path, env, model_server):
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)
    (tmp_path / "out").mkdir()

    proc = run_cli("summarize", "seed.txt", "-o", "out", "--base-url", model_server.base_url, env=env, cwd=tmp_path)

    line = assert_one_line_error(proc, exit_code=2)
    assert "out: is a directory" in line
    assert list((tmp_path / "out").iterdir()) == []  # no stray temporary file either
    if model_server.requests:  # known defect, reported: the whole model run is wasted first
        pytest.xfail("cli.py checks the -o path only after the model has answered every question")


# --- the happy path through the fake model --------------------------------------------------


def test_summarize_json_to_stdout(tmp_path, env, model_server):
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)

    proc = run_cli("summarize", "seed.txt", "--base-url", model_server.base_url, "--model", "fake", "--json",
                   env=env, cwd=tmp_path)  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "error" not in proc.stderr
    briefing = Briefing.model_validate_json(proc.stdout)
    assert briefing.provenance.model == "fake"
    assert briefing.provenance.backend == "openai-compatible"
    assert briefing.provenance.usage.llm_calls == model_server.calls > 0
    assert briefing.warnings == []
    assert json.loads(proc.stdout)["schema_version"] == "1.3"  # stdout is the JSON document only
    text = SEED_TEXT.decode("utf-8").strip()
    for claim in briefing.claims:
        if claim.quote_span is not None:
            assert text[claim.quote_span[0] : claim.quote_span[1]] == claim.quote


def test_summarize_writes_the_output_file(tmp_path, env, model_server):
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)

    proc = run_cli("summarize", "seed.txt", "--base-url", model_server.base_url, "--model", "fake", "--json",
                   "-o", "results/briefing.json", env=env, cwd=tmp_path)  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    written = (tmp_path / "results" / "briefing.json").read_text(encoding="utf-8")
    assert Briefing.model_validate_json(written) == Briefing.model_validate_json(proc.stdout)
    assert "wrote results/briefing.json" in proc.stderr
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["briefing.json"]  # no temporary left


def test_summarize_rich_view_and_model_from_the_server(tmp_path, env, model_server):
    """Without --json the briefing is rendered; without --model the server's only model is used."""
    proc = run_cli("summarize", "-", "--base-url", model_server.base_url, env=env, cwd=tmp_path, stdin=SEED_TEXT)

    assert proc.returncode == 0, proc.stderr
    assert EVENT["title"] in proc.stdout
    assert "Kim Jong-un" in proc.stdout
    assert model_server.requests[0].path == "/v1/models"
    assert {r.body["model"] for r in model_server.chat_requests} == {model_server.model}


# --- a failing backend --------------------------------------------------------------------------


def test_persistent_503_exits_3_with_one_line_in_bounded_time(tmp_path, env):
    (tmp_path / "seed.txt").write_bytes(SEED_TEXT)
    with FakeServer(default=status(503)) as server:
        started = time.monotonic()
        proc = run_cli("summarize", "seed.txt", "--base-url", server.base_url, "--model", "fake", "--timeout", "2",
                       env=env, cwd=tmp_path, timeout=60)  # fmt: skip
        elapsed = time.monotonic() - started

        line = assert_one_line_error(proc, exit_code=3)
        attempts = RetryPolicy().attempts
        assert server.base_url in line
        assert "HTTP 503" in line and f"after {attempts} attempts" in line
        assert server.calls == attempts  # the first question fails the run; nothing else is asked
    # Real backoff: at most 1 + 2 + 4 s of jittered waits between the 4 attempts.
    assert elapsed < 20
