"""The embedded provider: llama.cpp's server, started by this program on loopback, serving the PyPI model.

Everything that knows the server is ours lives here: its cache identity (its model file, not
its random port), exact token counts, its context size, and what to do when it dies under a run
(name the cause; restart it once when asked to).
"""

from __future__ import annotations

import threading

import openai

from summarizer.errors import BackendError
from summarizer.providers.base import ProviderBase
from summarizer.providers.llama_server import EmbeddedServer
from summarizer.providers.settings import Settings


class EmbeddedProvider(ProviderBase):
    """Owns the llama.cpp server process; close it (or use ``with``)."""

    kind = "embedded"

    def __init__(self, settings: Settings) -> None:
        self.config = settings.embedded
        self.server = EmbeddedServer(self.config)
        self.server.start()
        self.client = openai.OpenAI(
            base_url=self.server.base_url, api_key="embedded", max_retries=0, timeout=settings.timeout or 900
        )
        self.model = self.server.model_name
        self.mode = settings.mode or "llguidance"
        self.restarts = 0  # times the server was restarted after dying
        self._recovering = threading.Lock()

    @property
    def cache_scope(self) -> str:
        """The server gets a new port every run, so it is named by its model file's hash instead."""
        return f"embedded:{self.config.model.sha256}"

    @property
    def context_tokens(self) -> int:
        return self.config.ctx_per_slot

    def count_tokens(self, text: str) -> int:
        return self.server.tokens(text)

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
