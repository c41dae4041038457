"""The ``summarize`` command: one article to a briefing, or many (a batch) to a folder of briefings.

What the ARTICLE arguments name is decided in :func:`input_kind`, and the one article of a
single run is read in :func:`read_article`: a new kind of input goes in those two functions. A
batch (folders, glob patterns, several files or URLs, ``--urls FILE``) goes on in
:mod:`summarizer.cli.summarize_batch`. A web page is fetched only when a URL is given.
"""

from __future__ import annotations

import argparse
import glob
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from summarizer.cli.options import add_backend_options, options, positive, settings
from summarizer.errors import InputError
from summarizer.ingest.fetch import is_url

if TYPE_CHECKING:
    from summarizer.ingest import Article

STDIN = "-"
InputKind = Literal["batch", "stdin", "file", "url"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summarize",
        help="summarize an article (text or HTML file, a web page's URL, or - for stdin), or many: folders, glob patterns,"
        " several files and URLs",
    )
    parser.add_argument(
        "articles", nargs="*", metavar="ARTICLE",
        help="an article file, an http(s):// URL, - for standard input, or (a batch) folders, glob patterns, several files"
        " and URLs",
    )  # fmt: skip
    parser.add_argument(
        "--urls", metavar="FILE", help="also summarize the web pages listed in FILE, one URL a line (a batch: needs -o FOLDER)"
    )
    parser.add_argument("--json", action="store_true", help="print the briefing as JSON instead of the rich view")
    parser.add_argument(
        "-o", "--output", help="also write the briefing as JSON to this file; for a batch, the folder for the briefings"
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the briefing as Markdown to this file")
    parser.add_argument("--lang", default="en", help="language of statements and summary (ISO 639-1, default en)")
    parser.add_argument(
        "--concurrency", type=positive, default=1,
        help="articles summarized at once in a batch (the embedded model gets as many slots; default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--chunk-tokens", type=positive, metavar="N",
        help="split articles longer than N tokens into parts (default: what the model's context allows)",
    )  # fmt: skip
    add_backend_options(parser)
    parser.set_defaults(handler=run)


def input_kind(sources: Sequence[str], *, url_list: str | None = None) -> InputKind:
    """A batch (several articles, a folder, a glob pattern that is not itself a file name, or a
    list of URLs), stdin, one URL, or one file."""
    if not sources and not url_list:
        raise InputError("no article given: name a file, a URL or - for standard input (or --urls FILE)")
    if url_list is not None or len(sources) > 1:
        return "batch"
    if is_url(sources[0]):
        return "url"
    path = Path(sources[0])
    if path.is_dir() or (not path.exists() and glob.has_magic(sources[0])):
        return "batch"
    return "stdin" if sources[0] == STDIN else "file"


def read_article(kind: InputKind, source: str) -> Article:
    """The article of a one-article run, normalised the same way whatever it came from."""
    from summarizer.ingest import article_from_text, load_article, load_url

    if kind == "stdin":
        return article_from_text(_read_stdin(), source="<stdin>")
    if kind == "url":
        return load_url(source)
    return load_article(source)


def _read_stdin() -> str:
    from summarizer.files import format_size
    from summarizer.ingest import DEFAULT_MAX_BYTES, decode_bytes

    data = sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1)  # never more than the limit, however much is piped
    if len(data) > DEFAULT_MAX_BYTES:
        limit = format_size(DEFAULT_MAX_BYTES)
        raise InputError(f"<stdin>: input is too large: more than {limit}, the limit is {limit}")

    return decode_bytes(data, name="<stdin>")[0]


def run(args: argparse.Namespace) -> int:
    """Run ``summarizer summarize``; errors propagate as SummarizerError for :func:`summarizer.cli.main` to print."""
    if not args.articles and not args.urls:  # a usage error: answered before anything heavy is loaded
        input_kind(args.articles, url_list=args.urls)
    from rich.console import Console

    from summarizer.files import check_writable, write_atomically
    from summarizer.pipeline import Summarizer
    from summarizer.prompts import language_name
    from summarizer.render import print_briefing

    err = Console(stderr=True)
    language_name(args.lang)
    kind = input_kind(args.articles, url_list=args.urls)
    if kind == "batch":
        from summarizer.cli import summarize_batch

        return summarize_batch.run(args, settings(args), options(args), err)
    for path in (args.output, args.markdown):
        if path:
            check_writable(path)
    article = read_article(kind, args.articles[0])
    connection, pipeline = settings(args), options(args)
    with err.status("Starting the model…") as status, Summarizer(settings=connection, language=args.lang, options=pipeline) as s:
        status.update(f"Reading the article ({article.chars:,} characters)…")
        briefing = s.summarize(article, progress=lambda step: status.update(f"Asking the model: {step}…"))
    text = briefing.model_dump_json(indent=2)
    if args.output:
        write_atomically(args.output, text + "\n")
        err.print(f"wrote {args.output}", style="dim")
    if args.markdown:
        from summarizer.export import briefing_markdown

        write_atomically(args.markdown, briefing_markdown(briefing, article.text))
        err.print(f"wrote {args.markdown}", style="dim")
    if args.json:
        sys.stdout.write(text + "\n")
    else:
        print_briefing(briefing, Console())
    return 0
