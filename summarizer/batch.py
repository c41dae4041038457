"""Many articles in one run: concurrent, resumable, and safe to interrupt.

A batch is a list of article files (from folders, glob patterns or names) and web pages (their
URLs, fetched by the worker that summarizes them) and an output folder.
Each article's briefing is written there, atomically, as soon as it is done, so an interrupted
run loses nothing finished and leaves no half-written file. Running the same command again skips
every article whose briefing is already there for the same article text (its SHA-256), model,
prompt version and briefing language: only what is missing or failed is asked again. One
article's failure is recorded and the others go on.

Articles run on ``concurrency`` worker threads sharing one backend (the embedded llama.cpp
server is started with as many parallel slots); the main thread only collects results, keeps the
run summary file current and reports progress, so Ctrl-C is handled at once.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import queue
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from summarizer.cost import price_of
from summarizer.errors import BackendError, InputError, SummarizerError
from summarizer.files import display_name, read_bounded, write_atomically
from summarizer.ingest import Article, load_source
from summarizer.ingest.fetch import is_url
from summarizer.llm import CallLog
from summarizer.llm.cache import CompletionCache
from summarizer.pipeline import Summarizer
from summarizer.schema import Briefing, Usage

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
SUMMARY_NAME = "summarizer-run.json"
MAX_URL_LIST_BYTES = 1024 * 1024
# An article of a batch: a file, or the URL of a web page (kept as the string the user gave).
Source = Path | str
_UNSAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
# "interrupted": stopped while being summarized; "pending": not started (yet, or ever if the run was interrupted).
Status = Literal["done", "skipped", "failed", "interrupted", "pending"]


def find_articles(inputs: Sequence[str]) -> list[Source]:
    """Articles named by ``inputs``: files as given, folders searched (recursively) for article
    files, glob patterns (``**`` included) expanded, and URLs as given (fetched only when their
    turn comes); each once, in order."""
    found: list[Source] = []
    for item in inputs:
        if is_url(item):
            found.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            if not matches:
                raise InputError(f"{item}: no article files in this folder ({', '.join(ARTICLE_SUFFIXES)})")
        elif path.exists() or not glob.has_magic(item):
            matches = [path]  # a missing file is reported when it is loaded, with the others
        else:
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"{item}: no file matches this pattern")
        found += matches
    unique: dict[Path | str, Source] = {}
    for source in found:
        unique.setdefault(source if isinstance(source, str) else source.resolve(), source)
    return list(unique.values())


def read_url_list(path: str) -> list[str]:
    """The URLs in a file, one a line (blank lines and ``#`` comments ignored); one-line errors."""
    shown = display_name(path)
    data = read_bounded(path, max_bytes=MAX_URL_LIST_BYTES, kind="list of URLs")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{shown}: not a list of URLs (the file is not UTF-8 text)") from None
    urls = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line) or any(ch.isspace() for ch in line):
            raise InputError(f"{shown}: line {number} is not a URL (http:// or https://): {display_name(line[:80])}")
        urls.append(line)
    if not urls:
        raise InputError(f"{shown}: no URLs in this file (one http:// or https:// address a line)")
    return urls


def _stem(source: Source) -> str:
    """A file name's stem for the briefing: the file's own, or the last part of a URL's path (else its host)."""
    if not (isinstance(source, str) and is_url(source)):
        return Path(source).stem
    rest = source.split("://", 1)[1].split("?", 1)[0].split("#", 1)[0]
    parts = [part for part in rest.split("/") if part]
    stem = Path(parts[-1]).stem if len(parts) > 1 else (parts[0] if parts else "page")
    return _UNSAFE_NAME_RE.sub("-", stem).strip(".-")[:80] or "page"


def _identity(source: Source) -> str:
    return source if isinstance(source, str) and is_url(source) else str(Path(source).resolve())


def output_names(paths: Sequence[Source]) -> dict[Source, str]:
    """A briefing file name per article: its name (a URL's last path part) with ``.json``, made
    unique when two articles share a name (a short hash of the path or URL is added)."""
    stems: dict[str, int] = {}
    for path in paths:
        stems[_stem(path)] = stems.get(_stem(path), 0) + 1
    names = {}
    for path in paths:
        stem = _stem(path)
        name = f"{stem}.json"
        if stems[stem] > 1 or name == SUMMARY_NAME:
            name = f"{stem}-{hashlib.sha256(_identity(path).encode()).hexdigest()[:8]}.json"
        names[path] = name
    return names


@dataclass
class ArticleResult:
    """What became of one article in this run."""

    source: str
    output: str
    status: Status
    sha256: str | None = None
    error: str | None = None
    usage: Usage | None = None
    cost_usd: float | None = None
    chunks: int | None = None
    seconds: float | None = None

    def record(self, status: Status, briefing: Briefing) -> None:
        """Take the figures of a finished briefing (this run's, or one found from an earlier run)."""
        provenance = briefing.provenance
        self.status, self.usage, self.cost_usd, self.chunks = status, provenance.usage, provenance.cost_usd, provenance.chunks

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["usage"] = self.usage.model_dump() if self.usage else None
        return data


@dataclass
class BatchSummary:
    """The run as a whole: kept current in ``summarizer-run.json`` while the batch runs."""

    model: str
    backend: str
    prompt_version: str
    language: str
    concurrency: int
    started_at: dt.datetime
    results: dict[str, ArticleResult] = field(default_factory=dict)
    finished_at: dt.datetime | None = None

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("done", "skipped", "failed", "interrupted", "pending"), 0)
        for result in self.results.values():
            counts[result.status] += 1
        return counts

    def totals(self, statuses: tuple[Status, ...] = ("done",)) -> dict[str, object]:
        """Tokens and cost of the briefings with these statuses (this run's work by default)."""
        chosen = [r for r in self.results.values() if r.status in statuses and r.usage]
        usage = sum((r.usage for r in chosen if r.usage), Usage()).model_dump(exclude={"passes", "seconds"})
        known = [r.cost_usd for r in chosen if r.cost_usd is not None]
        return {
            "articles": len(chosen),
            **usage,
            "cost_usd": round(sum(known), 6) if known or not chosen else None,  # None: no price known at all
            "articles_without_price": len(chosen) - len(known),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "backend": self.backend,
            "prompt_version": self.prompt_version,
            "briefing_language": self.language,
            "concurrency": self.concurrency,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "counts": self.counts(),
            "this_run": self.totals(("done",)),
            "all_briefings": self.totals(("done", "skipped")),
            "articles": [r.to_dict() for r in self.results.values()],
        }


class Batch:
    """One batch run over ``paths`` (files and URLs) into ``out_dir`` with a shared :class:`Summarizer`."""

    def __init__(
        self,
        summarizer: Summarizer,
        paths: Sequence[Source],
        out_dir: str | Path,
        *,
        concurrency: int = 1,
        cache: CompletionCache | None = None,
    ) -> None:
        if concurrency < 1:
            raise InputError(f"concurrency must be 1 or more, got {concurrency}")
        self.summarizer = summarizer
        self.paths = list(paths)
        self.out_dir = Path(out_dir)
        self.concurrency = concurrency
        self.cache = cache
        self.names = output_names(self.paths)
        provider = summarizer.provider
        if provider.kind != "embedded":
            price_of(provider.model)  # a broken price table stops the batch before it starts, not per article
        self.summary = BatchSummary(
            model=provider.model,
            backend=provider.kind,
            prompt_version=summarizer.prompts.ref.version,
            language=summarizer.language,
            concurrency=concurrency,
            started_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
        self.call_logs: dict[str, CallLog] = {}  # per article summarized: every LLM call with its timings

    @property
    def summary_path(self) -> Path:
        return self.out_dir / SUMMARY_NAME

    def run(self, on_result: Callable[[ArticleResult], None] | None = None) -> BatchSummary:
        """Summarize every article not yet done; ``on_result`` sees each result as it comes.

        On Ctrl-C the summary records what was finished, interrupted and never started, and the
        ``KeyboardInterrupt`` goes on to the caller.
        """
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.out_dir.glob(".*.json.*.tmp"):  # left by a run that was killed mid-write
            stale.unlink(missing_ok=True)
        todo: queue.Queue[Source] = queue.Queue()
        for path in self.paths:
            self.summary.results[str(path)] = ArticleResult(str(path), str(self.out_dir / self.names[path]), "pending")
            todo.put(path)
        self._write_summary()
        pending = len(self.paths)
        results: queue.Queue[ArticleResult] = queue.Queue()
        stop = threading.Event()
        started: set[str] = set()  # articles a worker has taken up
        for _ in range(min(self.concurrency, pending)):
            # Daemon threads: a request in flight must not keep an interrupted process alive.
            threading.Thread(target=self._work, args=(todo, results, stop, started), daemon=True).start()
        try:
            while pending:
                try:
                    result = results.get(timeout=0.2)
                except queue.Empty:
                    continue
                pending -= 1
                self.summary.results[result.source] = result
                self._write_summary()
                if on_result:
                    on_result(result)
        except BaseException:
            stop.set()
            while True:  # finished (briefing written) before the interrupt but not collected yet
                try:
                    result = results.get_nowait()
                except queue.Empty:
                    break
                self.summary.results[result.source] = result
            for result in self.summary.results.values():
                if result.status == "pending" and result.source in started:
                    result.status = "interrupted"  # the rest stay "pending": never started
            self._write_summary()
            raise
        self.summary.finished_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self._write_summary()
        return self.summary

    @staticmethod
    def _existing(output: Path) -> Briefing | None:
        try:
            return Briefing.model_validate_json(output.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None  # missing or unreadable: it is made again

    def _is_current(self, briefing: Briefing, article: Article) -> bool:
        provenance = briefing.provenance
        return (
            briefing.source.sha256 == article.sha256
            and provenance.model == self.summary.model
            and provenance.prompt.version == self.summary.prompt_version
            and provenance.briefing_language == self.summary.language
        )

    def _work(
        self,
        todo: queue.Queue[Source],
        results: queue.Queue[ArticleResult],
        stop: threading.Event,
        started: set[str],
    ) -> None:
        while not stop.is_set():
            try:
                path = todo.get_nowait()
            except queue.Empty:
                return
            started.add(str(path))
            results.put(self._one(path))

    def _one(self, path: Source) -> ArticleResult:
        """Load the article (in the worker: a large batch is never all in memory, and a page is
        fetched when its turn comes), skip it when its briefing is already there for this
        configuration, else summarize it and write the briefing."""
        result = ArticleResult(str(path), self.summary.results[str(path)].output, "failed")
        started = time.perf_counter()
        try:
            article = load_source(path)
            result.sha256 = article.sha256
            existing = self._existing(Path(result.output))
            if existing is not None and self._is_current(existing, article):
                result.record("skipped", existing)
                return result
            briefing = self._summarize(str(path), article)
            write_atomically(result.output, briefing.model_dump_json(indent=2) + "\n")
        except SummarizerError as exc:
            result.error = str(exc)
        except Exception as exc:  # a bug on one article must not end the batch
            result.error = f"internal error: {type(exc).__name__}: {exc}"
        else:
            result.record("done", briefing)
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _summarize(self, source: str, article: Article) -> Briefing:
        """One article; if the embedded server died under it, restart the server and try once more."""
        provider = self.summarizer.provider
        restarts = provider.restarts
        try:
            return self._ask(source, article)
        except BackendError:
            if not provider.recover(restarts):
                raise
            return self._ask(source, article)

    def _ask(self, source: str, article: Article) -> Briefing:
        llm = self.summarizer.new_llm(cache=self.cache)
        self.call_logs[source] = llm.log
        return self.summarizer.summarize(article, llm=llm)

    def _write_summary(self) -> None:
        write_atomically(self.summary_path, json.dumps(self.summary.to_dict(), indent=1, ensure_ascii=False) + "\n")
