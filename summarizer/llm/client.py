"""How to talk to a language model: an ``openai.OpenAI`` client driven through Instructor.

Every provider (the embedded llama.cpp server, OpenAI, vLLM, Ollama, a llama.cpp server) is
reached the same way, so the rest of the program never knows which one it talks to. Around
Instructor's validate-and-re-ask loop this adds transient-fault retries (:mod:`.retry`), the
compact grammar for llama.cpp (:mod:`.grammar`), key scrubbing (:mod:`.secrets`), accounting
(:mod:`.usage`) and the completion cache (:mod:`.cache`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException, ResponseParsingError
from instructor.core.hooks import Hooks
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

from summarizer.errors import BackendError, ExtractionError, SummarizerError
from summarizer.llm.cache import CompletionCache
from summarizer.llm.grammar import use_compact_grammar
from summarizer.llm.retry import NotACompletion, RetryPolicy, describe, is_transient, retry_after
from summarizer.llm.secrets import redact, scrub
from summarizer.llm.usage import CallLog
from summarizer.validation import ValidationContext, validating

T = TypeVar("T", bound=BaseModel)

MODES = {
    "llguidance": instructor.Mode.JSON_SCHEMA,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


# Errors that mean "this reply is unusable", not "the program is wrong": invalid JSON or schema,
# no tool call in a ``tools`` reply (Instructor's ResponseParsingError), and a refusal, which
# Instructor reports as a bare AssertionError ("Unable to generate a response due to ...") and does
# not re-ask. Anything else that escapes Instructor is re-raised as it is.
_REPLY_ERRORS = (ValidationError, json.JSONDecodeError, ResponseParsingError, AssertionError)


class ReplyFailed(Exception):
    """A pass's reply stayed invalid after every re-ask (a refusal is not re-asked); carries the
    last reply for salvage."""

    def __init__(self, message: str, last_content: str | None) -> None:
        super().__init__(message)
        self.last_content = last_content


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
        connect: Callable[[], None] | None = None,
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
        self.connect = connect  # called before a request the cache cannot answer (starts a local server)
        self._sleep = sleep
        self._backoff = wait_random_exponential(multiplier=self.retry.initial_wait, max=self.retry.max_wait)
        self._instructor = instructor.patch(create=self._create, mode=MODES[mode])
        self._hooks = Hooks()
        self._hooks.on("parse:error", lambda error, **_: self.log.reject(error))

    @property
    def endpoint(self) -> str:
        return str(self.client.base_url).rstrip("/")

    def extract(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        context: ValidationContext | None = None,
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
        try:
            with validating(context):
                return self._instructor(
                    model=self.model,
                    messages=messages,
                    response_model=response_model,
                    max_retries=self.max_reasks,
                    max_tokens=max_tokens,
                    hooks=self._hooks,
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
            self.log.mark_reasks(calls_before)

    # -- the create function Instructor calls ------------------------------------------------

    def _create(self, **kwargs: Any) -> Any:
        if self.mode == "llguidance":
            kwargs = use_compact_grammar(kwargs)
        key = self.cache.key(self.cache_scope or self.endpoint, kwargs) if self.cache else None
        if key is not None and self.cache is not None and (cached := self.cache.get(key)) is not None:
            try:
                completion = ChatCompletion.model_validate(cached)
            except ValidationError:
                pass
            else:
                self.log.cache_hits += 1
                self.log.record(completion, wall=0.0, cached=True)
                return completion
        if self.connect is not None:
            self.connect()
        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(self.retry.attempts) | stop_after_delay(self.retry.max_seconds),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            completion = retrying(self._call_once, kwargs)
        except (openai.APIStatusError, openai.APIConnectionError, NotACompletion) as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            tries = f" after {attempts} attempts" if is_transient(exc) and attempts > 1 else ""
            secret = self.client.api_key
            raise BackendError(redact(f"{self.endpoint}: {describe(exc, secret)}{tries}", secret)) from None
        if key is not None and self.cache is not None:  # a reply cut off too: the same request is cut off again
            self.cache.put(key, completion.model_dump(mode="json"))
        return completion

    def _call_once(self, kwargs: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            completion = self.client.chat.completions.create(**kwargs)
        except json.JSONDecodeError as exc:
            raise NotACompletion(f"answered with a body that is not JSON ({exc.msg})") from None
        completion = scrub(completion, self.client.api_key)
        if not hasattr(completion, "choices"):
            raise NotACompletion("answered with something that is not a chat completion")
        if completion.choices is None:  # the SDK does not validate: a 200 body without choices
            error = (getattr(completion, "model_extra", None) or {}).get("error")
            if error:  # some proxies answer 200 with {"error": {...}}
                detail = error.get("message", error) if isinstance(error, dict) else error
                raise NotACompletion(f"answered with an error instead of a completion: {' '.join(str(detail).split())[:200]}")
            raise NotACompletion("answered with something that is not a chat completion")
        if not completion.choices:
            raise NotACompletion("answered with an empty list of choices")
        if getattr(completion.choices[0], "message", None) is None:
            raise NotACompletion("answered with a choice that has no message")
        self.log.record(completion, wall=time.perf_counter() - started)
        return completion

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        wait = retry_after(exc)
        if wait is not None:
            return min(wait, self.retry.max_retry_after)
        return self._backoff(state)

    def _count_retry(self, state: RetryCallState) -> None:
        self.log.transient_retries += 1
