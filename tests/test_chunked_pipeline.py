"""Long articles end to end: split into parts, each part asked on its own, the answers merged.

The pipeline's logic runs against the in-process scripted model (``seed_script.py`` for the seed,
small scripts written here for other texts), which sees each question's part explicitly; a few
tests go over real HTTP (the wire fake, ``fakemodel.py``) for the provider's context window and
the command line. Part sizes are checked with the pipeline's own conservative estimate
(``estimate_tokens``), as no fake can count a real tokenizer's tokens.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fakemodel import FakeModel
from fakeserver import FakeServer, respond
from seed_script import DENIAL_SENTENCE, EVENT, SCRIPT, SEED, choices

from summarizer.chunking import estimate_tokens
from summarizer.errors import InputError
from summarizer.ingest import Article, article_from_text, load_article
from summarizer.names import name_key
from summarizer.pipeline import Options, Summarizer, summarize_with
from summarizer.pipeline.ask import Question
from summarizer.pipeline.budgets import EVENT_TOKENS, QUESTION_TOKENS
from summarizer.pipeline.plan import TokenLimits
from summarizer.prompts import default_prompts
from summarizer.providers import Settings, open_provider
from summarizer.quotes import find_direct_quotes
from summarizer.schema import UNNAMED_SOURCE, Briefing
from summarizer.testing import ScriptedModel

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

# --- what the model was asked ------------------------------------------------------------------


def part_spans(questions: list[Question]) -> list[tuple[int, int]]:
    """The distinct parts of the article the questions were about, in order."""
    return list(dict.fromkeys((q.part.start, q.part.end) for q in questions))


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
    """One article through the pipeline against a scripted model; keeps the questions it was asked."""

    def __init__(self, script: dict[str, Any], article: Article, *, chunk_tokens: int | None = None,
                 context_tokens: int | None = None) -> None:  # fmt: skip
        self.model = ScriptedModel(script)
        limits = TokenLimits(context_tokens=context_tokens)
        self.briefing = summarize_with(self.model, article, options=Options(chunk_tokens=chunk_tokens), limits=limits)
        self.questions = self.model.questions

    def names(self) -> Counter[str]:
        return Counter(q.name for q in self.questions)


@pytest.fixture(autouse=True)
def _clean_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SUMMARIZER_PRICES", raising=False)


@pytest.fixture(scope="module")
def long_article() -> Article:
    return article_from_text(LONG)


@pytest.fixture(scope="module")
def long_run(long_article) -> Run:
    """The long seed article split into parts of 600 tokens, run once for the tests that read it."""
    return Run(SCRIPT, long_article, chunk_tokens=CHUNK_TOKENS)


# --- the seed, made long, through the library ----------------------------------------------------


def test_the_long_article_is_split_and_its_end_quote_reaches_the_briefing(long_run, long_article):
    briefing, text = long_run.briefing, long_article.text

    assert briefing.provenance.chunks > 1
    assert briefing.provenance.chunks == len(part_spans(long_run.questions))
    assert briefing.warnings == []  # in particular no "duplicate dropped"
    assert_grounded(briefing, text)
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert end_claim.speaker == "Vladimir Putin"
    start = text.index(END_QUOTE)
    assert end_claim.quote_span == (start, start + len(END_QUOTE))  # offsets into the WHOLE article
    assert text[start : start + len(END_QUOTE)] == END_QUOTE
    first_part_end = part_spans(long_run.questions)[0][1]
    assert start > first_part_end  # the quote was found in a later part, its span not part-relative


def test_participants_are_merged_across_parts(long_run):
    participants = long_run.briefing.participants

    assert [p.name for p in participants] == EXPECTED_PARTICIPANTS
    assert long_run.names()["participants"] == 4 * long_run.briefing.provenance.chunks  # every kind in every part
    putin = next(p for p in participants if p.name == "Vladimir Putin")
    assert putin.aliases == ["Vladimir Putin", "Putin"]  # the same aliases from every part, once


def test_every_quote_and_sentence_is_answered_once_though_parts_overlap(long_run, long_article):
    briefing, text = long_run.briefing, long_article.text
    quotes = find_direct_quotes(text)
    spans = part_spans(long_run.questions)

    # The overlap is real: some quote is shown in two parts.
    assert any(sum(s <= text.index(q) < e for s, e in spans) > 1 for q in quotes)
    # ...yet each quote is attributed once, and the reported sentence and the denial too.
    assert [c.quote for c in briefing.claims if c.quote is not None] == quotes
    assert len(claim_keys(briefing)) == len(set(claim_keys(briefing)))
    assert [c.speaker for c in briefing.claims if c.quote is None] == ["Kim Jong-un"]
    assert long_run.names()["attribution"] == len(quotes) + 1
    assert [(d.speaker, d.quote) for d in briefing.denials] == [
        ("Russia", DENIAL_SENTENCE),
        ("North Korea", DENIAL_SENTENCE),
    ]
    assert long_run.names()["deniers"] == 1
    for denial in briefing.denials:
        assert text[denial.quote_span[0] : denial.quote_span[1]] == DENIAL_SENTENCE


def test_every_question_carries_one_part_within_the_budget(long_run, long_article):
    text = long_article.text
    spans = part_spans(long_run.questions)

    assert estimate_tokens(text) > CHUNK_TOKENS
    assert_parts_cover_the_article(text, spans, CHUNK_TOKENS)
    n = len(spans)
    assert {(q.part.number, q.part.count) for q in long_run.questions} == {(i, n) for i in range(1, n + 1)}
    for question in long_run.questions:
        assert question.part.label == f"part {question.part.number}/{n}: "
        if question.passage:  # a passage shown with a question lies in its part
            assert question.passage.replace("[[", "").replace("]]", "") in text[question.part.start : question.part.end]


def test_the_event_is_asked_once_from_the_first_part_with_what_later_parts_report(long_run, long_article):
    briefing, text = long_run.briefing, long_article.text
    [event] = [q for q in long_run.questions if q.name == "event"]
    first_start, first_end = part_spans(long_run.questions)[0]

    assert (event.part.start, event.part.end) == (first_start, first_end)
    later = " | ".join(event.variables["later"])
    assert later, "the event question lists what later parts report"
    for claim in briefing.claims:
        where = claim.quote_span[0] if claim.quote_span else text.index("Kim ha sottolineato")
        line = f"{claim.speaker}: {claim.statement}"
        assert (line in later) == (where >= first_end), line
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert f"Vladimir Putin: {end_claim.statement}" in later
    assert briefing.event.title == EVENT["title"]


def test_names_found_only_in_later_parts_are_merged_or_added():
    """Later parts name known participants another way ("Putin", "USA") and one new person."""
    later_people = [
        {"name": "Putin", "role": None, "aliases": ["Putin"]},
        {"name": "Andrei Belousov", "role": "Russian defence minister", "aliases": ["Belousov", "Andrei Belousov"]},
    ]
    later_countries = [
        {"name": "russia", "role": "Host of talks", "aliases": ["Russia"]},
        {"name": "USA", "role": None, "aliases": ["Stati Uniti"]},
    ]

    def participants(q: Question) -> dict[str, Any]:
        if q.part.number > 1 and q.variables["kind"] == "people":
            return {"people": later_people}
        if q.part.number > 1 and q.variables["kind"] == "countries":
            return {"countries": later_countries}
        return SCRIPT["participants"](q)

    run = Run({**SCRIPT, "participants": participants}, article_from_text(LONG), chunk_tokens=CHUNK_TOKENS)

    participants_found = {p.name: p for p in run.briefing.participants}
    assert list(participants_found) == [*EXPECTED_PARTICIPANTS, "Andrei Belousov"]
    assert participants_found["Vladimir Putin"].role == "President of Russia"
    assert participants_found["Russia"].kind == "country" and participants_found["Russia"].role.startswith("Putin's country")
    assert participants_found["Andrei Belousov"].aliases == ["Belousov", "Andrei Belousov"]
    assert run.briefing.warnings == []
    # The speakers offered in every part come from the merged participants.
    offered = [choices(q.reply, "speaker") for q in run.questions if q.name == "attribution"]
    assert offered and all(set(names) <= {*participants_found, UNNAMED_SOURCE} for names in offered)
    assert_grounded(run.briefing, LONG)


def test_without_a_known_context_or_chunk_tokens_the_article_goes_whole(long_article):
    run = Run(SCRIPT, long_article)

    assert run.briefing.provenance.chunks == 1
    assert part_spans(run.questions) == [(0, len(long_article.text))]
    assert run.names()["participants"] == 4
    assert [c.quote for c in run.briefing.claims if c.quote] == find_direct_quotes(long_article.text)
    assert {q.part.label for q in run.questions} == {""}


def test_a_short_article_is_one_part_even_with_chunk_tokens():
    article = load_article(SEED)

    run = Run(SCRIPT, article, chunk_tokens=estimate_tokens(article.text))

    assert run.briefing.provenance.chunks == 1
    assert part_spans(run.questions) == [(0, len(article.text))]


# --- the part budget from the model's context -----------------------------------------------------


def context_room(context: int) -> int:
    """Article tokens a question may carry within ``context`` (system prompt, question, answer aside)."""
    return context - estimate_tokens(default_prompts().system(language="en")) - QUESTION_TOKENS - EVENT_TOKENS


@pytest.mark.parametrize("chunk_tokens", [None, 100_000, 450])
def test_a_known_context_bounds_the_parts(chunk_tokens, long_article):
    room = context_room(2000)
    budget = room if chunk_tokens is None else min(room, chunk_tokens)
    assert 450 < room < estimate_tokens(long_article.text)

    run = Run(SCRIPT, long_article, chunk_tokens=chunk_tokens, context_tokens=2000)

    spans = part_spans(run.questions)
    assert run.briefing.provenance.chunks == len(spans) > 1
    assert_parts_cover_the_article(long_article.text, spans, budget)
    assert any(estimate_tokens(long_article.text[s:e]) > 0.8 * budget for s, e in spans)  # parts use their room
    assert [c.quote for c in run.briefing.claims if c.quote] == find_direct_quotes(long_article.text)


def test_a_context_too_small_for_the_questions_is_refused(long_article):
    with pytest.raises(InputError, match=r"context \(1,200 tokens\) is too small"):
        Run(SCRIPT, long_article, context_tokens=1200)


def prices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, context: int) -> None:
    table = tmp_path / "prices.toml"
    table.write_text(f'[models."{model}"]\ninput = 1.0\noutput = 2.0\ncontext_tokens = {context}\n', encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_PRICES", str(table))


def test_a_hosted_model_s_context_comes_from_the_price_table_and_splits_the_article(tmp_path, monkeypatch, long_article):
    prices(tmp_path, monkeypatch, "tiny-context-model", 2000)
    steps: list[str] = []

    with FakeServer(default=respond(FakeModel())) as server:
        with open_provider(Settings(base_url=server.base_url, model="tiny-context-model")) as provider:
            assert provider.context_tokens == 2000
            briefing = Summarizer(provider).summarize(long_article, progress=steps.append)
        requests = server.chat_requests

    n = briefing.provenance.chunks
    assert n > 1
    assert all(long_article.text not in r.body["messages"][1]["content"] for r in requests)  # no question sends it whole
    assert [c.quote for c in briefing.claims if c.quote] == find_direct_quotes(long_article.text)
    # Progress names the part: "part 2/4: participants".
    assert len(steps) == len(requests)
    assert {step.split(":")[0] for step in steps} == {f"part {i}/{n}" for i in range(1, n + 1)}


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
    assert [(c.quote, c.quote_span) for c in briefing.claims] == [(c.quote, c.quote_span) for c in long_run.briefing.claims]
    assert [p.name for p in briefing.participants] == EXPECTED_PARTICIPANTS
    requests = model_server.chat_requests
    assert [r.body["response_format"]["json_schema"]["name"] for r in requests].count("EventReply") == 1
    assert all(LONG not in r.body["messages"][1]["content"] for r in requests)


def test_cli_without_chunk_tokens_on_an_unknown_model_sends_one_part(tmp_path, model_server):
    (tmp_path / "long.txt").write_text(LONG, encoding="utf-8")

    proc = run_cli("summarize", "long.txt", "--json", "--base-url", model_server.base_url, "--model", MODEL, cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    briefing = Briefing.model_validate_json(proc.stdout)
    assert briefing.provenance.chunks == 1
    assert all(LONG in r.body["messages"][1]["content"] for r in model_server.chat_requests)
    [end_claim] = [c for c in briefing.claims if c.quote == END_QUOTE]
    assert LONG[end_claim.quote_span[0] : end_claim.quote_span[1]] == END_QUOTE


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_cli_refuses_a_chunk_tokens_that_is_not_positive(value, tmp_path, fake_server):
    (tmp_path / "long.txt").write_text(LONG, encoding="utf-8")

    proc = run_cli("summarize", "long.txt", "--base-url", fake_server.base_url, "--chunk-tokens", value, cwd=tmp_path)

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "--chunk-tokens" in proc.stderr
    assert fake_server.requests == []


# --- other texts: a script that knows them ------------------------------------------------------


def script_for(participants: dict[str, list[dict[str, Any]]], cues: dict[str, str], event: dict[str, Any]) -> dict[str, Any]:
    """Fixed participants, each quote's speaker by the nearest cue word around its passage's
    marks, no reported sentences and no denials."""

    def speaker(passage: str) -> str:
        start, end = passage.index("[["), passage.index("]]")
        found = [(start - m.end(), person) for cue, person in cues.items() for m in re.finditer(cue, passage[:start])]
        found += [(m.start(), person) for cue, person in cues.items() for m in re.finditer(cue, passage[end:])]
        return min(found)[1] if found else UNNAMED_SOURCE

    def attribution(q: Question) -> dict[str, Any]:
        who = speaker(q.passage or "[[]]")
        who = who if who in choices(q.reply, "speaker") else UNNAMED_SOURCE
        return {"speaker": who, "statement": f"{who} speaks about the talks between the two countries."}

    return {
        "participants": lambda q: {q.variables["kind"]: participants.get(q.variables["kind"], [])},
        "attribution": attribution,
        "deniers": {"denied_by": []},
        "reported": {"sentences": []},
        "event": event,
    }


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
RU_SCRIPT = script_for(
    {
        "countries": [{"name": "Russia", "role": None, "aliases": ["России"]}],
        "people": [
            {"name": "Vladimir Putin", "role": "President of Russia", "aliases": ["Владимир Путин", "Путин"]},
            {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Ким Чен Ын"]},
        ],
    },
    {"Путин": "Vladimir Putin", "Ким": "Kim Jong-un"},
    RU_EVENT,
)


def test_a_long_cyrillic_article_is_split_with_spans_into_the_whole_text():
    article = article_from_text(RUSSIAN)

    run = Run(RU_SCRIPT, article, chunk_tokens=400)

    briefing, text = run.briefing, article.text
    spans = part_spans(run.questions)
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
    [event] = [q for q in run.questions if q.name == "event"]
    assert "Vladimir Putin: Vladimir Putin speaks about the talks between the two countries." in event.variables["later"]


# --- limits: many quotes, tiny budgets -------------------------------------------------------------

MANY_QUOTES = "\n".join([
    SEED_TEXT,
    *(f"Un portavoce ha poi aggiunto: “La sessione di lavoro numero {n} si è chiusa con un accordo”." for n in range(1, 43)),
    END,
])  # fmt: skip


def test_quotes_after_the_fortieth_of_a_long_article_are_not_lost():
    article = article_from_text(MANY_QUOTES)
    assert len(re.findall("“", MANY_QUOTES)) > 40

    run = Run(SCRIPT, article, chunk_tokens=1500)

    assert run.briefing.provenance.chunks > 1
    assert END_QUOTE in [c.quote for c in run.briefing.claims]


def test_a_tiny_chunk_budget_on_a_cjk_article_is_not_a_crash():
    xi = {"name": "Xi Jinping", "role": None, "aliases": ["习近平"]}
    script = script_for({"people": [xi]}, {"习近平": "Xi Jinping"}, RU_EVENT)
    article = article_from_text("习近平今天在北京会见了来访的外国领导人。")

    with pytest.raises(InputError, match="too small to say anything"):
        Run(script, article, chunk_tokens=1)
