"""Benchmark: article text out of real news pages, scored against hand-checked article bodies.

Each page of the shared article-extraction benchmark is loaded through the public
``load_article``, exactly as a user's saved page is (decoded, cleaned, extracted, normalised),
and its text is scored with the metric the benchmark's README defines: ``\\w+`` tokens, 4-token
shingles counted as multisets, per-page tp/fp/fn normalised to sum to 1, precision and recall
averaged over pages, F1 of those means. A page that ``load_article`` refuses counts as "" (recall
0). The pages stay where they are: each is decompressed into a temporary file, loaded, deleted.

    python benchmarks/bench_extraction.py ../shared/benchmarks/article-extraction
    python benchmarks/bench_extraction.py ../shared/benchmarks/article-extraction --extractor trafilatura
    python benchmarks/bench_extraction.py ../shared/benchmarks/article-extraction --extractor own-reader

``--extractor trafilatura`` scores ``trafilatura.extract(html)`` with its defaults on the same
decoded page, for comparison; ``--extractor own-reader`` the project's own HTML reader alone
(:mod:`summarizer.ingest.html`, what ``load_article`` used before trafilatura, now its last
fallback) on the same decoded and cleaned page, a page it finds no text in counted as refused.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from summarizer.errors import InputError
from summarizer.ingest import load_article

TOKEN_RE = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(0, len(tokens) - SHINGLE + 1)))


def page_scores(predicted: str, truth: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the metric leaves the page out."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return None, None
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else None
    return precision, recall


def extract(page: Path, extractor: str, scratch: Path) -> tuple[str, str | None]:
    """(text, refusal message or None) for one page."""
    data = gzip.decompress(page.read_bytes())
    target = scratch / page.name.removesuffix(".gz")
    target.write_bytes(data)
    try:
        if extractor == "summarizer":
            try:
                return load_article(target).text, None
            except InputError as exc:
                return "", str(exc)
        from summarizer.ingest.decoding import decode_bytes

        decoded = decode_bytes(data, name=str(target))[0]
        if extractor == "own-reader":
            from summarizer.ingest.cleaning import clean, trim
            from summarizer.ingest.html import extract_text

            text = trim(extract_text(clean(decoded, str(target))))
            return text, None if text else f"{target}: no article text found in HTML"
        import trafilatura

        return trafilatura.extract(decoded) or "", None
    finally:
        target.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", type=Path, help="the benchmark folder (ground-truth.json and html/)")
    parser.add_argument("--extractor", choices=["summarizer", "trafilatura", "own-reader"], default="summarizer")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="also list the N pages with the lowest F1")
    args = parser.parse_args()
    try:
        truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{args.benchmark}: not the article-extraction benchmark ({exc})", file=sys.stderr)
        return 2
    precisions: list[float] = []
    recalls: list[float] = []
    refused: list[str] = []
    per_page: list[tuple[float, str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for page_id, item in sorted(truth.items()):
            text, refusal = extract(args.benchmark / "html" / f"{page_id}.html.gz", args.extractor, Path(scratch))
            if refusal is not None:
                refused.append(refusal)
            precision, recall = page_scores(text, item["articleBody"])
            if precision is not None:
                precisions.append(precision)
            if recall is not None:
                recalls.append(recall)
            p, r = precision or 0.0, recall or 0.0
            per_page.append((2 * p * r / (p + r) if p + r else 0.0, page_id))
    seconds = time.perf_counter() - started
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"extractor  {args.extractor}")
    print(f"pages      {len(truth)}")
    print(f"F1         {f1:.3f}")
    print(f"precision  {precision:.3f}")
    print(f"recall     {recall:.3f}")
    print(f"refused    {len(refused)}")
    print(f"time       {seconds:.1f} s ({seconds / max(1, len(truth)) * 1000:.0f} ms per page)")
    for message in refused:
        print(f"  refused: {message}")
    for score, page_id in sorted(per_page)[: args.worst]:
        print(f"  F1 {score:.3f}  {page_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
