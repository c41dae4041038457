"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakemodel import FakeModel
from fakeserver import FakeServer, respond  # pytest puts tests/ on sys.path (no __init__.py)

ROOT = Path(__file__).resolve().parent.parent

ENV_DROP = ("OPENAI_", "SUMMARIZER_", "FORCE_COLOR", "TTY_", "CLICOLOR")
"""Variables of the developer's shell that would change what a CLI subprocess does."""


def clean_env(cache_dir: Path) -> dict[str, str]:
    """The environment for a CLI subprocess: no backend settings from the shell, its own cache, plain output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_DROP)}
    env.update(SUMMARIZER_CACHE_DIR=str(cache_dir), COLUMNS="100", NO_COLOR="1")
    return env


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path / "cache")


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A started fake OpenAI-compatible server on loopback, closed after the test."""
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def model_server() -> Iterator[FakeServer]:
    """A fake server answering every question with the scripted fake model (see fakemodel.py)."""
    server = FakeServer(default=respond(FakeModel())).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """A one-case eval suite (the seed and its gold file) in a temporary folder."""
    folder = tmp_path / "suite"
    (folder / "gold").mkdir(parents=True)
    (folder / "articles").mkdir()
    shutil.copy(ROOT / "evals/gold/seed-putin-pyongyang.yaml", folder / "gold")
    shutil.copy(ROOT / "evals/articles/seed-putin-pyongyang.txt", folder / "articles")
    return folder
