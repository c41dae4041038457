"""Denials pass: for each sentence chosen as a denial, who denies, what, and who made the accusation.

A small model copies names reliably but confuses who accuses whom when asked to map them to
participants at the same time, so it names deniers and accusers in the article's own words and
the program links those words to participants afterwards (asking the model only when no name or
alias matches).
"""

from __future__ import annotations

from pydantic import ValidationError

from summarizer.llm import ReplyFailed
from summarizer.names import name_key
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import DENIALS_TOKENS, PASSAGE_AFTER, PASSAGE_BEFORE, RESOLVE_TOKENS
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, dedupe, json_object
from summarizer.pipeline.story import Span, Story
from summarizer.replies import AccusationReply, DeniersReply, resolution_model
from summarizer.schema import UNNAMED_SOURCE, Denial, Participant


def find_denials(
    asker: Asker, story: Story, part: Part, participants: list[Participant], sentences: list[Span], warnings: Warnings
) -> list[Denial]:
    """One denial per denier of each sentence in ``sentences``."""
    text = story.text
    denials: list[Denial] = []
    for start, end in sentences:
        sentence = text[start:end]
        before = story.previous((start, end))
        earlier = text[before[0] : before[1]] if before else None
        passage = text[before[0] : end] if before else sentence
        around = story.passage(start, end, PASSAGE_BEFORE, PASSAGE_AFTER)
        deniers = asker.ask(Question("deniers", DeniersReply, part, DENIALS_TOKENS, story.context.about(around)))
        if not isinstance(deniers, DeniersReply):
            warnings.drop("denials", f"no valid reading of who denies: {deniers}", {"quote": sentence})
            continue
        question = Question(
            "accusation", AccusationReply, part, DENIALS_TOKENS, story.context.about(passage),
            {"previous": earlier, "sentence": sentence, "deniers": deniers.denied_by},
        )  # fmt: skip
        accusation = asker.ask(question)
        if not isinstance(accusation, AccusationReply):
            accusation = _without_accuser(accusation, sentence, story, warnings)  # type: ignore[arg-type]
            if accusation is None:
                continue
        accuser = resolve(asker, story, part, accusation.accuser, participants) if accusation.accuser else None
        for name in deniers.denied_by:
            speaker = resolve(asker, story, part, name, participants)
            if speaker is None:
                item = {"speaker": name, "denied": accusation.accusation, "quote": sentence}
                warnings.drop("denials", f"{name!r} is not one of the participants", item)
                continue
            denials.append(
                Denial(
                    speaker=speaker,
                    denied=accusation.accusation,
                    accuser=accuser if accuser != speaker else None,
                    quote=sentence,
                    quote_span=(start, end),
                )
            )
    return dedupe(denials, denial_key, warnings, "denials")


def _without_accuser(failure: ReplyFailed, sentence: str, story: Story, warnings: Warnings) -> AccusationReply | None:
    """An accusation whose accuser stayed invalid is kept with no accuser, and reported."""
    data = json_object(failure.last_content)
    try:
        kept = AccusationReply.model_validate({**data, "accuser": None}, context=story.context)
    except ValidationError:
        warnings.drop("denials", f"no valid reading of what is denied: {failure}", {"quote": sentence})
        return None
    warnings.drop("denials", f"accuser {data.get('accuser')!r} not found in the text; set to null", None)
    return kept


def resolve(asker: Asker, story: Story, part: Part, name: str, participants: list[Participant]) -> str | None:
    """The participant a name refers to: by name or alias, else by asking the model."""
    key = name_key(name)
    for p in participants:
        if key == name_key(p.name) or key in {name_key(a) for a in p.aliases}:
            return p.name
    if key == name_key(UNNAMED_SOURCE):
        return UNNAMED_SOURCE
    names = [p.name for p in participants]
    question = Question(
        "resolve", resolution_model(names), part, RESOLVE_TOKENS, story.context.about(None), {"mention": name, "names": names}
    )
    reply = asker.ask(question)
    if isinstance(reply, ReplyFailed) or reply.participant == "none":  # type: ignore[attr-defined]
        return None
    return reply.participant  # type: ignore[attr-defined]


def denial_key(denial: Denial) -> tuple[str, str]:
    """Two denials are the same when one speaker denies the same thing."""
    return (denial.speaker, name_key(denial.denied))
