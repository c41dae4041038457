"""Benchmark: which sentence splitter is right more often, and how fast, on hand-labelled cases.

Scores three splitters on ``tests/data/sentences_labelled.yaml`` (tricky sentences in en, de, fr,
es, it, ru, uk, el, zh, ja, written for this project): the rule-based splitter as it was before
the fix (the anchor, kept here as written then), the project's ``split_sentences``, and pysbd
(told each case's language; it has no Ukrainian, so Russian rules stand in). A case is right when
the sentences found are exactly the labelled ones; boundary precision and recall count the
boundaries between sentences. Speed is the time to split every case, best of ``--repeat`` runs.

    python benchmarks/bench_sentences.py [--repeat 20]

pysbd is not a dependency: install it where this script can import it (``PYTHONPATH``) to score it.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yaml

from summarizer.sentences import split_sentences

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentences_labelled.yaml"
Splitter = Callable[[str, str], list[str]]

_BASELINE = re.compile(
    r"(?<=[.!?…。！？])[\"”»’)]*\s+(?=[\"“«„(¿¡]?[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ0-9])"  # end mark, then a capital
    r"|\n+"  # or a line break
)


def baseline(text: str, _lang: str) -> list[str]:
    """The splitter before the fix: spans between boundaries, stripped, 12 characters or more."""
    pieces, start = [], 0
    for match in _BASELINE.finditer(text):
        pieces.append(text[start : match.start() + len(match.group().rstrip())])
        start = match.end()
    pieces.append(text[start:])
    return [p.strip()[:700].rstrip() for p in pieces if len(p.strip()) >= 12]


def fixed(text: str, _lang: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def pysbd_splitter() -> Splitter | None:
    try:
        import pysbd  # type: ignore[import-not-found]  # optional: measured only
    except ImportError:
        return None
    segmenters: dict[str, object] = {}

    def split(text: str, lang: str) -> list[str]:
        lang = {"uk": "ru"}.get(lang, lang)
        if lang not in segmenters:
            segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
        return [s.strip() for s in segmenters[lang].segment(text) if s.strip()]

    return split


def boundaries(sentences: list[str], text: str) -> set[int]:
    """Offsets in ``text`` where one sentence ends and another follows."""
    ends, cursor = set(), 0
    for sentence in sentences:
        found = text.find(sentence, cursor)
        if found < 0:  # not article text: count no boundary for it
            continue
        cursor = found + len(sentence)
        ends.add(cursor)
    ends.discard(len(text.rstrip()))
    return ends


def score(split: Splitter, cases: list[dict], repeat: int) -> dict[str, float]:
    right, found, gold, hit = 0, 0, 0, 0
    wrong: Counter[str] = Counter()
    for case in cases:
        text = case.get("join", " ").join(case["sentences"])
        predicted = split(text, case["lang"])
        if predicted == case["sentences"]:
            right += 1
        else:
            wrong[case["lang"]] += 1
        want, got = boundaries(case["sentences"], text), boundaries(predicted, text)
        gold, found, hit = gold + len(want), found + len(got), hit + len(want & got)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for case in cases:
            split(case.get("join", " ").join(case["sentences"]), case["lang"])
        best = min(best, time.perf_counter() - started)
    return {
        "accuracy": right / len(cases),
        "precision": hit / found if found else 1.0,
        "recall": hit / gold if gold else 1.0,
        "ms": best * 1000,
        "wrong": ", ".join(f"{lang} {n}" for lang, n in sorted(wrong.items())) or "-",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    splitters: dict[str, Splitter] = {"before (anchor)": baseline, "split_sentences": fixed}
    if (sbd := pysbd_splitter()) is not None:
        splitters["pysbd"] = sbd
    else:
        print("pysbd not importable: scored without it")
    chars = sum(len(c.get("join", " ").join(c["sentences"])) for c in cases)
    print(f"{len(cases)} cases, {chars} characters, {len({c['lang'] for c in cases})} languages")
    print(f"{'splitter':<17} {'cases right':>11} {'boundary P':>10} {'boundary R':>10} {'ms/all':>8}"
          f" {'acc/anchor':>10} {'time/anchor':>11}  wrong by language")
    anchor = None
    for name, split in splitters.items():
        result = score(split, cases, args.repeat)
        anchor = anchor or result
        print(f"{name:<17} {result['accuracy']:>11.1%} {result['precision']:>10.1%} {result['recall']:>10.1%}"
              f" {result['ms']:>8.2f} {result['accuracy'] / anchor['accuracy']:>10.2f}"
              f" {result['ms'] / anchor['ms']:>11.1f}  {result['wrong']}")


if __name__ == "__main__":
    main()
