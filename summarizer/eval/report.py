"""Reports of an evaluation run: a rich table, Markdown, baseline deltas and quality gates.

Everything here reads an :class:`~summarizer.eval.runfile.EvalRun`, so a run loaded from an
earlier file (``--baseline``) and the run just made are read by the same code.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final

from rich import box
from rich.table import Table
from rich.text import Text

from summarizer.errors import InputError
from summarizer.eval.gold import GoldClaim, GoldDenial, GoldParticipant
from summarizer.eval.results import (
    CaseScore,
    Counts,
    FieldScore,
    FieldTotals,
    QuoteSpeakerScore,
    QuoteSpeakerTotals,
    SuiteFigures,
)
from summarizer.eval.runfile import CaseRun, EvalRun
from summarizer.schema import Claim, Denial, Participant, PassUsage, Usage

FIELDS: Final = ("participants", "claims", "denials")
HEADER: Final = ("case", "lang", "participants P/R/F1", "claims P/R/F1", "denials P/R/F1", "date", "location",
                 "title sim", "quotes verbatim", "quote speakers", "re-asks", "tokens", "time")  # fmt: skip


def _field_totals(suite: SuiteFigures) -> dict[str, FieldTotals]:
    return {"participants": suite.participants, "claims": suite.claims, "denials": suite.denials}


def _field_scores(score: CaseScore) -> dict[str, FieldScore[Any, Any]]:
    return {"participants": score.participants, "claims": score.claims, "denials": score.denials}


def headline(run: EvalRun) -> dict[str, float | None]:
    """The suite's key figures, flat, for tables, deltas and gates."""
    suite, totals = run.suite, run.totals
    figures: dict[str, float | None] = {}
    for name, field in _field_totals(suite).items():
        figures[f"{name}.precision"] = field.precision
        figures[f"{name}.recall"] = field.recall
        figures[f"{name}.f1"] = field.f1
    figures["event.date_accuracy"] = suite.event.date_accuracy
    figures["event.location_accuracy"] = suite.event.location_accuracy
    figures["event.title_similarity"] = suite.event.mean_title_similarity
    figures["event.summary_similarity"] = suite.event.mean_summary_similarity
    figures["quotes.grounded_share"] = suite.quotes.share
    figures["quote_speakers.share"] = suite.quote_speakers.share if suite.quote_speakers else None  # not in older runs
    figures["schema_valid_rate"] = totals.schema_valid / totals.cases if totals.cases else None
    figures["reasks"] = totals.reasks
    figures["tokens"] = totals.prompt_tokens + totals.completion_tokens
    figures["seconds"] = run.seconds
    return figures


def _case_f1(case: CaseRun) -> dict[str, float | None]:
    if case.score is None:
        return dict.fromkeys(FIELDS)
    return {name: field.f1 for name, field in _field_scores(case.score).items()}


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _prf(counts: Counts) -> str:
    return "/".join(_num(v) for v in (counts.precision, counts.recall, counts.f1))


def _check(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "no")


def _speakers(figure: QuoteSpeakerScore | QuoteSpeakerTotals | None) -> str:
    if figure is None:
        return "–"
    return f"{figure.right}/{figure.matched}" + ("" if figure.share is None else f" ({figure.share:.2f})")


def _case_row(case: CaseRun) -> list[str]:
    score = case.score
    if score is None:
        return [case.case_id, case.language or "–", f"error: {case.error}", *[""] * (len(HEADER) - 3)]
    tokens = case.usage.prompt_tokens + case.usage.completion_tokens
    usage = [str(case.usage.reasks), f"{tokens:,}", f"{case.seconds:.0f} s"]
    fields = [_prf(field) for field in _field_scores(score).values()]
    event = [_check(score.event.date_correct), _check(score.event.location_correct), _num(score.event.title_similarity)]
    quotes = [_num(score.quotes.share), _speakers(score.quote_speakers)]
    return [case.case_id, case.language or "–", *fields, *event, *quotes, *usage]


def _table_rows(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    rows = [_case_row(case) for case in run.cases]
    suite, totals = run.suite, run.totals
    rows.append([
        "**suite**", "", *(_prf(field) for field in _field_totals(suite).values()),
        _num(suite.event.date_accuracy), _num(suite.event.location_accuracy), _num(suite.event.mean_title_similarity),
        _num(suite.quotes.share), _speakers(suite.quote_speakers),
        str(totals.reasks), f"{totals.prompt_tokens + totals.completion_tokens:,}", f"{run.seconds:.0f} s",
    ])  # fmt: skip
    return list(HEADER), rows


FULL_TABLE_WIDTH: Final = 160
"""A terminal narrower than this gets the compact table (F1 only); the Markdown report keeps every figure."""
COMPACT_CASE_WIDTH: Final = 24  # so that the compact table fits 80 columns
COMPACT_HEADER: Final = ("case", "partic", "claims", "denial", "date", "place", "speakers", "time")


def _compact_rows(run: EvalRun) -> list[list[str]]:
    rows = []
    for case in run.cases:
        score = case.score
        if score is None:
            rows.append([case.case_id, f"error: {case.error}", *[""] * (len(COMPACT_HEADER) - 2)])
            continue
        rows.append([
            case.case_id, *(_num(field.f1) for field in _field_scores(score).values()),
            _check(score.event.date_correct), _check(score.event.location_correct),
            _speakers(score.quote_speakers).split(" ")[0], f"{case.seconds:.0f} s",
        ])  # fmt: skip
    suite = run.suite
    rows.append([
        "**suite**", *(_num(field.f1) for field in _field_totals(suite).values()),
        _num(suite.event.date_accuracy), _num(suite.event.location_accuracy),
        _speakers(suite.quote_speakers).split(" ")[0], f"{run.seconds:.0f} s",
    ])  # fmt: skip
    return rows


def rich_table(run: EvalRun, *, compact: bool = False) -> Table:
    """The per-case table for a terminal: every figure, or (``compact``) the F1s and checks that fit 80 columns."""
    prompt = run.prompt
    title = f"Eval: {run.model} ({run.backend}), prompt {prompt.template} v{prompt.version}"
    if compact:
        header, rows = list(COMPACT_HEADER), _compact_rows(run)
        table = Table(title=title + " · F1 per field", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                      caption="P/R/F1, title similarity, re-asks and tokens: in the Markdown report")  # fmt: skip
    else:
        header, rows = _table_rows(run)
        table = Table(title=title)
    for index, name in enumerate(header):
        if compact:  # the figures keep their width; a long case name is shortened instead
            width = None if index == 0 else max(len(name), *(len(row[index].replace("**", "")) for row in rows))
            table.add_column(name, no_wrap=True, overflow="ellipsis", justify="left" if index == 0 else "right",
                             min_width=width, max_width=COMPACT_CASE_WIDTH if index == 0 else None)  # fmt: skip
        else:
            table.add_column(name, no_wrap=index == 0, overflow="fold")
    for row in rows:
        table.add_row(*[Text(cell.replace("**", ""), style="bold" if cell.startswith("**") else "") for cell in row])
    return table


PASS_HEADER: Final = ("pass", "LLM calls", "re-asks", "prompt tokens", "generated tokens", "seconds")


def pass_totals(cases: list[CaseRun]) -> dict[str, PassUsage]:
    """Each pass's cost summed over the cases, in the order the passes run."""
    return sum((case.usage for case in cases), Usage()).passes


def _pass_rows(run: EvalRun) -> list[list[str]]:
    return [
        [name, str(f.llm_calls), str(f.reasks), f"{f.prompt_tokens:,}", f"{f.completion_tokens:,}", f"{f.seconds:.0f}"]
        for name, f in pass_totals(run.cases).items()
    ]


def pass_table(run: EvalRun) -> Table:
    """Where the suite's model time went, pass by pass (requests only; cached answers take none)."""
    table = Table(title="Cost by pass")
    for name in PASS_HEADER:
        table.add_column(name, justify="left" if name == "pass" else "right")
    for row in _pass_rows(run):
        table.add_row(*row)
    return table


def refusal_totals(cases: list[CaseRun]) -> Counter[str]:
    """Replies refused over the suite, per "pass: rule": the re-asks each rule causes."""
    totals: Counter[str] = Counter()
    for case in cases:
        totals.update(case.refused)
    return totals


def refusal_table(run: EvalRun, limit: int = 8) -> Table:
    """The rules that refused the most replies: each refusal is a re-ask, or a question given up."""
    table = Table(title="Why replies were refused")
    table.add_column("pass: rule")
    table.add_column("replies", justify="right")
    for reason, count in refusal_totals(run.cases).most_common(limit):
        table.add_row(reason, str(count))
    return table


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_report(run: EvalRun, baseline: EvalRun | None = None) -> str:
    """A report for people: scores per case and suite, then what was missed and what was extra."""
    header, rows = _table_rows(run)
    totals = run.totals
    lines = [
        f"# Evaluation: {run.model}",
        "",
        f"Backend {run.backend} · prompt {run.prompt.template} v{run.prompt.version} "
        f"(`{run.prompt.sha256[:12]}`) · {run.started_at.isoformat()} · {totals.cases} cases, "
        f"{totals.schema_valid} schema-valid, {totals.llm_calls} LLM calls ({totals.cache_hits} from cache), "
        f"{totals.reasks} re-asks · {run.seconds:.0f} s",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    lines += _pass_section(run)
    if refusals := refusal_totals(run.cases):
        lines += ["", "## Why replies were refused", "", "| pass: rule | replies |", "|---|---|"]
        lines += [f"| {_md_cell(reason)} | {count} |" for reason, count in refusals.most_common()]
    if baseline is not None:
        lines += ["", "## Against the baseline", ""] + [f"- {line}" for line in baseline_lines(run, baseline)]
    lines += ["", "## Details", ""]
    for case in run.cases:
        lines.append(f"### {case.case_id}")
        if case.error or case.score is None:
            lines += ["", f"Error: {case.error}", ""]
            continue
        lines += _details(case.score)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _pass_section(run: EvalRun) -> list[str]:
    """The suite's cost per pass, then each case's (calls, re-asks, seconds), in Markdown."""
    totals = pass_totals(run.cases)
    if not totals:
        return []
    lines = ["", "## Cost by pass", "", "| " + " | ".join(PASS_HEADER) + " |", "|" + "---|" * len(PASS_HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in _pass_rows(run)]
    names = list(totals)
    lines += ["", "| case | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for case in run.cases:
        cells = []
        for name in names:
            f = case.usage.passes.get(name)
            cells.append("–" if f is None else f"{f.llm_calls} calls, {f.reasks} re-asks, {f.seconds:.0f} s")
        lines.append(f"| {case.case_id} | " + " | ".join(cells) + " |")
    return lines


def _details(score: CaseScore) -> list[str]:
    lines = []
    for name, field in _field_scores(score).items():
        missed = [_describe(m.item) for m in field.missed]
        extra = [_describe(m.item) for m in field.extra]
        if missed:
            lines.append(f"- {name} missed: " + "; ".join(missed))
        if extra:
            lines.append(f"- {name} extra: " + "; ".join(extra))
    event = score.event
    if not event.date_correct:
        lines.append(f"- date: predicted {event.predicted_date!r}, gold {event.gold_date!r}")
    if not event.location_correct:
        lines.append(f"- location: predicted {event.predicted_location!r}, gold {event.gold_location!r}")
    for wrong in score.quote_speakers.wrong if score.quote_speakers else []:
        gold = " / ".join(wrong.gold_speaker) if isinstance(wrong.gold_speaker, list) else wrong.gold_speaker
        lines.append(_md_cell(f"- quote speaker: {wrong.speaker}, gold {gold}: “{wrong.quote}”")[:200])
    return lines


def _describe(item: GoldParticipant | GoldClaim | GoldDenial | Participant | Claim | Denial) -> str:
    if isinstance(item, GoldParticipant | Participant):
        return f"{item.name} ({item.kind})"
    speaker = " / ".join(item.speaker) if isinstance(item.speaker, list) else item.speaker
    text = item.statement if isinstance(item, GoldClaim | Claim) else item.denied
    return _md_cell(f"{speaker}: {text}")[:160]


_LOWER_IS_BETTER = {"reasks", "tokens", "seconds"}


def baseline_lines(run: EvalRun, baseline: EvalRun) -> list[str]:
    """Per-figure deltas, then every case that got worse (and in which field)."""
    now, before = headline(run), headline(baseline)
    lines = []
    for key, value in now.items():
        old = before.get(key)
        if value is None or old is None:
            continue
        delta = value - old
        worse = delta > 1e-9 if key in _LOWER_IS_BETTER else delta < -1e-9
        mark = " (worse)" if worse and key not in {"seconds", "tokens"} else ""
        lines.append(f"{key}: {old:.3f} → {value:.3f} ({delta:+.3f}){mark}")
    old_cases = {c.case_id: c for c in baseline.cases}
    for case in run.cases:
        old_case = old_cases.get(case.case_id)
        if old_case is None:
            continue
        if case.error and not old_case.error:
            lines.append(f"case {case.case_id} got worse: now fails ({case.error})")
            continue
        f1, old_f1 = _case_f1(case), _case_f1(old_case)
        worse = [
            f"{name} F1 {old:.2f} → {new:.2f}"
            for name in FIELDS
            if (new := f1[name]) is not None and (old := old_f1[name]) is not None and new < old - 1e-9
        ]
        if worse:
            lines.append(f"case {case.case_id} got worse: " + ", ".join(worse))
    return lines


def parse_thresholds(specs: list[str]) -> dict[str, float]:
    """``["claims=0.6", "all=0.5"]`` → minimum F1 per field ("all" sets every field)."""
    thresholds: dict[str, float] = {}
    for spec in specs:
        name, _, value = spec.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if name not in (*FIELDS, "all") or not 0.0 <= number <= 1.0:
            fields = ", ".join(FIELDS)
            raise InputError(f"--min-f1 {spec!r}: expected FIELD=VALUE with FIELD one of {fields}, all and VALUE in 0..1")
        for field in FIELDS if name == "all" else (name,):
            thresholds[field] = number
    return thresholds


def gate(run: EvalRun, thresholds: dict[str, float]) -> list[str]:
    """The thresholds the suite misses, as readable lines (empty: the gate passes)."""
    fields = _field_totals(run.suite)
    failures = []
    for name, minimum in thresholds.items():
        value = fields[name].f1
        if value < minimum:
            failures.append(f"{name} F1 {_num(value)} is below the minimum {minimum:.2f}")
    if run.totals.errors:
        # A case without a score is not in the pooled figures, so it fails the run by itself.
        failures.append(f"{run.totals.errors} case(s) could not be scored")
    return failures
