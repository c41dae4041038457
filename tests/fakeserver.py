"""A fake OpenAI-compatible HTTP server for tests.

Why it exists: the summarizer talks to an LLM through the real ``openai`` SDK (and Instructor).
To exercise retries, re-asks, timeouts and error handling without a model, tests point the real
client at this server over real HTTP on loopback and script what each request gets back. Nothing
in the code under test is mocked: the SDK, its HTTP stack and our own code run as in production.

Usage::

    with FakeServer() as server:
        server.enqueue(status(429, headers={"Retry-After": "1"}), reply_json({"title": "x"}))
        client = openai.OpenAI(base_url=server.base_url, api_key="test")
        ...
        assert server.calls == 2

Each ``POST /v1/chat/completions`` consumes one action from a FIFO queue. When the queue is empty
the ``default`` action is used; without one the server answers 500 "fake server: no scripted reply
left", so a test notices calls it did not expect. ``GET /v1/models`` and ``GET /health`` always
succeed; any other route gets a 404 JSON error. Every response closes its connection, so each
request sees a fresh connection and ``reset()`` behaves the same every time.
"""

from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

_ids = itertools.count(1)


# --- actions: each one answers exactly ONE chat completion request -----------------------------


@dataclass(frozen=True)
class Response:
    """Send this status, body and headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (cut short by ``FakeServer.close()``), then perform ``then``."""

    seconds: float
    then: Action


@dataclass(frozen=True)
class Reset:
    """Drop the connection with a TCP RST and no response at all."""


@dataclass(frozen=True)
class Respond:
    """Compute the action from the request's parsed JSON body (None if it was not JSON)."""

    fn: Callable[[Any], Action]


Action = Response | Delay | Reset | Respond


def _json(status_code: int, obj: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code, json.dumps(obj).encode(), headers=dict(headers or {}))


def reply(
    content: str,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 10,
    completion_tokens: int = 20,
    model: str = "fake-model",
    timings: dict | None = None,
) -> Response:
    """A valid ``chat.completion`` whose single choice carries ``content``."""
    body: dict[str, Any] = {
        "id": f"chatcmpl-fake-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    if timings is not None:  # llama.cpp style: prompt_n, prompt_ms, predicted_n, predicted_ms
        body["timings"] = timings
    return _json(200, body)


def reply_json(obj: Any, **kwargs: Any) -> Response:
    """``reply(json.dumps(obj))``; keyword arguments as for ``reply``."""
    return reply(json.dumps(obj), **kwargs)


_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
                429: "rate_limit_error"}


def status(code: int, body: dict | str | None = None, headers: dict | None = None) -> Response:
    """An HTTP error (or any status). Default body: an OpenAI-style ``{"error": {...}}``."""
    if isinstance(body, str):
        return Response(code, body.encode(), "text/plain; charset=utf-8", dict(headers or {}))
    if body is None:
        kind = _ERROR_TYPES.get(code, "server_error" if code >= 500 else "error")
        body = {"error": {"message": f"fake server: scripted status {code}", "type": kind}}
    return _json(code, body, headers)


def delay(seconds: float, then: Action | None = None) -> Delay:
    """Sleep before answering (to trip client timeouts); ``then`` defaults to ``reply("")``."""
    return Delay(seconds, then if then is not None else reply(""))


def reset() -> Reset:
    """Close the connection abruptly: the client sees a reset / remote protocol error."""
    return Reset()


def raw(body: bytes | str, status: int = 200, content_type: str = "application/json") -> Response:
    """Send ``body`` verbatim, e.g. non-JSON garbage labelled as JSON."""
    return Response(status, body.encode() if isinstance(body, str) else body, content_type)


def empty_choices() -> Response:
    """A 200 ``chat.completion`` with ``"choices": []``."""
    completion = json.loads(reply("").body)
    completion["choices"] = []
    return _json(200, completion)


def respond(fn: Callable[[Any], Action]) -> Respond:
    """Let ``fn(request_json)`` pick the action, e.g. to echo part of the request."""
    return Respond(fn)


def _no_reply_left(_request_json: Any) -> Action:
    return status(500, {"error": {"message": "fake server: no scripted reply left",
                                  "type": "fake_server_error"}})


# --- the server -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # keys lower-cased
    body: Any  # parsed JSON, or None if absent or not JSON
    raw_body: bytes


class FakeServer:
    """Scriptable OpenAI-compatible server on 127.0.0.1 (free port), served by a daemon thread."""

    def __init__(self, default: Action | None = None, model: str = "fake-model") -> None:
        self.default = default  # used when the queue is empty; None -> 500 "no scripted reply left"
        self.model = model
        self._queue: deque[Action] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._handlers: set[threading.Thread] = set()  # threads answering a request right now
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                name=f"fakeserver-{self.port}", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and wait (briefly) for in-flight requests; interrupts ``delay``.

        Safe to call twice.
        """
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        deadline = time.monotonic() + 2
        with self._lock:
            handlers = list(self._handlers)
        for thread in handlers:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enqueue(self, *actions: Action) -> None:
        """Append actions, one per future chat completion request, in order."""
        for action in actions:
            if not isinstance(action, Action):
                raise TypeError(f"not an action: {action!r} (use reply(), status(), ...)")
        with self._lock:
            self._queue.extend(actions)

    @property
    def pending(self) -> int:
        """Scripted actions not consumed yet."""
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def calls(self) -> int:
        """Number of chat completion requests received."""
        return len(self.chat_requests)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_action(self) -> Action:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        return self.default if self.default is not None else respond(_no_reply_left)


def _make_handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def handle(self) -> None:
            me = threading.current_thread()
            with server._lock:
                server._handlers.add(me)
            try:
                super().handle()
            finally:
                with server._lock:
                    server._handlers.discard(me)

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            self.close_connection = True
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            try:
                parsed = json.loads(raw_body) if raw_body else None
            except ValueError:
                parsed = None
            path = self.path.split("?", 1)[0].rstrip("/")
            headers = {k.lower(): v for k, v in self.headers.items()}
            server._record(RecordedRequest(self.command, path, headers, parsed, raw_body))

            if self.command == "POST" and path == "/v1/chat/completions":
                self._perform(server._next_action(), parsed)
            elif self.command == "GET" and path == "/v1/models":
                self._perform(_json(200, {"object": "list", "data": [
                    {"id": server.model, "object": "model", "created": 0, "owned_by": "fake"}]}), None)
            elif self.command == "GET" and path == "/health":
                self._perform(_json(200, {"status": "ok"}), None)
            else:
                self._perform(_json(404, {"error": {
                    "message": f"fake server: no route for {self.command} {path}",
                    "type": "not_found_error"}}), None)

        def _perform(self, action: Action, parsed: Any) -> None:
            while not isinstance(action, Response):
                if isinstance(action, Reset):
                    self._reset()
                    return
                if isinstance(action, Delay):
                    if server._stop.wait(action.seconds):
                        self._reset()  # server closing: give up without answering
                        return
                    action = action.then
                elif isinstance(action, Respond):
                    try:
                        action = action.fn(parsed)
                    except Exception as exc:
                        action = status(500, {"error": {
                            "message": f"fake server: respond() callback failed: {exc!r}",
                            "type": "fake_server_error"}})
                else:
                    action = status(500, {"error": {
                        "message": f"fake server: not an action: {action!r}",
                        "type": "fake_server_error"}})
            try:
                self.send_response(action.status)
                self.send_header("Content-Type", action.content_type)
                self.send_header("Content-Length", str(len(action.body)))
                self.send_header("Connection", "close")
                for name, value in action.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(action.body)
            except OSError:  # client gave up (e.g. its timeout fired): nothing to tell it
                pass

        def _reset(self) -> None:
            # SO_LINGER 0 makes close() send RST instead of FIN. rfile holds a reference to
            # the socket; closing it too makes the RST go out now rather than in finish().
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()

    return Handler
