"""Counting: a field's TP/FP/FN and P/R/F1 from its matched pairs, and a suite's pooled figures.

Conventions (empty cases, micro and macro averages): evals/README.md, "Counting" and "Suite figures".
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.eval.results import (
    CaseScore,
    EventTotals,
    FieldScore,
    FieldTotals,
    G,
    MatchedPair,
    P,
    QuoteSpeakerTotals,
    QuoteTotals,
    SuiteScore,
    Unmatched,
)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; 1.0 precision without predictions, 1.0 recall without required gold."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _counts(tp: int, fp: int, fn: int) -> dict[str, int | float]:
    precision, recall, f1 = prf(tp, fp, fn)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def field_score(
    gold: Sequence[G], predicted: Sequence[P], pairs: list[MatchedPair[G, P]], check_names: tuple[str, ...] = ()
) -> FieldScore[G, P]:
    """Count one field of one case: pairs on required gold are TPs, unpaired required gold and predictions FNs and FPs."""
    matched = [m for m in pairs if m.gold.required]
    used_gold = {m.gold_index for m in pairs}
    used_pred = {m.predicted_index for m in pairs}
    missed = [Unmatched(index=i, item=g) for i, g in enumerate(gold) if g.required and i not in used_gold]
    extra = [Unmatched(index=i, item=p) for i, p in enumerate(predicted) if i not in used_pred]
    required = sum(1 for g in gold if g.required)
    return FieldScore(
        **_counts(len(matched), len(extra), len(missed)),
        gold_required=required,
        gold_optional=len(gold) - required,
        predicted=len(predicted),
        matched=matched,
        matched_optional=[m for m in pairs if not m.gold.required],
        missed=missed,
        extra=extra,
        checks={name: sum(1 for m in matched if m.checks.get(name)) for name in check_names},
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _totals(fields: Sequence[FieldScore[G, P]]) -> FieldTotals:
    tp = sum(f.tp for f in fields)
    checks: dict[str, int] = {}
    for f in fields:
        for name, count in f.checks.items():
            checks[name] = checks.get(name, 0) + count
    return FieldTotals(
        **_counts(tp, sum(f.fp for f in fields), sum(f.fn for f in fields)),
        macro_f1=_mean([f.f1 for f in fields]),
        checks=checks,
        check_rates={name: count / tp if tp else None for name, count in checks.items()},
    )


def aggregate(scores: list[CaseScore]) -> SuiteScore:
    """Pool case scores into suite totals (micro P/R/F1, rates, means); keeps every case."""
    emitted = sum(s.quotes.emitted for s in scores)
    grounded = sum(s.quotes.grounded for s in scores)
    with_span = sum(s.quotes.with_span for s in scores)
    consistent = sum(s.quotes.spans_consistent for s in scores)
    speakers = [s.quote_speakers for s in scores if s.quote_speakers is not None]
    speakers_matched, speakers_right = sum(q.matched for q in speakers), sum(q.right for q in speakers)
    return SuiteScore(
        n_cases=len(scores),
        participants=_totals([s.participants for s in scores]),
        claims=_totals([s.claims for s in scores]),
        denials=_totals([s.denials for s in scores]),
        event=EventTotals(
            date_accuracy=_mean([float(s.event.date_correct) for s in scores]),
            location_accuracy=_mean([float(s.event.location_correct) for s in scores]),
            mean_title_similarity=_mean([s.event.title_similarity for s in scores]),
            mean_summary_similarity=_mean([s.event.summary_similarity for s in scores]),
        ),
        quotes=QuoteTotals(
            emitted=emitted,
            grounded=grounded,
            share=grounded / emitted if emitted else None,
            with_span=with_span,
            spans_consistent=consistent,
            span_share=consistent / with_span if with_span else None,
        ),
        quote_speakers=QuoteSpeakerTotals(
            matched=speakers_matched,
            right=speakers_right,
            share=speakers_right / speakers_matched if speakers_matched else None,
        ),
        cases=list(scores),
    )
