"""Unit tests of ``summarizer.llm.LLM`` driven over real loopback HTTP by the fake OpenAI server.

Nothing of the code under test is mocked: the real ``openai`` client and Instructor talk to
``FakeServer``; only the backoff ``sleep`` is replaced by a recorder so retries do not wait.
Every test asserts how many HTTP requests were made (``server.calls``).
"""

from __future__ import annotations

import json
import time

import openai
import pytest
from fakeserver import FakeServer, Response, delay, empty_choices, raw, reply, reply_json, reset, status
from pydantic import BaseModel, field_validator

from summarizer.errors import BackendError, ExtractionError
from summarizer.llm import JSON_LAYOUT, LLM, ReplyFailed, RetryPolicy, compact_grammar
from summarizer.llm.cache import CompletionCache

MESSAGES = [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "Is it ok?"}]
OK = {"status": "ok"}


class Status(BaseModel):
    status: str
    note: str | None = None

    @field_validator("status")
    @classmethod
    def _must_be_ok(cls, value: str) -> str:
        if value != "ok":
            raise ValueError(f"status must be 'ok', not {value!r}")
        return value


class Sleeps(list):
    """Records the backoff waits instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_llm(server: FakeServer, *, timeout: float = 5.0, **kwargs) -> tuple[LLM, Sleeps]:
    sleeps = Sleeps()
    client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, timeout=timeout)
    return LLM(client, model="fake-model", sleep=sleeps, **kwargs), sleeps


def extract(llm: LLM, max_tokens: int = 50) -> Status:
    return llm.extract(Status, MESSAGES, max_tokens=max_tokens)


def tool_call_reply(arguments: dict, name: str = "Status") -> Response:
    """A completion whose answer is a tool call (what a server sends in ``tools`` mode)."""
    completion = json.loads(reply("").body)
    completion["choices"][0]["finish_reason"] = "tool_calls"
    completion["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
        ],
    }
    return Response(200, json.dumps(completion).encode())


def assert_one_line(message: str) -> None:
    assert message
    assert "\n" not in message and "\r" not in message


# --- valid replies and re-asks ---------------------------------------------------------------


def test_valid_reply_is_parsed_and_accounted(fake_server):
    timings = {"prompt_n": 7, "prompt_ms": 120.0, "predicted_n": 3, "predicted_ms": 30.0, "cache_n": 5}
    fake_server.enqueue(
        reply_json({"status": "ok", "note": "fine"}, prompt_tokens=7, completion_tokens=3, timings=timings)
    )
    llm, sleeps = make_llm(fake_server)

    result = extract(llm)

    assert isinstance(result, Status)
    assert result.model_dump() == {"status": "ok", "note": "fine"}
    assert fake_server.calls == 1
    usage = llm.log.usage()
    assert (usage.llm_calls, usage.prompt_tokens, usage.completion_tokens, usage.reasks) == (1, 7, 3, 0)
    [record] = llm.log.calls
    assert record.server_seconds == pytest.approx(0.15)
    assert record.cached_prompt_tokens == 5
    assert record.wall_seconds > 0
    assert llm.log.transient_retries == 0
    assert sleeps == []


def test_usage_accumulates_over_extractions(fake_server):
    fake_server.enqueue(
        reply_json(OK, prompt_tokens=11, completion_tokens=2), reply_json(OK, prompt_tokens=13, completion_tokens=4)
    )
    llm, _ = make_llm(fake_server)

    extract(llm)
    extract(llm)

    assert fake_server.calls == 2
    usage = llm.log.usage()
    assert (usage.llm_calls, usage.prompt_tokens, usage.completion_tokens, usage.reasks) == (2, 24, 6, 0)


def test_invalid_reply_is_reasked_with_the_validation_error(fake_server):
    fake_server.enqueue(reply_json({"status": "maybe"}), reply_json(OK))
    llm, sleeps = make_llm(fake_server)

    result = extract(llm)
    assert isinstance(result, Status) and result.model_dump() == {"status": "ok", "note": None}

    assert fake_server.calls == 2
    assert llm.log.reasks == 1
    assert llm.log.usage().llm_calls == 2
    assert llm.log.transient_retries == 0 and sleeps == []
    first, second = (r.body for r in fake_server.chat_requests)
    assert first["messages"] == MESSAGES
    assert second["messages"][: len(MESSAGES)] == MESSAGES
    later = json.dumps(second["messages"][len(MESSAGES) :])
    assert "status must be 'ok', not 'maybe'" in later
    assert '\\"status\\": \\"maybe\\"' in later  # the rejected reply is shown back to the model


def test_reply_that_is_not_json_is_reasked(fake_server):
    fake_server.enqueue(reply("Sure! The status is ok."), reply_json(OK))
    llm, _ = make_llm(fake_server)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    assert llm.log.reasks == 1


def test_always_invalid_raises_reply_failed_with_the_last_reply(fake_server):
    fake_server.enqueue(*(reply_json({"status": f"bad-{n}"}) for n in (1, 2, 3)))
    llm, _ = make_llm(fake_server, max_reasks=2)

    with pytest.raises(ReplyFailed) as caught:
        extract(llm)

    assert fake_server.calls == 1 + 2
    assert caught.value.last_content == json.dumps({"status": "bad-3"})
    assert "status must be 'ok'" in str(caught.value)
    assert_one_line(str(caught.value))
    assert llm.log.reasks == 2
    assert fake_server.pending == 0


@pytest.mark.parametrize("max_reasks", [0, 1, 3])
def test_reask_budget_bounds_the_requests(fake_server, max_reasks):
    fake_server.default = reply_json({"status": "never"})
    llm, _ = make_llm(fake_server, max_reasks=max_reasks)

    with pytest.raises(ReplyFailed):
        extract(llm)

    assert fake_server.calls == 1 + max_reasks
    assert llm.log.reasks == max_reasks


# --- transient faults: retried with backoff --------------------------------------------------


def test_429_retry_after_is_honoured(fake_server):
    fake_server.enqueue(status(429, headers={"Retry-After": "2"}), reply_json(OK))
    llm, sleeps = make_llm(fake_server)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    assert sleeps == [2.0]
    assert llm.log.transient_retries == 1
    assert llm.log.reasks == 0  # a retried request is not a re-ask
    assert llm.log.usage().llm_calls == 1  # only completions received are counted


def test_retry_after_is_capped_by_the_policy(fake_server):
    fake_server.enqueue(status(429, headers={"Retry-After": "3600"}), reply_json(OK))
    llm, sleeps = make_llm(fake_server, retry=RetryPolicy(max_retry_after=5.0))

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    assert sleeps == [5.0]


def test_unparseable_retry_after_falls_back_to_backoff(fake_server):
    fake_server.enqueue(status(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), reply_json(OK))
    policy = RetryPolicy(initial_wait=1.0, max_wait=20.0)
    llm, sleeps = make_llm(fake_server, retry=policy)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= policy.initial_wait


def test_5xx_are_retried_with_jittered_bounded_backoff(fake_server):
    fake_server.enqueue(status(500), status(502), status(503), reply_json(OK))
    policy = RetryPolicy(attempts=4, initial_wait=1.0, max_wait=3.0)
    llm, sleeps = make_llm(fake_server, retry=policy)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 4
    assert llm.log.transient_retries == 3
    assert len(sleeps) == 3
    for attempt, wait in enumerate(sleeps):
        # exponential ceiling 1, 2, 4 ... seconds, capped at max_wait; jitter anywhere below it
        assert 0 <= wait <= min(policy.max_wait, policy.initial_wait * 2**attempt)


def test_backoff_is_jittered(fake_server):
    fake_server.default = status(503)
    policy = RetryPolicy(attempts=12, initial_wait=1.0, max_wait=2.0)
    llm, sleeps = make_llm(fake_server, retry=policy)

    with pytest.raises(BackendError):
        extract(llm)

    assert fake_server.calls == 12
    assert len(sleeps) == 11
    assert all(0 <= wait <= policy.max_wait for wait in sleeps)
    assert len(set(sleeps)) > 1  # random, not a fixed schedule


def test_persistent_503_gives_one_line_backend_error(fake_server):
    fake_server.default = status(503)
    policy = RetryPolicy()
    llm, sleeps = make_llm(fake_server, retry=policy)

    with pytest.raises(BackendError) as caught:
        extract(llm)

    message = str(caught.value)
    assert_one_line(message)
    assert message.startswith(fake_server.base_url)
    assert "HTTP 503" in message
    assert f"after {policy.attempts} attempts" in message
    assert fake_server.calls == policy.attempts
    assert len(sleeps) == policy.attempts - 1
    assert caught.value.exit_code == 3


def test_retry_policy_attempts_are_respected(fake_server):
    fake_server.default = status(502)
    llm, _ = make_llm(fake_server, retry=RetryPolicy(attempts=2))

    with pytest.raises(BackendError, match="after 2 attempts"):
        extract(llm)

    assert fake_server.calls == 2


def test_client_timeout_is_retried_then_reported(fake_server):
    fake_server.default = delay(3.0, reply_json(OK))
    llm, sleeps = make_llm(fake_server, timeout=0.3, retry=RetryPolicy(attempts=3))

    started = time.monotonic()
    with pytest.raises(BackendError) as caught:
        extract(llm)
    elapsed = time.monotonic() - started

    message = str(caught.value)
    assert_one_line(message)
    assert "timed out" in message and "after 3 attempts" in message
    assert fake_server.base_url in message
    assert fake_server.calls == 3
    assert len(sleeps) == 2
    assert elapsed < 3 * 0.3 + 2.0  # three client timeouts, not three server delays


def test_timeout_then_reply_succeeds(fake_server):
    fake_server.enqueue(delay(3.0, reply_json(OK)), reply_json(OK))
    llm, _ = make_llm(fake_server, timeout=0.3)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    assert llm.log.transient_retries == 1


def test_connection_reset_is_retried_then_reported(fake_server):
    fake_server.default = reset()
    llm, sleeps = make_llm(fake_server)

    with pytest.raises(BackendError) as caught:
        extract(llm)

    message = str(caught.value)
    assert_one_line(message)
    assert "connection failed" in message and f"after {RetryPolicy().attempts} attempts" in message
    assert fake_server.calls == RetryPolicy().attempts
    assert len(sleeps) == RetryPolicy().attempts - 1


def test_connection_reset_then_reply_succeeds(fake_server):
    fake_server.enqueue(reset(), reply_json(OK))
    llm, _ = make_llm(fake_server)

    assert extract(llm).status == "ok"
    assert fake_server.calls == 2


def test_unreachable_endpoint_is_a_backend_error():
    server = FakeServer()  # binds a free port; closing it leaves nothing listening there
    url = server.base_url
    server.close()
    client = openai.OpenAI(base_url=url, api_key="test", max_retries=0, timeout=2)
    sleeps = Sleeps()
    llm = LLM(client, model="m", sleep=sleeps, retry=RetryPolicy(attempts=2))

    with pytest.raises(BackendError) as caught:
        extract(llm)

    assert "connection failed" in str(caught.value) and url in str(caught.value)
    assert len(sleeps) == 1


def test_garbage_body_is_transient_then_reported(fake_server):
    fake_server.default = raw("<html>502 Bad Gateway</html>")
    llm, sleeps = make_llm(fake_server)

    with pytest.raises(BackendError) as caught:
        extract(llm)

    message = str(caught.value)
    assert_one_line(message)
    assert "not JSON" in message and f"after {RetryPolicy().attempts} attempts" in message
    assert fake_server.calls == RetryPolicy().attempts
    assert len(sleeps) == RetryPolicy().attempts - 1
    assert llm.log.usage().llm_calls == 0


def test_garbage_body_then_valid_reply_succeeds(fake_server):
    fake_server.enqueue(raw("{not json"), reply_json(OK))
    llm, _ = make_llm(fake_server)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    assert llm.log.transient_retries == 1
    assert llm.log.reasks == 0


def test_json_that_is_not_a_completion_is_transient(fake_server):
    fake_server.enqueue(raw('{"hello": "world"}'), reply_json(OK))
    llm, _ = make_llm(fake_server)

    assert extract(llm).status == "ok"
    assert fake_server.calls == 2
    assert llm.log.transient_retries == 1


def test_empty_choices_are_retried_then_reported(fake_server):
    fake_server.default = empty_choices()
    llm, _ = make_llm(fake_server)

    with pytest.raises(BackendError) as caught:
        extract(llm)

    message = str(caught.value)
    assert_one_line(message)
    assert "empty list of choices" in message
    assert fake_server.calls == RetryPolicy().attempts


def test_empty_choices_then_reply_succeeds(fake_server):
    fake_server.enqueue(empty_choices(), reply_json(OK))
    llm, _ = make_llm(fake_server)

    assert extract(llm).status == "ok"
    assert fake_server.calls == 2


def test_transient_fault_during_a_reask(fake_server):
    fake_server.enqueue(reply_json({"status": "no"}), status(503), reply_json(OK))
    llm, sleeps = make_llm(fake_server)

    assert extract(llm).status == "ok"

    assert fake_server.calls == 3
    assert llm.log.reasks == 1
    assert llm.log.transient_retries == 1
    assert len(sleeps) == 1


# --- faults that are not retried -------------------------------------------------------------


def test_reply_cut_off_at_max_tokens_is_an_extraction_error(fake_server):
    fake_server.default = reply('{"status": "o', finish_reason="length")
    llm, sleeps = make_llm(fake_server)

    with pytest.raises(ExtractionError) as caught:
        extract(llm, max_tokens=37)

    message = str(caught.value)
    assert_one_line(message)
    assert "cut off" in message and "max_tokens=37" in message
    assert fake_server.calls == 1  # no re-ask: the same budget would cut it off again
    assert llm.log.reasks == 0
    assert sleeps == []


def test_reply_cut_off_is_cached_so_a_rerun_does_not_generate_it_again(fake_server, tmp_path):
    fake_server.default = reply('{"status": "o', finish_reason="length")
    cache = CompletionCache(tmp_path)
    for _ in range(2):
        llm, _ = make_llm(fake_server, cache=cache)
        with pytest.raises(ExtractionError, match="cut off"):
            extract(llm, max_tokens=37)

    assert fake_server.calls == 1
    assert llm.log.cache_hits == 1


def test_reply_cut_off_during_a_reask_is_an_extraction_error(fake_server):
    fake_server.enqueue(reply_json({"status": "no"}), reply('{"status": "o', finish_reason="length"))
    llm, _ = make_llm(fake_server)

    with pytest.raises(ExtractionError, match="cut off"):
        extract(llm)

    assert fake_server.calls == 2


@pytest.mark.parametrize("code", [400, 401, 403, 404])
def test_client_errors_are_not_retried(fake_server, code):
    fake_server.default = status(code)
    llm, sleeps = make_llm(fake_server)

    with pytest.raises(BackendError) as caught:
        extract(llm)

    message = str(caught.value)
    assert_one_line(message)
    assert f"HTTP {code}" in message and fake_server.base_url in message
    assert "after" not in message
    assert fake_server.calls == 1
    assert sleeps == []
    assert llm.log.transient_retries == 0


def test_error_detail_from_a_text_body_is_one_line(fake_server):
    fake_server.default = status(500, "upstream\nexploded\n\n  badly")
    llm, _ = make_llm(fake_server, retry=RetryPolicy(attempts=1))

    with pytest.raises(BackendError) as caught:
        extract(llm)

    assert_one_line(str(caught.value))
    assert "HTTP 500: upstream exploded badly" in str(caught.value)
    assert fake_server.calls == 1


# --- what is sent: modes and sampling --------------------------------------------------------


def test_sampling_defaults_are_deterministic(fake_server):
    fake_server.enqueue(reply_json(OK))
    llm, _ = make_llm(fake_server)

    extract(llm, max_tokens=42)

    [request] = fake_server.chat_requests
    assert request.body["temperature"] == 0
    assert request.body["seed"] == 0
    assert request.body["max_tokens"] == 42
    assert request.body["model"] == "fake-model"
    assert request.body["messages"] == MESSAGES


def test_sampling_can_be_overridden(fake_server):
    fake_server.enqueue(reply_json(OK))
    llm, _ = make_llm(fake_server, sampling={"temperature": 0.7})

    extract(llm)

    [request] = fake_server.chat_requests
    assert request.body["temperature"] == 0.7
    assert "seed" not in request.body


def test_json_schema_mode_sends_response_format_and_no_grammar(fake_server):
    fake_server.enqueue(reply_json(OK))
    llm, _ = make_llm(fake_server, mode="json_schema")

    extract(llm)

    [request] = fake_server.chat_requests
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Status"
    assert response_format["json_schema"]["schema"]["properties"].keys() == {"status", "note"}
    assert "grammar" not in request.body
    assert "tools" not in request.body


def test_llguidance_mode_sends_a_compact_grammar_instead_of_response_format(fake_server):
    fake_server.enqueue(reply_json(OK))
    llm, _ = make_llm(fake_server, mode="llguidance")

    assert extract(llm).status == "ok"

    [request] = fake_server.chat_requests
    assert "response_format" not in request.body
    grammar = request.body["grammar"]
    assert grammar.startswith("%llguidance")
    header, _, schema_text = grammar.partition("start: %json ")
    assert header == "%llguidance {}\n"
    schema = json.loads(schema_text)
    assert schema["x-guidance"] == JSON_LAYOUT
    assert schema["x-guidance"]["whitespace_flexible"] is False
    expected = {**Status.model_json_schema(), "x-guidance": JSON_LAYOUT}
    assert schema == expected
    assert grammar == compact_grammar(Status.model_json_schema())


def test_llguidance_mode_reasks_with_the_grammar_again(fake_server):
    fake_server.enqueue(reply_json({"status": "nope"}), reply_json(OK))
    llm, _ = make_llm(fake_server, mode="llguidance")

    assert extract(llm).status == "ok"

    assert fake_server.calls == 2
    for request in fake_server.chat_requests:
        assert request.body["grammar"].startswith("%llguidance")
        assert "response_format" not in request.body


def test_tools_mode_sends_tools_and_parses_the_tool_call(fake_server):
    fake_server.enqueue(tool_call_reply(OK))
    llm, _ = make_llm(fake_server, mode="tools")

    assert extract(llm).status == "ok"

    [request] = fake_server.chat_requests
    [tool] = request.body["tools"]
    assert tool["function"]["name"] == "Status"
    assert tool["function"]["parameters"]["properties"].keys() == {"status", "note"}
    assert "response_format" not in request.body and "grammar" not in request.body


def test_tools_mode_reply_failed_carries_the_tool_arguments(fake_server):
    fake_server.default = tool_call_reply({"status": "broken"})
    llm, _ = make_llm(fake_server, mode="tools", max_reasks=1)

    with pytest.raises(ReplyFailed) as caught:
        extract(llm)

    assert json.loads(caught.value.last_content) == {"status": "broken"}
    assert fake_server.calls == 2


def test_unknown_mode_is_refused(fake_server):
    with pytest.raises(ValueError, match="unknown mode"):
        make_llm(fake_server, mode="grammar")
    assert fake_server.calls == 0


def test_endpoint_names_the_base_url(fake_server):
    llm, _ = make_llm(fake_server)
    assert llm.endpoint == fake_server.base_url


# --- completion cache keys ------------------------------------------------------------------------


def test_cache_scope_replaces_the_endpoint_in_the_key(tmp_path):
    """The embedded server listens on a new port every run: keyed by scope, its replies are reused."""
    cache = CompletionCache(tmp_path)
    with FakeServer() as first, FakeServer() as second:
        first.enqueue(reply_json({"status": "ok"}))
        second.enqueue(reply_json({"status": "ok"}))
        assert first.base_url != second.base_url
        for server in (first, second):
            llm, _ = make_llm(server, cache=cache, cache_scope="embedded:model-sha")
            assert extract(llm).status == "ok"
        assert (first.calls, second.calls) == (1, 0)
        llm, _ = make_llm(second, cache=cache)  # no scope: the endpoint names the server, a miss
        assert extract(llm).status == "ok"
        assert second.calls == 1


# --- why replies were refused ----------------------------------------------------------------------


def test_refused_replies_are_counted_by_rule_without_their_values(fake_server):
    fake_server.enqueue(reply_json({"status": "maybe"}), reply_json({"status": "perhaps"}), reply_json(OK))
    llm, _ = make_llm(fake_server)
    llm.log.stage = "claims"

    assert extract(llm).status == "ok"

    assert [call.rejected for call in llm.log.calls] == ["status: status must be …, not …"] * 2 + [None]
    assert llm.log.rejections() == {"claims: status: status must be …, not …": 2}


def test_a_question_that_fails_records_every_refusal_including_the_last(fake_server):
    fake_server.enqueue(reply("Sure! The status is ok."), reply_json({"note": "no status"}))
    llm, _ = make_llm(fake_server, max_reasks=1)

    with pytest.raises(ReplyFailed):
        extract(llm)

    assert llm.log.rejections() == {"other: not JSON": 1, "other: status: missing": 1}


def test_a_cached_reply_keeps_its_model_time_and_its_refusals(fake_server, tmp_path):
    timings = {"prompt_n": 7, "prompt_ms": 120.0, "predicted_n": 3, "predicted_ms": 30.0}
    fake_server.enqueue(reply_json({"status": "maybe"}, timings=timings), reply_json(OK, timings=timings))
    cache = CompletionCache(tmp_path)
    first, _ = make_llm(fake_server, cache=cache)
    extract(first)
    again, _ = make_llm(fake_server, cache=cache)

    assert extract(again).status == "ok"

    assert fake_server.calls == 2  # the second run asked nothing
    assert [call.cached for call in again.log.calls] == [True, True]
    assert [call.server_seconds for call in again.log.calls] == [pytest.approx(0.15)] * 2
    assert again.log.rejections() == first.log.rejections() == {"other: status: status must be …, not …": 1}
    assert again.log.usage().seconds == 0.0
