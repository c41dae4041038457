"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakeserver import FakeServer  # pytest puts tests/ on sys.path (no __init__.py)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A started fake OpenAI-compatible server on loopback, closed after the test."""
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.close()
