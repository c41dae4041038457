"""Self-tests of the fake OpenAI server, driven by the real ``openai`` client over loopback HTTP."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import openai
import pytest
from fakeserver import (
    FakeServer,
    delay,
    empty_choices,
    raw,
    reply,
    reply_json,
    reset,
    respond,
    status,
)

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Summarize."}]


def client(server: FakeServer, **kwargs) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, **kwargs)


def ask(server: FakeServer, **kwargs):
    return client(server, **kwargs).chat.completions.create(model="m", messages=MESSAGES)


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_scripted_reply_comes_back_with_content_usage_and_timings(fake_server):
    timings = {"prompt_n": 5, "prompt_ms": 1.5, "predicted_n": 7, "predicted_ms": 2.5}
    fake_server.enqueue(reply("hello", finish_reason="length", prompt_tokens=3,
                              completion_tokens=4, model="tiny", timings=timings))

    completion = ask(fake_server)

    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == "hello"
    assert completion.choices[0].finish_reason == "length"
    assert completion.model == "tiny"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens,
            completion.usage.total_tokens) == (3, 4, 7)
    assert completion.model_extra["timings"] == timings


def test_reply_json_serializes_the_object(fake_server):
    fake_server.enqueue(reply_json({"title": "Ünïcode", "points": [1, 2]}))

    assert json.loads(ask(fake_server).choices[0].message.content) == {
        "title": "Ünïcode", "points": [1, 2]}


def test_requests_are_recorded_with_body_and_headers(fake_server):
    fake_server.enqueue(reply("ok"))
    openai_client = client(fake_server)
    openai_client.models.list()
    openai_client.chat.completions.create(model="m", messages=MESSAGES, temperature=0)

    assert [(r.method, r.path) for r in fake_server.requests] == [
        ("GET", "/v1/models"), ("POST", "/v1/chat/completions")]
    [chat] = fake_server.chat_requests
    assert fake_server.calls == 1
    assert chat.body["model"] == "m"
    assert chat.body["messages"] == MESSAGES
    assert chat.body["temperature"] == 0
    assert chat.headers["authorization"] == "Bearer test"
    assert json.loads(chat.raw_body) == chat.body


def test_429_raises_rate_limit_error_with_retry_after_visible(fake_server):
    fake_server.enqueue(status(429, headers={"Retry-After": "1"}))

    with pytest.raises(openai.RateLimitError) as info:
        ask(fake_server)

    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "1"
    assert info.value.type == "rate_limit_error"


@pytest.mark.parametrize("code", [500, 502, 503])
def test_5xx_raises_internal_server_error(fake_server, code):
    fake_server.enqueue(status(code))

    with pytest.raises(openai.InternalServerError) as info:
        ask(fake_server)

    assert info.value.status_code == code
    assert info.value.body == {"message": f"fake server: scripted status {code}",
                               "type": "server_error"}


def test_status_with_text_body_is_sent_verbatim(fake_server):
    fake_server.enqueue(status(502, "Bad Gateway from proxy"))

    with pytest.raises(openai.InternalServerError) as info:
        ask(fake_server)

    assert info.value.response.text == "Bad Gateway from proxy"


def test_delay_beyond_client_timeout_raises_timeout_and_close_is_prompt(fake_server):
    fake_server.enqueue(delay(30, then=reply("too late")))

    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        ask(fake_server, timeout=0.3)
    assert time.monotonic() - started < 2

    started = time.monotonic()
    fake_server.close()  # the handler is still sleeping in its delay; close waits for it
    assert time.monotonic() - started < 1
    assert fake_server.calls == 1


def test_short_delay_then_answers(fake_server):
    fake_server.enqueue(delay(0.1, then=reply("late but fine")))

    started = time.monotonic()
    completion = ask(fake_server, timeout=5)

    assert completion.choices[0].message.content == "late but fine"
    assert time.monotonic() - started >= 0.1


def test_reset_raises_connection_error(fake_server):
    fake_server.enqueue(reset())

    with pytest.raises(openai.APIConnectionError) as info:
        ask(fake_server, timeout=5)

    assert not isinstance(info.value, openai.APITimeoutError)
    causes = []  # a real RST (SO_LINGER 0), not an orderly close without a response
    cause = info.value.__cause__
    while cause is not None:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    assert any(isinstance(c, ConnectionResetError) for c in causes), causes
    assert fake_server.calls == 1


def test_garbage_labelled_json_escapes_as_json_decode_error(fake_server):
    # What the SDK actually does: a 200 whose "JSON" body does not parse is NOT wrapped in an
    # openai error; the stdlib JSONDecodeError reaches the caller.
    fake_server.enqueue(raw("<html>not json{"))

    with pytest.raises(json.JSONDecodeError) as info:
        ask(fake_server)

    assert not isinstance(info.value, openai.OpenAIError)


def test_non_json_content_type_is_returned_as_a_plain_string(fake_server):
    # What the SDK actually does (non-strict validation): create() returns the body text.
    fake_server.enqueue(raw("plain garbage", content_type="text/plain"))

    assert ask(fake_server) == "plain garbage"


def test_empty_choices(fake_server):
    fake_server.enqueue(empty_choices())

    completion = ask(fake_server)

    assert completion.choices == []
    assert completion.object == "chat.completion"


def test_empty_queue_answers_500_no_scripted_reply_left(fake_server):
    with pytest.raises(openai.InternalServerError) as info:
        ask(fake_server)

    assert info.value.status_code == 500
    assert "fake server: no scripted reply left" in str(info.value)
    assert fake_server.calls == 1


def test_default_action_is_used_when_queue_is_empty():
    with FakeServer(default=reply("fallback")) as server:
        server.enqueue(reply("scripted"))
        openai_client = client(server)
        contents = [
            openai_client.chat.completions.create(model="m", messages=MESSAGES)
            .choices[0].message.content
            for _ in range(3)
        ]

    assert contents == ["scripted", "fallback", "fallback"]


def test_actions_are_consumed_in_fifo_order(fake_server):
    fake_server.enqueue(reply("one"), reply("two"), status(503), reply("three"))
    assert fake_server.pending == 4

    openai_client = client(fake_server)
    results = []
    for _ in range(4):
        try:
            completion = openai_client.chat.completions.create(model="m", messages=MESSAGES)
            results.append(completion.choices[0].message.content)
        except openai.InternalServerError as err:
            results.append(err.status_code)

    assert results == ["one", "two", 503, "three"]
    assert fake_server.pending == 0
    assert fake_server.calls == 4


def test_respond_sees_the_request_json(fake_server):
    fake_server.enqueue(respond(lambda body: reply("echo: " + body["messages"][-1]["content"])))

    assert ask(fake_server).choices[0].message.content == "echo: Summarize."


def test_failing_respond_callback_surfaces_as_500(fake_server):
    fake_server.enqueue(respond(lambda body: body["no such key"]))

    with pytest.raises(openai.InternalServerError) as info:
        ask(fake_server)

    assert "respond() callback failed" in str(info.value)


def test_non_actions_are_rejected(fake_server):
    with pytest.raises(TypeError, match="not an action"):
        fake_server.enqueue("hello")
    fake_server.enqueue(respond(lambda body: "hello"))

    with pytest.raises(openai.InternalServerError, match="not an action"):
        ask(fake_server)


def test_models_health_and_unknown_routes(fake_server):
    root = fake_server.base_url.removesuffix("/v1")

    assert [m.id for m in client(fake_server).models.list()] == ["fake-model"]
    assert get(root + "/health") == (200, {"status": "ok"})
    code, body = get(root + "/v1/nope")
    assert code == 404
    assert body["error"]["type"] == "not_found_error"
    assert fake_server.calls == 0
    assert len(fake_server.requests) == 3


def test_base_url_is_loopback_with_a_real_port(fake_server):
    assert fake_server.base_url == f"http://127.0.0.1:{fake_server.port}/v1"
    assert fake_server.port > 0
