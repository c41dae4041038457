"""The embedded backend: a llama.cpp server this program starts, on loopback, for one run.

With no endpoint configured, summarizer still works offline: it starts llama.cpp's
OpenAI-compatible server (from the ``xllamacpp`` wheel) on a free loopback port, serving the GGUF
model installed from PyPI, and talks to it exactly as it would to any other server. The server
lives in a child process (see :mod:`summarizer.providers.llama_worker`) that is health-checked before
use, reused for the whole run, and always stopped: on normal exit, on an exception, on Ctrl-C,
and by the child itself if this process dies.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from summarizer.errors import BackendError
from summarizer.files import cache_dir
from summarizer.providers.model_files import QWEN_1_5B, ModelSpec, model_path

DEFAULT_CONTEXT = 8192  # tokens per slot: a long article part plus its question, in 2 cores' memory budget
DEFAULT_SPIN = 2000
"""OpenMP spin count of the server's threads: enough to catch a partner thread that is running (as
fast as libgomp's 300,000 on an idle machine), short enough to yield the core when it is not (with
one busy process beside it, a briefing's requests took 1.9x their idle time instead of over 8x;
``benchmarks/bench_cpu_load.py``)."""


def available_cores() -> int:
    """The cores this process may run on (its affinity mask, as a container or ``taskset`` sets it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class EmbeddedConfig:
    """How to run the embedded server; the defaults suit a laptop or a 2-core CI machine."""

    model: ModelSpec = QWEN_1_5B
    ctx_per_slot: int = DEFAULT_CONTEXT
    parallel: int = 1
    threads: int = field(default_factory=available_cores)
    port: int = 0  # 0: a free port chosen by the system
    start_timeout: float = 180.0
    speculative: str = "none"  # see llama_worker.SPECULATIVE
    ngram: int = 4
    draft_max: int = 16
    spin: int | None = DEFAULT_SPIN  # OpenMP spin count (GOMP_SPINCOUNT); None: libgomp's own (see server_environment)

    @classmethod
    def for_model(cls, model: ModelSpec, parallel: int = 1, threads: int | None = None) -> EmbeddedConfig:
        """A model's config: its context is the default, or less when the model was trained on less."""
        return cls(
            model=model,
            ctx_per_slot=min(DEFAULT_CONTEXT, model.context_length),
            parallel=parallel,
            threads=threads or available_cores(),
        )


def server_environment(spin: int | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: ours, with the OpenMP spin count set unless the user set their own.

    llama.cpp's threads meet at a barrier after every operation, hundreds of times per token. A
    thread that arrives first busy-waits for the others (``GOMP_SPINCOUNT`` iterations) before it
    sleeps. When another program holds a core, a busy-waiting thread burns the time slice that
    the thread it waits for needs, and the whole server slows several-fold.
    """
    env = dict(os.environ if environ is None else environ)
    if spin is not None and "GOMP_SPINCOUNT" not in env and "OMP_WAIT_POLICY" not in env:
        env["GOMP_SPINCOUNT"] = str(spin)
    return env


class EmbeddedServer:
    """Start/stop wrapper around the llama.cpp server child process.

    Use it as a context manager; ``base_url`` is the OpenAI-compatible ``/v1`` address.
    """

    def __init__(self, config: EmbeddedConfig | None = None) -> None:
        self.config = config or EmbeddedConfig()
        self._process: subprocess.Popen[str] | None = None
        self.url: str | None = None
        self.load_seconds: float | None = None
        self.log_path = cache_dir() / "embedded-server.log"

    @property
    def base_url(self) -> str:
        if self.url is None:
            raise RuntimeError("embedded server not started")
        return self.url + "/v1"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def model_name(self) -> str:
        return self.config.model.name

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def exit_status(self) -> str:
        code = self._process.poll() if self._process else None
        if code is None:
            return "running"
        return f"killed by signal {-code}" if code < 0 else f"exit code {code}"

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> str:
        """Start the child (if it is not running) and return its base URL once it is healthy."""
        if self.alive() and self.url:
            return self.base_url
        self.stop()
        started = time.perf_counter()
        path = model_path(self.config.model)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w", encoding="utf-8")
        command = [
            sys.executable, "-m", "summarizer.providers.llama_worker",
            "--model", str(path),
            "--ctx", str(self.config.ctx_per_slot),
            "--parallel", str(self.config.parallel),
            "--threads", str(self.config.threads),
            "--port", str(self.config.port),
            "--speculative", self.config.speculative,
            "--ngram", str(self.config.ngram),
            "--draft-max", str(self.config.draft_max),
        ]  # fmt: skip
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                env=server_environment(self.config.spin),
            )  # fmt: skip
        finally:
            log.close()
        atexit.register(self.stop)
        try:
            self.url = self._read_address()
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        self.load_seconds = time.perf_counter() - started
        return self.base_url

    def stop(self) -> None:
        """Stop the child and wait for it; safe to call more than once."""
        process, self._process = self._process, None
        self.url = None
        if process is None:
            return
        atexit.unregister(self.stop)
        if process.poll() is None:
            try:
                if process.stdin:
                    process.stdin.close()
            except OSError:
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if process.stdout:
            process.stdout.close()

    def tokens(self, text: str) -> int:
        """Exact token count of ``text`` for the served model (llama.cpp's /tokenize)."""
        body = json.dumps({"content": text}).encode()
        request = urllib.request.Request(
            f"{self.url}/tokenize", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return len(json.load(response)["tokens"])

    def _read_address(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        deadline = time.monotonic() + self.config.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                if self.config.port and not _port_free(self.config.port):
                    raise BackendError(f"embedded llama.cpp server cannot listen on port {self.config.port}: it is in use")
                raise BackendError(f"embedded llama.cpp server failed to start: {self._log_tail()}")
            ready, _, _ = select.select([self._process.stdout], [], [], 0.5)
            if ready:
                line = self._process.stdout.readline()
                if line:
                    try:
                        return str(json.loads(line)["url"]).rstrip("/")
                    except (ValueError, KeyError):
                        raise BackendError(f"embedded llama.cpp server said something unexpected: {line.strip()[:200]}") from None
        raise BackendError(f"embedded llama.cpp server did not start within {self.config.start_timeout:.0f} s")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.config.start_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if not self.alive():
                raise BackendError(f"embedded llama.cpp server stopped while loading: {self._log_tail()}")
            time.sleep(0.2)
        raise BackendError(f"embedded llama.cpp server at {self.url} never became healthy")

    def _log_tail(self) -> str:
        try:
            lines = [ln.strip() for ln in Path(self.log_path).read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            return "no log"
        errors = [ln for ln in lines if " E " in ln] or [ln for ln in lines if "error" in ln.lower()]
        return (errors or lines or ["no output"])[-1][:300] + f" (log: {self.log_path})"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
