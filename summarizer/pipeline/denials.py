"""Denials pass: for each candidate (:mod:`.candidates`), who denies, what, and who made the accusation.

A small model copies names reliably but confuses who accuses whom when asked to map them to
participants at the same time, so it names deniers and accusers in the article's own words and
the program links those words to participants afterwards (asking the model only when no name or
alias matches).
"""

from __future__ import annotations

from summarizer.llm import ReplyFailed
from summarizer.names import name_key
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import (
    DENIALS_TOKENS,
    MAX_DENIAL_CANDIDATES_PER_PART,
    PASSAGE_AFTER,
    PASSAGE_BEFORE,
    REACTION_SENTENCES,
    RESOLVE_TOKENS,
)
from summarizer.pipeline.candidates import DenialCandidate
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, dedupe, flagged_unless_in, json_object, validated, within
from summarizer.pipeline.story import Story
from summarizer.replies import AccusationReply, DeniersReply, resolution_model
from summarizer.schema import UNNAMED_SOURCE, Denial, Participant


def find_denials(
    asker: Asker, story: Story, part: Part, participants: list[Participant], candidates: list[DenialCandidate], warnings: Warnings
) -> list[Denial]:
    """One denial per denier of each candidate, linked to the participants."""
    text = story.text
    found: list[tuple[DenialCandidate, Denial]] = []
    for candidate in within(candidates, MAX_DENIAL_CANDIDATES_PER_PART, warnings, "denials", "sentences with a denial cue"):
        start, end = candidate.span
        sentence = text[start:end]
        before = story.previous(start)
        earlier = text[before[0] : before[1]] if before else None
        passage = text[before[0] : end] if before else sentence
        around = story.passage(start, end, PASSAGE_BEFORE, PASSAGE_AFTER)
        deniers = asker.ask(Question("deniers", DeniersReply, part, DENIALS_TOKENS, story.context.about(around)))
        if not isinstance(deniers, DeniersReply):
            warnings.drop("denials", f"no valid reading of who denies: {deniers}", {"quote": sentence})
            continue
        question = Question(
            "accusation", AccusationReply, part, DENIALS_TOKENS, story.asking.about(passage),
            {"previous": earlier, "sentence": sentence, "deniers": deniers.denied_by},
        )  # fmt: skip
        accusation = asker.ask(question)
        if not isinstance(accusation, AccusationReply):
            accusation = _repaired(accusation, sentence, question, warnings)  # type: ignore[arg-type]
            if accusation is None:
                continue
        note = "what is denied is not in the briefing language, or says that it is denied; kept as the model wrote it"
        accusation = flagged_unless_in(story.language, accusation, question.context, warnings, "denials", note)
        accuser = resolve(asker, story, part, accusation.accuser, participants) if accusation.accuser else None
        quote, quote_span = candidate.quote if candidate.quote else (sentence, candidate.span)
        for name in deniers.denied_by:
            speaker = resolve(asker, story, part, name, participants)
            if speaker is None:
                item = {"speaker": name, "denied": accusation.accusation, "quote": quote}
                warnings.drop("denials", f"{name!r} is not one of the participants", item)
                continue
            denial = Denial(
                speaker=speaker,
                denied=accusation.accusation,
                accuser=accuser if accuser != speaker else None,
                quote=quote,
                quote_span=quote_span,
            )
            found.append((candidate, denial))
    return dedupe(_one_per_reaction(story, found, warnings), denial_key, warnings, "denials")


def _one_per_reaction(story: Story, found: list[tuple[DenialCandidate, Denial]], warnings: Warnings) -> list[Denial]:
    """One denial per speaker among candidates a few sentences apart, the one with a quote preferred.

    News reports a denial, then quotes it ("The agency rejected the suggestion." … "“That is simply
    not true,” she said."): both sentences have a cue, and both are the same denial.
    """
    index = {sentence[0]: i for i, sentence in enumerate(story.sentences)}
    kept: list[tuple[DenialCandidate, Denial]] = []
    for candidate, denial in found:
        near = next(
            (i for i, (c, d) in enumerate(kept)
             if d.speaker == denial.speaker and abs(index[c.span[0]] - index[candidate.span[0]]) <= REACTION_SENTENCES),
            None,
        )  # fmt: skip
        if near is None:
            kept.append((candidate, denial))
            continue
        if candidate.quote and not kept[near][0].quote:
            kept[near], denial = (candidate, denial), kept[near][1]
        warnings.drop("denials", "the same denial reported again a few sentences on; kept once", denial)
    return [denial for _candidate, denial in kept]


def _repaired(failure: ReplyFailed, sentence: str, question: Question, warnings: Warnings) -> AccusationReply | None:
    """The last accusation reply, kept with its accuser set to null or its words as copied, and reported; else None.

    A denial whose deniers are known is worth keeping even when its accuser is not in the text or
    what is denied copies the article's words: the reader sees the warning.
    """
    data = json_object(failure.last_content)
    anonymous = {**data, "accuser": None}
    as_copied = question.context.about(None)  # no passage: the copy check is lifted
    for attempt, context, note in (
        (anonymous, question.context, f"accuser {data.get('accuser')!r} not found in the text; set to null"),
        (data, as_copied, f"what is denied copies the article's words after the re-asks; kept as the model wrote it: {failure}"),
        (anonymous, as_copied, f"what is denied copies the article's words and its accuser is not in the text: {failure}"),
    ):
        kept = validated(attempt, AccusationReply, context)
        if kept is not None:
            warnings.drop("denials", note, None)
            return kept  # type: ignore[return-value]
    warnings.drop("denials", f"no valid reading of what is denied: {failure}", {"quote": sentence})
    return None


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
