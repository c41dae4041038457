"""The seed article's answers, question by question: a script for ``summarizer.testing.ScriptedModel``.

This is NOT a model result: it is a hand-written lookup table for one article
(``seeds/000_ba58efed2f2f0b1f.txt``, Putin's visit to Pyongyang), keyed by question name and
reading only the structured fields of each :class:`~summarizer.pipeline.ask.Question` (the kind
asked for, the marked passage, the mention to resolve, the choices offered), never the prompt's
wording. The wire fake (``fakemodel.py``) answers from the same tables.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from summarizer.pipeline.ask import Question

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_ba58efed2f2f0b1f.txt"

COUNTRIES = [
    {"name": "Russia", "role": "Putin's country, accused of receiving weapons", "aliases": ["Russia"]},
    {"name": "North Korea", "role": "Host of the visit, accused of supplying weapons", "aliases": ["Corea del Nord"]},
    {"name": "United States", "role": "Accuses North Korea of arming Russia", "aliases": ["Stati Uniti"]},
]
PEOPLE = [
    {"name": "Vladimir Putin", "role": "President of Russia", "aliases": ["Vladimir Putin", "Putin"]},
    {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Kim Jong-un", "Kim"]},
]
PARTICIPANTS = {"countries": COUNTRIES, "people": PEOPLE, "organizations": [], "groups": []}

DENIAL_SENTENCE = "Accuse che Mosca e Pyongyang hanno ufficialmente respinto."
REPORTED_SENTENCE_START = "Kim ha sottolineato"
DENIERS = ["Mosca", "Pyongyang"]
ACCUSER = "Usa"
ACCUSATION = "North Korea supplied Russia with weapons for use in Ukraine, violating UN sanctions."
RESOLUTION = {"mosca": "Russia", "pyongyang": "North Korea", "usa": "United States"}
EVENT = {
    "title": "Putin visits Pyongyang to meet Kim Jong-un",
    "summary": [
        "Russian President Vladimir Putin travelled to Pyongyang for talks with Kim Jong-un.",
        "The two leaders discussed strengthening the military alliance between Russia and North Korea.",
    ],
    "date": None,
    "location": "Pyongyang, North Korea",
}
# Names that mark who speaks near a [[quote]], and the participant each one stands for.
SPEAKER_CUES = {"Kim": "Kim Jong-un", "Putin": "Vladimir Putin", "Cremlino": "Vladimir Putin"}
STATEMENTS = {  # keyword of the marked text -> an English paraphrase
    "prosperità": "Relations between the two countries are entering a new period of great prosperity.",
    "invincibilità": "Relations between the two countries are invincible and lasting.",
    "Grazie": "He thanks North Korea for its support against decades of US imperialism.",
    "servirà": "The new strategic cooperation document will underpin long-term relations.",
    "sottolineato": "He wants closer cooperation with Russia and will support all Russian policies.",
}


def choices(reply: type[BaseModel], field: str) -> list[str]:
    """The values a reply model allows for ``field`` (an enum of sentences, speakers or participants)."""
    prop = reply.model_json_schema()["properties"][field]
    return list(prop.get("items", prop)["enum"])


def speaker_for(passage: str, allowed: list[str]) -> str:
    """The participant named nearest to the [[ ]] markers (else inside them), if it is allowed."""
    start, end = passage.index("[["), passage.index("]]")
    outside: list[tuple[int, str]] = []
    inside: list[tuple[int, str]] = []
    for cue, person in SPEAKER_CUES.items():
        for match in re.finditer(re.escape(cue), passage):
            if start <= match.start() < end:
                inside.append((match.start(), person))  # a reported sentence names its speaker
            else:
                distance = start - match.end() if match.end() <= start else match.start() - end
                outside.append((distance, person))
    found = min(outside or inside, default=None)
    speaker = found[1] if found else "unnamed source"
    return speaker if speaker in allowed else "unnamed source"


def statement_for(passage: str, speaker: str) -> str:
    marked = passage[passage.index("[[") : passage.index("]]")]
    for keyword, statement in STATEMENTS.items():
        if keyword in marked:
            return statement
    return f"{speaker.capitalize()} comments on relations between Russia and North Korea."


def _attribution(q: Question) -> dict[str, Any]:
    speaker = speaker_for(q.passage or "[[]]", choices(q.reply, "speaker"))
    return {"speaker": speaker, "statement": statement_for(q.passage or "[[]]", speaker)}


def _resolution(q: Question) -> dict[str, Any]:
    wanted = RESOLUTION.get(str(q.variables["mention"]).casefold(), "none")
    return {"participant": wanted if wanted in choices(q.reply, "participant") else "none"}


SCRIPT: dict[str, Any] = {
    "participants": lambda q: {q.variables["kind"]: PARTICIPANTS[q.variables["kind"]]},
    "attribution": _attribution,
    "reported": lambda q: {"sentences": [s for s in choices(q.reply, "sentences") if s.startswith(REPORTED_SENTENCE_START)]},
    "deniers": {"denied_by": DENIERS},
    "accusation": {"accuser": ACCUSER, "accusation": ACCUSATION},
    "resolve": _resolution,
    "newcomer": {"kind": "person", "role": None},  # a quoted speaker the participants lists lack
    "event": EVENT,
}
"""The fault-free answers to every question about the seed."""
