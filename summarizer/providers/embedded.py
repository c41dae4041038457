"""The embedded provider: llama.cpp's server, started by this program on loopback, serving the PyPI model.

Everything that knows the server is ours lives here: its cache identity (its model file, not
its random port), exact token counts, its context size, and what to do when it dies under a run
(name the cause; restart it once when asked to).

The server starts on the first request the completion cache cannot answer, not when the provider
opens: a re-run answered from the cache (an eval after a change to one pass) never pays for
loading the model. Token counts are kept on disk for the same reason (keyed by the model file).
"""

from __future__ import annotations

import threading

import openai

from summarizer.errors import BackendError
from summarizer.files import cache_dir
from summarizer.llm.cache import CompletionCache
from summarizer.providers.base import ProviderBase
from summarizer.providers.llama_server import EmbeddedServer
from summarizer.providers.settings import Settings

NOT_STARTED = "http://127.0.0.1/v1"  # the client's address until the server is started


class EmbeddedProvider(ProviderBase):
    """Owns the llama.cpp server process; close it (or use ``with``)."""

    kind = "embedded"

    def __init__(self, settings: Settings) -> None:
        self.config = settings.embedded
        self.server = EmbeddedServer(self.config)
        self.client = openai.OpenAI(
            base_url=NOT_STARTED, api_key="embedded", max_retries=0, timeout=settings.timeout or 900
        )
        self.token_counts = CompletionCache(cache_dir() / "token-counts")
        self.model = self.server.model_name
        self.mode = settings.mode or "llguidance"
        self.restarts = 0  # times the server was restarted after dying
        self._recovering = threading.Lock()
        self._starting = threading.Lock()

    @property
    def cache_scope(self) -> str:
        """The server gets a new port every run, so it is named by its model file's hash instead."""
        return f"embedded:{self.config.model.sha256}"

    @property
    def context_tokens(self) -> int:
        return self.config.ctx_per_slot

    def count_tokens(self, text: str) -> int:
        key = self.token_counts.key(self.cache_scope, {"tokenize": text})
        if (known := self.token_counts.get(key)) is not None and isinstance(known.get("tokens"), int):
            return known["tokens"]
        self.connect()
        count = self.server.tokens(text)
        self.token_counts.put(key, {"tokens": count})
        return count

    def connect(self) -> None:
        with self._starting:
            if self.server.url is None:
                self.server.start()
                self.client.base_url = self.server.base_url

    def explain(self, error: BackendError) -> BackendError:
        """A request that failed because the server died says so, with its exit status and log."""
        reason = self._stopped_unexpectedly()
        return error if reason is None else BackendError(reason)

    def recover(self, seen: int) -> bool:
        """Restart the server if it died. Several threads noticing the same death restart it once."""
        with self._recovering:
            if self.restarts != seen:
                return True
            if self._stopped_unexpectedly() is None:
                return False
            self.server.start()
            self.client.base_url = self.server.base_url
            self.restarts += 1
            return True

    def close(self) -> None:
        super().close()
        self.server.stop()

    def _stopped_unexpectedly(self) -> str | None:
        if self.server.url is None or self.server.alive():
            return None
        return f"the embedded model server stopped unexpectedly ({self.server.exit_status()}; log: {self.server.log_path})"
