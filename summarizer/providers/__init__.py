"""Where to connect: one module per provider behind :class:`Provider`, chosen by :func:`open_provider`."""

from __future__ import annotations

from collections.abc import Callable

from summarizer.errors import ConfigError
from summarizer.providers.base import Provider
from summarizer.providers.settings import Settings

__all__ = ["Provider", "Settings", "open_provider"]


def _embedded(settings: Settings) -> Provider:
    from summarizer.providers.embedded import EmbeddedProvider

    return EmbeddedProvider(settings)


def _openai_compatible(settings: Settings) -> Provider:
    from summarizer.providers.openai_compatible import OpenAICompatibleProvider

    return OpenAICompatibleProvider(settings)


PROVIDERS: dict[str, Callable[[Settings], Provider]] = {
    "embedded": _embedded,
    "openai": _openai_compatible,
    "openai-compatible": _openai_compatible,
}
"""The provider for each resolved backend name (see :meth:`Settings.resolved_backend`)."""


def open_provider(settings: Settings | None = None) -> Provider:
    """Connect as ``settings`` say (default: the environment's); close the provider when done."""
    from summarizer.llm import MODES

    settings = settings or Settings.from_env()
    kind = settings.resolved_backend()
    if settings.mode is not None and settings.mode not in MODES:
        raise ConfigError(f"unknown mode {settings.mode!r} (choose from {', '.join(MODES)})")
    return PROVIDERS[kind](settings)
