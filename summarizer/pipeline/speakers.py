"""Who may have said a statement: the participants the article names around it, found by the program.

A quote's speaker is nearly always named in the quote's own sentence or the next one ("…," said
the minister) or, when the quote follows its introduction, in the sentence before ("Kim said:").
Offering the model the names written there, nearest first, turns an open question over every
participant into a choice among few. A person counts as named by their surname alone too (news
writes "Bone" after "Ken Bone"), unless two participants share it. When no participant is named
there (a pronoun that points further back), every participant is offered.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from summarizer.names import fold_text, written_regex
from summarizer.pipeline.story import Span, Story
from summarizer.schema import Participant
from summarizer.speech_tags import name_words

# Letters a name may take as an inflection ending (Putins, Путина, Zelenskyjem).
ENDINGS = 3


def speakers_near(story: Story, span: Span, participants: list[Participant], *, quoted: bool) -> list[str]:
    """The names of participants written around ``span``, nearest first; every name when none is.

    ``quoted``: ``span`` is a direct quote, whose own words are what is said, not who says it
    (names inside it are skipped); otherwise it is a sentence that names its speaker itself.
    """
    start, end = _window(story, span)
    text = story.text
    distance: dict[str, int] = {}
    surnames = _surnames(participants)
    for participant in participants:
        for form in {participant.name, *participant.aliases, *surnames.get(participant.name, ())}:
            for match in _mentions(form, text, start, end):
                if quoted and span[0] <= match.start() and match.end() <= span[1]:
                    continue
                gap = max(span[0] - match.end(), match.start() - span[1], 0)
                distance[participant.name] = min(gap, distance.get(participant.name, gap))
    if not distance:
        return [p.name for p in participants]
    return sorted(distance, key=lambda name: distance[name])


def _surnames(participants: list[Participant]) -> dict[str, list[str]]:
    """Each person's surname when no other participant shares it: after the first mention news
    names a person by surname alone ("Bone, who asked…, lamented…"), which the model does not
    always list as an alias."""
    found: dict[str, list[str]] = {}
    owners: dict[str, set[str]] = {}
    for participant in participants:
        for form in {participant.name, *participant.aliases}:
            words = name_words(form)
            if len(words) >= 2:
                owners.setdefault(fold_text(words[-1]), set()).add(participant.name)
    for participant in participants:
        words = name_words(participant.name)
        person = participant.kind == "person" and len(words) >= 2 and len(words[-1]) >= 3
        if person and owners.get(fold_text(words[-1])) == {participant.name}:
            found[participant.name] = [words[-1]]
    return found


def _window(story: Story, span: Span) -> Span:
    """From the sentence before ``span``'s first sentence to the sentence after its last one."""
    sentences = story.sentences
    if not sentences:
        return span
    starts = [s for s, _e in sentences]
    first = max(bisect_right(starts, span[0]) - 1, 0)
    last = max(bisect_right(starts, max(span[1] - 1, span[0])) - 1, first)
    return sentences[max(first - 1, 0)][0], sentences[min(last + 1, len(sentences) - 1)][1]


def _mentions(form: str, text: str, start: int, end: int) -> list[re.Match[str]]:
    form = form.strip()
    if len(form) < 2:
        return []
    return list(written_regex(form, endings=ENDINGS).finditer(text, start, end))
