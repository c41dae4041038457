"""Long articles end to end: split into parts, each part asked on its own, the answers merged.

Plumbing tests over real HTTP against the scripted fake model (``fakemodel.py``, which knows the
seed article) or small respond functions written here for other texts: the prompts, the openai
SDK, Instructor, validation and assembly run for real. The fake server cannot count tokens, so
part sizes are checked with the pipeline's own conservative estimate (``estimate_tokens``).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakemodel import DENIAL_SENTENCE, EVENT, SEED, FakeModel, request_schema, task_message
from fakeserver import Action, FakeServer, RecordedRequest, reply, respond

from summarizer.article import Article, article_from_text, load_article
from summarizer.backends import Backend, Settings
from summarizer.chunking import estimate_tokens
from summarizer.errors import InputError
from summarizer.names import name_key
from summarizer.pipeline import EVENT_TOKENS, QUESTION_TOKENS, Summarizer
from summarizer.prompts import default_prompts
from summarizer.quotes import find_direct_quotes
from summarizer.schema import UNNAMED_SOURCE, Briefing

MODEL = "fake-model"  # not in the price table: no known context, so one part unless --chunk-tokens
CHUNK_TOKENS = 600

# --- the long article: the seed, Italian filler without quotes, one quote at the very end -------

SEED_TEXT = SEED.read_text(encoding="utf-8").strip()
FILLER = [
    "Il {n}° giorno della missione, le delegazioni hanno esaminato i dossier sull'energia e sui trasporti ferroviari. "
    "I funzionari hanno lavorato fino a tarda sera per preparare i documenti tecnici della sessione numero {n}.",
    "Secondo gli osservatori, la sessione {n} si è concentrata sui collegamenti marittimi tra i porti del nord. "
    "Le autorità portuali hanno presentato un piano di investimenti che dovrà essere approvato entro la fine dell'anno.",
    "Nella riunione {n} si è parlato anche di agricoltura, di pesca e di scambi culturali tra le università. "
    "Molti studenti potrebbero partecipare a programmi di scambio già a partire dal prossimo semestre accademico.",
]
LATE_PERSON = "Al tavolo dei lavori sedeva anche il ministro della Difesa russo Andrei Belousov, arrivato in serata."
END_QUOTE = "Torneremo presto a Pyongyang per continuare questo lavoro comune"
END = f"Putin ha poi detto: “{END_QUOTE}”."


def filler(count: int, start: int = 1) -> list[str]:
    return [FILLER[i % len(FILLER)].format(n=i) for i in range(start, start + count)]


LONG = "\n".join([SEED_TEXT, *filler(10), LATE_PERSON, *filler(4, start=11), END])
EXPECTED_PARTICIPANTS = ["Russia", "North Korea", "United States", "Vladimir Putin", "Kim Jong-un"]

# --- reading what the fake server was asked ----------------------------------------------------

ARTICLE_BLOCK = re.compile(r"ARTICLE:\n<<<\n(.*)\n>>>\n\nQUESTION:", re.DOTALL)
LATER = re.compile(r"statements reported later in it: (.*)\.\) title:", re.DOTALL)


def article_block(body: dict[str, Any]) -> str:
    match = ARTICLE_BLOCK.search(task_message(body))
    assert match, task_message(body)[:300]
    return match.group(1)


def title(request: RecordedRequest) -> str:
    return request_schema(request.body)["title"]


def part_spans(text: str, requests: list[RecordedRequest]) -> list[tuple[int, int]]:
    """Where the distinct article blocks sent to the model lie in the article, in order."""
    blocks = list(dict.fromkeys(article_block(r.body) for r in requests))
    spans = []
    for block in blocks:
        start = text.find(block, spans[-1][0] + 1 if spans else 0)
        assert start >= 0, f"a block that is not a slice of the article: {block[:80]!r}"
        spans.append((start, start + len(block)))
    return spans


def assert_parts_cover_the_article(text: str, spans: list[tuple[int, int]], budget: int) -> None:
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (start, end), (next_start, next_end) in itertools.pairwise(spans):
        assert start < next_start <= end < next_end, "parts follow each other, overlapping or touching"
    for start, end in spans:
        assert estimate_tokens(text[start:end]) <= budget


def assert_grounded(briefing: Briefing, text: str) -> None:
    names = {p.name for p in briefing.participants}
    assert len({name_key(p.name) for p in briefing.participants}) == len(names) == len(briefing.participants)
    for item in [*briefing.claims, *briefing.denials]:
        assert item.speaker in names | {UNNAMED_SOURCE}
        if item.quote is not None:
            start, end = item.quote_span
            assert text[start:end] == item.quote
    assert briefing.source.chars == len(text)


def claim_keys(briefing: Briefing) -> list[tuple[str, str]]:
    return [(c.speaker, c.quote or c.statement) for c in briefing.claims]


# --- running the pipeline ----------------------------------------------------------------------


class Run:
    """One article through ``Summarizer`` against a fake server; keeps what the server saw."""

    def __init__(self, answer: Callable[[Any], Action], article: Article, **settings: Any) -> None:
        self.steps: list[str] = []
        with FakeServer(default=respond(answer)) as server:
            with Backend(Settings(base_url=server.base_url, **{"model": MODEL, **settings})) as backend:
                self.briefing = Summarizer(backend).summarize(article, progress=self.steps.append)
            self.requests = server.chat_requests

    def titles(self) -> Counter[str]:
        return Counter(title(r) for r in self.requests)


@pytest.fixture(autouse=True)
def _clean_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SUMMARIZER_PRICES", raising=False)


@pytest.fixture(scope="module")
def long_article() -> Article:
    return article_from_text(LONG)


@pytest.fixture(scope="module")
def long_run(long_article, tmp_path_factory) -> Run:
    """The long seed article split with --chunk-tokens 600, run once for the tests that read it."""
    model = FakeModel()
    with pytest.MonkeyPatch.context() as monkeypatch:  # module scope: the autouse fixture is not set up yet
        monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        monkeypatch.delenv("SUMMARIZER_PRICES", raising=False)
        run = Run(model, long_article, chunk_tokens=CHUNK_TOKENS)
    assert model.errors == []
    return run


# --- the seed, made long, through the library ----------------------------------------------------


def test_the_long_article_is_split_and_its_end_quote_reaches_the_briefing(long_run, long_article):
    briefing, text = long_run.briefing, long_article.text

    assert briefing.provenance.chunks > 1
    assert briefing.provenance.chunks == len(part_spans(text, long_run.requests))
    assert briefing.warnings == []  # in particular no "duplicate dropped"
    assert_grounded(briefing, text)
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert end_claim.speaker == "Vladimir Putin"
    start = text.index(END_QUOTE)
    assert end_claim.quote_span == (start, start + len(END_QUOTE))  # offsets into the WHOLE article
    assert text[start : start + len(END_QUOTE)] == END_QUOTE
    first_part_end = part_spans(text, long_run.requests)[0][1]
    assert start > first_part_end  # the quote was found in a later part, its span not part-relative


def test_participants_are_merged_across_parts(long_run):
    participants = long_run.briefing.participants

    assert [p.name for p in participants] == EXPECTED_PARTICIPANTS
    assert long_run.titles()["PeopleReply"] == long_run.briefing.provenance.chunks  # asked in every part
    putin = next(p for p in participants if p.name == "Vladimir Putin")
    assert putin.aliases == ["Vladimir Putin", "Putin"]  # the same aliases from every part, once


def test_every_quote_and_sentence_is_answered_once_though_parts_overlap(long_run, long_article):
    briefing, text = long_run.briefing, long_article.text
    quotes = find_direct_quotes(text)
    spans = part_spans(text, long_run.requests)

    # The overlap is real: some quote is shown in two parts.
    assert any(sum(s <= text.index(q) < e for s, e in spans) > 1 for q in quotes)
    # ...yet each quote is attributed once, and the reported sentence and the denial too.
    assert [c.quote for c in briefing.claims if c.quote is not None] == quotes
    assert len(claim_keys(briefing)) == len(set(claim_keys(briefing)))
    assert [c.speaker for c in briefing.claims if c.quote is None] == ["Kim Jong-un"]
    assert long_run.titles()["Attribution"] == len(quotes) + 1
    assert [(d.speaker, d.quote) for d in briefing.denials] == [
        ("Russia", DENIAL_SENTENCE),
        ("North Korea", DENIAL_SENTENCE),
    ]
    assert long_run.titles()["DeniersReply"] == 1
    for denial in briefing.denials:
        assert text[denial.quote_span[0] : denial.quote_span[1]] == DENIAL_SENTENCE


def test_every_question_carries_one_part_within_the_budget(long_run, long_article):
    text = long_article.text
    spans = part_spans(text, long_run.requests)

    assert estimate_tokens(text) > CHUNK_TOKENS
    assert_parts_cover_the_article(text, spans, CHUNK_TOKENS)
    for request in long_run.requests:
        block = article_block(request.body)
        assert estimate_tokens(block) <= CHUNK_TOKENS
        assert block != text
    # Progress names the part: "part 2/4: participants".
    n = len(spans)
    assert len(long_run.steps) == len(long_run.requests)
    assert all(re.match(rf"part \d+/{n}: ", step) for step in long_run.steps)
    assert {step.split(":")[0] for step in long_run.steps} == {f"part {i}/{n}" for i in range(1, n + 1)}


def test_the_event_is_asked_once_from_the_first_part_with_what_later_parts_report(long_run, long_article):
    briefing, text = long_run.briefing, long_article.text
    [event_request] = [r for r in long_run.requests if title(r) == "EventReply"]
    first_start, first_end = part_spans(text, long_run.requests)[0]

    assert article_block(event_request.body) == text[first_start:first_end]
    later = LATER.search(task_message(event_request.body))
    assert later, "the event question lists what later parts report"
    for claim in briefing.claims:
        where = claim.quote_span[0] if claim.quote_span else text.index("Kim ha sottolineato")
        line = f"{claim.speaker}: {claim.statement}"
        assert (line in later.group(1)) == (where >= first_end), line
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert f"Vladimir Putin: {end_claim.statement}" in later.group(1)
    assert briefing.event.title == EVENT["title"]


def test_names_found_only_in_later_parts_are_merged_or_added():
    """Later parts name known participants another way ("Putin", "USA") and one new person."""
    model = FakeModel()

    def answer(body: Any) -> Action:
        first_part = article_block(body).startswith(SEED_TEXT[:80])
        schema_title = request_schema(body)["title"]
        if not first_part and schema_title == "PeopleReply":
            return reply(json.dumps({"people": [
                {"name": "Putin", "role": None, "aliases": ["Putin"]},
                {"name": "Andrei Belousov", "role": "Russian defence minister", "aliases": ["Belousov", "Andrei Belousov"]},
            ]}))  # fmt: skip
        if not first_part and schema_title == "CountriesReply":
            return reply(json.dumps({"countries": [
                {"name": "russia", "role": "Host of talks", "aliases": ["Russia"]},
                {"name": "USA", "role": None, "aliases": ["Stati Uniti"]},
            ]}))  # fmt: skip
        return model(body)

    run = Run(answer, article_from_text(LONG), chunk_tokens=CHUNK_TOKENS)

    assert model.errors == []
    participants = {p.name: p for p in run.briefing.participants}
    assert list(participants) == [*EXPECTED_PARTICIPANTS, "Andrei Belousov"]
    assert participants["Vladimir Putin"].role == "President of Russia"
    assert participants["Russia"].kind == "country" and participants["Russia"].role.startswith("Putin's country")
    assert participants["Andrei Belousov"].aliases == ["Belousov", "Andrei Belousov"]
    assert run.briefing.warnings == []
    # The speakers offered in every part are the merged participants, the new one included.
    speakers = request_schema(next(r for r in run.requests if title(r) == "Attribution").body)["properties"]["speaker"]
    assert speakers["enum"] == [*participants, UNNAMED_SOURCE]
    assert_grounded(run.briefing, LONG)


def test_an_unknown_model_without_chunk_tokens_gets_the_article_whole(long_article):
    run = Run(FakeModel(), long_article)

    assert run.briefing.provenance.chunks == 1
    assert {article_block(r.body) for r in run.requests} == {long_article.text}
    assert run.titles()["PeopleReply"] == 1
    assert [c.quote for c in run.briefing.claims if c.quote] == find_direct_quotes(long_article.text)
    assert not any(step.startswith("part ") for step in run.steps)


def test_a_short_article_is_one_part_even_with_chunk_tokens():
    article = load_article(SEED)

    run = Run(FakeModel(), article, chunk_tokens=estimate_tokens(article.text))

    assert run.briefing.provenance.chunks == 1
    assert {article_block(r.body) for r in run.requests} == {article.text}


# --- the part budget from the model's context (price table) --------------------------------------


def prices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, context: int) -> None:
    table = tmp_path / "prices.toml"
    table.write_text(f'[models."{model}"]\ninput = 1.0\noutput = 2.0\ncontext_tokens = {context}\n', encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_PRICES", str(table))


def context_room(context: int) -> int:
    """Article tokens a question may carry within ``context`` (system prompt, question, answer aside)."""
    return context - estimate_tokens(default_prompts().system(language="en")) - QUESTION_TOKENS - EVENT_TOKENS


@pytest.mark.parametrize("chunk_tokens", [None, 100_000, 450])
def test_a_known_context_bounds_the_parts(chunk_tokens, tmp_path, monkeypatch, long_article):
    prices(tmp_path, monkeypatch, "tiny-context-model", 2000)
    room = context_room(2000)
    budget = room if chunk_tokens is None else min(room, chunk_tokens)
    assert 450 < room < estimate_tokens(long_article.text)

    run = Run(FakeModel(), long_article, model="tiny-context-model", chunk_tokens=chunk_tokens)

    spans = part_spans(long_article.text, run.requests)
    assert run.briefing.provenance.chunks == len(spans) > 1
    assert_parts_cover_the_article(long_article.text, spans, budget)
    assert any(estimate_tokens(long_article.text[s:e]) > 0.8 * budget for s, e in spans)  # parts use their room
    assert [c.quote for c in run.briefing.claims if c.quote] == find_direct_quotes(long_article.text)


def test_a_context_too_small_for_the_questions_is_refused(tmp_path, monkeypatch, long_article):
    prices(tmp_path, monkeypatch, "toy-model", 1200)

    with pytest.raises(InputError, match=r"context \(1,200 tokens\) is too small"):
        Run(FakeModel(), long_article, model="toy-model")


# --- the command line ---------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env.update(SUMMARIZER_CACHE_DIR=str(cwd / "cache"), NO_COLOR="1", COLUMNS="100")
    proc = subprocess.run([sys.executable, "-m", "summarizer.cli", *args], capture_output=True, env=env, cwd=cwd,
                          timeout=60, check=False)  # fmt: skip
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode("utf-8", "replace"))


def test_cli_chunk_tokens_splits_the_article(tmp_path, model_server, long_run):
    (tmp_path / "long.txt").write_text(LONG + "\n", encoding="utf-8")

    proc = run_cli("summarize", "long.txt", "--json", "--base-url", model_server.base_url, "--model", MODEL,
                   "--chunk-tokens", str(CHUNK_TOKENS), cwd=tmp_path)  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    briefing = Briefing.model_validate_json(proc.stdout)
    text = load_article(tmp_path / "long.txt").text
    assert text == LONG
    assert briefing.provenance.chunks == long_run.briefing.provenance.chunks > 1
    assert briefing.warnings == []
    assert_grounded(briefing, text)
    assert [(c.speaker, c.quote, c.quote_span) for c in briefing.claims] == [
        (c.speaker, c.quote, c.quote_span) for c in long_run.briefing.claims
    ]
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert end_claim.speaker == "Vladimir Putin"
    assert text[end_claim.quote_span[0] : end_claim.quote_span[1]] == END_QUOTE
    assert [p.name for p in briefing.participants] == EXPECTED_PARTICIPANTS
    requests = model_server.chat_requests
    assert [title(r) for r in requests].count("EventReply") == 1
    assert_parts_cover_the_article(text, part_spans(text, requests), CHUNK_TOKENS)
    assert all(estimate_tokens(article_block(r.body)) <= CHUNK_TOKENS for r in requests)


def test_cli_without_chunk_tokens_on_an_unknown_model_sends_one_part(tmp_path, model_server):
    (tmp_path / "long.txt").write_text(LONG, encoding="utf-8")

    proc = run_cli("summarize", "long.txt", "--json", "--base-url", model_server.base_url, "--model", MODEL, cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    briefing = Briefing.model_validate_json(proc.stdout)
    assert briefing.provenance.chunks == 1
    assert {article_block(r.body) for r in model_server.chat_requests} == {LONG}
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert LONG[end_claim.quote_span[0] : end_claim.quote_span[1]] == END_QUOTE


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_cli_refuses_a_chunk_tokens_that_is_not_positive(value, tmp_path, fake_server):
    (tmp_path / "long.txt").write_text(LONG, encoding="utf-8")

    proc = run_cli("summarize", "long.txt", "--base-url", fake_server.base_url, "--chunk-tokens", value, cwd=tmp_path)

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "--chunk-tokens" in proc.stderr
    assert fake_server.requests == []


# --- other texts: a respond function that knows them -------------------------------------------


class Script:
    """The fake model's part for an article it does not know: fixed participants, each quote's
    speaker by the nearest cue word in the passage, no reported sentences and no denials."""

    def __init__(self, participants: dict[str, list[dict[str, Any]]], cues: dict[str, str], event: dict[str, Any]) -> None:
        self.participants = participants
        self.cues = cues
        self.event = event
        self.errors: list[str] = []

    def __call__(self, body: Any) -> Action:
        try:
            return reply(json.dumps(self.answer(body), ensure_ascii=False))
        except Exception as exc:
            self.errors.append(repr(exc))
            raise

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        schema = request_schema(body)
        match schema["title"]:
            case "CountriesReply" | "PeopleReply" | "OrganizationsReply" | "GroupsReply":
                field = next(iter(schema["properties"]))
                return {field: self.participants.get(field, [])}
            case "Attribution":
                passage = re.search(r"^PASSAGE: (.*)$", task_message(body), re.MULTILINE).group(1)  # type: ignore[union-attr]
                allowed = schema["properties"]["speaker"]["enum"]
                speaker = self.speaker(passage)
                speaker = speaker if speaker in allowed else UNNAMED_SOURCE
                return {"speaker": speaker, "statement": f"{speaker} speaks about the talks between the two countries."}
            case "SentencesChoice":
                return {"sentences": []}
            case "EventReply":
                return self.event
        raise ValueError(f"no script for {schema['title']}")

    def speaker(self, passage: str) -> str:
        start, end = passage.index("[["), passage.index("]]")
        found = [(start - m.end(), person) for cue, person in self.cues.items() for m in re.finditer(cue, passage[:start])]
        found += [(m.start(), person) for cue, person in self.cues.items() for m in re.finditer(cue, passage[end:])]
        return min(found)[1] if found else UNNAMED_SOURCE


RU_EVENT = {
    "title": "Putin holds talks in Pyongyang",
    "summary": ["Vladimir Putin visited Pyongyang for talks with Kim Jong-un.", "They discussed economic cooperation."],
    "date": None,
    "location": "Pyongyang, North Korea",
}
RU_FILLER = [
    "На {n}-й день визита делегации обсуждали энергетику и железнодорожный транспорт 🚆. "
    "Чиновники работали до позднего вечера, готовя технические документы сессии номер {n}.",
    "По словам наблюдателей, сессия {n} была посвящена морскому сообщению между северными портами ⚓. "
    "Портовые власти представили план инвестиций, который должен быть утверждён до конца года.",
    "На встрече {n} также говорили о сельском хозяйстве, рыболовстве и обмене студентами между университетами. "
    "Многие студенты смогут участвовать в программах обмена уже со следующего семестра 🎓.",
]
RU_QUOTES = [
    "Наши отношения вступают в новый период большого процветания",
    "Мы благодарим друзей за поддержку и продолжим совместную работу",
    "Мы скоро вернёмся в Пхеньян, чтобы продолжить эту общую работу",
]
RUSSIAN = "\n".join([
    "Президент России Владимир Путин прибыл в Пхеньян для переговоров с лидером КНДР Ким Чен Ыном. "
    "Это уже вторая встреча двух лидеров за год.",
    f"«{RU_QUOTES[0]}», — сказал Ким Чен Ын на церемонии встречи.",
    *(RU_FILLER[i % 3].format(n=i) for i in range(1, 7)),
    f"Путин ответил: «{RU_QUOTES[1]}» 🤝🏽.",
    *(RU_FILLER[i % 3].format(n=i) for i in range(7, 13)),
    f"В завершение визита Путин заявил: «{RU_QUOTES[2]}».",
])  # fmt: skip
RU_SCRIPT = {
    "participants": {
        "countries": [{"name": "Russia", "role": None, "aliases": ["России"]}],
        "people": [
            {"name": "Vladimir Putin", "role": "President of Russia", "aliases": ["Владимир Путин", "Путин"]},
            {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Ким Чен Ын"]},
        ],
    },
    "cues": {"Путин": "Vladimir Putin", "Ким": "Kim Jong-un"},
    "event": RU_EVENT,
}


def test_a_long_cyrillic_article_is_split_with_spans_into_the_whole_text():
    script = Script(**RU_SCRIPT)
    article = article_from_text(RUSSIAN)

    run = Run(script, article, chunk_tokens=400)

    assert script.errors == []
    briefing, text = run.briefing, article.text
    spans = part_spans(text, run.requests)
    assert briefing.provenance.chunks == len(spans) > 2
    assert_parts_cover_the_article(text, spans, 400)
    assert [c.quote for c in briefing.claims] == RU_QUOTES  # each once, in article order
    assert [c.speaker for c in briefing.claims] == ["Kim Jong-un", "Vladimir Putin", "Vladimir Putin"]
    for claim in briefing.claims:
        start = text.index(claim.quote)  # code points: the emoji before a quote count as one each
        assert claim.quote_span == (start, start + len(claim.quote))
    assert briefing.claims[-1].quote_span[0] > spans[0][1]
    assert text[:briefing.claims[-1].quote_span[0]].count("🤝🏽") == 1
    assert [p.name for p in briefing.participants] == ["Russia", "Vladimir Putin", "Kim Jong-un"]
    assert_grounded(briefing, text)
    assert briefing.warnings == []
    [event_request] = [r for r in run.requests if title(r) == "EventReply"]
    later = LATER.search(task_message(event_request.body))
    assert later and "Vladimir Putin: Vladimir Putin speaks about the talks" in later.group(1)


# --- limits: many quotes, tiny budgets -------------------------------------------------------------

MANY_QUOTES = "\n".join([
    SEED_TEXT,
    *(f"Un portavoce ha poi aggiunto: “La sessione di lavoro numero {n} si è chiusa con un accordo”." for n in range(1, 43)),
    END,
])  # fmt: skip


def test_quotes_after_the_fortieth_of_a_long_article_are_not_lost():
    article = article_from_text(MANY_QUOTES)
    assert len(re.findall("“", MANY_QUOTES)) > 40

    run = Run(FakeModel(), article, chunk_tokens=1500)

    assert run.briefing.provenance.chunks > 1
    assert END_QUOTE in [c.quote for c in run.briefing.claims]


def test_a_tiny_chunk_budget_on_a_cjk_article_is_not_a_crash():
    script = Script({"people": [{"name": "Xi Jinping", "role": None, "aliases": ["习近平"]}]}, {"习近平": "Xi Jinping"}, RU_EVENT)
    article = article_from_text("习近平今天在北京会见了来访的外国领导人。")

    with pytest.raises(InputError, match="too small to say anything"):
        Run(script, article, chunk_tokens=1)
