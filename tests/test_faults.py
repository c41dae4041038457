"""Fault matrix of ``summarizer summarize`` as a user meets it (issue 6, point 1).

Every case runs the real CLI as a subprocess::

    python -m summarizer.cli summarize seeds/000_ba58efed2f2f0b1f.txt --json --base-url <fake> --model fake-model

against ``FakeServer`` (real HTTP on loopback) answering with the scripted ``FakeModel``, with ONE
fault injected into ONE question: ``transient`` = only the first request for that question gets
the fault (``FakeModel(faults=...)``), later ones the normal answer; ``persistent`` = every request
for it does (``FakeModel(always=...)``). Nothing is mocked, and the backoff sleeps are real.

Without faults the seed is 13 questions, one request each, in this order: CountriesReply,
PeopleReply, OrganizationsReply, GroupsReply, DeniersReply and AccusationReply (the one sentence
with a denial cue), Attribution x4 (one per direct quote), SentencesChoice (reported), Attribution
(the reported statement), EventReply (the wire fake lists the deniers' and the accuser's names as
aliases, so none needs a Resolution question). ``A1`` is the first Attribution.

How many requests a question can cost (``summarizer/llm/``): ``LLM.extract`` sends a request,
then re-asks after each invalid reply, at most ``--max-reasks`` times (these runs pass 2): 1 + 2 = 3
completions. Each of those requests is retried by tenacity on a transport fault (timeout,
connection error, 429, 5xx, a 200 body that is not a usable completion) up to
``RetryPolicy.attempts`` = 4 attempts, waiting ``Retry-After`` when the server sends one (capped
at 60 s), else a random time in [0, min(20, 2^(k-1))] s before retry k (so at most 1 + 2 + 4 = 7 s
in all); after a failure no retry starts once 120 s have passed since the first attempt
(``RetryPolicy.max_seconds``; with ``--timeout`` near 120 s that can mean a single attempt). So at most
(1 + max_reasks) x attempts = 3 x 4 = 12 requests per question; a transport fault that outlasts
the 4 attempts ends the run at once (exit 3: it is not re-asked, and nothing else is asked); a
reply cut off by ``max_tokens`` (``finish_reason: length``) is neither retried nor re-asked (the
same budget would cut it again): that item is dropped at once. No environment variable or flag shortens the
backoff (``RetryPolicy`` is not configurable from the CLI), so to keep the file fast the runs are
started concurrently (``WORKERS``) as soon as the module's first test asks for them; each case
still has its own server, fake model and cache directory.

"req." = requests that reached the faulty question (``FakeModel.asked``); "total" = all chat
requests of the run (13 without faults). Exit 3 lines read
``summarizer: error: <endpoint>: <cause> after 4 attempts``; 0 or 1 ``summarizer: error:`` line,
never a traceback, in every case.

| case | question | fault | exit | outcome | req. | total |
|---|---|---|---|---|---|---|
| no-fault | - | none (the control run) | 0 | full briefing, no warnings | 5 | 13 |
| timeout-transient | A1 | reply after 10 s; `--timeout 1` | 0 | same briefing; retried >= 1 s later | 6 | 14 |
| timeout-persistent | A1 | reply after 10 s; `--timeout 1` | 3 | "timed out after 4 attempts" | 4 | 10 |
| 429-transient | A1 | HTTP 429, `Retry-After: 1` | 0 | same briefing; retried 1 s later | 6 | 14 |
| 429-persistent | A1 | HTTP 429, `Retry-After: 1` | 3 | "HTTP 429: <message> after 4 attempts"; 1 s apart | 4 | 10 |
| 500-transient | A1 | HTTP 500, OpenAI-style JSON error | 0 | same briefing | 6 | 14 |
| 500-persistent | A1 | HTTP 500, OpenAI-style JSON error | 3 | "HTTP 500: <message> after 4 attempts" | 4 | 10 |
| 502-transient | A1 | HTTP 502, nginx HTML page | 0 | same briefing | 6 | 14 |
| 502-persistent | A1 | HTTP 502, nginx HTML page | 3 | "HTTP 502: <html> <head>... after 4 attempts" | 4 | 10 |
| 503-transient | A1 | HTTP 503 | 0 | same briefing | 6 | 14 |
| 503-persistent | A1 | HTTP 503 | 3 | "HTTP 503: <message> after 4 attempts" | 4 | 10 |
| reset-transient | A1 | TCP RST, no response | 0 | same briefing | 6 | 14 |
| reset-persistent | A1 | TCP RST, no response | 3 | "connection failed (<httpx error>) after 4 attempts" | 4 | 10 |
| non-json-body-transient | A1 | 200, body `<html>...</html>` | 0 | same briefing | 6 | 14 |
| non-json-body-persistent | A1 | 200, body `<html>...</html>` | 3 | "answered with a body that is not JSON (...) ..." | 4 | 10 |
| empty-choices-transient | A1 | 200, `"choices": []` | 0 | same briefing | 6 | 14 |
| empty-choices-persistent | A1 | 200, `"choices": []` | 3 | "answered with an empty list of choices after 4 attempts" | 4 | 10 |
| no-message-transient | A1 | 200, a choice without `message` | 0 | same briefing [2] | 6 | 14 |
| no-message-persistent | A1 | 200, a choice without `message` | 3 | "answered with a choice that has no message" [2] | 4 | 10 |
| error-body-200-persistent | A1 | 200, `{"error": {...}}` | 3 | "answered with an error instead of a completion" [1] | 4 | 10 |
| attribution-schema-transient | A1 | `{"who": "Putin"}` | 0 | same briefing; 1 re-ask | 6 | 14 |
| attribution-schema-persistent | all 5 Attr. | `{"who": "Putin"}` | 0 | no claims; 5 `claims` warnings; 5 x (1 + 2) | 15 | 23 |
| event-schema-transient | EventReply | `"summary": []` (needs 1 to 4) | 0 | same briefing; 1 re-ask | 2 | 14 |
| event-schema-persistent | EventReply | `"summary": []` | 0 | event = the article's lead; 1 `event` warning [3] | 3 | 15 |
| event-prose-persistent | EventReply | prose; `--max-reasks 1` | 0 | event = the article's lead; 1 `event` warning | 2 | 14 |
| deniers-absent-transient | DeniersReply | `["Mosca", "Washington"]` | 0 | same briefing; 1 re-ask | 2 | 14 |
| deniers-absent-persistent | DeniersReply | `["Mosca", "Washington"]` | 0 | no denials; 1 `denials` warning [4] | 3 | 14 |
| accuser-absent-transient | AccusationReply | `"accuser": "Washington"` | 0 | same briefing; 1 re-ask | 2 | 14 |
| accuser-absent-persistent | AccusationReply | `"accuser": "Washington"` | 0 | `accuser: null`; 1 `denials` warning | 3 | 15 |
| alias-absent | PeopleReply | alias "Vova" for Putin | 0 | alias dropped, no re-ask, NO warning [5] | 1 | 13 |
| invalid-participant-persistent | CountriesReply | 3 countries + `"unknown"` | 0 | 3 kept; 1 `participants` warning | 3 | 15 |
| cut-off-transient | A1 | `finish_reason: length` | 0 | A1 dropped, not retried or re-asked; 1 `claims` warning [6] | 5 | 13 |
| cut-off-persistent | all 5 Attr. | `finish_reason: length` | 0 | no claims; 5 `claims` warnings, none re-asked | 5 | 13 |
| worst-case-per-question | A1 | (3 x 429 `Retry-After: 0`, invalid) x 3 | 0 | A1 dropped; 1 `claims` warning [7] | 16 | 24 |
| reask-then-503 | A1 | invalid, then HTTP 503 for good | 3 | "HTTP 503: <message> after 4 attempts" [8] | 5 | 11 |
| tools-no-tool-call-persistent | all 5 Attr. | `--mode tools`; text only | 0 | no claims; 5 `claims` warnings [9] | 15 | 23 |
| tools-refusal-transient | A1 | `--mode tools`; a refusal | 0 | A1 dropped, not re-asked; 1 `claims` warning [9] | 5 | 13 |

"same briefing": equal to the control's except ``provenance`` (a failed attempt is not a
completion: ``usage.llm_calls`` stays 13; a re-ask adds one call and one to ``usage.reasks``).
"Attr." = Attribution. Transport faults are waited on as stated above: every gap between
attempts is checked against its bound, as the server saw it.

1. Some proxies answer 200 with an error object; before the fix in llm.py the line said "an
   empty list of choices" (so did ``"choices": null``). Now it gives the error's message.
2. Bug found by this matrix and fixed in the LLM client: a choice without ``message`` crashed the CLI
   (exit 70, "internal error: AttributeError"); it is now a transient fault like an empty list.
3. An invalid event never fails the article (``summarizer/pipeline/event.py``): an invalid date is
   set to null, text left in another language is kept and flagged, anything else is replaced by
   the article's opening sentences; participants, claims and denials are those of the control.
4. The denial sentence is dropped (item: its quote); AccusationReply is never asked: 13 + 2
   re-asks - 1.
5. replies.py drops invented aliases as noise, without a re-ask and without a warning: the
   briefing is identical to the control (though the README says warnings list what was dropped).
6. A cut-off reply is treated like an invalid one that cannot be repaired (the same budget would
   cut it again): that item is dropped and listed in ``warnings``; the run goes on. A cut-off
   event is replaced by the article's opening sentences, as in [3].
7. The bound per question, reached: (1 + max_reasks) x attempts = 3 x 4 = 12 requests to A1
   (9 failed attempts, 3 invalid completions), plus 4 for the other Attribution questions.
8. A transport fault on a re-ask is final as anywhere else: 1 invalid reply + 4 attempts, no
   further re-ask.
9. Bugs found by this matrix and fixed in the LLM client: after the re-asks, a ``tools`` reply without a
   tool call (Instructor's ResponseParsingError), and at once a refusal (a bare AssertionError
   from Instructor, never re-asked), escaped ``LLM.extract`` and crashed the CLI (exit 70,
   "internal error"). Both are now ``ReplyFailed``: the item is dropped and listed in warnings.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ENV_DROP
from fakemodel import ACCUSATION, COUNTRIES, DENIAL_SENTENCE, EVENT, PEOPLE, FakeModel, request_schema
from fakeserver import Action, FakeServer, delay, empty_choices, raw, reply, reset, respond, status
from seed_script import SEED

from summarizer.ingest import load_article
from summarizer.llm import RetryPolicy
from summarizer.schema import Briefing
from summarizer.sentences import split_sentences

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "seeds/000_ba58efed2f2f0b1f.txt"
POLICY = RetryPolicy()
ATTEMPTS = POLICY.attempts  # 4 HTTP attempts per request
MAX_REASKS = 2  # every run passes --max-reasks 2 (the CLI's default is 1), so two re-asks in a row are exercised
TIMEOUT = 1.0  # --timeout of the timeout cases
WORKERS = 4  # CLI runs at once (most of a persistent case is spent sleeping in backoff)
SLACK = 5.0  # seconds of request handling allowed on top of a wait: generous, a loaded CI machine is slow
NO_FAULT_REQUESTS = 13
ATTRIBUTIONS = 5  # 4 quotes + 1 reported statement, all asked with the Attribution schema
BEFORE_A1 = 6  # 4 participant questions, then the one denial candidate's DeniersReply and AccusationReply
ERROR_PREFIX = "summarizer: error: "


# --- running one case -------------------------------------------------------------------------


@dataclass
class Outcome:
    proc: subprocess.CompletedProcess[str]
    base_url: str
    asked: Counter[str]  # schema title -> requests received
    arrivals: list[tuple[str, float]]  # (schema title, time.monotonic()) per chat request, in order
    model_errors: list[str]

    @property
    def order(self) -> list[str]:
        return [title for title, _ in self.arrivals]

    def briefing(self) -> Briefing:
        return Briefing.model_validate_json(self.proc.stdout)

    def gaps(self, question: str) -> list[float]:
        """Seconds between consecutive requests to ``question``, as the server saw them."""
        times = [t for title, t in self.arrivals if title == question]
        return [b - a for a, b in itertools.pairwise(times)]


class _Recorder:
    """Wraps the fake model to timestamp each request (to check the waits between retries)."""

    def __init__(self, model: FakeModel) -> None:
        self.model = model
        self.arrivals: list[tuple[str, float]] = []

    def __call__(self, body: Any) -> Action:
        self.arrivals.append((request_schema(body)["title"], time.monotonic()))
        return self.model(body)


def _env(cache_dir: Path) -> dict[str, str]:
    """The ``env`` fixture of tests/test_cli.py: no OPENAI_/SUMMARIZER_ settings leak in."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ENV_DROP)}
    clean.update(SUMMARIZER_CACHE_DIR=str(cache_dir), COLUMNS="100", NO_COLOR="1")
    return clean


# --- the matrix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    question: str  # schema title the fault is injected into
    exit_code: int
    asked: int  # exact requests that question receives
    total: int  # exact chat requests of the whole run
    faults: tuple[Any, ...] = ()  # FakeModel(faults={question: [...]})
    always: Any = None  # FakeModel(always={question: ...})
    args: tuple[str, ...] = ()
    error: tuple[str, ...] = ()  # substrings of the one error line (after the endpoint)
    waits: Callable[[int], tuple[float, float]] | None = None  # retry k -> (min, max) seconds before it
    check: Callable[[Outcome, Outcome], None] | None = None  # (outcome, control outcome) -> asserts

    def model(self) -> FakeModel:
        return FakeModel(
            faults={self.question: list(self.faults)} if self.faults else None,
            always={self.question: self.always} if self.always is not None else None,
        )


def backoff(k: int) -> tuple[float, float]:
    """tenacity's wait_random_exponential as the LLM client sets it up: uniform in [0, min(max, initial * 2^(k-1))]."""
    return 0.0, min(POLICY.max_wait, POLICY.initial_wait * 2 ** (k - 1))


def retry_after(seconds: float) -> Callable[[int], tuple[float, float]]:
    return lambda _k: (seconds, seconds)


def timeout_then_backoff(k: int) -> tuple[float, float]:
    low, high = backoff(k)
    return low + TIMEOUT, high + TIMEOUT


def same_briefing(*, reasks: int, llm_calls: int) -> Callable[[Outcome, Outcome], None]:
    """The fault left no trace in the briefing, only in its usage figures."""

    def check(outcome: Outcome, control: Outcome) -> None:
        briefing, expected = outcome.briefing(), control.briefing()
        assert briefing.model_dump(exclude={"provenance"}) == expected.model_dump(exclude={"provenance"})
        assert briefing.warnings == []
        usage = briefing.provenance.usage
        assert (usage.llm_calls, usage.reasks) == (llm_calls, reasks)

    return check


def check_control(outcome: Outcome, _control: Outcome) -> None:
    briefing = outcome.briefing()
    assert [p.name for p in briefing.participants] == [p["name"] for p in COUNTRIES + PEOPLE]
    assert len(briefing.claims) == 5 and len(briefing.denials) == 2
    assert briefing.event.title == EVENT["title"]
    assert briefing.warnings == []
    usage = briefing.provenance.usage
    assert (usage.llm_calls, usage.reasks) == (NO_FAULT_REQUESTS, 0)


def check_all_attributions_dropped(outcome: Outcome, control: Outcome) -> None:
    briefing, expected = outcome.briefing(), control.briefing()
    assert briefing.claims == []
    assert [w.section for w in briefing.warnings] == ["claims"] * ATTRIBUTIONS
    quotes = [c.quote for c in expected.claims if c.quote is not None]
    assert [w.item for w in briefing.warnings[:4]] == [{"quote": q} for q in quotes]
    assert all(w.message.startswith("no valid attribution for a quote: ") for w in briefing.warnings[:4])
    assert all(w.message.startswith("no valid attribution for a reported statement: ") for w in briefing.warnings[4:])
    assert all("sentence" in w.item for w in briefing.warnings[4:])  # type: ignore[operator]
    assert (briefing.participants, briefing.denials, briefing.event) == (expected.participants, expected.denials, expected.event)
    usage = briefing.provenance.usage
    assert (usage.llm_calls, usage.reasks) == (NO_FAULT_REQUESTS + ATTRIBUTIONS * MAX_REASKS, ATTRIBUTIONS * MAX_REASKS)


def check_all_cut_off(outcome: Outcome, control: Outcome) -> None:
    briefing, expected = outcome.briefing(), control.briefing()
    assert briefing.claims == []
    assert [w.section for w in briefing.warnings] == ["claims"] * ATTRIBUTIONS
    assert all("cut off at max_tokens=160" in w.message for w in briefing.warnings)
    assert (briefing.participants, briefing.denials, briefing.event) == (expected.participants, expected.denials, expected.event)
    assert (briefing.provenance.usage.llm_calls, briefing.provenance.usage.reasks) == (NO_FAULT_REQUESTS, 0)


def check_denials_dropped(outcome: Outcome, control: Outcome) -> None:
    briefing, expected = outcome.briefing(), control.briefing()
    assert briefing.denials == []
    [warning] = briefing.warnings
    assert warning.section == "denials"
    assert warning.message.startswith("no valid reading of who denies: ")
    assert "not in it: Washington" in warning.message
    assert warning.item == {"quote": DENIAL_SENTENCE}
    assert outcome.asked["AccusationReply"] == 0 and outcome.asked["Resolution"] == 0
    assert (briefing.participants, briefing.claims, briefing.event) == (expected.participants, expected.claims, expected.event)


def check_event_is_the_lead(reasks: int, why: str) -> Callable[[Outcome, Outcome], None]:
    def check(outcome: Outcome, control: Outcome) -> None:
        briefing, expected = outcome.briefing(), control.briefing()
        text = load_article(SEED).text
        lead = [" ".join(text[a:b].split()) for a, b in split_sentences(text)[:2]]
        assert (briefing.event.summary, briefing.event.date) == (" ".join(lead), None)
        [warning] = briefing.warnings
        assert warning.section == "event" and why in warning.message
        assert warning.message.startswith(f"no valid event description after {reasks} re-asks; ")
        assert (briefing.participants, briefing.claims, briefing.denials) == (
            expected.participants, expected.claims, expected.denials,
        )  # fmt: skip

    return check


def check_accuser_nulled(outcome: Outcome, control: Outcome) -> None:
    briefing, expected = outcome.briefing(), control.briefing()
    assert briefing.denials == [d.model_copy(update={"accuser": None}) for d in expected.denials]
    [warning] = briefing.warnings
    assert (warning.section, warning.item) == ("denials", None)
    assert warning.message == "accuser 'Washington' not found in the text; set to null"
    assert outcome.asked["Resolution"] == 0  # the deniers are aliases; no accuser left to resolve


def check_invented_alias_dropped(outcome: Outcome, control: Outcome) -> None:
    same_briefing(reasks=0, llm_calls=NO_FAULT_REQUESTS)(outcome, control)
    putin = next(p for p in outcome.briefing().participants if p.name == "Vladimir Putin")
    assert "Vova" not in putin.aliases


def check_participant_salvaged(outcome: Outcome, control: Outcome) -> None:
    briefing, expected = outcome.briefing(), control.briefing()
    assert briefing.model_dump(exclude={"provenance", "warnings"}) == expected.model_dump(exclude={"provenance", "warnings"})
    [warning] = briefing.warnings
    assert warning.section == "participants"
    assert warning.message == "invalid item dropped: name: Value error, 'unknown' is not a participant name"
    assert warning.item == {"name": "unknown", "role": None, "aliases": []}


def first_claim_dropped(*, reasks: int, llm_calls: int, reason: str) -> Callable[[Outcome, Outcome], None]:
    def check(outcome: Outcome, control: Outcome) -> None:
        briefing, expected = outcome.briefing(), control.briefing()
        assert briefing.claims == expected.claims[1:]
        [warning] = briefing.warnings
        assert warning.section == "claims" and warning.item == {"quote": expected.claims[0].quote}
        assert warning.message.startswith(f"no valid attribution for a quote: {reason}"), warning.message
        usage = briefing.provenance.usage
        assert (usage.llm_calls, usage.reasks) == (llm_calls, reasks)

    return check


NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
NO_MESSAGE = json.dumps({"id": "chatcmpl-x", "object": "chat.completion", "created": 0, "model": "fake-model",
                         "choices": [{"index": 0, "finish_reason": "stop"}]})  # fmt: skip
REFUSAL_MESSAGE = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
REFUSAL = json.dumps({"id": "chatcmpl-x", "object": "chat.completion", "created": 0, "model": "fake-model",
                      "choices": [{"index": 0, "finish_reason": "stop", "message": REFUSAL_MESSAGE}]})  # fmt: skip
BAD_ATTRIBUTION = {"who": "Putin"}
INVALID_QUOTE_REPLY = {"speaker": "Kim Jong-un", "statement": ""}  # A1 is Kim's quote; a statement must not be empty

# Transport faults, each into A1: (id, fault, extra args, error substrings, waits between attempts).
TRANSPORT: list[tuple[str, Action, tuple[str, ...], tuple[str, ...], Callable[[int], tuple[float, float]]]] = [
    ("timeout", delay(10), ("--timeout", str(TIMEOUT)), ("timed out",), timeout_then_backoff),
    ("429", status(429, headers={"Retry-After": "1"}), (), ("HTTP 429: fake server: scripted status 429",), retry_after(1.0)),
    ("500", status(500), (), ("HTTP 500: fake server: scripted status 500",), backoff),
    ("502", status(502, NGINX_502), (), ("HTTP 502: <html> <head><title>502 Bad Gateway</title></head>",), backoff),
    ("503", status(503), (), ("HTTP 503: fake server: scripted status 503",), backoff),
    ("reset", reset(), (), ("connection failed (",), backoff),
    ("non-json-body", raw("<html>502 Bad Gateway</html>"), (), ("answered with a body that is not JSON (",), backoff),
    ("empty-choices", empty_choices(), (), ("answered with an empty list of choices",), backoff),
    ("no-message", raw(NO_MESSAGE), (), ("answered with a choice that has no message",), backoff),
]

CASES: list[Case] = [Case("no-fault", "Attribution", 0, ATTRIBUTIONS, NO_FAULT_REQUESTS, check=check_control)]
for name, action, args, error, waits in TRANSPORT:
    CASES += [
        # first A1 request fails, its retry succeeds: one extra request, not a completion, no re-ask
        Case(f"{name}-transient", "Attribution", 0, ATTRIBUTIONS + 1, NO_FAULT_REQUESTS + 1, faults=(action,), args=args,
             waits=waits, check=same_briefing(reasks=0, llm_calls=NO_FAULT_REQUESTS)),
        # the questions before A1, then A1's 4 attempts, then the run stops
        Case(f"{name}-persistent", "Attribution", 3, ATTEMPTS, BEFORE_A1 + ATTEMPTS, always=action, args=args,
             error=(*error, f"after {ATTEMPTS} attempts"), waits=waits),
    ]  # fmt: skip
CASES += [
    Case("error-body-200-persistent", "Attribution", 3, ATTEMPTS, BEFORE_A1 + ATTEMPTS,
         always=raw('{"error": {"message": "model overloaded", "type": "server_error"}}'),
         error=(f"answered with an error instead of a completion: model overloaded after {ATTEMPTS} attempts",),
         waits=backoff),
    # validation faults: re-asked (no waits), then salvaged or fatal depending on the question
    Case("attribution-schema-transient", "Attribution", 0, ATTRIBUTIONS + 1, NO_FAULT_REQUESTS + 1, faults=(BAD_ATTRIBUTION,),
         check=same_briefing(reasks=1, llm_calls=NO_FAULT_REQUESTS + 1)),
    Case("attribution-schema-persistent", "Attribution", 0, ATTRIBUTIONS * (1 + MAX_REASKS),
         NO_FAULT_REQUESTS + ATTRIBUTIONS * MAX_REASKS,
         always=BAD_ATTRIBUTION, check=check_all_attributions_dropped),
    Case("event-schema-transient", "EventReply", 0, 2, NO_FAULT_REQUESTS + 1, faults=({**EVENT, "summary": []},),
         check=same_briefing(reasks=1, llm_calls=NO_FAULT_REQUESTS + 1)),
    Case("event-schema-persistent", "EventReply", 0, 1 + MAX_REASKS, NO_FAULT_REQUESTS + MAX_REASKS,
         always={**EVENT, "summary": []}, check=check_event_is_the_lead(MAX_REASKS, "summary")),
    Case("event-prose-persistent", "EventReply", 0, 1 + 1, NO_FAULT_REQUESTS + 1, args=("--max-reasks", "1"),
         always="Sure! Putin visited Pyongyang to meet Kim Jong-un.", check=check_event_is_the_lead(1, "Invalid JSON")),
    Case("deniers-absent-transient", "DeniersReply", 0, 2, NO_FAULT_REQUESTS + 1,
         faults=({"denied_by": ["Mosca", "Washington"]},), check=same_briefing(reasks=1, llm_calls=NO_FAULT_REQUESTS + 1)),
    # DeniersReply 1 + 2, and AccusationReply is never asked: 13 + 2 - 1
    Case("deniers-absent-persistent", "DeniersReply", 0, 1 + MAX_REASKS, NO_FAULT_REQUESTS + MAX_REASKS - 1,
         always={"denied_by": ["Mosca", "Washington"]}, check=check_denials_dropped),
    Case("accuser-absent-transient", "AccusationReply", 0, 2, NO_FAULT_REQUESTS + 1,
         faults=({"accuser": "Washington", "accusation": ACCUSATION},),
         check=same_briefing(reasks=1, llm_calls=NO_FAULT_REQUESTS + 1)),
    # AccusationReply 1 + 2: 13 + 2
    Case("accuser-absent-persistent", "AccusationReply", 0, 1 + MAX_REASKS, NO_FAULT_REQUESTS + MAX_REASKS,
         always={"accuser": "Washington", "accusation": ACCUSATION}, check=check_accuser_nulled),
    Case("alias-absent", "PeopleReply", 0, 1, NO_FAULT_REQUESTS,
         always={"people": [{**PEOPLE[0], "aliases": [*PEOPLE[0]["aliases"], "Vova"]}, PEOPLE[1]]},
         check=check_invented_alias_dropped),
    Case("invalid-participant-persistent", "CountriesReply", 0, 1 + MAX_REASKS, NO_FAULT_REQUESTS + MAX_REASKS,
         always={"countries": [*COUNTRIES, {"name": "unknown", "role": None, "aliases": []}]},
         check=check_participant_salvaged),
    # cut off: no retry, no re-ask; the item is dropped with a warning and the run goes on
    Case("cut-off-transient", "Attribution", 0, ATTRIBUTIONS, NO_FAULT_REQUESTS,
         faults=(reply('{"speaker": "Kim Jo', finish_reason="length"),),
         check=first_claim_dropped(reasks=0, llm_calls=NO_FAULT_REQUESTS,
                                   reason="the model's reply for Attribution was cut off at max_tokens=160")),
    Case("cut-off-persistent", "Attribution", 0, ATTRIBUTIONS, NO_FAULT_REQUESTS,
         always=reply('{"speaker": "Kim Jo', finish_reason="length"), check=check_all_cut_off),
    # the bound: every one of A1's 1 + 2 requests needs all 4 attempts, and every reply is invalid
    Case("worst-case-per-question", "Attribution", 0, (1 + MAX_REASKS) * ATTEMPTS + ATTRIBUTIONS - 1,
         NO_FAULT_REQUESTS - 1 + (1 + MAX_REASKS) * ATTEMPTS,
         faults=((status(429, headers={"Retry-After": "0"}),) * (ATTEMPTS - 1) + (INVALID_QUOTE_REPLY,)) * (1 + MAX_REASKS),
         check=first_claim_dropped(reasks=MAX_REASKS, llm_calls=NO_FAULT_REQUESTS + MAX_REASKS,  # 9 failed attempts: no calls
                                   reason="1 validation error for Attribution")),
    # a transport fault on a re-ask ends the run like any other: 1 invalid reply + 4 attempts
    Case("reask-then-503", "Attribution", 3, 1 + ATTEMPTS, BEFORE_A1 + 1 + ATTEMPTS,
         faults=(INVALID_QUOTE_REPLY,), always=status(503),
         error=(f"HTTP 503: fake server: scripted status 503 after {ATTEMPTS} attempts",)),
    # tools mode: the fake model sends dict/str faults as tool calls, so these are raw actions
    Case("tools-no-tool-call-persistent", "Attribution", 0, ATTRIBUTIONS * (1 + MAX_REASKS),
         NO_FAULT_REQUESTS + ATTRIBUTIONS * MAX_REASKS,
         args=("--mode", "tools"), always=reply("The speaker is Kim Jong-un."), check=check_all_attributions_dropped),
    Case("tools-refusal-transient", "Attribution", 0, ATTRIBUTIONS, NO_FAULT_REQUESTS, args=("--mode", "tools"),
         faults=(raw(REFUSAL),),
         check=first_claim_dropped(reasks=0, llm_calls=NO_FAULT_REQUESTS, reason="Unable to generate a response due to")),
]  # fmt: skip
CONTROL = CASES[0]


def run_case(case: Case, cache_dir: Path) -> Outcome:
    model = case.model()
    recorder = _Recorder(model)
    with FakeServer(default=respond(recorder)) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "summarizer.cli", "summarize", ARTICLE, "--json",
             "--base-url", server.base_url, "--model", "fake-model", "--max-reasks", str(MAX_REASKS), *case.args],
            capture_output=True, env=_env(cache_dir), cwd=REPO, timeout=120, check=False,
        )  # fmt: skip
        assert server.calls == len(recorder.arrivals)
    completed = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")
    )
    return Outcome(completed, server.base_url, Counter(model.asked), list(recorder.arrivals), list(model.errors))


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Outcome]]]:
    """Starts the selected cases (and the control) concurrently, the slow exit-3 ones first."""
    selected = {
        item.callspec.params["case"].id
        for item in request.session.items
        if getattr(item, "module", None) is request.module and "case" in getattr(getattr(item, "callspec", None), "params", {})
    }
    wanted = [c for c in CASES if c.id in selected or c is CONTROL]
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="cli-run") as pool:
        slow_first = sorted(wanted, key=lambda c: (c is not CONTROL, c.exit_code != 3))  # exit 3: 3 real backoff waits
        futures = {c.id: pool.submit(run_case, c, tmp_path_factory.mktemp(c.id)) for c in slow_first}
        yield futures
        for future in futures.values():
            future.cancel()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault(case: Case, runs: dict[str, Future[Outcome]]) -> None:
    outcome = runs[case.id].result()
    proc = outcome.proc
    assert outcome.model_errors == []
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == case.exit_code, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith(ERROR_PREFIX)]

    # exact request counts: the faulty question, then the whole run
    assert outcome.asked[case.question] == case.asked, outcome.asked
    assert len(outcome.arrivals) == case.total, outcome.order

    if case.exit_code == 0:
        assert errors == [], proc.stderr
        briefing = outcome.briefing()
        assert briefing.provenance.model == "fake-model"
        if case.check is not None:
            case.check(outcome, runs[CONTROL.id].result())
    else:
        assert proc.stdout == ""
        assert proc.stderr.splitlines() == errors and len(errors) == 1, proc.stderr
        [line] = errors
        assert line.startswith(f"{ERROR_PREFIX}{outcome.base_url}: "), line  # names the endpoint
        for part in case.error:
            assert part in line, line
        # the run stopped at the faulty question: nothing was asked after it
        order = outcome.order
        assert set(order[order.index(case.question) :]) == {case.question}, order

    # bounded, honoured waits between the attempts of the first faulty request
    if case.waits is not None:
        retries = case.asked - ATTRIBUTIONS if case.exit_code == 0 else case.asked - 1
        gaps = outcome.gaps(case.question)[:retries]
        assert len(gaps) == retries
        for k, gap in enumerate(gaps, start=1):
            low, high = case.waits(k)
            assert low <= gap <= high + SLACK, (k, gap, low, high)


def test_docstring_table_matches_the_cases() -> None:
    """The table at the top of this file is the matrix: same cases, exits and request counts."""
    rows = {}
    for line in (__doc__ or "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 7 and cells[0] != "case":
            rows[cells[0]] = cells
    assert list(rows) == [c.id for c in CASES]
    for case in CASES:
        row = rows[case.id]
        assert (row[3], row[5], row[6]) == (str(case.exit_code), str(case.asked), str(case.total)), case.id
