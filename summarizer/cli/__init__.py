"""Command line: a thin layer over the library (:class:`summarizer.pipeline.Summarizer`), one module per command.

Every command is a module here with a ``register(subparsers)`` that adds its parser and sets
``handler=`` to a function taking the parsed arguments and returning the exit code. This module
only builds the top-level parser from :data:`COMMANDS`, calls the chosen handler and turns every
failure into one line on stderr and an exit code (see :mod:`summarizer.errors`); a traceback is
only ever shown with ``--verbose``. A new command is a new module listed in :data:`COMMANDS`.

Command modules import only what their parser needs at the top; what their handler needs is
imported inside the handler, so that ``summarizer --help`` and usage errors answer at once,
without loading pydantic, Jinja2, openai or instructor.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from summarizer import __version__
from summarizer.cli import evaluate, export, summarize
from summarizer.errors import SummarizerError

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = (summarize, evaluate, export)  # in the order --help lists them

EXIT_INTERRUPTED = 130
EXIT_BUG = 70


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line too, like every other error of this tool."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"summarizer: error: {self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="summarizer", description="Turn a news article, in any language, into a verified structured briefing."
    )
    parser.add_argument("--version", action="version", version=f"summarizer {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log LLM calls and show tracebacks")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("instructor").setLevel(logging.DEBUG if args.verbose else logging.CRITICAL)
    if args.verbose:
        logging.getLogger("summarizer").setLevel(logging.DEBUG)
    try:
        return int(args.handler(args))
    except SummarizerError as exc:
        print(f"summarizer: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("summarizer: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: still one line unless asked for the details
        if args.verbose:
            raise
        print(f"summarizer: internal error: {type(exc).__name__}: {exc} (run with --verbose for details)", file=sys.stderr)
        return EXIT_BUG
