"""From an article to a briefing: the passes in order, each narrowing the next.

Participants come first, from every part (anyone named anywhere may speak anywhere); then each
part's denials (from its sentences with a denial cue), then its claims from what no denial
covers; then one event for the whole article, from the first part told what the later ones report.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.ingest import Article
from summarizer.pipeline.ask import Asker
from summarizer.pipeline.assemble import assemble
from summarizer.pipeline.budgets import LATER_POINTS_CHARS
from summarizer.pipeline.candidates import covered_by, denial_candidates
from summarizer.pipeline.claims import claim_key, find_claims
from summarizer.pipeline.denials import denial_key, find_denials
from summarizer.pipeline.entities import tidy
from summarizer.pipeline.event import describe_event
from summarizer.pipeline.participants import find_participants
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, dedupe
from summarizer.pipeline.story import Story
from summarizer.pipeline.tagged import quoted_newcomers
from summarizer.prompts import PromptSet
from summarizer.schema import Briefing


@dataclass(frozen=True)
class Options:
    """How the pipeline uses the model, whatever the provider."""

    max_reasks: int = 1  # re-asks after an invalid reply (a second one never made a reply valid on the eval suite)
    chunk_tokens: int | None = None  # most article tokens per part; None: what the model's context allows


def build_briefing(
    article: Article, story: Story, parts: list[Part], asker: Asker, *, prompts: PromptSet, backend: str
) -> Briefing:
    """Every question about ``article``, in the order the data flows."""
    warnings = Warnings()
    participants = find_participants(asker, story, parts, warnings)
    participants += quoted_newcomers(asker, story, parts, participants, warnings)
    claims, denials, later = [], [], []  # later: what parts after the first report, for the event
    for part in parts:
        candidates = denial_candidates(story, part)
        part_denials = find_denials(asker, story, part, participants, candidates, warnings)
        covered = covered_by(candidates, part_denials)
        part_claims = find_claims(asker, story, part, participants, covered, warnings)
        if part is not parts[0]:
            later += [f"{c.speaker}: {c.statement}" for c in part_claims]
            later += [f"{d.speaker} denies: {d.denied}" for d in part_denials]
        claims += part_claims
        denials += part_denials
    if len(parts) > 1:
        claims = dedupe(claims, claim_key, warnings, "claims")
        denials = dedupe(denials, denial_key, warnings, "denials")
    event = describe_event(asker, story, parts[0], _within(later, LATER_POINTS_CHARS), warnings)
    entities = tidy(story.text, participants, claims, denials)
    return assemble(
        article, event=event, participants=entities.participants, claims=entities.claims, denials=entities.denials,
        warnings=warnings,
        model=asker.model, backend=backend, prompt=prompts.ref, usage=asker.usage(), language=story.language, parts=len(parts),
    )  # fmt: skip


def _within(lines: list[str], limit: int) -> list[str]:
    """The first lines whose total length stays within ``limit`` characters."""
    kept, used = [], 0
    for line in lines:
        used += len(line) + 3
        if used > limit:
            break
        kept.append(line)
    return kept
