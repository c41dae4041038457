"""A scripted fake *model* on the wire, for transport, mode and fault tests over real HTTP.

This is NOT a language model and its output is NOT a model result: it answers each request for
the seed article (``seeds/000_ba58efed2f2f0b1f.txt``) with a hand-written, schema-valid reply
chosen from the request's JSON schema alone (its title names the question; its enums carry the
offered sentences and speakers), never from the prompt's wording. Tests of the pipeline's logic
use the in-process ``summarizer.testing.ScriptedModel`` with ``seed_script.py`` instead; this fake
exists so that the openai SDK, HTTP, Instructor's modes, retries and the CLI run for real.

Because it cannot read who is speaking, every quote goes to the last participant offered, and
the participants it lists carry the article's names for the deniers and the accuser as aliases,
so no name needs resolving.

Faults: ``FakeModel(faults={"Attribution": [bad_reply]})`` makes the first Attribution request
get ``bad_reply`` instead of the scripted answer (one fault per request, in order); later
requests, including the re-ask, get the normal answer. A fault is a dict (sent as JSON), a str
(sent verbatim as the reply content), or a ``fakeserver`` action (e.g. ``status(503)``).
``always={"EventReply": bad}`` sends ``bad`` to every request for that schema instead.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import seed_script
from fakeserver import Action, Response, reply
from seed_script import ACCUSATION, ACCUSER, DENIAL_SENTENCE, DENIERS, EVENT, REPORTED_SENTENCE_START, SEED

PROMPT_TOKENS = 100  # usage reported with every fake reply
COMPLETION_TOKENS = 10

# The names the seed's deniers and accuser go by, as aliases: the wire fake cannot resolve mentions.
DENIER_ALIASES = {"Russia": "Mosca", "North Korea": "Pyongyang", "United States": "Usa"}
COUNTRIES = [{**c, "aliases": [*c["aliases"], DENIER_ALIASES[c["name"]]]} for c in seed_script.COUNTRIES]
PEOPLE = seed_script.PEOPLE
PARTICIPANTS = {"CountriesReply": COUNTRIES, "PeopleReply": PEOPLE, "OrganizationsReply": [], "GroupsReply": []}
STATEMENT = "The speaker comments on relations between Russia and North Korea."

__all__ = ["ACCUSATION", "COUNTRIES", "DENIAL_SENTENCE", "EVENT", "PEOPLE", "SEED", "FakeModel", "answer", "request_schema"]


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
    """The question (first user message), for tests that check what the pipeline sends."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def _enum(schema: dict[str, Any], field: str) -> list[str]:
    prop = schema["properties"][field]
    return list(prop.get("items", prop)["enum"])


def scripted_answer(body: dict[str, Any]) -> Any:
    """The hand-written reply (a JSON-able object) for one request, from its schema alone."""
    schema = request_schema(body)
    title = schema["title"]
    if title in PARTICIPANTS:
        field = next(iter(schema["properties"]))
        return {field: PARTICIPANTS[title]}
    if title == "Attribution":
        speakers = [s for s in _enum(schema, "speaker") if s != "unnamed source"]
        return {"speaker": speakers[-1] if speakers else "unnamed source", "statement": STATEMENT}
    if title == "SentencesChoice":
        # Reported statements are chosen among the sentences that hold no quote and no denial.
        return {"sentences": [s for s in _enum(schema, "sentences") if s.startswith(REPORTED_SENTENCE_START)]}
    if title == "DeniersReply":  # asked about each sentence with a denial cue; the seed has one
        return {"denied_by": DENIERS}
    if title == "AccusationReply":
        return {"accuser": ACCUSER, "accusation": ACCUSATION}
    if title == "Resolution":
        return {"participant": "none"}
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
