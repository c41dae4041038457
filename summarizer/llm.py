"""The one seam to language models: an ``openai.OpenAI`` client driven through Instructor.

Every backend (the embedded llama.cpp server, OpenAI, vLLM, Ollama, a llama.cpp server) is reached
the same way, so the rest of the program never knows which one it talks to. This module adds what
the SDK does not do the way this tool needs:

* transient faults (timeouts, connection errors, 429, 5xx, a body that is not a completion) are
  retried with tenacity: exponential backoff with jitter, bounded, honouring ``Retry-After``;
  when the budget is spent the error names the endpoint and the cause in one line;
* for llama.cpp with LLGuidance, Instructor's ``response_format`` is replaced by an explicit
  compact JSON grammar (same schema, no free whitespace), which cuts a small model's output
  2-3x and keeps it from drifting into pretty-printing;
* every completion is accounted for (tokens, calls, re-asks, and the server's own timings when it
  reports them), so benchmarks can compare our wall time with the server's.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException, ResponseParsingError
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from summarizer.cache import CompletionCache
from summarizer.errors import BackendError, ExtractionError, SummarizerError
from summarizer.schema import Usage

logger = logging.getLogger("summarizer.llm")
T = TypeVar("T", bound=BaseModel)

MODES = {
    "llguidance": instructor.Mode.JSON_SCHEMA,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for transient-fault retries: attempts, total time, and the backoff curve."""

    attempts: int = 4
    max_seconds: float = 120.0
    initial_wait: float = 1.0
    max_wait: float = 20.0
    max_retry_after: float = 60.0


@dataclass
class CallRecord:
    """One completion received: what it cost, and how long the server says it worked on it."""

    prompt_tokens: int
    completion_tokens: int
    wall_seconds: float
    server_seconds: float | None
    cached_prompt_tokens: int | None = None


@dataclass
class CallLog:
    """Everything the LLM did for one briefing (or one benchmark run)."""

    calls: list[CallRecord] = field(default_factory=list)
    reasks: int = 0
    transient_retries: int = 0
    cache_hits: int = 0

    def usage(self) -> Usage:
        return Usage(
            prompt_tokens=sum(c.prompt_tokens for c in self.calls),
            completion_tokens=sum(c.completion_tokens for c in self.calls),
            llm_calls=len(self.calls),
            reasks=self.reasks,
            cached_tokens=sum(c.cached_prompt_tokens or 0 for c in self.calls),
        )


class _NotACompletion(Exception):
    """The server answered 2xx with something that is not a usable chat completion."""


# Errors that mean "this reply is unusable", not "the program is wrong": invalid JSON or schema,
# no tool call in a ``tools`` reply (Instructor's ResponseParsingError), and a refusal, which
# Instructor reports as a bare AssertionError ("Unable to generate a response due to ...") and does
# not re-ask. Anything else that escapes Instructor is re-raised as it is.
_REPLY_ERRORS = (ValidationError, json.JSONDecodeError, ResponseParsingError, AssertionError)


VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("validation_context", default=None)
"""The validation context of the reply being validated (the article, for checks against it)."""


class ReplyFailed(Exception):
    """A pass's reply stayed invalid after every re-ask (a refusal is not re-asked); carries the
    last reply for salvage."""

    def __init__(self, message: str, last_content: str | None) -> None:
        super().__init__(message)
        self.last_content = last_content


# JSON on one line, with the separators models write by habit (``{"a": 1, "b": 2}``): forbidding
# the space after ":" pushes a small model off its usual tokens into empty or degenerate replies,
# while free whitespace lets it pretty-print at 2-3x the tokens.
JSON_LAYOUT = {"whitespace_flexible": False, "key_separator": ": ", "item_separator": ", "}


def compact_grammar(schema: dict[str, Any]) -> str:
    """LLGuidance grammar for a JSON schema, laid out on one line (see ``JSON_LAYOUT``)."""
    schema = {**schema, "x-guidance": JSON_LAYOUT}
    return "%llguidance {}\nstart: %json " + json.dumps(schema, ensure_ascii=False)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, _NotACompletion)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 425, 429) or exc.status_code >= 500
    return False


def _retry_after(exc: BaseException | None) -> float | None:
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


# Stand-in keys the backends send when there is no real one (see backends.py): nothing to hide.
_PLACEHOLDER_KEYS = frozenset({"embedded", "not-needed"})


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of the API key ``secret`` replaced by ``[redacted]``.

    A server may echo the Authorization header back in an error body (a buggy proxy, a hostile
    endpoint); the key must never reach our messages, logs or reports that way. Keys shorter than
    8 characters (test stand-ins like ``"test"``) and the backends' placeholders are left alone.
    """
    if not secret or len(secret) < 8 or secret in _PLACEHOLDER_KEYS:
        return text
    return text.replace(secret, "[redacted]")


def _describe(exc: BaseException, secret: str | None = None) -> str:
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


class LLM:
    """A model behind an OpenAI-compatible endpoint, asked for validated pydantic objects."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        model: str,
        mode: str = "json_schema",
        max_reasks: int = 2,
        retry: RetryPolicy | None = None,
        sampling: dict[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        cache: CompletionCache | None = None,
        cache_scope: str | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.client = client
        self.model = model
        self.mode = mode
        self.max_reasks = max_reasks
        self.retry = retry or RetryPolicy()
        self.sampling = {"temperature": 0.0, "seed": 0} if sampling is None else sampling
        self.log = CallLog()
        self.cache = cache
        self.cache_scope = cache_scope  # names the model server in cache keys; default: the endpoint
        self._sleep = sleep
        self._backoff = wait_random_exponential(multiplier=self.retry.initial_wait, max=self.retry.max_wait)
        self._instructor = instructor.patch(create=self._create, mode=MODES[mode])

    @property
    def endpoint(self) -> str:
        return str(self.client.base_url).rstrip("/")

    def extract(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        context: dict[str, Any] | None = None,
    ) -> T:
        """Ask for ``response_model``; re-ask with the validation errors up to ``max_reasks`` times.

        Raises ``ReplyFailed`` (with the last reply, for the caller to salvage what is valid) when
        the model never produced a valid reply (invalid JSON or schema, no tool call, a refusal),
        ``BackendError`` when the endpoint failed, and ``ExtractionError`` when the reply was cut
        off by the token limit.
        """
        calls_before = len(self.log.calls)
        # Not Instructor's ``context=``: with one, Instructor renders every message as a Jinja
        # template, so "{{ ... }}" in an article would be executed. Validators read it from here.
        token = VALIDATION_CONTEXT.set(context or {})
        try:
            return self._instructor(
                model=self.model,
                messages=messages,
                response_model=response_model,
                max_retries=self.max_reasks,
                max_tokens=max_tokens,
                **self.sampling,
            )
        except IncompleteOutputException:
            raise ExtractionError(
                f"{self.endpoint}: the model's reply for {response_model.__name__} was cut off at "
                f"max_tokens={max_tokens}"
            ) from None
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, SummarizerError):
                raise cause from None
            if not isinstance(cause, _REPLY_ERRORS) and cause is not None:
                raise cause from None
            if isinstance(cause, IncompleteOutputException):
                raise ExtractionError(
                    f"{self.endpoint}: the model's reply for {response_model.__name__} was cut off at "
                    f"max_tokens={max_tokens}"
                ) from None
            completion = exc.last_completion
            content = None
            if completion is not None and getattr(completion, "choices", None):
                message = completion.choices[0].message
                content = message.content
                if not content and getattr(message, "tool_calls", None):
                    content = message.tool_calls[0].function.arguments
            raise ReplyFailed(" ".join(str(cause or exc).split())[:500], content) from None
        finally:
            VALIDATION_CONTEXT.reset(token)
            self.log.reasks += max(0, len(self.log.calls) - calls_before - 1)

    # -- the create function Instructor calls ------------------------------------------------

    def _create(self, **kwargs: Any) -> Any:
        if self.mode == "llguidance" and "response_format" in kwargs:
            schema = kwargs.pop("response_format")["json_schema"]["schema"]
            extra = dict(kwargs.pop("extra_body", None) or {})
            extra["grammar"] = compact_grammar(schema)
            kwargs["extra_body"] = extra
        key = self.cache.key(self.cache_scope or self.endpoint, kwargs) if self.cache else None
        if key is not None and self.cache is not None and (cached := self.cache.get(key)) is not None:
            try:
                completion = ChatCompletion.model_validate(cached)
            except ValidationError:
                pass
            else:
                self.log.cache_hits += 1
                self._record(completion, wall=0.0)
                return completion
        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self.retry.attempts) | stop_after_delay(self.retry.max_seconds),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            completion = retrying(self._call_once, kwargs)
        except (openai.APIStatusError, openai.APIConnectionError, _NotACompletion) as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            tries = f" after {attempts} attempts" if _is_transient(exc) and attempts > 1 else ""
            secret = self.client.api_key
            raise BackendError(redact(f"{self.endpoint}: {_describe(exc, secret)}{tries}", secret)) from None
        if key is not None and self.cache is not None and completion.choices[0].finish_reason != "length":
            self.cache.put(key, completion.model_dump(mode="json"))
        return completion

    def _call_once(self, kwargs: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            completion = self.client.chat.completions.create(**kwargs)
        except json.JSONDecodeError as exc:
            raise _NotACompletion(f"answered with a body that is not JSON ({exc.msg})") from None
        completion = self._scrub(completion)
        if not hasattr(completion, "choices"):
            raise _NotACompletion("answered with something that is not a chat completion")
        if completion.choices is None:  # the SDK does not validate: a 200 body without choices
            error = (getattr(completion, "model_extra", None) or {}).get("error")
            if error:  # some proxies answer 200 with {"error": {...}}
                detail = error.get("message", error) if isinstance(error, dict) else error
                raise _NotACompletion(f"answered with an error instead of a completion: {' '.join(str(detail).split())[:200]}")
            raise _NotACompletion("answered with something that is not a chat completion")
        if not completion.choices:
            raise _NotACompletion("answered with an empty list of choices")
        if getattr(completion.choices[0], "message", None) is None:
            raise _NotACompletion("answered with a choice that has no message")
        self._record(completion, wall=time.perf_counter() - started)
        return completion

    def _scrub(self, completion: Any) -> Any:
        """The completion with the API key redacted wherever the server echoed it back.

        A debugging proxy may copy the request's Authorization header into the body; whatever
        the body holds flows on into logs, the completion cache, error messages and briefings.
        """
        secret = self.client.api_key
        if not isinstance(completion, ChatCompletion) or redact(secret, secret) == secret:
            return completion
        text = json.dumps(completion.model_dump(mode="json", warnings=False), ensure_ascii=False)
        escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
        if secret not in text and escaped not in text:
            return completion
        text = redact(redact(text, secret), escaped)
        return ChatCompletion.construct(**json.loads(text))  # unvalidated, as the SDK builds it

    def _record(self, completion: ChatCompletion, *, wall: float) -> None:
        """Account for one completion (a cached one costs no time but still counts as a call)."""
        logger.debug("LLM reply: %s", completion.choices[0].message.content)
        usage = completion.usage
        timings = (completion.model_extra or {}).get("timings") or {}
        details = getattr(usage, "prompt_tokens_details", None)  # OpenAI's report of cached prompt tokens
        cached = timings.get("cache_n", getattr(details, "cached_tokens", None))
        server_ms = None
        if "prompt_ms" in timings and "predicted_ms" in timings:
            server_ms = float(timings["prompt_ms"]) + float(timings["predicted_ms"])
        self.log.calls.append(
            CallRecord(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
                wall_seconds=wall,
                server_seconds=None if server_ms is None or wall == 0.0 else server_ms / 1000,
                cached_prompt_tokens=cached,
            )
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = _retry_after(exc)
        if retry_after is not None:
            return min(retry_after, self.retry.max_retry_after)
        return self._backoff(state)

    def _count_retry(self, state: RetryCallState) -> None:
        self.log.transient_retries += 1
