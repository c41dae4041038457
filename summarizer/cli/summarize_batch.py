"""``summarize`` over many articles: the progress bar and the run summary around :mod:`summarizer.batch`.

Part of the ``summarize`` command: :func:`summarizer.cli.summarize.input_kind` decides that a
call is a batch (a folder, a glob pattern or several files) and hands it here.
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from summarizer.batch import ArticleResult, Batch, BatchSummary, find_articles, read_url_list
from summarizer.cli.summarize import STDIN
from summarizer.errors import InputError

if TYPE_CHECKING:
    from summarizer.pipeline import Options
    from summarizer.providers import Settings

EXIT_SOME_FAILED = 1


class _RateColumn(ProgressColumn):
    """Articles per minute, from the articles this run actually summarized (skips are instant)."""

    def render(self, task: Task) -> Text:
        done, elapsed = task.fields.get("worked", 0), task.elapsed or 0
        return Text(f"{done / elapsed * 60:.1f}/min" if done and elapsed else "–/min", style="cyan")


def check_batch_options(args: argparse.Namespace) -> None:
    if STDIN in args.articles:
        raise InputError("standard input (-) cannot be part of a batch; give files or folders")
    if not args.output:
        raise InputError("several articles need an output folder: -o FOLDER (one briefing JSON per article)")
    if Path(args.output).exists() and not Path(args.output).is_dir():
        raise InputError(f"{args.output}: not a folder; -o names the folder for the briefings of several articles")
    for flag, value in (("--json", args.json), ("--markdown", args.markdown)):
        if value:
            raise InputError(f"{flag} works with one article; a batch writes JSON briefings to -o FOLDER")


def _sigterm_as_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, settings: Settings, options: Options, err: Console) -> int:
    """Summarize every article the arguments name into ``-o FOLDER``: 1 when some failed, 0 otherwise."""
    from summarizer.pipeline import Summarizer

    check_batch_options(args)
    paths = find_articles([*args.articles, *(read_url_list(args.urls) if args.urls else [])])
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
    )
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)  # a kill finishes like Ctrl-C: summary written
    with err.status("Starting the model…"):
        summarizer = Summarizer(settings=settings, language=args.lang, options=options)
    with summarizer:
        batch = Batch(summarizer, paths, args.output, concurrency=args.concurrency)
        counts = {"done": 0, "skipped": 0, "failed": 0}
        with progress:
            task = progress.add_task("articles", total=len(paths), counts="", worked=0)

            def on_result(result: ArticleResult) -> None:
                counts[result.status] = counts.get(result.status, 0) + 1
                worked = counts["done"] + counts["failed"]
                text = f"{counts['done']} done, {counts['skipped']} skipped, {counts['failed']} failed"
                progress.update(task, advance=1, counts=text, worked=worked, description=Path(result.source).name[:30])
                if result.status == "failed":
                    line = f"[yellow]failed[/] {escape(result.source)}: {escape(result.error or '')}"
                    progress.console.print(line, highlight=False)

            summary = batch.run(on_result)
    _print_summary(summary, batch.summary_path, err)
    return EXIT_SOME_FAILED if summary.counts()["failed"] else 0


def _print_summary(summary: BatchSummary, path: Path, err: Console) -> None:
    counts = summary.counts()
    this_run = summary.totals(("done",))
    table = Table(title="Batch", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("articles", f"{counts['done']} done, {counts['skipped']} skipped (already done), {counts['failed']} failed")
    table.add_row("model", f"{summary.model} ({summary.backend}), prompt v{summary.prompt_version}")
    tokens = f"{this_run['prompt_tokens']:,} prompt ({this_run['cached_tokens']:,} cached)"
    tokens += f" + {this_run['completion_tokens']:,} generated, {this_run['llm_calls']:,} LLM calls"
    table.add_row("tokens this run", tokens)
    if this_run["cost_usd"] is None:
        cost = f"unknown: no price for {summary.model} in the price table (see SUMMARIZER_PRICES)"
    else:
        cost = f"${this_run['cost_usd']:.4f}"
        if this_run["articles_without_price"]:
            cost += f" (+ {this_run['articles_without_price']} articles with no known price)"
    table.add_row("cost this run", cost)
    table.add_row("summary", str(path))
    err.print(table)
