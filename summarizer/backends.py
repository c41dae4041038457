"""Choosing and opening the LLM endpoint: embedded llama.cpp, OpenAI, or any compatible server.

Configuration follows the OpenAI SDK's own conventions (``OPENAI_BASE_URL``, ``OPENAI_API_KEY``)
so that a user who already has them set gets the expected behaviour, and flags override the
environment. With nothing configured the embedded backend is used, so the tool works offline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from types import TracebackType

import openai

from summarizer.cost import price_of
from summarizer.embedded import EmbeddedConfig, EmbeddedServer
from summarizer.errors import BackendError, ConfigError
from summarizer.llm import MODES

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
BACKENDS = ("auto", "embedded", "openai")


@dataclass(frozen=True)
class Settings:
    """Everything that decides which model answers and how; built from flags over environment."""

    backend: str = "auto"
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    mode: str | None = None
    timeout: float | None = None
    max_reasks: int = 2
    chunk_tokens: int | None = None  # most article tokens per question; None: what the model's context allows
    embedded: EmbeddedConfig = field(default_factory=EmbeddedConfig)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``OPENAI_*``/``SUMMARIZER_*`` variables; ``None`` overrides are ignored."""
        env = os.environ if environ is None else environ
        timeout = env.get("SUMMARIZER_TIMEOUT")
        try:
            timeout_value = float(timeout) if timeout else None
        except ValueError:
            raise ConfigError(f"SUMMARIZER_TIMEOUT must be a number of seconds, got {timeout!r}") from None
        settings = cls(
            backend=env.get("SUMMARIZER_BACKEND") or "auto",
            base_url=env.get("OPENAI_BASE_URL") or None,
            api_key=env.get("OPENAI_API_KEY") or None,
            model=env.get("SUMMARIZER_MODEL") or None,
            mode=env.get("SUMMARIZER_MODE") or None,
            timeout=timeout_value,
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def resolved_backend(self) -> str:
        """'embedded', 'openai' (api.openai.com) or 'openai-compatible' (a base URL)."""
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {self.backend!r} (choose from {', '.join(BACKENDS)})")
        if self.backend == "embedded":
            return "embedded"
        if self.base_url:
            return "openai-compatible"
        if self.api_key or self.backend == "openai":
            return "openai"
        return "embedded"


class Backend:
    """An open connection to a model: the client, the model name, the structured-output mode.

    For the embedded backend this owns the llama.cpp server process; close it (or use ``with``).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.kind = self.settings.resolved_backend()
        mode = self.settings.mode
        if mode is not None and mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
        self.server: EmbeddedServer | None = None
        self.restarts = 0  # times the embedded server was restarted after dying
        if self.kind == "embedded":
            self.server = EmbeddedServer(self.settings.embedded)
            self.server.start()
            self.client = openai.OpenAI(
                base_url=self.server.base_url, api_key="embedded", max_retries=0, timeout=self.settings.timeout or 900
            )
            self.model = self.server.model_name
            self.mode = mode or "llguidance"
        else:
            if self.kind == "openai" and not self.settings.api_key:
                raise ConfigError("the openai backend needs OPENAI_API_KEY")
            self.client = openai.OpenAI(
                base_url=self.settings.base_url,
                api_key=self.settings.api_key or "not-needed",
                max_retries=0,
                timeout=self.settings.timeout or 180,
            )
            self.model = self.settings.model or self._default_model()
            self.mode = mode or "json_schema"

    @property
    def endpoint(self) -> str:
        return str(self.client.base_url).rstrip("/")

    @property
    def cache_scope(self) -> str:
        """What identifies this model server in completion-cache keys. The embedded server gets a
        new port every run, so it is named by its model file's hash instead of its address."""
        if self.server:
            return f"embedded:{self.settings.embedded.model.sha256}"
        return self.endpoint

    def _default_model(self) -> str:
        if self.kind == "openai":
            return DEFAULT_OPENAI_MODEL
        try:
            models = [m.id for m in self.client.models.list()]
        except openai.OpenAIError as exc:
            raise BackendError(f"{self.endpoint}: cannot list models to pick one ({type(exc).__name__}); pass --model") from None
        if len(models) == 1:
            return models[0]
        if not models:
            raise BackendError(f"{self.endpoint}: the server lists no models; pass --model")
        raise ConfigError(f"{self.endpoint} serves several models ({', '.join(models[:5])}); choose one with --model")

    def stopped_unexpectedly(self) -> str | None:
        """Why the embedded server is gone while it should run (None if it runs, or is not ours)."""
        if self.server is None or self.server.url is None or self.server.alive():
            return None
        return f"the embedded model server stopped unexpectedly ({self.server.exit_status()}; log: {self.server.log_path})"

    def revive(self) -> bool:
        """Restart the embedded server if it died; True if it was restarted."""
        if self.stopped_unexpectedly() is None:
            return False
        assert self.server is not None
        self.server.start()
        self.client.base_url = self.server.base_url
        self.restarts += 1
        return True

    def count_tokens(self, text: str) -> int | None:
        """Exact token count where the server can tell (embedded llama.cpp), else None."""
        return self.server.tokens(text) if self.server else None

    @property
    def context_tokens(self) -> int | None:
        """Tokens one request may use: the embedded slot size, else the price table's entry, if any."""
        if self.server:
            return self.settings.embedded.ctx_per_slot
        price = price_of(self.model)
        return price.context_tokens if price else None

    def close(self) -> None:
        self.client.close()
        if self.server:
            self.server.stop()

    def __enter__(self) -> Backend:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
