"""The embedded llama.cpp server failing under a run: killed mid-article, or its port taken.

A single article fails with one line naming what happened (exit 3); a batch restarts the server
and finishes the article. Either way no server process outlives the run (checked by PID).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from procs import embedded_workers, gone

from summarizer.errors import BackendError
from summarizer.providers.llama_server import EmbeddedConfig, EmbeddedServer
from summarizer.schema import Briefing

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_ba58efed2f2f0b1f.txt"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_BACKEND"))}


def _start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "summarizer.cli", "summarize", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip


def _first_worker(process: subprocess.Popen[str], timeout: float = 180) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = embedded_workers(parent=process.pid)
        if workers:
            return workers[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    raise AssertionError("the embedded server never started")


def _kill_once_serving(worker: int, log: Path) -> None:
    """SIGKILL the server once it has begun answering (its log shows a request), i.e. mid-article."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and "launch_slot_" not in log.read_text(errors="replace"):
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)


def test_server_killed_mid_article_is_one_clear_line_and_no_orphan(tmp_path: Path) -> None:
    process = _start([str(SEED), "--json"])
    worker = _first_worker(process)
    _kill_once_serving(worker, Path.home() / ".cache" / "summarizer" / "embedded-server.log")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stderr
    assert stdout == ""
    (line,) = stderr.strip().splitlines()
    assert line.startswith("summarizer: error: the embedded model server stopped unexpectedly (killed by signal 9")
    assert gone(worker) and not embedded_workers(parent=process.pid)


def test_batch_restarts_a_server_killed_mid_article(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    lead = "\n".join(SEED.read_text(encoding="utf-8").strip().splitlines()[:3])  # three paragraphs, one quote: quick
    (articles / "seed.txt").write_text(lead, encoding="utf-8")
    out = tmp_path / "out"
    process = _start([str(articles), "-o", str(out)])
    first = _first_worker(process)
    _kill_once_serving(first, Path.home() / ".cache" / "summarizer" / "embedded-server.log")
    _, stderr = process.communicate(timeout=900)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    summary = json.loads((out / "summarizer-run.json").read_text())
    assert summary["counts"]["done"] == 1, summary
    briefing = Briefing.model_validate_json((out / "seed.json").read_text())
    assert briefing.provenance.backend == "embedded" and briefing.participants
    assert gone(first) and not embedded_workers(parent=process.pid)


def test_a_taken_port_is_one_clear_error_and_no_orphan() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = EmbeddedServer(EmbeddedConfig(port=port, start_timeout=120))
        with pytest.raises(BackendError) as failure:
            server.start()
    message = str(failure.value)
    assert f"port {port}" in message and "\n" not in message
    assert not embedded_workers(parent=os.getpid())
