"""Reports of a pass-level run (:class:`~summarizer.eval.passrun.PassRun`): a terminal table, Markdown, baseline deltas.

The terminal table keeps a pass's first four figures and its cost, so it fits 80 columns; the
Markdown report has every figure, each case's cost and the lines each case asks a reader to look at.
"""

from __future__ import annotations

from typing import Final

from rich import box
from rich.table import Table

from summarizer.eval.runfile import PassCaseRun, PassRun

TERMINAL_FIGURES: Final = 4
CASE_WIDTH: Final = 22
COST: Final = ("calls", "re-asks", "tokens", "s")
TERMINAL_COST: Final = COST  # tokens are left out of the terminal table (see terminal_table)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _cost(case: PassCaseRun | PassRun) -> list[str]:
    usage = case.totals if isinstance(case, PassRun) else case.usage
    tokens = usage.prompt_tokens + usage.completion_tokens
    return [str(usage.llm_calls), str(usage.reasks), f"{tokens:,}", f"{case.seconds:.0f}"]


def _names(run: PassRun) -> list[str]:
    return list(run.figures)


def terminal_table(run: PassRun) -> Table:
    """Per case and for the suite: the pass's main figures, LLM calls, re-asks and seconds (tokens: in the Markdown).

    Figures keep their width (a header wraps instead) and a long case name is shortened, so the
    table fits 80 columns.
    """
    names = _names(run)[:TERMINAL_FIGURES]
    rows = [
        [case.case_id, *(["error"] * len(names) if case.error else [_num(case.figures.get(n)) for n in names]), *_cost(case)]
        for case in run.cases
    ]
    rows.append(["suite", *[_num(run.figures.get(n)) for n in names], *_cost(run)])
    table = Table(
        title=f"Pass {run.pass_name}: {run.model} ({run.backend}), prompt {run.prompt.template} v{run.prompt.version}",
        box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
        caption="tokens, every figure and each case's details: in the Markdown report",
    )  # fmt: skip
    table.add_column("case", no_wrap=True, overflow="ellipsis", max_width=CASE_WIDTH)
    shown = [*names, *TERMINAL_COST]
    for index, name in enumerate(shown, 1):
        if name == "tokens":
            continue
        table.add_column(name, justify="right", overflow="fold", min_width=max(len(row[index]) for row in rows))
    keep = [i for i, name in enumerate(["case", *shown]) if name != "tokens"]
    for row in rows[:-1]:
        table.add_row(*[row[i] for i in keep])
    table.add_row(*[rows[-1][i] for i in keep], style="bold")
    return table


def other_figures(run: PassRun) -> list[str]:
    """The suite's figures the terminal table has no column for, one line."""
    rest = _names(run)[TERMINAL_FIGURES:]
    return [" · ".join(f"{name} {_num(run.figures[name])}" for name in rest)] if rest else []


def pass_markdown(run: PassRun, baseline: PassRun | None = None) -> str:
    """Every figure per case and for the suite, the run's cost, then each case's details."""
    names = _names(run)
    header = ["case", *names, *COST]
    totals = run.totals
    lines = [
        f"# Pass-level evaluation: {run.pass_name}",
        "",
        f"{run.model} ({run.backend}) · prompt {run.prompt.template} v{run.prompt.version} (`{run.prompt.sha256[:12]}`) · "
        f"{run.started_at.isoformat()} · {totals.cases} cases, {totals.errors} errors, {totals.llm_calls} LLM calls "
        f"({totals.cache_hits} from cache), {totals.reasks} re-asks · {run.seconds:.0f} s",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for case in run.cases:
        cells = ["error"] * len(names) if case.error else [_num(case.figures.get(n)) for n in names]
        lines.append("| " + " | ".join([case.case_id, *cells, *_cost(case)]) + " |")
    lines.append("| " + " | ".join(["**suite**", *[f"**{_num(run.figures.get(n))}**" for n in names], *_cost(run)]) + " |")
    if baseline is not None:
        lines += ["", "## Against the baseline", ""] + [f"- {line}" for line in baseline_lines(run, baseline)]
    lines += ["", "## Details", ""]
    for case in run.cases:
        lines.append(f"### {case.case_id}")
        lines.append("")
        if case.error:
            lines.append(f"Error: {case.error}")
        lines += [f"- {line}".replace("|", "\\|") for line in case.details]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def baseline_lines(run: PassRun, baseline: PassRun) -> list[str]:
    """Per-figure deltas for the suite, then every case that got worse, and in which figures."""
    lines = []
    for name, value in run.figures.items():
        old = baseline.figures.get(name)
        if value is None or old is None:
            continue
        delta = value - old
        lines.append(f"{name}: {old:.3f} → {value:.3f} ({delta:+.3f}){' (worse)' if delta < -1e-9 else ''}")
    old_cases = {c.case_id: c for c in baseline.cases}
    for case in run.cases:
        old_case = old_cases.get(case.case_id)
        if old_case is None:
            continue
        if case.error and not old_case.error:
            lines.append(f"case {case.case_id} got worse: now fails ({case.error})")
            continue
        worse = [
            f"{name} {old:.2f} → {new:.2f}"
            for name, new in case.figures.items()
            if new is not None and (old := old_case.figures.get(name)) is not None and new < old - 1e-9
        ]
        if worse:
            lines.append(f"case {case.case_id} got worse: " + ", ".join(worse))
    return lines
