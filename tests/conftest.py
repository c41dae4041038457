"""Shared pytest fixtures."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakemodel import FakeModel
from fakeserver import FakeServer, respond  # pytest puts tests/ on sys.path (no __init__.py)

ROOT = Path(__file__).resolve().parent.parent

# The shared benchmark of real news pages (outside the project: read by path, never copied into it).
BENCHMARK_CANDIDATES = (
    ROOT.parent / "shared" / "benchmarks" / "article-extraction",
    Path("/work/shared/benchmarks/article-extraction"),
)
# A few of its pages: English with full metadata (WSJ, LA Times), Korean, and one the old reader refused.
BENCHMARK_PAGES = (
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
    "098bb3e96c0acdf36efdcde45fb9cca3f8c82c7cb2071b76097a1b96155f1eb2",
    "0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2",
    "0e014df693f182824fe5e24030ddbe1d0b96ddb9685cf20d5766457ed32ffa2d",
)

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


def benchmark_dir() -> Path | None:
    return next((path for path in BENCHMARK_CANDIDATES if (path / "ground-truth.json").is_file()), None)


@pytest.fixture
def real_pages(tmp_path: Path) -> dict[str, tuple[Path, dict]]:
    """A few real pages of the shared benchmark, decompressed into a temporary folder at test time,
    with their hand-checked entries ({"articleBody", "url"}); skipped when the benchmark is absent."""
    source = benchmark_dir()
    if source is None:
        pytest.skip("the shared article-extraction benchmark (../shared) is not here")
    truth = json.loads((source / "ground-truth.json").read_text(encoding="utf-8"))
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = {}
    for page_id in BENCHMARK_PAGES:
        target = folder / f"{page_id[:12]}.html"
        target.write_bytes(gzip.decompress((source / "html" / f"{page_id}.html.gz").read_bytes()))
        pages[page_id[:12]] = (target, truth[page_id])
    return pages
