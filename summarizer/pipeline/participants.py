"""Participants pass: who takes part in the story, asked kind by kind in every part, then merged.

It runs first because it narrows every later question: the participants found become the only
allowed speakers and accusers of the statements and denials passes.
"""

from __future__ import annotations

from summarizer.errors import ExtractionError
from summarizer.llm import ReplyFailed
from summarizer.names import name_key
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import PARTICIPANTS_TOKENS
from summarizer.pipeline.merge import merge_participants
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, dedupe, salvage
from summarizer.pipeline.story import Story
from summarizer.replies import KIND_LISTS, ParticipantDraft, participants_reply_model
from summarizer.schema import Participant


def find_participants(asker: Asker, story: Story, parts: list[Part], warnings: Warnings) -> list[Participant]:
    """Every part's participants, merged; an alias that is another participant's name is dropped."""
    participants = merge_participants([participants_of(asker, story, part, warnings) for part in parts])
    if not participants:
        raise ExtractionError(f"{asker.endpoint}: the model found no participants in the article")
    # An alias that is another participant's name is a confusion (a country "also called" its
    # president): the name wins.
    names = {name_key(p.name) for p in participants}

    def own(alias: str, p: Participant) -> bool:
        return name_key(alias) == name_key(p.name) or name_key(alias) not in names

    return [p.model_copy(update={"aliases": [a for a in p.aliases if own(a, p)]}) for p in participants]


def participants_of(asker: Asker, story: Story, part: Part, warnings: Warnings) -> list[Participant]:
    """One part's participants, kind by kind; a name given twice is kept once."""
    participants: list[Participant] = []
    for field, kind in KIND_LISTS.items():
        listed = [p.name for p in participants]
        question = Question(
            "participants", participants_reply_model(field), part, PARTICIPANTS_TOKENS, story.context.about(None),
            {"kind": field, "listed": listed},
        )  # fmt: skip
        reply = asker.ask(question)
        if isinstance(reply, ReplyFailed):
            items = salvage(reply, field, ParticipantDraft, story.context, warnings, "participants")
        else:
            items = list(getattr(reply, field))
        participants += [Participant(kind=kind, **item.model_dump()) for item in items]
    return dedupe(participants, lambda p: name_key(p.name), warnings, "participants")
