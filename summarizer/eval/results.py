"""What scoring produces: typed results per field, per case and for a suite.

They are pydantic models so that a run written to JSON reads back into the same objects (see
:mod:`summarizer.eval.runfile`); what each figure means is in evals/README.md.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from summarizer.eval.gold import GoldClaim, GoldDenial, GoldParticipant
from summarizer.grounding import Span
from summarizer.schema import Claim, Denial, Participant

G = TypeVar("G", GoldParticipant, GoldClaim, GoldDenial)
P = TypeVar("P", Participant, Claim, Denial)
T = TypeVar("T", GoldParticipant, GoldClaim, GoldDenial, Participant, Claim, Denial)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, exactly as it is stored in a run file."""
        return self.model_dump(mode="json")


class MatchedPair(_Result, Generic[G, P]):
    """A gold item and the prediction assigned to it."""

    gold_index: int
    predicted_index: int
    gold: G
    predicted: P
    similarity: float  # participants: 1.0 canonical names, 0.5 aliases; else text_similarity
    quote_overlap: bool | None  # None for participants
    checks: dict[str, bool] = Field(default_factory=dict)  # kind_correct / accuser_correct


class Unmatched(_Result, Generic[T]):
    """An item left over: a missed required gold item, or an extra prediction."""

    index: int
    item: T


class Counts(_Result):
    """TP, FP, FN and the precision, recall and F1 they give."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


class FieldScore(Counts, Generic[G, P]):
    """Matching result for one list field (participants, claims or denials) of one case."""

    gold_required: int
    gold_optional: int
    predicted: int
    matched: list[MatchedPair[G, P]]  # required gold items: the TPs
    matched_optional: list[MatchedPair[G, P]]  # neither TP nor FP
    missed: list[Unmatched[G]]  # required gold items: the FNs
    extra: list[Unmatched[P]]  # predictions: the FPs
    checks: dict[str, int]  # per check, how many TPs pass it


class EventScore(_Result):
    date_correct: bool
    location_correct: bool
    title_similarity: float
    summary_similarity: float
    gold_date: str | None
    predicted_date: str | None
    gold_location: list[str]
    predicted_location: str | None


class QuoteIssue(_Result):
    section: Literal["claims", "denials"]
    index: int
    quote: str
    quote_span: Span | None


class QuoteScore(_Result):
    emitted: int  # non-null quotes in claims and denials
    grounded: int  # of those, found verbatim in the article
    share: float | None  # grounded / emitted; None when nothing was emitted
    with_span: int  # emitted quotes that carry a quote_span
    spans_consistent: int  # of those, spans that slice out the quote
    ungrounded: list[QuoteIssue]
    inconsistent_spans: list[QuoteIssue]


class WrongSpeaker(_Result):
    """A predicted claim whose quote is a gold quote, given to someone else."""

    index: int  # of the predicted claim
    quote: str
    speaker: str
    gold_speaker: str | list[str]


class QuoteSpeakerScore(_Result):
    matched: int  # predicted claims whose quote overlaps a gold claim's quote in the article
    right: int  # of those, with that gold claim's speaker
    share: float | None  # right / matched; None when no quote matched
    wrong: list[WrongSpeaker]


class CaseScore(_Result):
    case_id: str
    participants: FieldScore[GoldParticipant, Participant]
    claims: FieldScore[GoldClaim, Claim]
    denials: FieldScore[GoldDenial, Denial]
    event: EventScore
    quotes: QuoteScore
    article_matches_briefing: bool  # the briefing's source.sha256 is this article's text
    quote_speakers: QuoteSpeakerScore | None = None  # None in runs written before the figure existed


class FieldTotals(Counts):
    """A field over a suite: counts summed over cases, so precision, recall and F1 are micro averages."""

    macro_f1: float | None  # mean of per-case F1; None without cases
    checks: dict[str, int]
    check_rates: dict[str, float | None]  # checks / tp; None when tp is 0


class EventTotals(_Result):
    date_accuracy: float | None  # None without cases
    location_accuracy: float | None
    mean_title_similarity: float | None
    mean_summary_similarity: float | None


class QuoteTotals(_Result):
    emitted: int
    grounded: int
    share: float | None  # grounded / emitted over all cases
    with_span: int
    spans_consistent: int
    span_share: float | None  # spans_consistent / with_span


class QuoteSpeakerTotals(_Result):
    matched: int
    right: int
    share: float | None  # right / matched over all cases


class SuiteFigures(_Result):
    """The pooled figures of a suite, as a run file stores them next to its cases."""

    n_cases: int
    participants: FieldTotals
    claims: FieldTotals
    denials: FieldTotals
    event: EventTotals
    quotes: QuoteTotals
    quote_speakers: QuoteSpeakerTotals | None = None  # None in runs written before the figure existed


class SuiteScore(SuiteFigures):
    """The pooled figures and every case they were pooled from."""

    cases: list[CaseScore]

    def figures(self) -> SuiteFigures:
        return SuiteFigures(**{name: getattr(self, name) for name in SuiteFigures.model_fields})
