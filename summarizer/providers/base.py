"""What every provider offers the rest of the program: a client, a model, and what it knows about itself.

A provider is *where* answers come from (a server this program starts, or an endpoint somebody
runs); *how* to ask it is :mod:`summarizer.llm`'s job. Adding a provider is one module with a
class like the ones here, registered in :mod:`summarizer.providers`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, runtime_checkable

import openai

from summarizer.errors import BackendError


@runtime_checkable
class Provider(Protocol):
    """An open connection to one model."""

    kind: str  # "embedded", "openai" or "openai-compatible": recorded in every briefing
    client: openai.OpenAI
    model: str
    mode: str  # the structured-output mode to ask with (see summarizer.llm.MODES)
    restarts: int  # times the provider restarted its server after it died

    @property
    def endpoint(self) -> str: ...

    @property
    def cache_scope(self) -> str:
        """What names this model server in completion-cache keys."""
        ...

    @property
    def context_tokens(self) -> int | None:
        """Tokens one request may use, where known."""
        ...

    def count_tokens(self, text: str) -> int | None:
        """Exact token count where the server can tell, else None."""
        ...

    def connect(self) -> None:
        """Make sure the model is served before a request goes out (a local server starts here)."""
        ...

    def explain(self, error: BackendError) -> BackendError:
        """The error to report for a failed request: a better one where the provider knows more."""
        ...

    def recover(self, seen: int) -> bool:
        """After a failed request: restart what died. True if it was restarted since ``restarts`` was ``seen``."""
        ...

    def close(self) -> None: ...


class ProviderBase:
    """Defaults shared by the providers: an endpoint that needs no recovery."""

    kind: str
    client: openai.OpenAI
    model: str
    mode: str
    restarts = 0

    @property
    def endpoint(self) -> str:
        return str(self.client.base_url).rstrip("/")

    @property
    def cache_scope(self) -> str:
        return self.endpoint

    @property
    def context_tokens(self) -> int | None:
        return None

    def count_tokens(self, text: str) -> int | None:
        return None

    def connect(self) -> None:
        return None

    def explain(self, error: BackendError) -> BackendError:
        return error

    def recover(self, seen: int) -> bool:
        return False

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ProviderBase:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
