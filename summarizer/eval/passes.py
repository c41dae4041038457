"""One pass run alone on one gold case, fed from gold for what it depends on, and scored on what it decides.

A whole-suite run judges every pass at once, and an early pass's error (a participant missed)
hides whether a later one (who said a quote) got better or worse. Run alone, a pass asks only its
own questions, through the same functions a briefing asks them with, so its figures are those of
the pass a briefing runs, and a change to one template is judged in minutes:

* ``participants``: the participants questions → matched against the gold participants, per kind;
* ``attribution``: every gold quote found in the article, attributed among the gold participants'
  names → speaker right, statement similar to gold, statement in the briefing language;
* ``reported``: the reported-statement finder of every part (the model picks sentences without a
  quote, then each is attributed among the gold participants' names; sentences of a gold denial
  are not offered) → matched by statement against the gold claims without a quote: recall,
  precision, speaker right;
* ``denials``: the program's denial candidates of every part, asked as a briefing asks them with the
  gold participants → matched by what is denied (or the quote) to the gold denials: recall,
  precision (invented denials), denier right, accuser right, ``denied`` similarity and language;
* ``event``: the event question (told the gold statements of later parts, as a briefing is told
  its own) → date, place, title and summary against the gold event.

What a pass found is kept as additive ``counts`` (summed over cases, then turned into figures, so
a suite's figures are micro averages) and ``details``, one line per thing a reader should look at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from summarizer.errors import ExtractionError
from summarizer.eval.aggregation import prf
from summarizer.eval.gold import GoldCase, GoldClaim, GoldDenial, names_of
from summarizer.eval.matching import Candidate, Speakers, location_correct, match, overlap, participant_pair
from summarizer.eval.results import G, MatchedPair, P
from summarizer.eval.similarity import SIMILARITY_THRESHOLD, text_similarity
from summarizer.grounding import QuoteLocator
from summarizer.language import clearly_not
from summarizer.pipeline.ask import Asker
from summarizer.pipeline.candidates import denial_candidates, overlaps
from summarizer.pipeline.claims import attribute_quote, reported_claims
from summarizer.pipeline.denials import find_denials
from summarizer.pipeline.entities import tidy
from summarizer.pipeline.event import describe_event
from summarizer.pipeline.participants import find_participants
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings
from summarizer.pipeline.story import Story
from summarizer.schema import Claim, Denial, Participant, ParticipantKind

KINDS: tuple[ParticipantKind, ...] = ("person", "organization", "country", "group")


class PassOutcome(BaseModel):
    """What one pass found on one case: counts that add up over cases, and lines worth reading."""

    model_config = ConfigDict(frozen=True)

    counts: dict[str, float] = Field(default_factory=dict)
    details: list[str] = Field(default_factory=list)


Run = Callable[[Asker, Story, list[Part], GoldCase], PassOutcome]


def participants_pass(asker: Asker, story: Story, parts: list[Part], gold: GoldCase) -> PassOutcome:
    """The participants questions of every part, merged and tidied as a briefing's are."""
    try:
        found = find_participants(asker, story, parts, Warnings())
    except ExtractionError:  # none found: a score of nothing, not an error
        found = []
    predicted = tidy(story.text, found, [], []).participants
    required, missed, extra = _tally(gold.participants, predicted, participant_pair)
    kind_right = sum(m.checks["kind_correct"] for m in required)
    counts = {"tp": len(required), "fp": len(extra), "fn": len(missed), "kind right": kind_right}
    for kind in KINDS:
        counts[f"{kind} tp"] = sum(m.gold.kind == kind for m in required)
        counts[f"{kind} fp"] = sum(p.kind == kind for p in extra)
        counts[f"{kind} fn"] = sum(g.kind == kind for g in missed)
    details = [f"not in gold: {p.name} ({p.kind}{', ' + p.role if p.role else ''})" for p in extra]
    details += [f"missed: {g.name} ({g.kind})" for g in missed]
    details += [
        f"kind: {m.predicted.name} listed as {m.predicted.kind}, gold {m.gold.kind}"
        for m in required
        if not m.checks["kind_correct"]
    ]
    return PassOutcome(counts=counts, details=details)


def attribution_pass(asker: Asker, story: Story, parts: list[Part], gold: GoldCase) -> PassOutcome:
    """Each gold quote's attribution question, its speakers the gold participants' names."""
    participants = _participants(gold)
    speakers = Speakers([(p.name, p.aliases) for p in gold.participants])
    locator = QuoteLocator(story.text)
    counts = dict.fromkeys(("quotes", "not found", "no reply", "speaker right", "similarity", "in language"), 0.0)
    details: list[str] = []
    for claim in gold.claims:
        if claim.quote is None:
            continue
        span = locator.locate(claim.quote)
        counts["quotes"] += 1
        if span is None:
            counts["not found"] += 1
            details.append(f"quote not found in the article: {claim.quote[:60]}")
            continue
        part = next(p for p in parts if p.owns(span[0]))
        found = attribute_quote(asker, story, part, participants, claim.quote, span, Warnings())
        if found is None:
            counts["no reply"] += 1
            details.append(f"no valid reply: {claim.quote[:60]}")
            continue
        right = _same(speakers, claim.speaker, found.speaker)
        counts["speaker right"] += right
        counts["similarity"] += text_similarity(claim.statement, found.statement)
        english = clearly_not(found.statement, story.language) is None
        counts["in language"] += english
        if not right:
            details.append(f"speaker {found.speaker!r}, gold {claim.speaker!r}: {claim.quote[:60]}")
        if not english:
            details.append(f"statement not in the briefing language: {found.statement[:60]}")
    return PassOutcome(counts=counts, details=details)


def reported_pass(asker: Asker, story: Story, parts: list[Part], gold: GoldCase) -> PassOutcome:
    """Every part's reported statements, matched by statement to the gold claims without a quote.

    A pair needs only a similar statement, so that a right statement given to the wrong speaker
    counts as found and shows under "speaker right".
    """
    participants = _participants(gold)
    speakers = Speakers([(p.name, p.aliases) for p in gold.participants])
    locator = QuoteLocator(story.text)
    denied = [span for d in gold.denials if d.quote and (span := locator.locate(d.quote))]
    found: list[Claim] = []
    for part in parts:
        covered = [c.span for c in denial_candidates(story, part) if overlaps(c.span, denied)]
        found += reported_claims(asker, story, part, participants, covered, Warnings())
    reported = [c for c in gold.claims if c.quote is None]
    quoted = [c for c in gold.claims if c.quote is not None]

    def pair(gold_claim: GoldClaim, claim: Claim) -> Candidate | None:
        similarity = text_similarity(gold_claim.statement, claim.statement)
        if similarity < SIMILARITY_THRESHOLD:
            return None
        right = _same(speakers, gold_claim.speaker, claim.speaker)
        return Candidate(quality=similarity * 0.999, similarity=similarity, checks={"speaker_right": right})

    required, missed, extra = _tally(reported, found, pair)
    counts = {
        "tp": len(required), "fp": len(extra), "fn": len(missed),
        "speaker right": sum(m.checks["speaker_right"] for m in required),
    }  # fmt: skip
    details = [f"missed: {_said(g.speaker, g.statement)}" for g in missed]
    restating = {i: q for i, c in enumerate(extra) for q in quoted if pair(q, c)}
    details += [
        f"not in gold: {_said(c.speaker, c.statement)}"
        + (f" (restates the quote {restating[i].quote[:40]!r})" if i in restating and restating[i].quote else "")
        for i, c in enumerate(extra)
    ]
    details += [
        f"speaker {m.predicted.speaker!r}, gold {m.gold.speaker!r}: {m.gold.statement[:60]}"
        for m in required
        if not m.checks["speaker_right"]
    ]
    return PassOutcome(counts=counts, details=details)


def denials_pass(asker: Asker, story: Story, parts: list[Part], gold: GoldCase) -> PassOutcome:
    """Every part's denial candidates, asked with the gold participants, matched to the gold denials.

    A pair needs a similar ``denied`` or the same quote, not the same denier, so that a denial
    given to the wrong denier counts as found and shows under "denier right".
    """
    participants = _participants(gold)
    speakers = Speakers([(p.name, p.aliases) for p in gold.participants])
    locator = QuoteLocator(story.text)
    found: list[Denial] = []
    for part in parts:
        found += find_denials(asker, story, part, participants, denial_candidates(story, part), Warnings())

    def pair(gold_denial: GoldDenial, denial: Denial) -> Candidate | None:
        similarity = text_similarity(gold_denial.denied, denial.denied)
        quoted = overlap(locator.locate(gold_denial.quote) if gold_denial.quote else None, denial.quote_span)
        if similarity < SIMILARITY_THRESHOLD and quoted == 0.0:
            return None
        checks = {
            "denier_right": _same(speakers, gold_denial.speaker, denial.speaker),
            "accuser_right": _same(speakers, gold_denial.accuser, denial.accuser),
        }
        quality = (similarity + quoted) / 2 * 0.999
        return Candidate(quality=quality, similarity=similarity, quote_overlap=quoted > 0, checks=checks)

    required, missed, extra = _tally(gold.denials, found, pair)
    in_language = [clearly_not(m.predicted.denied, story.language) is None for m in required]
    counts = {
        "tp": len(required), "fp": len(extra), "fn": len(missed),
        "denier right": sum(m.checks["denier_right"] for m in required),
        "accuser right": sum(m.checks["accuser_right"] for m in required),
        "similarity": sum(m.similarity for m in required),
        "in language": sum(in_language),
    }  # fmt: skip
    details = [f"missed: {_said(g.speaker, g.denied)}" for g in missed]
    details += [f"not in gold: {_said(d.speaker, d.denied)}" for d in extra]
    for m, english in zip(required, in_language, strict=True):
        if not m.checks["denier_right"]:
            details.append(f"denier {m.predicted.speaker!r}, gold {m.gold.speaker!r}: {m.gold.denied[:60]}")
        if not m.checks["accuser_right"]:
            details.append(f"accuser {m.predicted.accuser!r}, gold {m.gold.accuser!r}: {m.gold.denied[:60]}")
        if not english:
            details.append(f"denied not in the briefing language: {m.predicted.denied[:60]}")
    return PassOutcome(counts=counts, details=details)


def _tally(
    gold: Sequence[G], found: Sequence[P], pair: Callable[[G, P], Candidate | None]
) -> tuple[list[MatchedPair[G, P]], list[G], list[P]]:
    """The one-to-one matches of required gold items, the required gold items missed, and what was
    found that matches no gold item (a match with an optional gold item neither counts nor costs)."""
    pairs = match(gold, found, pair)
    used_gold = {m.gold_index for m in pairs}
    used_found = {m.predicted_index for m in pairs}
    missed = [g for i, g in enumerate(gold) if g.required and i not in used_gold]
    return [m for m in pairs if m.gold.required], missed, [f for i, f in enumerate(found) if i not in used_found]


def _same(speakers: Speakers, gold: str | list[str] | None, name: str | None) -> bool:
    """Whether ``name`` is (one of) the gold speaker(s), by the speaker rule; two nulls are the same."""
    if gold is None or name is None:
        return gold is None and name is None
    return bool(speakers.expand(names_of(gold)) & speakers.expand([name]))


def _participants(gold: GoldCase) -> list[Participant]:
    """The gold participants as a briefing lists them: what a pass fed from gold is told."""
    return [Participant(name=p.name, kind=p.kind, role=None, aliases=p.aliases) for p in gold.participants]


def _said(speaker: str | list[str], statement: str) -> str:
    return f"{names_of(speaker)[0]}: {statement[:70]}"


def event_pass(asker: Asker, story: Story, parts: list[Part], gold: GoldCase) -> PassOutcome:
    """The event question about the first part, told the gold statements quoted in later ones."""
    locator = QuoteLocator(story.text)
    later = []
    if len(parts) > 1:
        for item in [*gold.claims, *gold.denials]:
            span = locator.locate(item.quote) if item.quote else None
            if span is not None and not parts[0].owns(span[0]):
                said = item.statement if isinstance(item, GoldClaim) else f"denies: {item.denied}"
                later.append(f"{names_of(item.speaker)[0]}: {said}")
    event = describe_event(asker, story, parts[0], later, Warnings())
    counts = {
        "cases": 1.0,
        "date right": float(gold.event.date == event.date),
        "place right": float(location_correct(gold.event.location, event.location)),
        "title similarity": text_similarity(gold.event.title, event.title),
        "summary similarity": text_similarity(gold.event.summary, event.summary),
    }
    details = []
    if not counts["date right"]:
        details.append(f"date {event.date}, gold {gold.event.date}")
    if not counts["place right"]:
        details.append(f"place {event.location!r}, gold {', '.join(gold.event.location) or None}")
    details.append(f"title: {event.title}")
    return PassOutcome(counts=counts, details=details)


def participants_figures(counts: dict[str, float]) -> dict[str, float | None]:
    precision, recall, f1 = prf(int(counts.get("tp", 0)), int(counts.get("fp", 0)), int(counts.get("fn", 0)))
    figures: dict[str, float | None] = {"precision": precision, "recall": recall, "F1": f1}
    figures["kind right"] = _share(counts.get("kind right", 0), counts.get("tp", 0))
    for kind in KINDS:
        tp, fp, fn = (int(counts.get(f"{kind} {c}", 0)) for c in ("tp", "fp", "fn"))
        figures[f"{kind} F1"] = prf(tp, fp, fn)[2] if tp + fp + fn else None
    return figures


def attribution_figures(counts: dict[str, float]) -> dict[str, float | None]:
    asked = counts.get("quotes", 0) - counts.get("not found", 0)
    answered = asked - counts.get("no reply", 0)
    return {
        "speaker right": _share(counts.get("speaker right", 0), asked),
        "similarity": _share(counts.get("similarity", 0), answered),
        "in language": _share(counts.get("in language", 0), answered),
        "answered": _share(answered, asked),
    }


def reported_figures(counts: dict[str, float]) -> dict[str, float | None]:
    return _found_figures(counts, ("speaker right",))


def denials_figures(counts: dict[str, float]) -> dict[str, float | None]:
    return _found_figures(counts, ("denier right", "accuser right", "similarity", "in language"))


def _found_figures(counts: dict[str, float], per_match: tuple[str, ...]) -> dict[str, float | None]:
    """Recall, precision and F1 (none when neither side has an item), then each ``per_match``
    count as a share of the gold items found."""
    tp, fp, fn = (int(counts.get(c, 0)) for c in ("tp", "fp", "fn"))
    precision, recall, f1 = prf(tp, fp, fn) if tp + fp + fn else (None, None, None)
    return {"recall": recall, "precision": precision, "F1": f1, **{name: _share(counts.get(name, 0), tp) for name in per_match}}


def event_figures(counts: dict[str, float]) -> dict[str, float | None]:
    cases = counts.get("cases", 0)
    return {
        name: _share(counts.get(key, 0), cases)
        for name, key in (("date", "date right"), ("place", "place right"), ("title sim", "title similarity"),
                          ("summary sim", "summary similarity"))
    }  # fmt: skip


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


PASSES: dict[str, tuple[Run, Callable[[dict[str, float]], dict[str, float | None]]]] = {
    "participants": (participants_pass, participants_figures),
    "attribution": (attribution_pass, attribution_figures),
    "reported": (reported_pass, reported_figures),
    "denials": (denials_pass, denials_figures),
    "event": (event_pass, event_figures),
}
"""Each pass that runs alone: how it runs on a case, and the figures its counts give (all: higher is better)."""


def figures_of(pass_name: str, counts: dict[str, float]) -> dict[str, float | None]:
    """The pass's figures from one case's counts, or from a suite's counts summed."""
    return PASSES[pass_name][1](counts)
