"""The ``eval`` command: summarize a suite's articles and score the briefings against its gold files.

The scoring, the reports and the quality gate are :mod:`summarizer.eval`'s; this module finds the
gold files, shows progress, writes the run's JSON and Markdown and sets the exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.cli.options import add_backend_options, options, settings
from summarizer.errors import InputError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from summarizer.eval.runfile import CaseRun, PassCaseRun
    from summarizer.llm.cache import CompletionCache

# summarizer.eval.passes.PASSES, named without importing it
PASS_NAMES = ("participants", "attribution", "reported", "denials", "event")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="score briefings against hand-written gold files")
    parser.add_argument("targets", nargs="*", default=["evals"], help="suite folders or gold files (default: evals)")
    parser.add_argument("--baseline", help="an earlier run's JSON: print per-figure deltas and cases that got worse")
    parser.add_argument(
        "--min-f1", action="append", default=[], metavar="FIELD=VALUE",
        help="fail (exit 1) when the suite's F1 for participants, claims, denials (or all) is below VALUE",
    )  # fmt: skip
    parser.add_argument(
        "--cases", metavar="PATTERNS",
        help="only the cases whose name matches one of these comma-separated globs, e.g. 'de-*,ru-*'",
    )  # fmt: skip
    parser.add_argument(
        "--pass", dest="pass_name", choices=PASS_NAMES, metavar="NAME",
        help=f"run one pass alone, fed from gold, and score what it decides ({', '.join(PASS_NAMES)})",
    )  # fmt: skip
    parser.add_argument("--out", default="evals/runs", help="folder for the run's JSON and Markdown (default evals/runs)")
    parser.add_argument("--no-cache", action="store_true", help="ask the model again instead of reusing cached replies")
    add_backend_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``summarizer eval``: 1 when a ``--min-f1`` gate fails; errors propagate as SummarizerError."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from summarizer.eval.gold import discover, select
    from summarizer.eval.report import (
        FULL_TABLE_WIDTH,
        gate,
        markdown_report,
        parse_thresholds,
        pass_table,
        pass_totals,
        refusal_table,
        refusal_totals,
        rich_table,
    )
    from summarizer.eval.runfile import load_run, run_json
    from summarizer.eval.runner import run_suite
    from summarizer.files import cache_dir, check_writable, write_atomically
    from summarizer.llm.cache import CompletionCache
    from summarizer.pipeline import Summarizer

    err = Console(stderr=True)
    thresholds = parse_thresholds(args.min_f1)
    if args.pass_name and thresholds:
        raise InputError("--min-f1 gates a whole-suite run; it does not apply to --pass")
    targets = [Path(t) for t in args.targets]
    for target in targets:
        if not target.exists():
            raise InputError(f"{target}: no such suite folder or gold file")
    paths = discover(targets)
    if not paths:
        raise InputError(f"{', '.join(args.targets)}: no gold files (expected gold/*.yaml in a suite folder)")
    if args.cases:
        paths = select(paths, args.cases)
    out = Path(args.out)
    check_writable(out / "probe.json")
    cache = None if args.no_cache else CompletionCache(cache_dir() / "completions")
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )
    if args.pass_name:
        return _run_pass(args, paths, cache, progress, out)
    baseline = load_run(args.baseline) if args.baseline else None
    with progress, Summarizer(settings=settings(args), options=options(args)) as summarizer:
        task = progress.add_task("starting", total=len(paths))
        result = run_suite(
            paths,
            summarizer,
            cache=cache,
            on_case=lambda case_id: progress.update(task, description=case_id),
            on_step=lambda case_id, step: progress.update(task, description=f"{case_id}: {step}"),
            on_done=lambda case: _case_done(progress, task, case),
        )
    name = _run_name(result.started_at, result.model)
    write_atomically(out / f"{name}.json", run_json(result))
    write_atomically(out / f"{name}.md", markdown_report(result, baseline))
    console = Console()
    console.print(rich_table(result, compact=console.width < FULL_TABLE_WIDTH))
    if pass_totals(result.cases):
        console.print(pass_table(result))
    if refusal_totals(result.cases):
        console.print(refusal_table(result))
    if baseline is not None:
        from summarizer.eval.report import baseline_lines

        for line in baseline_lines(result, baseline):
            Console().print(("[red]" if "worse" in line else "") + line, markup="worse" in line, highlight=False)
    for case in result.cases:
        if case.error:
            err.print(f"case {case.case_id}: {case.error}", style="yellow", markup=False, highlight=False)
    err.print(f"wrote {out / name}.json and .md", style="dim")
    failures = gate(result, thresholds)
    for failure in failures:
        print(f"summarizer: quality gate: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _case_done(progress: Progress, task: TaskID, case: CaseRun | PassCaseRun) -> None:
    """A finished case: the bar moves on and the case's time, calls and re-asks (or its error) are printed."""
    progress.advance(task)
    outcome = f"error: {case.error}" if case.error else f"{case.usage.llm_calls} LLM calls, {case.usage.reasks} re-asks"
    progress.console.print(f"{case.case_id}: {case.seconds:.0f} s, {outcome}", markup=False, highlight=False)


def _run_name(started_at: dt.datetime, model: str, pass_name: str | None = None) -> str:
    """The run files' name: when, which model, and which pass if one ran alone."""
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    which = f"-pass-{pass_name}" if pass_name else ""
    return f"{stamp}-{''.join(c if c.isalnum() or c in '.-' else '_' for c in model)}{which}"


def _run_pass(args: argparse.Namespace, paths: list[Path], cache: CompletionCache | None, progress: Progress, out: Path) -> int:
    """``eval --pass NAME``: one pass alone on every case, its figures, its run file and report."""
    from rich.console import Console

    from summarizer.eval.pass_report import baseline_lines, other_figures, pass_markdown, terminal_table
    from summarizer.eval.passrun import run_pass
    from summarizer.eval.runfile import load_pass_run, run_json
    from summarizer.files import write_atomically
    from summarizer.pipeline import Summarizer

    baseline = load_pass_run(args.baseline, args.pass_name) if args.baseline else None
    with progress, Summarizer(settings=settings(args), options=options(args)) as summarizer:
        task = progress.add_task("starting", total=len(paths))
        result = run_pass(
            args.pass_name,
            paths,
            summarizer,
            cache=cache,
            on_step=lambda case_id, step: progress.update(task, description=f"{case_id}: {args.pass_name}: {step}"),
            on_done=lambda case: _case_done(progress, task, case),
        )
    name = _run_name(result.started_at, result.model, args.pass_name)
    write_atomically(out / f"{name}.json", run_json(result))
    write_atomically(out / f"{name}.md", pass_markdown(result, baseline))
    console = Console()
    console.print(terminal_table(result))
    for line in other_figures(result):
        console.print(line, markup=False, highlight=False)
    if baseline is not None:
        for line in baseline_lines(result, baseline):
            console.print(("[red]" if "worse" in line else "") + line, markup="worse" in line, highlight=False)
    err = Console(stderr=True)
    for case in result.cases:
        if case.error:
            err.print(f"case {case.case_id}: {case.error}", style="yellow", markup=False, highlight=False)
    err.print(f"wrote {out / name}.json and .md", style="dim")
    return 0
