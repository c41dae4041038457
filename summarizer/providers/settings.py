"""Where to connect: the settings that choose a provider (embedded llama.cpp, OpenAI, any compatible server).

Configuration follows the OpenAI SDK's own conventions (``OPENAI_BASE_URL``, ``OPENAI_API_KEY``)
so that a user who already has them set gets the expected behaviour, and flags override the
environment. With nothing configured the embedded backend is used, so the tool works offline.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from summarizer.errors import ConfigError
from summarizer.providers.llama_server import EmbeddedConfig
from summarizer.providers.model_files import QWEN_1_5B, local_model

BACKENDS = ("auto", "embedded", "openai")


@dataclass(frozen=True)
class Settings:
    """Which model answers, where, and in which structured-output mode; built from flags over environment.

    How the pipeline uses the model (re-asks, part sizes) is not a connection setting: see
    :class:`summarizer.pipeline.Options`.
    """

    backend: str = "auto"
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    mode: str | None = None
    timeout: float | None = None
    embedded: EmbeddedConfig = field(default_factory=EmbeddedConfig)

    @classmethod
    def from_env(
        cls,
        environ: dict[str, str] | None = None,
        *,
        model_file: str | None = None,
        parallel: int | None = None,
        threads: int | None = None,
        **overrides: object,
    ) -> Settings:
        """Settings from ``OPENAI_*``/``SUMMARIZER_*`` variables; ``None`` overrides are ignored.

        ``model_file`` (or ``SUMMARIZER_MODEL_FILE``) runs the embedded backend on a GGUF file the
        user already has; ``parallel`` is how many requests the embedded server serves at once;
        ``threads`` (or ``SUMMARIZER_THREADS``) how many CPU threads it computes with.
        """
        env = os.environ if environ is None else environ
        model_file = model_file or env.get("SUMMARIZER_MODEL_FILE") or None
        model = local_model(model_file) if model_file else QWEN_1_5B
        embedded = EmbeddedConfig.for_model(model, parallel=parallel or 1, threads=threads or _threads(env))
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
            embedded=embedded,
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def resolved_backend(self) -> str:
        """'embedded', 'openai' (api.openai.com) or 'openai-compatible' (a base URL)."""
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {self.backend!r} (choose from {', '.join(BACKENDS)})")
        if self.backend == "embedded" or (self.backend == "auto" and self.embedded.model.path is not None):
            return "embedded"  # a model file given is a model to run here
        if self.base_url:
            return "openai-compatible"
        if self.api_key or self.backend == "openai":
            return "openai"
        return "embedded"


def _threads(env: Mapping[str, str]) -> int | None:
    value = env.get("SUMMARIZER_THREADS")
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"SUMMARIZER_THREADS must be a whole number of threads (1 or more), got {value!r}")
    return int(value)
