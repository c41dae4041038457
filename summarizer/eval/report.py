"""Reports of an evaluation run: a rich table, Markdown, baseline deltas and quality gates.

Everything here works on the run's JSON form (:meth:`EvalRun.to_dict`), so a run loaded from an
earlier file (``--baseline``) and the run just made are read by the same code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from summarizer.errors import InputError

FIELDS = ("participants", "claims", "denials")


def headline(run: dict[str, Any]) -> dict[str, float | None]:
    """The suite's key figures, flat, for tables, deltas and gates."""
    suite = run["suite"]
    totals = run["totals"]
    figures: dict[str, float | None] = {}
    for name in FIELDS:
        for metric in ("precision", "recall", "f1"):
            figures[f"{name}.{metric}"] = suite[name][metric]
    figures["event.date_accuracy"] = suite["event"]["date_accuracy"]
    figures["event.location_accuracy"] = suite["event"]["location_accuracy"]
    figures["event.title_similarity"] = suite["event"]["mean_title_similarity"]
    figures["event.summary_similarity"] = suite["event"]["mean_summary_similarity"]
    figures["quotes.grounded_share"] = suite["quotes"]["share"]
    figures["schema_valid_rate"] = totals["schema_valid"] / totals["cases"] if totals["cases"] else None
    figures["reasks"] = totals["reasks"]
    figures["tokens"] = totals["prompt_tokens"] + totals["completion_tokens"]
    figures["seconds"] = run["seconds"]
    return figures


def case_rows(run: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for case in run["cases"]:
        score = case["score"] or {}
        row: dict[str, Any] = {"id": case["id"], "language": case["language"], "error": case["error"]}
        for name in FIELDS:
            field = score.get(name) or {}
            row[name] = (field.get("precision"), field.get("recall"), field.get("f1"))
        event = score.get("event") or {}
        row["date"] = event.get("date_correct")
        row["location"] = event.get("location_correct")
        row["title"] = event.get("title_similarity")
        row["quotes"] = (score.get("quotes") or {}).get("share")
        row["reasks"] = case["usage"]["reasks"]
        row["tokens"] = case["usage"]["prompt_tokens"] + case["usage"]["completion_tokens"]
        row["seconds"] = case["seconds"]
        rows.append(row)
    return rows


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _prf(values: tuple[float | None, ...]) -> str:
    return "/".join(_num(v) for v in values)


def _check(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "no")


def _table_rows(run: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    header = ["case", "lang", "participants P/R/F1", "claims P/R/F1", "denials P/R/F1", "date", "location",
              "title sim", "quotes verbatim", "re-asks", "tokens", "time"]  # fmt: skip
    rows = []
    for r in case_rows(run):
        if r["error"]:
            rows.append([r["id"], r["language"] or "–", f"error: {r['error']}", "", "", "", "", "", "", "", "", ""])
            continue
        rows.append([
            r["id"], r["language"], _prf(r["participants"]), _prf(r["claims"]), _prf(r["denials"]),
            _check(r["date"]), _check(r["location"]), _num(r["title"]), _num(r["quotes"]),
            str(r["reasks"]), f"{r['tokens']:,}", f"{r['seconds']:.0f} s",
        ])  # fmt: skip
    h = headline(run)
    rows.append([
        "**suite**", "", _prf(tuple(h[f"participants.{m}"] for m in ("precision", "recall", "f1"))),
        _prf(tuple(h[f"claims.{m}"] for m in ("precision", "recall", "f1"))),
        _prf(tuple(h[f"denials.{m}"] for m in ("precision", "recall", "f1"))),
        _num(h["event.date_accuracy"]), _num(h["event.location_accuracy"]), _num(h["event.title_similarity"]),
        _num(h["quotes.grounded_share"]), str(int(h["reasks"] or 0)), f"{int(h['tokens'] or 0):,}", f"{h['seconds']:.0f} s",
    ])  # fmt: skip
    return header, rows


def rich_table(run: dict[str, Any]) -> Table:
    header, rows = _table_rows(run)
    prompt = run["prompt"]
    table = Table(title=f"Eval: {run['model']} ({run['backend']}), prompt {prompt['template']} v{prompt['version']}")
    for index, name in enumerate(header):
        table.add_column(name, no_wrap=index == 0, overflow="fold")
    for row in rows:
        table.add_row(*[Text(cell.replace("**", ""), style="bold" if cell.startswith("**") else "") for cell in row])
    return table


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_report(run: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    """A report for people: scores per case and suite, then what was missed and what was extra."""
    header, rows = _table_rows(run)
    totals = run["totals"]
    lines = [
        f"# Evaluation: {run['model']}",
        "",
        f"Backend {run['backend']} · prompt {run['prompt']['template']} v{run['prompt']['version']} "
        f"(`{run['prompt']['sha256'][:12]}`) · {run['started_at']} · {totals['cases']} cases, "
        f"{totals['schema_valid']} schema-valid, {totals['llm_calls']} LLM calls ({totals['cache_hits']} from cache), "
        f"{totals['reasks']} re-asks · {run['seconds']:.0f} s",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    if baseline is not None:
        lines += ["", "## Against the baseline", ""] + [f"- {line}" for line in baseline_lines(run, baseline)]
    lines += ["", "## Details", ""]
    for case in run["cases"]:
        lines.append(f"### {case['id']}")
        if case["error"]:
            lines += ["", f"Error: {case['error']}", ""]
            continue
        score = case["score"]
        for name in FIELDS:
            field = score[name]
            missed = [_describe(name, m["item"]) for m in field["missed"]]
            extra = [_describe(name, m["item"]) for m in field["extra"]]
            if missed:
                lines.append(f"- {name} missed: " + "; ".join(missed))
            if extra:
                lines.append(f"- {name} extra: " + "; ".join(extra))
        event = score["event"]
        if not event["date_correct"]:
            lines.append(f"- date: predicted {event['predicted_date']!r}, gold {event['gold_date']!r}")
        if not event["location_correct"]:
            lines.append(f"- location: predicted {event['predicted_location']!r}, gold {event['gold_location']!r}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _describe(name: str, item: dict[str, Any]) -> str:
    if name == "participants":
        return f"{item.get('name')} ({item.get('kind')})"
    speaker = item.get("speaker")
    speaker = " / ".join(speaker) if isinstance(speaker, list) else speaker
    text = item.get("statement") or item.get("denied") or ""
    return _md_cell(f"{speaker}: {text}")[:160]


def load_run(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read an eval run ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != 1 or "suite" not in data:
        raise InputError(f"{path}: not an eval run written by summarizer eval")
    return data


_LOWER_IS_BETTER = {"reasks", "tokens", "seconds"}


def baseline_lines(run: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
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
    old_cases = {r["id"]: r for r in case_rows(baseline)}
    for row in case_rows(run):
        old = old_cases.get(row["id"])
        if old is None:
            continue
        if row["error"] and not old["error"]:
            lines.append(f"case {row['id']} got worse: now fails ({row['error']})")
            continue
        worse = [
            f"{name} F1 {old[name][2]:.2f} → {row[name][2]:.2f}"
            for name in FIELDS
            if row[name][2] is not None and old[name][2] is not None and row[name][2] < old[name][2] - 1e-9
        ]
        if worse:
            lines.append(f"case {row['id']} got worse: " + ", ".join(worse))
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


def gate(run: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """The thresholds the suite misses, as readable lines (empty: the gate passes)."""
    figures = headline(run)
    failures = []
    for name, minimum in thresholds.items():
        value = figures[f"{name}.f1"]
        if value is None or value < minimum:
            failures.append(f"{name} F1 {_num(value)} is below the minimum {minimum:.2f}")
    if run["totals"]["errors"]:
        # A case without a score is not in the pooled figures, so it fails the run by itself.
        failures.append(f"{run['totals']['errors']} case(s) could not be scored")
    return failures
