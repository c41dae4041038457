"""Command line: a thin layer over the library (:class:`summarizer.pipeline.Summarizer`).

Every failure a user can cause ends as one line on stderr and a non-zero exit code (see
:mod:`summarizer.errors`); a traceback is only ever shown with ``--verbose``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from summarizer import __version__
from summarizer.errors import InputError, SummarizerError
from summarizer.files import check_writable, write_atomically

EXIT_INTERRUPTED = 130
EXIT_BUG = 70


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line too, like every other error of this tool."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"summarizer: error: {self.prog}: {message} (see --help)\n")


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {number}")
    return number


def _positive_seconds(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {value}")
    return number


def _common_backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model backend (default: embedded, offline)")
    group.add_argument("--backend", choices=["auto", "embedded", "openai"], help="force a backend (env SUMMARIZER_BACKEND)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)")
    group.add_argument("--model", help="model name at that endpoint (env SUMMARIZER_MODEL)")
    group.add_argument(
        "--mode",
        choices=["json_schema", "tools", "json", "md_json", "llguidance"],
        help="structured-output mode (env SUMMARIZER_MODE; default llguidance embedded, json_schema elsewhere)",
    )
    group.add_argument("--timeout", type=_positive_seconds, help="seconds per LLM request (env SUMMARIZER_TIMEOUT)")
    group.add_argument("--max-reasks", type=_non_negative, default=2, help="re-asks after an invalid reply (default 2)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="summarizer", description="Turn a news article, in any language, into a verified structured briefing."
    )
    parser.add_argument("--version", action="version", version=f"summarizer {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log LLM calls and show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summarize = commands.add_parser(
        "summarize",
        help="summarize an article (text or HTML file, or - for stdin), or many: folders, glob patterns, several files",
    )
    summarize.add_argument(
        "articles", nargs="+", metavar="ARTICLE",
        help="an article file, - for standard input, or (a batch) folders, glob patterns and several files",
    )  # fmt: skip
    summarize.add_argument("--json", action="store_true", help="print the briefing as JSON instead of the rich view")
    summarize.add_argument(
        "-o", "--output", help="also write the briefing as JSON to this file; for a batch, the folder for the briefings"
    )
    summarize.add_argument("--markdown", metavar="FILE", help="also write the briefing as Markdown to this file")
    summarize.add_argument("--lang", default="en", help="language of statements and summary (ISO 639-1, default en)")
    summarize.add_argument(
        "--concurrency", type=_positive, default=1,
        help="articles summarized at once in a batch (the embedded model gets as many slots; default 1)",
    )  # fmt: skip
    summarize.add_argument(
        "--chunk-tokens", type=_positive, metavar="N",
        help="split articles longer than N tokens into parts (default: what the model's context allows)",
    )  # fmt: skip
    _common_backend_options(summarize)

    evaluate = commands.add_parser("eval", help="score briefings against hand-written gold files")
    evaluate.add_argument("targets", nargs="*", default=["evals"], help="suite folders or gold files (default: evals)")
    evaluate.add_argument("--baseline", help="an earlier run's JSON: print per-figure deltas and cases that got worse")
    evaluate.add_argument(
        "--min-f1", action="append", default=[], metavar="FIELD=VALUE",
        help="fail (exit 1) when the suite's F1 for participants, claims, denials (or all) is below VALUE",
    )  # fmt: skip
    evaluate.add_argument("--out", default="evals/runs", help="folder for the run's JSON and Markdown (default evals/runs)")
    evaluate.add_argument("--no-cache", action="store_true", help="ask the model again instead of reusing cached replies")
    _common_backend_options(evaluate)

    from summarizer import cli_export

    cli_export.register(commands)
    return parser


def _settings(args: argparse.Namespace):
    from summarizer.providers import Settings
    from summarizer.providers.llama_server import EmbeddedConfig

    concurrency = getattr(args, "concurrency", 1)
    return Settings.from_env(
        backend=args.backend,
        base_url=args.base_url,
        model=args.model,
        mode=args.mode,
        timeout=args.timeout,
        embedded=EmbeddedConfig(parallel=concurrency) if concurrency > 1 else None,
    )


def _options(args: argparse.Namespace):
    from summarizer.pipeline import Options

    return Options(max_reasks=args.max_reasks, chunk_tokens=getattr(args, "chunk_tokens", None))


def _read_stdin() -> str:
    from summarizer.article import DEFAULT_MAX_BYTES, decode_bytes
    from summarizer.files import format_size

    data = sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1)  # never more than the limit, however much is piped
    if len(data) > DEFAULT_MAX_BYTES:
        limit = format_size(DEFAULT_MAX_BYTES)
        raise InputError(f"<stdin>: input is too large: more than {limit}, the limit is {limit}")

    return decode_bytes(data, name="<stdin>")[0]


def cmd_summarize(args: argparse.Namespace, err: Console) -> int:
    from summarizer import cli_batch
    from summarizer.article import article_from_text, load_article
    from summarizer.pipeline import Summarizer
    from summarizer.prompts import language_name
    from summarizer.render import print_briefing

    language_name(args.lang)
    if cli_batch.is_batch(args):
        return cli_batch.run_batch(args, _settings(args), _options(args), err)
    (path_or_dash,) = args.articles
    for path in (args.output, args.markdown):
        if path:
            check_writable(path)
    article = article_from_text(_read_stdin(), source="<stdin>") if path_or_dash == "-" else load_article(path_or_dash)
    settings, options = _settings(args), _options(args)
    with err.status("Starting the model…") as status, Summarizer(settings=settings, language=args.lang, options=options) as s:
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


def cmd_eval(args: argparse.Namespace, err: Console) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from summarizer.eval.gold import discover
    from summarizer.eval.report import gate, markdown_report, parse_thresholds, rich_table
    from summarizer.eval.runfile import load_run, run_json
    from summarizer.eval.runner import run_suite
    from summarizer.files import cache_dir
    from summarizer.llm.cache import CompletionCache
    from summarizer.pipeline import Summarizer

    thresholds = parse_thresholds(args.min_f1)
    baseline = load_run(args.baseline) if args.baseline else None
    targets = [Path(t) for t in args.targets]
    for target in targets:
        if not target.exists():
            raise InputError(f"{target}: no such suite folder or gold file")
    paths = discover(targets)
    if not paths:
        raise InputError(f"{', '.join(args.targets)}: no gold files (expected gold/*.yaml in a suite folder)")
    out = Path(args.out)
    check_writable(out / "probe.json")
    cache = None if args.no_cache else CompletionCache(cache_dir() / "completions")
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )
    with progress, Summarizer(settings=_settings(args), options=_options(args)) as summarizer:
        task = progress.add_task("starting", total=len(paths))
        run = run_suite(
            targets,
            summarizer,
            cache=cache,
            on_case=lambda case_id: progress.update(task, description=case_id),
            on_done=lambda _case: progress.advance(task),
        )
    stamp = run.started_at.strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-{''.join(c if c.isalnum() or c in '.-' else '_' for c in run.model)}"
    write_atomically(out / f"{name}.json", run_json(run))
    write_atomically(out / f"{name}.md", markdown_report(run, baseline))
    Console().print(rich_table(run))
    if baseline is not None:
        from summarizer.eval.report import baseline_lines

        for line in baseline_lines(run, baseline):
            Console().print(("[red]" if "worse" in line else "") + line, markup="worse" in line, highlight=False)
    for case in run.cases:
        if case.error:
            err.print(f"case {case.case_id}: {case.error}", style="yellow", markup=False, highlight=False)
    err.print(f"wrote {out / name}.json and .md", style="dim")
    failures = gate(run, thresholds)
    for failure in failures:
        print(f"summarizer: quality gate: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    err = Console(stderr=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("instructor").setLevel(logging.DEBUG if args.verbose else logging.CRITICAL)
    if args.verbose:
        logging.getLogger("summarizer").setLevel(logging.DEBUG)
    try:
        if args.command == "summarize":
            return cmd_summarize(args, err)
        if args.command == "eval":
            return cmd_eval(args, err)
        if args.command == "export":
            from summarizer import cli_export

            return cli_export.run(args)
        parser.error(f"unknown command {args.command}")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
