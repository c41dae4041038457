"""The ``export`` command: briefing JSON files to Markdown, a Markdown digest, or an HTML view.

Export never starts a model: it reads briefings that ``summarize -o`` wrote, through
:mod:`summarizer.export`. Every problem a user can cause (a missing or non-briefing file, a flag
combination that cannot work) is raised as a :class:`~summarizer.errors.SummarizerError` with
one line naming the file or flag; :func:`summarizer.cli.main` prints it and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from summarizer.errors import ConfigError, InputError

FORMATS = ("md", "html")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="turn briefing JSON into Markdown (one file: a briefing; several: a digest) or an HTML view",
        description=(
            "Export briefings written by 'summarizer summarize -o'. One briefing gives a Markdown briefing, several give a "
            "Markdown digest with an index of the participants they share; --format html gives one self-contained page "
            "with the article's quotes highlighted (it needs the article: --article)."
        ),
    )
    parser.add_argument("briefings", nargs="+", metavar="BRIEFING", help="briefing JSON file(s)")
    parser.add_argument("-o", "--output", help="write here (atomically) instead of standard output")
    parser.add_argument(
        "--format", choices=FORMATS, help="md or html (default: from the --output suffix, .html/.htm meaning html; else md)"
    )
    parser.add_argument(
        "--article",
        metavar="PATH",
        help="the article the briefing was made from, a file or its http(s):// URL (required for html; with md, quote"
        " positions are checked against it)",
    )
    parser.add_argument(
        "--title", help="title of a digest of several briefings (default 'News digest'; one briefing keeps its headline)"
    )
    parser.set_defaults(handler=run)


def output_format(args: argparse.Namespace) -> str:
    """The explicit --format, else the one the output file's suffix names, else Markdown."""
    if args.format:
        return str(args.format)
    if args.output:
        return _SUFFIXES.get(Path(args.output).suffix.lower(), "md")
    return "md"


def _labels(paths: list[str]) -> list[str]:
    """File names identify the articles of a digest; full paths only where two names coincide."""
    names = [Path(p).name for p in paths]
    counts = Counter(names)
    return [name if counts[name] == 1 else path for name, path in zip(names, paths, strict=True)]


def render(args: argparse.Namespace) -> str:
    """The exported document for parsed ``export`` arguments."""
    from summarizer.export import ArticleMismatchError, load_briefing, read_article_text

    fmt = output_format(args)
    paths = list(args.briefings)
    if fmt == "html" and len(paths) > 1:
        raise ConfigError("--format html exports one briefing per page; give one briefing file (several make a Markdown digest)")
    if fmt == "html" and not args.article:
        raise ConfigError(
            "--format html needs the article text to highlight the quotes in:"
            " add --article PATH (the file or URL the briefing was made from)"
        )
    if args.article and len(paths) > 1:
        raise ConfigError("--article goes with a single briefing; a digest of several briefings does not use article texts")
    briefings = [load_briefing(path) for path in paths]
    if len(briefings) > 1:
        from summarizer.export import digest_markdown

        return digest_markdown(list(zip(_labels(paths), briefings, strict=True)), title=args.title)

    article_text = read_article_text(args.article) if args.article else None
    try:
        if fmt == "html":
            from summarizer.export import briefing_html

            assert article_text is not None
            return briefing_html(briefings[0], article_text)
        from summarizer.export import briefing_markdown

        return briefing_markdown(briefings[0], article_text)
    except ArticleMismatchError as exc:
        raise InputError(f"{args.article}: {exc} (briefing {paths[0]})") from None


def run(args: argparse.Namespace) -> int:
    """Run ``summarizer export``; errors propagate as SummarizerError for :func:`summarizer.cli.main` to print."""
    text = render(args)
    if args.output:
        from summarizer.files import write_atomically

        write_atomically(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
