"""One pass run alone on one gold case, fed from gold for what it depends on, and scored on what it decides.

A whole-suite run judges every pass at once, and an early pass's error (a participant missed)
hides whether a later one (who said a quote) got better or worse. Run alone, a pass asks only its
own questions, through the same functions a briefing asks them with, so its figures are those of
the pass a briefing runs, and a change to one template is judged in minutes:

* ``participants``: the participants questions → matched against the gold participants, per kind;
* ``attribution``: every gold quote found in the article, attributed among the gold participants'
  names → speaker right, statement similar to gold, statement in the briefing language;
* ``event``: the event question (told the gold statements of later parts, as a briefing is told
  its own) → date, place, title and summary against the gold event.

What a pass found is kept as additive ``counts`` (summed over cases, then turned into figures, so
a suite's figures are micro averages) and ``details``, one line per thing a reader should look at.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from summarizer.errors import ExtractionError
from summarizer.eval.aggregation import prf
from summarizer.eval.gold import GoldCase, GoldClaim, names_of
from summarizer.eval.matching import Speakers, location_correct, match, participant_pair
from summarizer.eval.similarity import text_similarity
from summarizer.grounding import QuoteLocator
from summarizer.language import clearly_not
from summarizer.pipeline.ask import Asker
from summarizer.pipeline.claims import attribute_quote
from summarizer.pipeline.entities import tidy
from summarizer.pipeline.event import describe_event
from summarizer.pipeline.participants import find_participants
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings
from summarizer.pipeline.story import Story
from summarizer.schema import ParticipantKind

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
    pairs = match(gold.participants, predicted, participant_pair)
    required = [m for m in pairs if m.gold.required]
    used_gold = {m.gold_index for m in pairs}
    used_predicted = {m.predicted_index for m in pairs}
    missed = [g for i, g in enumerate(gold.participants) if g.required and i not in used_gold]
    extra = [p for i, p in enumerate(predicted) if i not in used_predicted]
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
    names = [p.name for p in gold.participants]
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
        found = attribute_quote(asker, story, part, names, claim.quote, span, Warnings())
        if found is None:
            counts["no reply"] += 1
            details.append(f"no valid reply: {claim.quote[:60]}")
            continue
        right = bool(speakers.expand(names_of(claim.speaker)) & speakers.expand([found.speaker]))
        counts["speaker right"] += right
        counts["similarity"] += text_similarity(claim.statement, found.statement)
        english = clearly_not(found.statement, story.language) is None
        counts["in language"] += english
        if not right:
            details.append(f"speaker {found.speaker!r}, gold {claim.speaker!r}: {claim.quote[:60]}")
        if not english:
            details.append(f"statement not in the briefing language: {found.statement[:60]}")
    return PassOutcome(counts=counts, details=details)


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
    "event": (event_pass, event_figures),
}
"""Each pass that runs alone: how it runs on a case, and the figures its counts give (all: higher is better)."""


def figures_of(pass_name: str, counts: dict[str, float]) -> dict[str, float | None]:
    """The pass's figures from one case's counts, or from a suite's counts summed."""
    return PASSES[pass_name][1](counts)
