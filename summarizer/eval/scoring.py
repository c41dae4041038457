"""Scoring one briefing against one gold case, and a suite of cases: pure functions, no model.

Everything here is deterministic and dependency-free beyond scipy's assignment solver, so a
score changes only when the briefing or the gold file does. The rules below are the contract
(they are quoted in the README); the tests in ``tests/test_eval_scoring.py`` pin each one.

Names
    Two names are equal when their *name keys* are: casefold, accents removed (NFKD), a few
    letters NFKD leaves alone spelled out (ł→l, ø→o, æ→ae, ß→ss ...), and every run of
    non-letters (spaces, hyphens, apostrophes, dots) removed, so ``Kim Jong Un`` = ``Kim
    Jong-un`` = ``kim jong-un`` and ``U.S.`` = ``US``. A leading English ``the`` is dropped
    (``The Kremlin`` = ``Kremlin``), and so are the Arabic articles ``al``/``el`` when other words
    remain (``Bashar al-Assad`` = ``Bashar Assad``). Each word then goes through
    :func:`fold_translit`, which folds only spelling differences that come from transliterating
    one Cyrillic or Arabic name into different Latin alphabets (Italian, German, English):
    ``kh``→``h`` (Mikhail/Mihail), ``gh``→``g`` (Serghei/Sergei), ``x``→``ks``
    (Alexei/Aleksei), a doubled letter → one (Assad/Asad, Dmitrii), and a word-final run of
    ``i``/``y``/``j`` → ``i`` (Sergey/Sergej/Sergei, Dmitry/Dmitriy/Dmitri,
    Zelensky/Zelenskyy/Zelenskiy). Nothing that changes a syllable is folded: Alexander and
    Aleksandr, Sergei and Sergio, Kim Jong-un and Kim Jong-il stay different. Folding only ever
    merges two whole names, never a part of one, so a false merge needs two participants whose
    full names differ only by these spellings.

Participants
    A predicted participant matches a gold one when any of {name, aliases} on one side has the
    same name key as any of {name, aliases} on the other. Matching is one-to-one (see
    Assignment). ``similarity`` is 1.0 when the canonical names match and 0.5 when only aliases
    do; a pair whose kinds agree is preferred, and ``kind_correct`` is reported but not required.

Speakers (and accusers)
    A speaker denotes a participant: a gold speaker is expanded to all name keys of the gold
    participant(s) it names, a predicted speaker to all name keys of the predicted
    participant(s) it names (a name that is nobody's stays as itself). The two match when the
    expansions share a key, so ``Mosca`` (a gold alias of Russia) matches a predicted speaker
    ``Russia``. A gold speaker written as a list matches when any member does. ``unnamed
    source`` matches only ``unnamed source``.

Claims and denials
    A predicted item is *eligible* for a gold item only if the speakers match AND either its
    text (``statement`` for claims, ``denied`` for denials) has ``text_similarity`` of at least
    :data:`SIMILARITY_THRESHOLD` with the gold text, or the two quotes overlap in the article
    (both located with the program's own quote matching, :mod:`summarizer.grounding`; the
    briefing's ``quote_span`` is not trusted for this). A shared quote is strong evidence even
    when the paraphrases are worded apart. For denials the accuser is reported
    (``accuser_correct``: both null, or both denote the same participant) but not required.

Similarity
    ``text_similarity`` is the Dice coefficient of the sets of character 3-grams of the two
    texts, after casefolding, removing accents and possessive ``'s``, and dropping a short list
    of English function words and reporting verbs (``said``, ``according`` ...); the words are
    joined with single spaces and padded with one, so word starts and ends count. Character
    n-grams credit inflected forms (support/supports/supported, invincible/invincibility)
    without a stemmer's arbitrary rules, and removing function words keeps unrelated sentences
    near 0. On the 26 labelled pairs in the tests (14 paraphrases, 12 same-story sentences that
    say something else), 3-gram Dice classified 23 right on the plateau 0.54-0.56. In a side
    experiment on the same pairs we also tried word-set F1 with a light stemmer (21/26, best at
    0.51), word-set F1 without stemming (20/26), 3-gram Dice keeping function words (22/26),
    per-word 2-, 3- and 4-grams (23, 23, 21) and the mean of word F1 and 3-gram Dice (22/26).
    The threshold is the middle of the plateau, 0.55; the margins are thin (the closest pairs
    score 0.54 and 0.56), which is why a shared quote also makes a match. Known limits, pinned
    by tests: synonyms with no shared letters (resign/step down) fall below it, and a bag of
    n-grams cannot tell who did what to whom ("Russia denies supplying North Korea" = "North
    Korea denies supplying Russia"); speaker matching and quote overlap carry those cases.
    Statements are compared as English, like the gold files.

Assignment
    Pairs are chosen one-to-one with ``scipy.optimize.linear_sum_assignment`` over all gold items
    (required and optional together) and all predictions. The weights make the choice
    lexicographic: first as many required gold items matched as possible (recall), then as
    many optional ones (so an optional item absorbs a prediction that would otherwise be an
    extra), then the best quality (similarity, quote-span overlap, kind agreement).

Counting
    TP = required gold items matched; FN = required gold items unmatched ("missed"); FP =
    predictions matched to nothing ("extra"). An optional gold item (``required: false``) is
    never a miss, and a prediction matched to it is neither TP nor FP. Precision = TP/(TP+FP),
    1.0 when there are no predictions that count; recall = TP/(TP+FN), 1.0 when there is no
    required gold; F1 = their harmonic mean, 0.0 when both are 0. So an empty prediction for an
    empty gold scores 1/1/1, an empty prediction for non-empty gold scores P=1, R=0, F1=0, and
    predictions for an empty gold score P=0, R=1, F1=0.

Event
    ``date_correct``: the ISO strings are equal (null equals null). ``location_correct``: with
    gold locations, the predicted location (or one of its parts split at , ; / and brackets,
    since models write "Pyongyang, North Korea") has the name key of one of them; with no gold
    location, correct only when the prediction is null or blank. ``title_similarity`` and
    ``summary_similarity`` are ``text_similarity``.

Quotes
    Of the quotes the briefing emits (claims and denials, non-null), the share found verbatim in
    the article by :mod:`summarizer.grounding` (``share`` is null when none are emitted), and
    for those with a ``quote_span``, whether the span slices out the quote (exactly, or equal
    under the grounding normalisation of whitespace and quote marks).

Aggregation
    Suite P/R/F1 are micro-averaged (TP, FP and FN summed over cases, same conventions), with
    the macro mean of per-case F1 alongside; event checks are rates over cases; similarities are
    means over cases; quote shares are pooled over all emitted quotes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel
from scipy.optimize import linear_sum_assignment

from summarizer.eval.gold import GoldCase, GoldClaim, GoldDenial, GoldParticipant, names_of
from summarizer.grounding import QuoteLocator, Span, normalise
from summarizer.names import WORD, fold_text, name_key, names_match
from summarizer.schema import UNNAMED_SOURCE, Briefing, Claim, Denial, Participant

SIMILARITY_THRESHOLD: Final[float] = 0.55
"""Minimum ``text_similarity`` for two statements to count as the same claim (see docstring)."""

NGRAM: Final[int] = 3

# English function words and reporting verbs: they carry no content a paraphrase must share.
# "states" and "us" are deliberately absent ("United States", "US").
_STOPWORDS_TEXT: Final[str] = """
    a an the and or but nor of in on at to for from by with without about into onto over under
    as than then that this these those there here it its is are was were be been being am do does
    did done has have had having will would shall should can could may might must not no yes so
    such too very also he him his she her hers they them their theirs we our ours you your i me
    my mine who whom whose which what when where why how all any both each few more most other some
    own same only just said says say saying stated told tells according added adds
"""
STOPWORDS: Final[frozenset[str]] = frozenset(_STOPWORDS_TEXT.split())

_POSSESSIVE: Final = re.compile(r"['’]s\b")
_LOCATION_PARTS: Final = re.compile(r"[,;/()\[\]]")
_QUOTE_EDGES: Final = ' "'  # what grounding.normalise turns outer whitespace and quote marks into


# --- names ------------------------------------------------------------------------------------


UNNAMED_KEY: Final[str] = name_key(UNNAMED_SOURCE)


def _keys(name: str, aliases: Sequence[str]) -> frozenset[str]:
    return frozenset(name_key(n) for n in (name, *aliases)) - {"", UNNAMED_KEY}


class _Speakers:
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


# --- text similarity --------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return WORD.findall(_POSSESSIVE.sub("", fold_text(text)))


def _ngrams(words: list[str]) -> set[str]:
    padded = f" {' '.join(words)} "
    return {padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)}


def text_similarity(a: str, b: str) -> float:
    """Character 3-gram Dice of two texts without function words, in [0, 1] (see docstring).

    When either text is made only of function words they are kept on both sides, so "He said
    no." is still compared with something rather than with nothing.
    """
    words_a, words_b = _words(a), _words(b)
    content_a = [w for w in words_a if w not in STOPWORDS]
    content_b = [w for w in words_b if w not in STOPWORDS]
    if content_a and content_b:
        words_a, words_b = content_a, content_b
    if not words_a or not words_b:
        return 1.0 if not words_a and not words_b else 0.0
    grams_a, grams_b = _ngrams(words_a), _ngrams(words_b)
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))


# --- results ----------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Plain JSON data (dicts, lists, str, numbers, bool, None) from score objects."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


G = TypeVar("G", GoldParticipant, GoldClaim, GoldDenial)
P = TypeVar("P", Participant, Claim, Denial)


@dataclass(frozen=True)
class MatchedPair(Generic[G, P]):
    """A gold item and the prediction assigned to it."""

    gold_index: int
    predicted_index: int
    gold: G
    predicted: P
    similarity: float  # participants: 1.0 canonical names, 0.5 aliases; else text_similarity
    quote_overlap: bool | None  # None for participants
    checks: dict[str, bool] = field(default_factory=dict)  # kind_correct / accuser_correct


@dataclass(frozen=True)
class Unmatched(Generic[G]):
    """An item left over: a missed required gold item, or an extra prediction."""

    index: int
    item: G


@dataclass(frozen=True)
class FieldScore:
    """Matching result for one list field (participants, claims or denials) of one case."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    gold_required: int
    gold_optional: int
    predicted: int
    matched: list[MatchedPair[Any, Any]]  # required gold items: the TPs
    matched_optional: list[MatchedPair[Any, Any]]  # neither TP nor FP
    missed: list[Unmatched[Any]]  # required gold items: the FNs
    extra: list[Unmatched[Any]]  # predictions: the FPs
    checks: dict[str, int]  # per check, how many TPs pass it

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class EventScore:
    date_correct: bool
    location_correct: bool
    title_similarity: float
    summary_similarity: float
    gold_date: str | None
    predicted_date: str | None
    gold_location: list[str]
    predicted_location: str | None


@dataclass(frozen=True)
class QuoteIssue:
    section: str  # "claims" or "denials"
    index: int
    quote: str
    quote_span: Span | None


@dataclass(frozen=True)
class QuoteScore:
    emitted: int  # non-null quotes in claims and denials
    grounded: int  # of those, found verbatim in the article
    share: float | None  # grounded / emitted; None when nothing was emitted
    with_span: int  # emitted quotes that carry a quote_span
    spans_consistent: int  # of those, spans that slice out the quote
    ungrounded: list[QuoteIssue]
    inconsistent_spans: list[QuoteIssue]


@dataclass(frozen=True)
class CaseScore:
    case_id: str
    participants: FieldScore
    claims: FieldScore
    denials: FieldScore
    event: EventScore
    quotes: QuoteScore
    article_matches_briefing: bool  # the briefing's source.sha256 is this article's text

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)  # type: ignore[no-any-return]


# --- matching ---------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 with the empty-case conventions of the module docstring."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass(frozen=True)
class _Pair:
    quality: float  # in [0, 1]: only breaks ties between equally many matches
    similarity: float
    quote_overlap: bool | None = None
    checks: dict[str, bool] = field(default_factory=dict)


def _assign(pairs: list[list[_Pair | None]], required: list[bool], n_pred: int) -> list[tuple[int, int]]:
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


def _field_score(
    gold: Sequence[G],
    predicted: Sequence[P],
    evaluate: Callable[[G, P], _Pair | None],
    check_names: tuple[str, ...] = (),
) -> FieldScore:
    pairs = [[evaluate(g, p) for p in predicted] for g in gold]
    assigned = _assign(pairs, [g.required for g in gold], len(predicted))
    matched: list[MatchedPair[Any, Any]] = []
    matched_optional: list[MatchedPair[Any, Any]] = []
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for gi, pi in assigned:
        pair = pairs[gi][pi]
        assert pair is not None
        used_gold.add(gi)
        used_pred.add(pi)
        result = MatchedPair(gi, pi, gold[gi], predicted[pi], pair.similarity, pair.quote_overlap, dict(pair.checks))
        (matched if gold[gi].required else matched_optional).append(result)
    missed = [Unmatched(i, g) for i, g in enumerate(gold) if g.required and i not in used_gold]
    extra = [Unmatched(i, p) for i, p in enumerate(predicted) if i not in used_pred]
    tp, fp, fn = len(matched), len(extra), len(missed)
    precision, recall, f1 = prf(tp, fp, fn)
    checks = {name: sum(1 for m in matched if m.checks.get(name)) for name in check_names}
    required = sum(1 for g in gold if g.required)
    return FieldScore(
        tp=tp,
        fp=fp,
        fn=fn,
        precision=precision,
        recall=recall,
        f1=f1,
        gold_required=required,
        gold_optional=len(gold) - required,
        predicted=len(predicted),
        matched=matched,
        matched_optional=matched_optional,
        missed=missed,
        extra=extra,
        checks=checks,
    )


def _participant_pair(gold: GoldParticipant, predicted: Participant) -> _Pair | None:
    if not _keys(gold.name, gold.aliases) & _keys(predicted.name, predicted.aliases):
        return None
    similarity = 1.0 if names_match(gold.name, predicted.name) else 0.5
    kind_correct = gold.kind == predicted.kind
    return _Pair(
        quality=(similarity + kind_correct) / 2 * 0.999,
        similarity=similarity,
        checks={"kind_correct": kind_correct},
    )


def _overlap(a: Span | None, b: Span | None) -> float:
    """Intersection over union of two spans; 0.0 when either is missing or they are disjoint."""
    if a is None or b is None:
        return 0.0
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


class _Context:
    """What matching one case needs: the article's quote locator and both speaker resolvers."""

    def __init__(self, briefing: Briefing, gold: GoldCase, article_text: str) -> None:
        self.article = article_text
        self.locator = QuoteLocator(article_text)
        self.gold_speakers = _Speakers([(p.name, p.aliases) for p in gold.participants])
        self.predicted_speakers = _Speakers([(p.name, p.aliases) for p in briefing.participants])
        self._spans: dict[str, Span | None] = {}

    def span(self, quote: str | None) -> Span | None:
        if quote is None:
            return None
        if quote not in self._spans:
            self._spans[quote] = self.locator.locate(quote)
        return self._spans[quote]

    def same_speaker(self, gold: str | list[str] | None, predicted: str | None) -> bool:
        if gold is None or predicted is None:
            return gold is None and predicted is None
        return bool(self.gold_speakers.expand(names_of(gold)) & self.predicted_speakers.expand([predicted]))

    def statement_pair(
        self, gold_text: str, gold_quote: str | None, text: str, quote: str | None, checks: dict[str, bool]
    ) -> _Pair | None:
        similarity = text_similarity(gold_text, text)
        overlap = _overlap(self.span(gold_quote), self.span(quote))
        if similarity < SIMILARITY_THRESHOLD and overlap == 0.0:
            return None
        return _Pair(quality=(similarity + overlap) / 2 * 0.999, similarity=similarity, quote_overlap=overlap > 0, checks=checks)

    def claim_pair(self, gold: GoldClaim, predicted: Claim) -> _Pair | None:
        if not self.same_speaker(gold.speaker, predicted.speaker):
            return None
        return self.statement_pair(gold.statement, gold.quote, predicted.statement, predicted.quote, {})

    def denial_pair(self, gold: GoldDenial, predicted: Denial) -> _Pair | None:
        if not self.same_speaker(gold.speaker, predicted.speaker):
            return None
        checks = {"accuser_correct": self.same_speaker(gold.accuser, predicted.accuser)}
        return self.statement_pair(gold.denied, gold.quote, predicted.denied, predicted.quote, checks)


def _location_correct(gold: list[str], predicted: str | None) -> bool:
    text = (predicted or "").strip()
    if not gold:
        return not text
    wanted = {name_key(g) for g in gold} - {""}
    candidates = {name_key(part) for part in (text, *_LOCATION_PARTS.split(text))} - {""}
    return bool(wanted & candidates)


def _span_consistent(article: str, quote: str, span: Span) -> bool:
    start, end = span
    if not 0 <= start < end <= len(article):
        return False
    piece = article[start:end]
    return piece == quote or normalise(piece).strip(_QUOTE_EDGES) == normalise(quote).strip(_QUOTE_EDGES)


def _quote_score(briefing: Briefing, context: _Context) -> QuoteScore:
    emitted = grounded = with_span = consistent = 0
    ungrounded: list[QuoteIssue] = []
    inconsistent: list[QuoteIssue] = []
    items: list[tuple[str, int, Claim | Denial]] = [
        *(("claims", i, c) for i, c in enumerate(briefing.claims)),
        *(("denials", i, d) for i, d in enumerate(briefing.denials)),
    ]
    for section, index, item in items:
        if item.quote is None:
            continue
        emitted += 1
        issue = QuoteIssue(section, index, item.quote, item.quote_span)
        if context.span(item.quote) is None:
            ungrounded.append(issue)
        else:
            grounded += 1
        if item.quote_span is not None:
            with_span += 1
            if _span_consistent(context.article, item.quote, item.quote_span):
                consistent += 1
            else:
                inconsistent.append(issue)
    return QuoteScore(
        emitted=emitted,
        grounded=grounded,
        share=grounded / emitted if emitted else None,
        with_span=with_span,
        spans_consistent=consistent,
        ungrounded=ungrounded,
        inconsistent_spans=inconsistent,
    )


def score_case(briefing: Briefing, gold: GoldCase, article_text: str) -> CaseScore:
    """Score one briefing against its gold case; ``article_text`` is the text quotes index into."""
    context = _Context(briefing, gold, article_text)
    event = EventScore(
        date_correct=gold.event.date == briefing.event.date,
        location_correct=_location_correct(gold.event.location, briefing.event.location),
        title_similarity=text_similarity(gold.event.title, briefing.event.title),
        summary_similarity=text_similarity(gold.event.summary, briefing.event.summary),
        gold_date=gold.event.date,
        predicted_date=briefing.event.date,
        gold_location=list(gold.event.location),
        predicted_location=briefing.event.location,
    )
    return CaseScore(
        case_id=gold.id,
        participants=_field_score(gold.participants, briefing.participants, _participant_pair, ("kind_correct",)),
        claims=_field_score(gold.claims, briefing.claims, context.claim_pair),
        denials=_field_score(gold.denials, briefing.denials, context.denial_pair, ("accuser_correct",)),
        event=event,
        quotes=_quote_score(briefing, context),
        article_matches_briefing=hashlib.sha256(article_text.encode("utf-8")).hexdigest() == briefing.source.sha256,
    )


# --- aggregation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldTotals:
    tp: int
    fp: int
    fn: int
    precision: float  # micro: from the summed counts
    recall: float
    f1: float
    macro_f1: float | None  # mean of per-case F1; None without cases
    checks: dict[str, int]
    check_rates: dict[str, float | None]  # checks / tp; None when tp is 0


@dataclass(frozen=True)
class EventTotals:
    date_accuracy: float | None  # None without cases
    location_accuracy: float | None
    mean_title_similarity: float | None
    mean_summary_similarity: float | None


@dataclass(frozen=True)
class QuoteTotals:
    emitted: int
    grounded: int
    share: float | None  # grounded / emitted over all cases
    with_span: int
    spans_consistent: int
    span_share: float | None  # spans_consistent / with_span


@dataclass(frozen=True)
class SuiteScore:
    n_cases: int
    participants: FieldTotals
    claims: FieldTotals
    denials: FieldTotals
    event: EventTotals
    quotes: QuoteTotals
    cases: list[CaseScore]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)  # type: ignore[no-any-return]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _totals(fields: Sequence[FieldScore]) -> FieldTotals:
    tp = sum(f.tp for f in fields)
    fp = sum(f.fp for f in fields)
    fn = sum(f.fn for f in fields)
    precision, recall, f1 = prf(tp, fp, fn)
    checks: dict[str, int] = {}
    for f in fields:
        for name, count in f.checks.items():
            checks[name] = checks.get(name, 0) + count
    return FieldTotals(
        tp=tp,
        fp=fp,
        fn=fn,
        precision=precision,
        recall=recall,
        f1=f1,
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
        cases=list(scores),
    )
