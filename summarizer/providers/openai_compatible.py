"""OpenAI, or any server that speaks its API (vLLM, Ollama, SGLang, TGI, a llama.cpp server).

Following the SDK's conventions (``OPENAI_BASE_URL``, ``OPENAI_API_KEY``) means a user who has
them set gets the expected behaviour. The model defaults to gpt-4o-mini on OpenAI and to the only
model a server lists elsewhere; the context window, where known, comes from the price table.
"""

from __future__ import annotations

import openai

from summarizer.cost import price_of
from summarizer.errors import BackendError, ConfigError
from summarizer.providers.base import ProviderBase
from summarizer.providers.settings import Settings

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


class OpenAICompatibleProvider(ProviderBase):
    """An endpoint somebody else runs."""

    def __init__(self, settings: Settings) -> None:
        self.kind = settings.resolved_backend()
        if self.kind == "openai" and not settings.api_key:
            raise ConfigError("the openai backend needs OPENAI_API_KEY")
        self.client = openai.OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or "not-needed",
            max_retries=0,
            timeout=settings.timeout or 180,
        )
        self.model = settings.model or self._default_model()
        self.mode = settings.mode or "json_schema"

    @property
    def context_tokens(self) -> int | None:
        price = price_of(self.model)
        return price.context_tokens if price else None

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
