"""A scripted fake *model* for plumbing tests of the whole pipeline over real HTTP.

This is NOT a language model and its output is NOT a model result: it is a lookup table that
knows one article (``seeds/000_ba58efed2f2f0b1f.txt``, Putin's visit to Pyongyang) and answers
each of the pipeline's questions with a hand-written, schema-valid reply. It exists so that
tests can drive ``Summarizer`` end to end (prompts -> openai SDK -> HTTP -> Instructor ->
validation -> salvage -> assembly) through ``FakeServer`` without running a model.

How a request is recognised: the reply model's schema title (from ``response_format``'s JSON
schema, the LLGuidance ``grammar``, or the ``tools`` function) names the question, and the first
user message (the task; a re-ask appends more messages after it) tells apart questions sharing a
schema (``SentencesChoice`` is both "reported" and "denial_sentences") and carries the passage,
mention or quote being asked about. Enum choices (sentences, speakers, participants) are read
from the request's own schema, so replies always pick values the pipeline offered.

Faults: ``FakeModel(faults={"Attribution": [bad_reply]})`` makes the first Attribution request
get ``bad_reply`` instead of the scripted answer (one fault per request, in order); later
requests, including the re-ask, get the normal answer. A fault is a dict (sent as JSON), a str
(sent verbatim as the reply content), or a ``fakeserver`` action (e.g. ``status(503)``).
``always={"EventReply": bad}`` sends ``bad`` to every request for that schema instead.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from fakeserver import Action, Response, reply

PROMPT_TOKENS = 100  # usage reported with every fake reply
COMPLETION_TOKENS = 10
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
PARTICIPANTS = {"CountriesReply": COUNTRIES, "PeopleReply": PEOPLE, "OrganizationsReply": [], "GroupsReply": []}

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


def request_schema(body: dict[str, Any]) -> dict[str, Any]:
    """The reply model's JSON schema, however the mode carries it."""
    if "response_format" in body and body["response_format"].get("type") == "json_schema":
        return body["response_format"]["json_schema"]["schema"]
    if "grammar" in body:
        return json.loads(body["grammar"].split("start: %json ", 1)[1])
    if "tools" in body:
        return body["tools"][0]["function"]["parameters"] | {"title": body["tools"][0]["function"]["name"]}
    raise ValueError("request carries no schema (mode json/md_json are not supported by the fake model)")


def task_message(body: dict[str, Any]) -> str:
    """The question (first user message); re-asks append the correction after it."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def _enum(schema: dict[str, Any], field: str) -> list[str]:
    prop = schema["properties"][field]
    return list(prop.get("items", prop)["enum"])


def _line(task: str, label: str) -> str:
    match = re.search(rf"^{label}: (.*)$", task, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {label} line in the task")
    return match.group(1)


def _speaker_for(passage: str, allowed: list[str]) -> str:
    """The participant named nearest to the [[ ]] markers (else inside them), if the schema offers it."""
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


def _statement(passage: str, speaker: str) -> str:
    marked = passage[passage.index("[[") : passage.index("]]")]
    for keyword, statement in STATEMENTS.items():
        if keyword in marked:
            return statement
    return f"{speaker.capitalize()} comments on relations between Russia and North Korea."


def scripted_answer(body: dict[str, Any]) -> Any:
    """The hand-written reply (a JSON-able object) for one pipeline question about the seed."""
    schema = request_schema(body)
    title = schema["title"]
    task = task_message(body)
    if title in PARTICIPANTS:
        field = next(iter(schema["properties"]))
        return {field: PARTICIPANTS[title]}
    if title == "Attribution":
        passage = _line(task, "PASSAGE")
        speaker = _speaker_for(passage, _enum(schema, "speaker"))
        return {"speaker": speaker, "statement": _statement(passage, speaker)}
    if title == "SentencesChoice":
        choices = _enum(schema, "sentences")
        if "deni" in task.rsplit("QUESTION:", 1)[1]:
            return {"sentences": [s for s in choices if s == DENIAL_SENTENCE]}
        return {"sentences": [s for s in choices if s.startswith(REPORTED_SENTENCE_START)]}
    if title == "DeniersReply":
        return {"denied_by": DENIERS}
    if title == "AccusationReply":
        return {"accuser": ACCUSER, "accusation": ACCUSATION}
    if title == "Resolution":
        mention = re.search(r'which participant does "(.*?)" refer to', task).group(1)  # type: ignore[union-attr]
        wanted = RESOLUTION.get(mention.casefold(), "none")
        return {"participant": wanted if wanted in _enum(schema, "participant") else "none"}
    if title == "EventReply":
        return EVENT
    raise ValueError(f"fake model: no script for {title}")


def _as_action(value: Any, body: dict[str, Any]) -> Action:
    if isinstance(value, Action):
        return value
    content = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if "tools" in body:  # tools mode: the reply is a tool call, not content
        completion = json.loads(reply("", prompt_tokens=PROMPT_TOKENS, completion_tokens=COMPLETION_TOKENS).body)
        name = body["tools"][0]["function"]["name"]
        completion["choices"][0]["finish_reason"] = "tool_calls"
        completion["choices"][0]["message"] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}],
        }
        return Response(200, json.dumps(completion).encode())
    return reply(content, prompt_tokens=PROMPT_TOKENS, completion_tokens=COMPLETION_TOKENS)


class FakeModel:
    """``FakeServer.respond(fake_model)``-compatible callable with scripted faults and a log."""

    def __init__(self, faults: dict[str, list[Any]] | None = None, always: dict[str, Any] | None = None) -> None:
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.always = dict(always or {})
        self.asked: Counter[str] = Counter()  # schema title -> requests seen
        self.errors: list[str] = []  # scripting failures (shown to the test, not only as HTTP 500)
        self._lock = threading.Lock()

    def __call__(self, body: Any) -> Action:
        try:
            title = request_schema(body)["title"]
            with self._lock:
                self.asked[title] += 1
                fault = self.faults[title].pop(0) if self.faults.get(title) else None
            if fault is not None:
                return _as_action(fault, body)
            if title in self.always:
                return _as_action(self.always[title], body)
            return _as_action(scripted_answer(body), body)
        except Exception as exc:
            self.errors.append(repr(exc))
            raise


def answer(request_json: Any) -> Action:
    """The fault-free fake model as a plain function: ``FakeServer(default=respond(answer))``."""
    return _as_action(scripted_answer(request_json), request_json)
