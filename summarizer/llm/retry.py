"""Transient faults: which errors are worth another attempt, how long to wait, and how to name the cause.

Timeouts, connection errors, 429, 5xx and 2xx bodies that are not completions are retried with
exponential backoff and jitter, bounded in attempts and in time, honouring ``Retry-After``; when
the budget is spent the error names the endpoint and the cause in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import openai

from summarizer.llm.secrets import redact


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for transient-fault retries: attempts, total time, and the backoff curve."""

    attempts: int = 4
    max_seconds: float = 120.0
    initial_wait: float = 1.0
    max_wait: float = 20.0
    max_retry_after: float = 60.0


class NotACompletion(Exception):
    """The server answered 2xx with something that is not a usable chat completion."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, NotACompletion)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 425, 429) or exc.status_code >= 500
    return False


def retry_after(exc: BaseException | None) -> float | None:
    """The server's ``Retry-After`` in seconds, if it sent one we can read."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def describe(exc: BaseException, secret: str | None = None) -> str:
    """The cause of a failed request in a few words, with the API key redacted."""
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        return f"connection failed ({type(cause).__name__ if cause else 'no response'})"
    if isinstance(exc, openai.APIStatusError):
        detail = ""
        body = exc.body
        if isinstance(body, dict):
            inner = body.get("error", body)
            detail = str(inner.get("message", "")) if isinstance(inner, dict) else str(inner)
        elif isinstance(body, str):
            detail = body
        detail = " ".join(redact(detail, secret).split())[:200]  # redact first: a cut key would slip through
        return f"HTTP {exc.status_code}: {detail}" if detail else f"HTTP {exc.status_code}"
    return " ".join(redact(str(exc), secret).split())[:200] or type(exc).__name__
