"""Which prediction is which gold item: name and speaker equality, then a one-to-one assignment.

The rules (names, speakers, eligibility, the assignment's order of preference) are in
evals/README.md, "How predictions are matched to gold".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from scipy.optimize import linear_sum_assignment

from summarizer.eval.gold import GoldCase, GoldClaim, GoldDenial, GoldParticipant, names_of
from summarizer.eval.results import G, MatchedPair, P
from summarizer.eval.similarity import SIMILARITY_THRESHOLD, text_similarity
from summarizer.grounding import QuoteLocator, Span
from summarizer.names import name_key, names_match
from summarizer.schema import UNNAMED_SOURCE, Briefing, Claim, Denial, Participant

UNNAMED_KEY: Final[str] = name_key(UNNAMED_SOURCE)

_LOCATION_PARTS: Final = re.compile(r"[,;/()\[\]]")


def _keys(name: str, aliases: Sequence[str]) -> frozenset[str]:
    return frozenset(name_key(n) for n in (name, *aliases)) - {"", UNNAMED_KEY}


class Speakers:
    """Expands a speaker name to every name key of the participant(s) it denotes."""

    def __init__(self, people: Sequence[tuple[str, Sequence[str]]]) -> None:
        self._by_key: dict[str, set[str]] = {}
        for name, aliases in people:
            keys = _keys(name, aliases)
            for key in keys:
                self._by_key.setdefault(key, set()).update(keys)

    def expand(self, names: Sequence[str]) -> frozenset[str]:
        out: set[str] = set()
        for name in names:
            key = name_key(name)
            if key:  # unnamed source is nobody's key (see _keys), so it expands to itself only
                out |= self._by_key.get(key, {key})
        return frozenset(out)


def location_correct(gold: list[str], predicted: str | None) -> bool:
    text = (predicted or "").strip()
    if not gold:
        return not text
    wanted = {name_key(g) for g in gold} - {""}
    candidates = {name_key(part) for part in (text, *_LOCATION_PARTS.split(text))} - {""}
    return bool(wanted & candidates)


def overlap(a: Span | None, b: Span | None) -> float:
    """Intersection over union of two spans; 0.0 when either is missing or they are disjoint."""
    if a is None or b is None:
        return 0.0
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


@dataclass(frozen=True)
class Candidate:
    """A gold item and a prediction that may be paired, and how good the pair would be."""

    quality: float  # in [0, 1]: only breaks ties between equally many matches
    similarity: float
    quote_overlap: bool | None = None
    checks: dict[str, bool] = field(default_factory=dict)


def _assign(pairs: list[list[Candidate | None]], required: list[bool], n_pred: int) -> list[tuple[int, int]]:
    """One-to-one pairs maximising (required matches, optional matches, quality) in that order.

    Weights: quality < 1 and at most ``n`` pairs, so the qualities sum to less than ``n``, one
    optional match (``n``) outweighs any quality difference, and one required match
    (``(n + 1) ** 2``) outweighs all optional matches together (at most ``n (n + 1)``).
    """
    if not pairs or not n_pred:
        return []
    n = len(pairs) + n_pred + 1
    matrix = [
        [0.0 if pair is None else (float((n + 1) ** 2) if req else float(n)) + pair.quality for pair in row]
        for row, req in zip(pairs, required, strict=True)
    ]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(g), int(p)) for g, p in zip(rows, cols, strict=True) if pairs[g][p] is not None]


def match(gold: Sequence[G], predicted: Sequence[P], evaluate: Callable[[G, P], Candidate | None]) -> list[MatchedPair[G, P]]:
    """The chosen one-to-one pairs, in gold order."""
    pairs = [[evaluate(g, p) for p in predicted] for g in gold]
    chosen = []
    for gi, pi in _assign(pairs, [g.required for g in gold], len(predicted)):
        pair = pairs[gi][pi]
        assert pair is not None
        chosen.append(MatchedPair(
            gold_index=gi, predicted_index=pi, gold=gold[gi], predicted=predicted[pi],
            similarity=pair.similarity, quote_overlap=pair.quote_overlap, checks=dict(pair.checks),
        ))  # fmt: skip
    return chosen


def participant_pair(gold: GoldParticipant, predicted: Participant) -> Candidate | None:
    if not _keys(gold.name, gold.aliases) & _keys(predicted.name, predicted.aliases):
        return None
    similarity = 1.0 if names_match(gold.name, predicted.name) else 0.5
    kind_correct = gold.kind == predicted.kind
    return Candidate(
        quality=(similarity + kind_correct) / 2 * 0.999,
        similarity=similarity,
        checks={"kind_correct": kind_correct},
    )


class CaseMatcher:
    """What matching one case needs: the article's quote locator and both speaker resolvers."""

    def __init__(self, briefing: Briefing, gold: GoldCase, article_text: str) -> None:
        self.article = article_text
        self.locator = QuoteLocator(article_text)
        self.gold_speakers = Speakers([(p.name, p.aliases) for p in gold.participants])
        self.predicted_speakers = Speakers([(p.name, p.aliases) for p in briefing.participants])
        self._spans: dict[str, Span | None] = {}

    def span(self, quote: str | None) -> Span | None:
        """Where a quote is in the article, by the program's own quote matching (never ``quote_span``)."""
        if quote is None:
            return None
        if quote not in self._spans:
            self._spans[quote] = self.locator.locate(quote)
        return self._spans[quote]

    def same_speaker(self, gold: str | list[str] | None, predicted: str | None) -> bool:
        if gold is None or predicted is None:
            return gold is None and predicted is None
        return bool(self.gold_speakers.expand(names_of(gold)) & self.predicted_speakers.expand([predicted]))

    def _statement_pair(
        self, gold_text: str, gold_quote: str | None, text: str, quote: str | None, checks: dict[str, bool]
    ) -> Candidate | None:
        similarity = text_similarity(gold_text, text)
        quote_overlap = overlap(self.span(gold_quote), self.span(quote))
        if similarity < SIMILARITY_THRESHOLD and quote_overlap == 0.0:
            return None
        return Candidate(
            quality=(similarity + quote_overlap) / 2 * 0.999,
            similarity=similarity,
            quote_overlap=quote_overlap > 0,
            checks=checks,
        )

    def claim_pair(self, gold: GoldClaim, predicted: Claim) -> Candidate | None:
        if not self.same_speaker(gold.speaker, predicted.speaker):
            return None
        return self._statement_pair(gold.statement, gold.quote, predicted.statement, predicted.quote, {})

    def denial_pair(self, gold: GoldDenial, predicted: Denial) -> Candidate | None:
        if not self.same_speaker(gold.speaker, predicted.speaker):
            return None
        checks = {"accuser_correct": self.same_speaker(gold.accuser, predicted.accuser)}
        return self._statement_pair(gold.denied, gold.quote, predicted.denied, predicted.quote, checks)
