"""The API key never leaves the process except in the Authorization header (issue 6, point 4).

Every test runs the real command line (``python -m summarizer.cli``) as a subprocess with a
sentinel ``OPENAI_API_KEY``, pointed with ``--base-url`` at a FakeServer over real HTTP on
loopback, so the SDK sends the sentinel as ``Authorization: Bearer <key>``. The test then looks
for the key, or any 12-character piece of it, everywhere the program can write: stdout, stderr
(``--verbose`` debug logging and tracebacks included), every file under the test's temporary
folder (briefings, Markdown, HTML, eval runs, the completion cache, the embedded-server log) and
the names of those files. Rich wraps long lines, so whitespace is removed before searching.

Each test also checks that the fake server did receive the key, so a pass is not vacuous: the key
was in use, and the program kept it to the one place it belongs. Hostile servers are covered too:
error bodies that echo the Authorization header back must not carry it into our messages.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ENV_DROP
from fakemodel import SEED, FakeModel
from fakeserver import Action, FakeServer, Response, delay, reply, respond, status

from summarizer.llm import RetryPolicy
from summarizer.schema import Briefing

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = SEED.read_bytes()
HEX = secrets.token_hex(16)
SENTINEL = "sk-SENTINEL-" + HEX
WINDOW = 12  # any run of this many characters of the key counts as a leak (catches truncations)
# Every WINDOW-long run of the key except the fixed prefix ("sk-SENTINEL-" is no secret), and the key itself.
PIECES = {SENTINEL[i : i + WINDOW] for i in range(len(SENTINEL) - WINDOW + 1)} - {"sk-SENTINEL-"} | {SENTINEL}


# --- helpers ---------------------------------------------------------------------------------


def leaks(text: str) -> list[str]:
    """Pieces of the key found in ``text`` (whitespace removed: wrapped lines still count)."""
    squeezed = "".join(text.split())
    return sorted(p for p in PIECES if p in text or p in squeezed)


def assert_clean(label: str, text: str) -> None:
    found = leaks(text)
    assert not found, f"API key leaked in {label}: {found[:3]}\n---\n{text[-3000:]}"


def assert_tree_clean(root: Path) -> list[Path]:
    """Every file (and file name) under ``root`` is free of the key; returns the files checked."""
    checked = []
    for path in sorted(root.rglob("*")):
        assert_clean(f"the path {path}", str(path.relative_to(root)))
        if path.is_file():
            data = path.read_bytes()
            assert SENTINEL.encode() not in data and HEX.encode() not in data, f"API key bytes in {path}"
            assert_clean(str(path), data.decode("utf-8", "replace"))
            checked.append(path)
    return checked


def assert_proc_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert_clean(f"stdout of {proc.args[3:]}", proc.stdout)
    assert_clean(f"stderr of {proc.args[3:]}", proc.stderr)


def assert_key_was_sent(server: FakeServer) -> None:
    """Not vacuous: the server saw requests, each one carrying the sentinel as its bearer token."""
    assert server.requests, "the fake server received no request"
    assert {r.headers.get("authorization") for r in server.requests} == {f"Bearer {SENTINEL}"}


def run_cli(
    *args: str, env: dict[str, str], cwd: Path, stdin: bytes = b"", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", *args],
        input=stdin, capture_output=True, env=env, cwd=cwd, timeout=timeout, check=False,
    )  # fmt: skip
    result = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )
    assert_proc_clean(result)  # every run, whatever the test expects of it otherwise
    return result


def echo_key(server_ref: list[FakeServer], code: int, headers: dict[str, str] | None = None) -> Callable[[Any], Action]:
    """A hostile (or buggy) server: an error whose body repeats the Authorization header it got."""

    def answer(_body: Any) -> Action:
        auth = server_ref[0].chat_requests[-1].headers.get("authorization", "")  # recorded before answering
        message = f"Incorrect API key provided: {auth}. Your header was 'Authorization: {auth}'"
        return status(code, {"error": {"message": message, "type": "authentication_error", "code": "invalid_api_key",
                                       "param": auth}}, headers)  # fmt: skip

    return answer


def hostile_server(code: int, headers: dict[str, str] | None = None) -> FakeServer:
    ref: list[FakeServer] = []
    server = FakeServer(default=respond(echo_key(ref, code, headers)))
    ref.append(server)
    return server.start()


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ENV_DROP)}
    clean.update(
        OPENAI_API_KEY=SENTINEL,
        SUMMARIZER_CACHE_DIR=str(tmp_path / "cache"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        COLUMNS="100",
        NO_COLOR="1",
    )
    return clean


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED_TEXT)
    return folder


def test_sentinel_is_a_real_secret_shape():
    assert SENTINEL.startswith("sk-SENTINEL-") and len(HEX) == 32
    assert leaks(f"x {SENTINEL} y") and leaks(SENTINEL[:10] + "\n" + SENTINEL[10:])  # the detector works
    assert leaks(SENTINEL[5:25]) and not leaks("sk-SENTINEL-****")


# --- summarize and export: the happy path ----------------------------------------------------


def test_summarize_every_output_channel(tmp_path, env, model_server, work):
    """--json, -o, --markdown and the rich view, with --verbose (debug log of every LLM call).

    The plain (not verbose) run is in test_export_of_the_briefing.
    """
    base = ("--base-url", model_server.base_url)
    outputs = ("--json", "-o", "out/brief.json", "--markdown", "out/brief.md")
    runs = [
        run_cli("-v", "summarize", "seed.txt", *outputs, "--model", "fake", *base, env=env, cwd=work),
        run_cli("--verbose", "summarize", "-", *base, env=env, cwd=work, stdin=SEED_TEXT),  # rich view, model listed
    ]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    assert "DEBUG" in runs[0].stderr and "LLM reply" in runs[0].stderr  # verbose really logged the calls
    assert "DEBUG" in runs[1].stderr and "Putin" in runs[1].stdout
    brief = Briefing.model_validate_json((work / "out/brief.json").read_text(encoding="utf-8"))
    assert brief.provenance.backend == "openai-compatible"
    assert (work / "out/brief.md").read_text(encoding="utf-8").strip()

    assert_key_was_sent(model_server)
    assert any(r.path == "/v1/models" for r in model_server.requests)  # listing models carried it too
    files = assert_tree_clean(tmp_path)
    assert {"brief.json", "brief.md"} <= {p.name for p in files}


def test_export_of_the_briefing(tmp_path, env, model_server, work):
    """export to Markdown, HTML and a digest, to files and to stdout, from briefings made with the key."""
    proc = run_cli("summarize", "seed.txt", "-o", "a.json", "--json", "--model", "fake",
                   "--base-url", model_server.base_url, env=env, cwd=work)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert_key_was_sent(model_server)
    shutil.copy(work / "a.json", work / "b.json")  # a second article for the digest

    exports = [
        ("-v", "export", "a.json", "-o", "a.md"),
        ("export", "a.json", "--article", "seed.txt"),  # to stdout
        ("-v", "export", "a.json", "--article", "seed.txt", "-o", "a.html"),
        ("-v", "export", "a.json", "b.json", "--title", "Digest"),  # a digest, to stdout
    ]
    for args in exports:
        proc = run_cli(*args, env=env, cwd=work)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() or "wrote" in proc.stderr
    assert "<html" in (work / "a.html").read_text(encoding="utf-8").lower()
    assert {"a.md", "a.html"} <= {p.name for p in assert_tree_clean(tmp_path)}


# --- eval: run reports, the completion cache, the embedded-server log ------------------------


def test_eval_reports_and_completion_cache(tmp_path, env, model_server, work, suite):
    first = run_cli("-v", "eval", str(suite), "--out", "runs1", "--model", "fake",
                    "--base-url", model_server.base_url, env=env, cwd=work)  # fmt: skip
    assert first.returncode == 0, first.stderr
    calls = model_server.calls
    assert calls > 5
    second = run_cli("--verbose", "eval", str(suite), "--out", "runs2", "--base-url", model_server.base_url,
                     "--model", "fake", env=env, cwd=work)  # fmt: skip  # served from the cache
    assert second.returncode == 0, second.stderr
    assert model_server.calls == calls
    assert_key_was_sent(model_server)

    cache = tmp_path / "cache" / "completions"
    entries = list(cache.rglob("*.json"))
    assert len(entries) == calls
    run = json.loads(next((work / "runs2").glob("*.json")).read_text(encoding="utf-8"))
    assert run["totals"]["cache_hits"] == calls and run["cases"][0]["error"] is None
    assert not (tmp_path / "cache" / "embedded-server.log").exists()  # never started; scanned below if it were
    files = assert_tree_clean(tmp_path)
    assert set(entries) <= set(files)
    assert len([p for p in files if p.parent.name in ("runs1", "runs2")]) == 4  # .json and .md of each run


# --- error paths: hostile servers, failures, timeouts ----------------------------------------


def test_401_that_echoes_the_key(tmp_path, env, work):
    """A server answering 401 with the Authorization header in its body: our error line must not repeat it.

    With --verbose Instructor logs the failed attempt too; the plain run is in the eval test below.
    """
    server = hostile_server(401)
    try:
        proc = run_cli("-v", "summarize", "seed.txt", "--json", "-o", "brief.json", "--markdown", "brief.md",
                       "--model", "fake", "--base-url", server.base_url, env=env, cwd=work)  # fmt: skip
        assert proc.returncode == 3, proc.stderr
        assert "HTTP 401" in proc.stderr and "Traceback" not in proc.stderr
        assert server.calls == 1  # not transient: no retry
        assert_key_was_sent(server)
        assert SENTINEL in json.loads(echo_key([server], 401)(None).body)["error"]["message"]  # the body did echo it
    finally:
        server.close()
    assert not (work / "brief.json").exists()
    assert_tree_clean(tmp_path)


def test_eval_with_a_server_that_echoes_the_key(tmp_path, env, work, suite):
    """A failed case's error is stored in the run JSON and Markdown and printed: all without the key."""
    server = hostile_server(401)
    try:
        proc = run_cli("eval", str(suite), "--out", "runs", "--model", "fake", "--base-url", server.base_url,
                       env=env, cwd=work)  # fmt: skip
        assert_key_was_sent(server)
    finally:
        server.close()
    assert proc.returncode in (0, 1), proc.stderr  # 1: the quality gate counts the failed case
    run = json.loads(next((work / "runs").glob("*.json")).read_text(encoding="utf-8"))
    assert "HTTP 401" in run["cases"][0]["error"]
    assert "HTTP401" in "".join(proc.stderr.split())  # printed (rich may wrap the line)
    assert_tree_clean(tmp_path)


def test_500_echoing_the_key_until_retries_are_exhausted(tmp_path, env, work):
    server = hostile_server(500, headers={"Retry-After": "0"})  # no backoff wait: keeps the test fast
    try:
        proc = run_cli("-v", "summarize", "seed.txt", "--model", "fake", "--base-url", server.base_url,
                       env=env, cwd=work)  # fmt: skip
        assert proc.returncode == 3, proc.stderr
        assert f"after {RetryPolicy().attempts} attempts" in proc.stderr and "HTTP 500" in proc.stderr
        assert server.calls == RetryPolicy().attempts
        assert_key_was_sent(server)
    finally:
        server.close()
    assert_tree_clean(tmp_path)


def test_timeout(tmp_path, env, work):
    with FakeServer(default=delay(3, reply("{}"))) as server:
        proc = run_cli("-v", "summarize", "seed.txt", "--timeout", "0.5", "--model", "fake", "--base-url", server.base_url,
                       env=env, cwd=work)  # fmt: skip
        assert proc.returncode == 3, proc.stderr
        assert "timed out" in proc.stderr
        assert_key_was_sent(server)
    assert_tree_clean(tmp_path)


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("model", [None, "fake"], ids=["list-models", "chat"])
def test_unreachable_base_url(tmp_path, env, work, model):
    """Nothing listens: connection refused, with --verbose (debug logging, and a traceback if one is printed)."""
    url = f"http://127.0.0.1:{_unused_port()}/v1"
    extra = ("--model", model) if model else ()
    proc = run_cli("-v", "summarize", "seed.txt", *extra, "--base-url", url, env=env, cwd=work)
    assert proc.returncode == 3, proc.stderr
    assert url in proc.stderr and "summarizer: error:" in proc.stderr
    assert_tree_clean(tmp_path)


def _completion_echoing_the_key(server_ref: list[FakeServer], inner: Callable[[Any], Action]) -> Callable[[Any], Action]:
    """A debugging proxy in front of the model: it adds the request's headers to every 200 body."""

    def answer(body: Any) -> Action:
        action = inner(body)
        assert isinstance(action, Response) and action.status == 200
        auth = server_ref[0].chat_requests[-1].headers.get("authorization", "")
        completion = json.loads(action.body)
        completion["debug"] = {"request_headers": {"Authorization": auth}}
        completion["system_fingerprint"] = f"proxy; {auth}"
        return Response(200, json.dumps(completion).encode())

    return answer


def test_successful_replies_that_echo_the_key_are_not_cached_with_it(tmp_path, env, work, suite):
    """A 200 completion carrying the key in extra fields: the run works, and no cache entry, log or report holds it."""
    ref: list[FakeServer] = []
    server = FakeServer(default=respond(_completion_echoing_the_key(ref, FakeModel())))
    ref.append(server)
    with server:
        base = ("--model", "fake", "--base-url", server.base_url)
        proc = run_cli("-v", "eval", str(suite), "--out", "runs", *base, env=env, cwd=work)
        assert_key_was_sent(server)
    assert proc.returncode == 0, proc.stderr
    run = json.loads(next((work / "runs").glob("*.json")).read_text(encoding="utf-8"))
    assert run["cases"][0]["error"] is None
    entries = list((tmp_path / "cache" / "completions").rglob("*.json"))
    assert entries and all("debug" in p.read_text(encoding="utf-8") for p in entries)  # the extras were cached
    assert_tree_clean(tmp_path)


def test_traceback_under_verbose_does_not_carry_the_key(tmp_path, env, work):
    """With --verbose an unexpected failure prints a traceback: neither it nor the logs may hold the key.

    The server answers 200 with llama.cpp-style ``timings`` whose ``prompt_ms`` is the echoed
    Authorization header, not a number: converting it fails with an exception whose text quotes
    the value, which ends the run as an internal error (a traceback with --verbose, one line
    without).
    """
    ref: list[FakeServer] = []
    model = FakeModel()

    def broken(body: Any) -> Action:
        action = model(body)
        assert isinstance(action, Response)
        completion = json.loads(action.body)
        completion["timings"] = {"prompt_ms": ref[0].chat_requests[-1].headers.get("authorization", ""), "predicted_ms": 1}
        return Response(200, json.dumps(completion).encode())

    server = FakeServer(default=respond(broken))
    ref.append(server)
    with server:
        base = ("--model", "fake", "--base-url", server.base_url)
        verbose = run_cli("-v", "summarize", "seed.txt", *base, env=env, cwd=work)
        quiet = run_cli("summarize", "seed.txt", *base, env=env, cwd=work)
        assert_key_was_sent(server)
    assert verbose.returncode != 0 and quiet.returncode != 0
    assert "Traceback" in verbose.stderr and "could not convert string to float" in verbose.stderr  # checked by run_cli
    assert "Traceback" not in quiet.stderr and "internal error" in quiet.stderr
    assert_tree_clean(tmp_path)
