"""Fetching an article's web page when the user gives its URL: bounded, and only when asked.

Why so many bounds: a URL is input from outside, and the server behind it may be slow, huge,
wrong or hostile. The fetch is bounded in time (per connect and read, and overall, so a server
trickling a byte at a time cannot hold a run), in size (the same limit as a file, counted on
the decompressed bytes and checked while reading, so a compressed bomb is stopped at the limit),
in redirects, and in what it accepts (an HTML page). It names itself in the User-Agent. Every
failure is one ``InputError`` line naming the URL, like a bad file.

Nothing here runs unless a URL is given: the tool is offline by default. The HTTP client is
httpx (``httpx2``, the one the openai SDK uses), imported on first fetch.
"""

from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer import __version__
from summarizer.errors import InputError
from summarizer.files import display_name, format_size

if TYPE_CHECKING:
    import httpx2

USER_AGENT = f"summarizer/{__version__} (news briefing tool; fetches the one page it is given)"
TIMEOUT_SECONDS = 20.0  # to connect, and between two reads
DEADLINE_SECONDS = 60.0  # the whole fetch, however slowly the bytes arrive
MAX_REDIRECTS = 5
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ACCEPT = "text/html,application/xhtml+xml;q=0.9"

_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def is_url(text: str) -> bool:
    """Whether an argument is a web address (``http://`` or ``https://``) rather than a file name."""
    return bool(_URL_RE.match(text))


@dataclass(frozen=True)
class FetchedPage:
    url: str  # as given
    final_url: str  # after redirects
    data: bytes  # the body, decompressed
    charset: str | None  # what the Content-Type header declares, if anything


def fetch_page(
    url: str,
    *,
    max_bytes: int,
    timeout: float | None = None,
    deadline: float | None = None,
    transport: httpx2.BaseTransport | None = None,
) -> FetchedPage:
    """GET one HTML page, or raise a one-line ``InputError`` naming the URL.

    ``max_bytes`` is the caller's limit (``load_url`` gives the one a file has), counted on the
    decompressed body. ``timeout`` and ``deadline`` default to :data:`TIMEOUT_SECONDS` and
    :data:`DEADLINE_SECONDS`.
    """
    import httpx2

    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    deadline = DEADLINE_SECONDS if deadline is None else deadline
    shown = display_name(url)
    started = time.monotonic()
    try:
        with (
            httpx2.Client(
                timeout=httpx2.Timeout(timeout),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
                transport=transport,
            ) as client,
            client.stream("GET", url) as response,
        ):
            _check_response(response, shown, max_bytes)
            data = _read_body(response, shown, max_bytes, started, deadline)
            final_url = str(response.url)
            charset = _CHARSET_RE.search(response.headers.get("content-type", ""))
    except httpx2.TooManyRedirects:
        raise InputError(f"{shown}: too many redirects (more than {MAX_REDIRECTS})") from None
    except httpx2.TimeoutException:
        raise InputError(f"{shown}: timed out (no answer within {timeout:g} s)") from None
    except (httpx2.UnsupportedProtocol, httpx2.InvalidURL) as exc:
        raise InputError(f"{shown}: not a web address this tool can fetch ({_reason(exc)})") from None
    except httpx2.HTTPError as exc:
        raise InputError(f"{shown}: cannot fetch the page ({_reason(exc)})") from None
    return FetchedPage(url=url, final_url=final_url, data=data, charset=charset.group(1) if charset else None)


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _too_large(shown: str, max_bytes: int, size: str | None = None) -> InputError:
    found = size or f"more than {format_size(max_bytes)}"
    return InputError(f"{shown}: page is too large: {found}, the limit is {format_size(max_bytes)}")


def _check_response(response: httpx2.Response, shown: str, max_bytes: int) -> None:
    """Refuse an HTTP error, a body that is not HTML or one announced as too large, before reading it."""
    if not response.is_success:
        reason = " ".join((response.reason_phrase or "").split())
        raise InputError(f"{shown}: HTTP {response.status_code}{' ' + reason if reason else ''}")
    content_type = response.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in HTML_TYPES:
        what = f"its content type is {display_name(mime)}" if mime else "it has no content type"
        raise InputError(f"{shown}: not an HTML page ({what}); give the address of an article page")
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise _too_large(shown, max_bytes, format_size(int(length)))


def _read_body(response: httpx2.Response, shown: str, max_bytes: int, started: float, deadline: float) -> bytes:
    """The body, decompressed here with a bound on the output: never more than ``max_bytes + 1`` is kept."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        inflate = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    else:
        raise InputError(f"{shown}: the page is compressed as {display_name(encoding)}, which this tool does not read")
    chunks: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        if time.monotonic() - started > deadline:
            raise InputError(f"{shown}: timed out (the page took more than {deadline:g} s to arrive)")
        try:
            chunk = inflate.decompress(raw, max_bytes + 1 - size) if inflate else raw
        except zlib.error:
            raise InputError(f"{shown}: the page's compressed data is corrupt") from None
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(shown, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)
