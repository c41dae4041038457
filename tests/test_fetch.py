"""Web pages by URL: the fetch and its bounds, against a real HTTP server on loopback.

No test here runs a model. The fetch/load path is tested in process (``load_url``); the command
line as a subprocess, with ``--base-url`` pointing at the fake OpenAI-compatible server: every
bad URL must end with one ``summarizer: error:`` line naming the URL, exit 2, and no request to
the model's server; the happy paths go through the scripted fake model (``model_server``).
Real pages come from the shared benchmark, copied into a temporary folder at test time (skipped
without ../shared); the faulty answers are synthetic.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakemodel import SEED
from test_cli import assert_one_line_error, run_cli
from webserver import Page, WebServer, html_page, seed_page

from summarizer.errors import InputError
from summarizer.ingest import DEFAULT_MAX_BYTES, fetch, load_article, load_source, load_url
from summarizer.schema import Briefing

SEED_TEXT = SEED.read_text(encoding="utf-8").strip()
ARTICLE = (
    "<article><p>Il consiglio comunale ha approvato ieri sera il nuovo piano per il trasporto pubblico.</p>"
    "<p>Il sindaco ha detto che le prime linee apriranno entro la fine del prossimo anno.</p></article>"
)
MIB = 1024 * 1024
HTML = {"Content-Type": "text/html"}


@pytest.fixture
def web() -> Iterator[WebServer]:
    server = WebServer().start()
    try:
        yield server
    finally:
        server.close()


def refused(url: str, *fragments: str) -> str:
    with pytest.raises(InputError) as excinfo:
        load_url(url)
    message = str(excinfo.value)
    assert "\n" not in message and message.startswith(f"{url}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- what is fetched, and how -------------------------------------------------------------------


def test_a_page_is_fetched_and_read_like_a_saved_one(web: WebServer, tmp_path: Path) -> None:
    page = html_page(ARTICLE, head="<title>Il piano | Gazzetta</title>")
    web.routes["/piano"] = Page(page)
    article = load_url(web.url("/piano"))
    (tmp_path / "piano.html").write_bytes(page)
    saved = load_article(tmp_path / "piano.html")
    assert (article.text, article.sha256, article.metadata) == (saved.text, saved.sha256, saved.metadata)
    assert article.url == article.source == web.url("/piano")
    assert article.extracted_from_html is True and article.language == "it"
    request = web.requests[-1]
    assert request.headers["user-agent"].startswith("summarizer/") and "summarizer" in fetch.USER_AGENT
    assert "text/html" in request.headers["accept"]


def test_the_servers_charset_comes_first(web: WebServer) -> None:
    text = "Il sindaco è arrivato in città: “una novità”, ha detto, dopo l’incontro."
    body = html_page(f"<article><p>{text}</p><p>{text}</p></article>", head='<meta charset="iso-8859-2">')
    declared = {"Content-Type": "text/html; charset=windows-1252"}
    web.routes["/cp1252"] = Page(body.decode("utf-8").encode("cp1252"), headers=declared)
    article = load_url(web.url("/cp1252"))
    assert article.encoding == "cp1252" and text in article.text


def test_xhtml_and_redirects_are_followed(web: WebServer) -> None:
    web.routes["/a"] = Page(status=301, headers={"Location": "/b"})
    web.routes["/b"] = Page(status=302, headers={"Location": "/c"})
    web.routes["/c"] = Page(html_page(ARTICLE), headers={"Content-Type": "application/xhtml+xml"})
    article = load_url(web.url("/a"))
    assert "consiglio comunale" in article.text
    assert article.url == web.url("/a")  # the address the user gave
    assert [r.path for r in web.requests] == ["/a", "/b", "/c"]


def test_gzip_is_read(web: WebServer) -> None:
    web.routes["/gz"] = Page(gzip.compress(html_page(ARTICLE)), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    assert "prossimo anno" in load_url(web.url("/gz")).text


def test_real_pages_served_over_http(web: WebServer, real_pages) -> None:
    for key, (path, _truth) in real_pages.items():
        web.routes[f"/{key}"] = Page(path.read_bytes(), headers={"Content-Type": "text/html"})
        fetched, saved = load_url(web.url(f"/{key}")), load_article(path)
        assert (fetched.text, fetched.sha256, fetched.metadata) == (saved.text, saved.sha256, saved.metadata), key
        assert fetched.extractor is not None and fetched.extractor.name == "trafilatura"


def test_files_are_never_fetched_and_urls_are_recognised(tmp_path: Path) -> None:
    (tmp_path / "http_news.txt").write_text("Il sindaco ha parlato ieri sera del nuovo piano dei trasporti.", encoding="utf-8")
    assert load_source(tmp_path / "http_news.txt").url is None
    assert fetch.is_url("https://x.example/a") and fetch.is_url("HTTP://x.example")
    assert not fetch.is_url("http_news.txt") and not fetch.is_url("ftp://x.example") and not fetch.is_url("x.example/a")


# --- faulty answers: one line naming the URL ----------------------------------------------------


@pytest.mark.parametrize(
    ("page", "fragments"),
    [
        (Page(b"gone", status=404, headers={"Content-Type": "text/html"}), ["HTTP 404 Not Found"]),
        (Page(b"boom", status=500, headers={"Content-Type": "text/html"}), ["HTTP 500"]),
        (Page(b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}), ["not an HTML page", "application/pdf"]),
        (Page(b"Plain words.", headers={"Content-Type": "text/plain; charset=utf-8"}), ["not an HTML page", "text/plain"]),
        (Page(b"<p>x</p>", headers={}), ["not an HTML page", "no content type"]),
        (Page(b"", headers={"Content-Type": "text/html"}), ["the server sent an empty page"]),
        (Page(html_page("<script>only('scripts')</script>"), headers=HTML), ["no article text found in HTML"]),
        (Page(b"x" * 100, headers={"Content-Type": "text/html", "Content-Encoding": "br"}), ["compressed as br"]),
        (Page(b"\x1f\x8b\x08\x00garbage-not-gzip", headers={**HTML, "Content-Encoding": "gzip"}), ["corrupt"]),
    ],
    ids=["404", "500", "pdf", "text-plain", "no-type", "empty", "no-text", "brotli", "corrupt-gzip"],
)
def test_faulty_answers_are_one_line_errors(web: WebServer, page: Page, fragments: list[str]) -> None:
    web.routes["/x"] = page
    refused(web.url("/x"), *fragments)


def test_too_many_redirects(web: WebServer) -> None:
    web.routes["/loop"] = Page(status=302, headers={"Location": "/loop"})
    refused(web.url("/loop"), f"too many redirects (more than {fetch.MAX_REDIRECTS})")
    assert len(web.requests) == fetch.MAX_REDIRECTS + 1


def test_announced_oversize_is_refused_before_the_body(web: WebServer) -> None:
    web.routes["/big"] = Page(b"x" * (DEFAULT_MAX_BYTES + 1), headers={"Content-Type": "text/html"})
    refused(web.url("/big"), "page is too large: 2.0 MiB (2,097,153 bytes), the limit is 2.0 MiB")


def test_unannounced_oversize_is_cut_at_the_limit(web: WebServer) -> None:
    chunks = [b"<p>" + b"parola " * 9000 + b"</p>"] * 40  # ~2.5 MiB, no Content-Length
    web.routes["/stream"] = Page(chunks, headers={"Content-Type": "text/html"}, content_length=False)
    refused(web.url("/stream"), "page is too large: more than 2.0 MiB")


def test_a_compressed_bomb_is_stopped_at_the_limit(web: WebServer) -> None:
    bomb = zlib.compress(b"<p>" + b"a" * (200 * MIB), 9)  # 200 MiB in about 200 KB
    assert len(bomb) < MIB
    web.routes["/bomb"] = Page(bomb, headers={"Content-Type": "text/html", "Content-Encoding": "deflate"})
    refused(web.url("/bomb"), "page is too large: more than 2.0 MiB")


def test_a_silent_server_times_out(web: WebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.5)
    web.routes["/slow"] = Page(html_page(ARTICLE), delay=3)
    refused(web.url("/slow"), "timed out (no answer within 0.5 s)")


def test_a_trickling_server_hits_the_deadline(web: WebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "DEADLINE_SECONDS", 1.0)
    web.routes["/trickle"] = Page([b"<p>parola</p>"] * 40, chunk_delay=0.1, headers={"Content-Type": "text/html"})
    refused(web.url("/trickle"), "timed out (the page took more than 1 s to arrive)")


def test_nothing_listening() -> None:
    server = WebServer().start()
    url = server.url("/gone")
    server.close()
    refused(url, "cannot fetch the page")


def test_not_a_fetchable_address() -> None:
    with pytest.raises(InputError, match=r"^http://: not a web address this tool can fetch"):
        load_url("http://")


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "page", "fragment"),
    [
        ("/missing", None, "HTTP 404 Not Found"),
        ("/pdf", Page(b"%PDF-1.4", headers={"Content-Type": "application/pdf"}), "not an HTML page"),
        ("/big", Page(b"x" * (DEFAULT_MAX_BYTES + 10), headers={"Content-Type": "text/html"}), "page is too large"),
    ],
)
def test_cli_bad_url_is_one_line_exit_2_and_no_model_request(route, page, fragment, web, tmp_path, env, fake_server) -> None:
    if page is not None:
        web.routes[route] = page
    url = web.url(route)
    proc = run_cli("summarize", url, "--base-url", fake_server.base_url, env=env, cwd=tmp_path)
    line = assert_one_line_error(proc, 2)
    assert line.startswith(f"summarizer: error: {url}: ") and fragment in line
    assert fake_server.requests == []


def test_cli_summarizes_a_url(web, tmp_path, env, model_server) -> None:
    web.routes["/esteri/putin"] = Page(seed_page(SEED_TEXT))
    url = web.url("/esteri/putin")
    proc = run_cli("summarize", url, "--base-url", model_server.base_url, "--model", "fake", "--json", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    briefing = Briefing.model_validate_json(proc.stdout)
    source = briefing.source
    assert source.url == url and source.chars == len(SEED_TEXT)
    assert source.extractor is not None and source.extractor.name == "trafilatura"
    assert source.publication is not None
    assert (source.publication.site_name, source.publication.author, source.publication.published) == (
        "Il Giornale", "Mario Rossi", "2024-06-18")  # fmt: skip
    assert source.publication.canonical_url == "https://giornale.example/esteri/putin-pyongyang"
    assert briefing.claims and briefing.warnings == []
    for claim in briefing.claims:  # quotes index into the extracted text, which is the seed's
        if claim.quote_span is not None:
            assert SEED_TEXT[claim.quote_span[0] : claim.quote_span[1]] == claim.quote
    view = run_cli("summarize", url, "--base-url", model_server.base_url, "--model", "fake", env=env, cwd=tmp_path)
    assert view.returncode == 0, view.stderr
    for shown in ("Il Giornale", "Mario Rossi", "2024-06-18 (publication date, not the event date)", "trafilatura"):
        assert shown in " ".join(view.stdout.split()), view.stdout


def test_cli_batch_mixes_files_and_urls_and_records_a_bad_one(web, tmp_path, env, model_server) -> None:
    web.routes["/esteri/putin"] = Page(seed_page(SEED_TEXT))
    (tmp_path / "seed.txt").write_text(SEED_TEXT, encoding="utf-8")
    good, bad = web.url("/esteri/putin"), web.url("/esteri/gone")
    proc = run_cli("summarize", "seed.txt", good, bad, "-o", "out", "--base-url", model_server.base_url, "--model", "fake",
                   env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # a batch finished, one article failed
    summary = json.loads((tmp_path / "out" / "summarizer-run.json").read_text(encoding="utf-8"))
    status = {a["source"]: (a["status"], a["error"]) for a in summary["articles"]}
    assert status["seed.txt"] == ("done", None)
    assert status[good] == ("done", None)
    assert status[bad] == ("failed", f"{bad}: HTTP 404 Not Found")
    assert f"{bad}: HTTP 404 Not Found" in proc.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["putin.json", "seed.json", "summarizer-run.json"]
    briefing = Briefing.model_validate_json((tmp_path / "out" / "putin.json").read_text(encoding="utf-8"))
    assert briefing.source.url == good


def test_cli_urls_file(web, tmp_path, env, model_server) -> None:
    web.routes["/esteri/putin"] = Page(seed_page(SEED_TEXT))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# today's pages\n\n{web.url('/esteri/putin')}\n", encoding="utf-8")
    proc = run_cli("summarize", "--urls", "urls.txt", "-o", "out", "--base-url", model_server.base_url, "--model", "fake",
                   env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert Briefing.model_validate_json((tmp_path / "out" / "putin.json").read_text(encoding="utf-8")).source.url


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("https://ok.example/a\nnot a url\n", "urls.txt: line 2 is not a URL (http:// or https://): not a url"),
        ("# nothing\n\n", "urls.txt: no URLs in this file"),
    ],
)
def test_cli_bad_urls_file_is_one_line(content, fragment, tmp_path, env, fake_server) -> None:
    (tmp_path / "urls.txt").write_text(content, encoding="utf-8")
    proc = run_cli("summarize", "--urls", "urls.txt", "-o", "out", "--base-url", fake_server.base_url, env=env, cwd=tmp_path)
    line = assert_one_line_error(proc, 2)
    assert fragment in line
    assert fake_server.requests == []


def test_cli_without_any_article_is_one_line(tmp_path, env, fake_server) -> None:
    proc = run_cli("summarize", "--base-url", fake_server.base_url, env=env, cwd=tmp_path)
    assert "no article given" in assert_one_line_error(proc, 2)


def test_batch_names_for_urls(tmp_path: Path) -> None:
    from summarizer.batch import find_articles, output_names

    (tmp_path / "putin.txt").write_text("x", encoding="utf-8")
    sources = find_articles([str(tmp_path / "putin.txt"), "https://a.example/esteri/putin.html?x=1", "https://b.example/",
                             "https://b.example/", "https://c.example/2024/06/19/"])  # fmt: skip
    assert sources[1:] == ["https://a.example/esteri/putin.html?x=1", "https://b.example/", "https://c.example/2024/06/19/"]
    names = output_names(sources)
    assert names[sources[2]] == "b.example.json" and names[sources[3]] == "19.json"
    assert names[sources[0]].startswith("putin-") and names[sources[1]].startswith("putin-")  # same stem: made unique
    assert len(set(names.values())) == 4


def test_export_reads_the_article_from_its_url(web, tmp_path, env, model_server) -> None:
    web.routes["/esteri/putin"] = Page(seed_page(SEED_TEXT))
    url = web.url("/esteri/putin")
    proc = run_cli("summarize", url, "-o", "brief.json", "--base-url", model_server.base_url, "--model", "fake", "--json",
                   env=env, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    page = run_cli("export", "brief.json", "--article", url, "--format", "html", env=env, cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    assert "<mark" in page.stdout and f"<dt>URL</dt><dd>{url}</dd>" in page.stdout
    web.routes["/esteri/putin"] = Page(seed_page(SEED_TEXT + "\nUna riga aggiunta dopo."))  # the page changed since
    changed = run_cli("export", "brief.json", "--article", url, env=env, cwd=tmp_path)
    line = assert_one_line_error(changed, 2)
    assert line.startswith(f"summarizer: error: {url}: the article text does not match the briefing"), line
    web.routes.pop("/esteri/putin")
    gone = run_cli("export", "brief.json", "--article", url, env=env, cwd=tmp_path)
    assert f"{url}: HTTP 404 Not Found" in assert_one_line_error(gone, 2)
