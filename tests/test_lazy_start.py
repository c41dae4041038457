"""What needs no model: a cached token count and a sentence's opening are answered without starting
the embedded server (no model test: nothing here loads llama.cpp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.pipeline.choose import OPENING_CHARS, openings
from summarizer.providers import Settings
from summarizer.providers.embedded import EmbeddedProvider


def test_a_cached_token_count_does_not_start_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path))
    provider = EmbeddedProvider(Settings(backend="embedded"))
    key = provider.token_counts.key(provider.cache_scope, {"tokenize": "Hello world"})
    provider.token_counts.put(key, {"tokens": 2})

    assert provider.count_tokens("Hello world") == 2
    assert provider.server.url is None and not provider.server.alive()
    provider.close()


def test_openings_are_short_unique_and_end_at_a_word() -> None:
    same_start = "Der Vorstand sagte am Montag, dass die Produktion nach Tschechien verlagert wird."
    other = "Der Vorstand sagte am Montag, dass alles so bleibt, wie es seit Jahren ist."
    short = "Kurz."
    chosen = openings([same_start, other, short])

    assert chosen[short] == short
    assert chosen[same_start] == "Der Vorstand sagte am Montag, dass die"
    assert chosen[other] == "Der Vorstand sagte am Montag, dass alles"
    assert all(len(o) >= OPENING_CHARS for s, o in chosen.items() if s != short)
    assert len(set(chosen.values())) == 3
