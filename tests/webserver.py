"""A small web server on loopback for the URL tests: real pages from a folder, and faulty answers.

Each route is a ``Page``: status, headers, body (bytes, or a list of chunks sent one by one with
an optional pause between them), an optional pause before answering, and whether to announce a
Content-Length. Every request is recorded (path and headers) so tests can check what the fetcher
sent, e.g. its User-Agent.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes | list[bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # before the status line
    chunk_delay: float = 0.0  # between two chunks of a list body
    content_length: bool = True


def html_page(body: str, *, head: str = "", lang: str = "it") -> bytes:
    return f'<!doctype html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'.encode()


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class WebServer:
    """``WebServer({"/a": Page(...)}).start()``; ``url("/a")``; ``close()``. Unknown paths get 404."""

    def __init__(self, routes: dict[str, Page] | None = None) -> None:
        self.routes: dict[str, Page] = dict(routes or {})
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                page = server.routes.get(self.path, Page(b"not here", status=404, headers={"Content-Type": "text/plain"}))
                time.sleep(page.delay)
                chunks = page.body if isinstance(page.body, list) else [page.body]
                try:
                    self.send_response(page.status)
                    for name, value in page.headers.items():
                        self.send_header(name, value)
                    if page.content_length:
                        self.send_header("Content-Length", str(sum(map(len, chunks))))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        time.sleep(page.chunk_delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what the limits are for
                self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def seed_page(seed_text: str) -> bytes:
    """The seed article as a news page: one <p> per line, metadata in the head, a menu and a footer.

    trafilatura gives back exactly the seed's text for it, so the scripted fake model answers it
    as it answers the seed file.
    """
    import html

    body = "".join(f"<p>{html.escape(line)}</p>" for line in seed_text.split("\n"))
    head = (
        "<title>Putin a Pyongyang | Il Giornale</title>"
        '<meta property="og:site_name" content="Il Giornale">'
        '<meta property="article:published_time" content="2024-06-18T22:00:00Z">'
        '<meta name="author" content="Mario Rossi">'
        '<link rel="canonical" href="https://giornale.example/esteri/putin-pyongyang">'
    )
    return html_page(f"<nav>Home Esteri</nav><article>{body}</article><footer>Copyright</footer>", head=head)
