"""The whole pipeline over real HTTP against a *scripted fake model* (``fakemodel.py``).

These are plumbing tests: prompts, the openai SDK, Instructor, validation, re-asks, salvage and
assembly run for real; the "model" is a lookup table for one seed article. The briefings here
say nothing about any real model's quality.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import jsonschema
import pytest
from fakemodel import ACCUSATION, COMPLETION_TOKENS, DENIAL_SENTENCE, EVENT, PROMPT_TOKENS, SEED, FakeModel
from fakeserver import FakeServer, respond, status

from summarizer.article import Article, load_article
from summarizer.backends import Backend, Settings
from summarizer.errors import ExtractionError, SummarizerError
from summarizer.llm import LLM, RetryPolicy
from summarizer.pipeline import Summarizer
from summarizer.schema import UNNAMED_SOURCE, Briefing, briefing_json_schema

# 4 participant kinds + 4 quotes + reported-sentence choice + 1 reported attribution
# + denial-sentence choice + deniers + accusation + 3 resolutions (Usa, Mosca, Pyongyang) + event
CALLS = 4 + 4 + 1 + 1 + 1 + 1 + 1 + 3 + 1
EXPECTED_PARTICIPANTS = [
    ("Russia", "country"),
    ("North Korea", "country"),
    ("United States", "country"),
    ("Vladimir Putin", "person"),
    ("Kim Jong-un", "person"),
]
EXPECTED_CLAIMS = [  # (speaker, first words of the quote, or None for a reported statement)
    ("Kim Jong-un", "Le relazioni tra"),
    ("Vladimir Putin", "l’invincibilità e"),
    ("Vladimir Putin", "Grazie per"),
    ("Vladimir Putin", "servirà da"),
    ("Kim Jong-un", None),
]


def claims_of(briefing: Briefing) -> list[tuple[str, str | None]]:
    def start(quote: str | None, like: str | None) -> str | None:
        return quote[: len(like)] if quote is not None and like is not None else quote

    likes = [like for _, like in EXPECTED_CLAIMS] + [None] * len(briefing.claims)  # extra claims show in full
    return [(c.speaker, start(c.quote, like)) for c, like in zip(briefing.claims, likes, strict=False)]


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article(SEED)


class Harness:
    """A fake server answering with a FakeModel, and the backend the pipeline uses."""

    def __init__(self, model: FakeModel, mode: str = "json_schema", max_reasks: int = 2) -> None:
        self.model = model
        self.server = FakeServer(default=respond(model)).start()
        self.backend = Backend(Settings(base_url=self.server.base_url, model="fake", mode=mode, max_reasks=max_reasks))
        self.sleeps: list[float] = []

    def summarize(self, article: Article, **kwargs) -> Briefing:
        summarizer = Summarizer(self.backend)
        # An LLM like Summarizer.new_llm() builds, but with a recorded sleep so retries do not wait.
        llm = LLM(
            self.backend.client,
            model=self.backend.model,
            mode=self.backend.mode,
            max_reasks=self.backend.settings.max_reasks,
            retry=RetryPolicy(),
            sleep=self.sleeps.append,
        )
        return summarizer.summarize(article, llm=llm, **kwargs)

    def close(self) -> None:
        self.backend.close()
        self.server.close()


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path, monkeypatch) -> None:
    """Keep any on-disk state of the code under test out of the user's cache."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def harness() -> Iterator[Callable[..., Harness]]:
    """Make a Harness (closed after the test): ``harness(FakeModel(...), mode=..., max_reasks=...)``."""
    opened: list[Harness] = []

    def make(*args, **kwargs) -> Harness:
        opened.append(Harness(*args, **kwargs))
        return opened[-1]

    yield make
    for h in opened:
        h.close()


def assert_grounded(briefing: Briefing, article: Article) -> None:
    """The invariants every briefing must satisfy, whatever the model said."""
    data = json.loads(briefing.model_dump_json())
    jsonschema.validate(data, briefing_json_schema())
    assert Briefing.model_validate(data) == briefing
    names = {p.name for p in briefing.participants}
    for item in [*briefing.claims, *briefing.denials]:
        assert item.speaker in names | {UNNAMED_SOURCE}
        if item.quote is not None:
            start, end = item.quote_span
            assert article.text[start:end] == item.quote
        else:
            assert item.quote_span is None
    for denial in briefing.denials:
        assert denial.accuser is None or denial.accuser in names
        assert denial.accuser != denial.speaker
    assert briefing.source.sha256 == article.sha256
    assert briefing.source.chars == len(article.text)


# --- the happy path -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["json_schema", "llguidance", "tools"])
def test_seed_article_end_to_end(harness, article, mode):
    h = harness(FakeModel(), mode=mode)

    briefing = Summarizer(h.backend).summarize(article)  # the default LLM: no retries expected here

    assert h.model.errors == []
    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert [(p.name, p.kind) for p in briefing.participants] == EXPECTED_PARTICIPANTS
    assert claims_of(briefing) == EXPECTED_CLAIMS
    assert [(d.speaker, d.accuser, d.quote, d.denied) for d in briefing.denials] == [
        ("Russia", "United States", DENIAL_SENTENCE, ACCUSATION),
        ("North Korea", "United States", DENIAL_SENTENCE, ACCUSATION),
    ]
    assert briefing.event.date is None
    assert briefing.event.title == EVENT["title"]
    assert briefing.event.summary == " ".join(EVENT["summary"])
    usage = briefing.provenance.usage
    assert usage.llm_calls == h.server.calls == CALLS
    assert usage.reasks == 0
    assert (usage.prompt_tokens, usage.completion_tokens) == (PROMPT_TOKENS * CALLS, COMPLETION_TOKENS * CALLS)
    assert briefing.provenance.model == "fake"
    assert briefing.provenance.backend == "openai-compatible"
    assert briefing.provenance.briefing_language == "en"
    for request in h.server.chat_requests:
        assert request.body["model"] == "fake"
        assert ("grammar" in request.body) == (mode == "llguidance")
        assert ("tools" in request.body) == (mode == "tools")


def test_questions_are_asked_in_pipeline_order(harness, article):
    h = harness(FakeModel())

    h.summarize(article)

    titles = [r.body["response_format"]["json_schema"]["name"] for r in h.server.chat_requests]
    assert titles == [
        "CountriesReply", "PeopleReply", "OrganizationsReply", "GroupsReply",
        "SentencesChoice",
        "Attribution", "Attribution", "Attribution", "Attribution",
        "SentencesChoice", "Attribution",
        "DeniersReply", "AccusationReply", "Resolution", "Resolution", "Resolution",
        "EventReply",
    ]  # fmt: skip
    # Later participant questions tell the model what is already listed.
    people_task = h.server.chat_requests[1].body["messages"][1]["content"]
    assert "Already listed, do not repeat: Russia, North Korea, United States." in people_task
    # Speakers are restricted to the participants found.
    speaker_enum = h.server.chat_requests[5].body["response_format"]["json_schema"]["schema"]["properties"]["speaker"]
    assert speaker_enum["enum"] == [*(n for n, _ in EXPECTED_PARTICIPANTS), UNNAMED_SOURCE]


def test_progress_is_reported_once_per_question(harness, article):
    h = harness(FakeModel())
    steps: list[str] = []

    h.summarize(article, progress=steps.append)

    assert len(steps) == CALLS == h.server.calls
    assert steps[0] == "participants" and steps[-1] == "event"
    assert "denial sentences" in steps


def test_briefing_language_reaches_the_prompts(harness, article):
    """The fake model always answers in English: asked for Italian, its prose is re-asked, then refused."""
    h = harness(FakeModel())

    with pytest.raises(ExtractionError, match="briefing language"):
        h.summarize(article, language="it")

    system = h.server.chat_requests[0].body["messages"][0]
    assert system["role"] == "system" and "Italian" in system["content"]
    titles = [r.body["response_format"]["json_schema"]["name"] for r in h.server.chat_requests]
    assert titles[-3:] == ["EventReply"] * 3  # the English summary was re-asked twice


# --- invalid replies: re-asked and fixed -----------------------------------------------------


def test_speaker_not_in_enum_is_reasked_and_fixed(harness, article):
    h = harness(FakeModel(faults={"Attribution": [{"speaker": "Sergei Lavrov", "statement": "He travels along."}]}))

    briefing = h.summarize(article)

    assert h.model.errors == []
    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert [c.speaker for c in briefing.claims] == [s for s, _ in EXPECTED_CLAIMS]
    usage = briefing.provenance.usage
    assert usage.llm_calls == h.server.calls == CALLS + 1
    assert usage.reasks == 1
    reask = h.server.chat_requests[6].body["messages"]  # the request after the faulty reply
    assert reask[2]["role"] == "assistant" and "Sergei Lavrov" in reask[2]["content"]
    assert "speaker" in reask[3]["content"] and "Vladimir Putin" in reask[3]["content"]


def test_invented_date_once_is_reasked_and_dropped(harness, article):
    h = harness(FakeModel(faults={"EventReply": [{**EVENT, "date": "2024-06-19"}]}))

    briefing = h.summarize(article)

    assert briefing.event.date is None
    assert briefing.warnings == []
    assert briefing.provenance.usage.reasks == 1
    assert h.server.calls == CALLS + 1
    assert "does not state the date 2024-06-19" in h.server.chat_requests[-1].body["messages"][-1]["content"]


def test_non_json_reply_is_reasked(harness, article):
    h = harness(FakeModel(faults={"DeniersReply": ["The deniers are Mosca and Pyongyang."]}))

    briefing = h.summarize(article)

    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert len(briefing.denials) == 2
    assert briefing.provenance.usage.reasks == 1
    assert h.server.calls == CALLS + 1


def test_duplicate_participant_is_reasked(harness, article):
    putin = {"name": "Vladimir Putin", "role": None, "aliases": []}
    h = harness(FakeModel(faults={"PeopleReply": [{"people": [putin, {**putin, "name": "vladimir  putin"}]}]}))

    briefing = h.summarize(article)

    assert [(p.name, p.kind) for p in briefing.participants] == EXPECTED_PARTICIPANTS
    assert briefing.warnings == []
    assert h.server.calls == CALLS + 1
    assert "listed twice" in h.server.chat_requests[2].body["messages"][-1]["content"]


def test_denier_known_as_an_alias_needs_no_resolution(harness, article):
    countries = [
        {"name": "Russia", "role": None, "aliases": ["Russia", "Mosca"]},
        {"name": "North Korea", "role": None, "aliases": ["Pyongyang"]},
        {"name": "United States", "role": None, "aliases": ["Usa"]},
    ]
    h = harness(FakeModel(always={"CountriesReply": {"countries": countries}}))

    briefing = h.summarize(article)

    assert [(d.speaker, d.accuser) for d in briefing.denials] == [
        ("Russia", "United States"),
        ("North Korea", "United States"),
    ]
    assert h.model.asked["Resolution"] == 0
    assert h.server.calls == CALLS - 3
    assert briefing.warnings == []


def test_denier_not_in_the_sentence_is_reasked(harness, article):
    h = harness(FakeModel(faults={"DeniersReply": [{"denied_by": ["Russia", "North Korea"]}]}))

    briefing = h.summarize(article)

    assert [d.speaker for d in briefing.denials] == ["Russia", "North Korea"]
    assert briefing.warnings == []
    assert h.server.calls == CALLS + 1


# --- invalid items that stay invalid: dropped and reported ----------------------------------


def test_hallucinated_alias_is_not_kept(harness, article):
    people = [
        {"name": "Vladimir Putin", "role": None, "aliases": ["Putin", "Vova", "Vladimir Vladimirovich"]},
        {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Kim"]},
    ]
    countries = [
        {"name": "Russia", "role": None, "aliases": ["Russia", "Vladimir Putin"]},  # another participant's name
        {"name": "North Korea", "role": None, "aliases": ["Corea del Nord"]},
        {"name": "United States", "role": None, "aliases": ["Stati Uniti"]},
    ]
    h = harness(FakeModel(always={"PeopleReply": {"people": people}, "CountriesReply": {"countries": countries}}))

    briefing = h.summarize(article)

    aliases = {p.name: p.aliases for p in briefing.participants}
    assert aliases["Vladimir Putin"] == ["Putin"]  # invented forms are not in the article: dropped
    assert aliases["Russia"] == ["Russia"]  # a participant's name is not a country's alias
    assert h.server.calls == CALLS  # alias noise is dropped without a re-ask
    assert_grounded(briefing, article)


def test_invalid_participant_is_dropped_and_reported(harness, article):
    people = [
        {"name": "Vladimir Putin", "role": "President of Russia", "aliases": ["Putin"]},
        {"name": "unknown", "role": "someone", "aliases": []},
        {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Kim"]},
    ]
    h = harness(FakeModel(always={"PeopleReply": {"people": people}}))

    briefing = h.summarize(article)

    assert [p.name for p in briefing.participants] == [n for n, _ in EXPECTED_PARTICIPANTS]
    [warning] = briefing.warnings
    assert warning.section == "participants"
    assert "is not a participant name" in warning.message
    assert warning.item == {"name": "unknown", "role": "someone", "aliases": []}
    assert h.model.asked["PeopleReply"] == 3  # asked, then re-asked twice
    assert h.server.calls == CALLS + 2
    assert briefing.provenance.usage.reasks == 2
    assert_grounded(briefing, article)


def test_unattributable_quote_is_dropped_and_reported(harness, article):
    bad = {"speaker": "Sergei Lavrov", "statement": "He says something."}
    h = harness(FakeModel(faults={"Attribution": [bad, bad, bad]}))  # the first quote, every try

    briefing = h.summarize(article)

    assert [c.speaker for c in briefing.claims] == [s for s, _ in EXPECTED_CLAIMS[1:]]
    [warning] = briefing.warnings
    assert warning.section == "claims"
    assert warning.message.startswith("no valid attribution for a quote")
    assert warning.item["quote"].startswith("Le relazioni tra i nostri paesi")
    assert h.server.calls == briefing.provenance.usage.llm_calls == CALLS + 2
    assert_grounded(briefing, article)


def test_invented_date_always_is_set_to_null_and_reported(harness, article):
    h = harness(FakeModel(always={"EventReply": {**EVENT, "date": "2024-06-19"}}))

    briefing = h.summarize(article)

    assert briefing.event.date is None
    assert briefing.event.title == EVENT["title"]
    [warning] = briefing.warnings
    assert warning.section == "event"
    assert "2024-06-19" in warning.message and "set to null" in warning.message
    assert h.model.asked["EventReply"] == 3
    assert_grounded(briefing, article)


def test_accuser_not_in_the_text_is_set_to_null_and_reported(harness, article):
    h = harness(FakeModel(always={"AccusationReply": {"accuser": "Washington", "accusation": ACCUSATION}}))

    briefing = h.summarize(article)

    assert [(d.speaker, d.accuser, d.denied) for d in briefing.denials] == [
        ("Russia", None, ACCUSATION),
        ("North Korea", None, ACCUSATION),
    ]
    [warning] = briefing.warnings
    assert warning.section == "denials"
    assert "'Washington'" in warning.message and "set to null" in warning.message
    assert h.server.calls == CALLS + 2 - 1  # accusation re-asked twice; no resolution of an accuser
    assert_grounded(briefing, article)


def test_unresolvable_denier_is_dropped_and_reported(harness, article):
    # The second resolution is the one for "Mosca" (the accuser "Usa" is resolved first).
    h = harness(FakeModel(faults={"Resolution": [{"participant": "United States"}, {"participant": "none"}]}))

    briefing = h.summarize(article)

    assert [(d.speaker, d.accuser) for d in briefing.denials] == [("North Korea", "United States")]
    [warning] = briefing.warnings
    assert warning.section == "denials"
    assert "'Mosca' is not one of the participants" in warning.message
    assert warning.item["speaker"] == "Mosca"
    assert_grounded(briefing, article)


def test_no_denial_sentence_means_no_denials(harness, article):
    h = harness(FakeModel(faults={"SentencesChoice": [{"sentences": []}, {"sentences": []}]}))

    briefing = h.summarize(article)

    assert briefing.denials == []
    assert [c.quote is not None for c in briefing.claims] == [True] * 4
    assert briefing.warnings == []
    assert h.server.calls == CALLS - 1 - 5  # no reported attribution; no deniers, accusation, 3 resolutions


# --- failures that end the run: a one-line SummarizerError, never a crash -------------------


def test_event_never_valid_is_an_extraction_error(harness, article):
    h = harness(FakeModel(always={"EventReply": {"title": "", "summary": [], "date": None, "location": None}}))

    with pytest.raises(ExtractionError) as caught:
        h.summarize(article)

    assert "no valid event description" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert h.model.asked["EventReply"] == 3


def test_no_participants_is_an_extraction_error(harness, article):
    empty = {"countries": [], "people": [], "organizations": [], "groups": []}
    h = harness(FakeModel(always={f"{k.capitalize()}Reply": {k: []} for k in empty}))

    with pytest.raises(ExtractionError, match="no participants"):
        h.summarize(article)

    assert h.server.calls == 4


def test_transient_fault_mid_pipeline_is_retried(harness, article):
    h = harness(FakeModel(faults={"AccusationReply": [status(503)]}))

    briefing = h.summarize(article)

    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert h.server.calls == CALLS + 1
    assert briefing.provenance.usage.llm_calls == CALLS  # completions received, not HTTP requests
    assert len(h.sleeps) == 1 and 0 <= h.sleeps[0] <= RetryPolicy().initial_wait


def test_backend_failure_mid_pipeline_is_a_summarizer_error(harness, article):
    h = harness(FakeModel(always={"DeniersReply": status(503)}))

    with pytest.raises(SummarizerError) as caught:
        h.summarize(article)

    assert caught.value.exit_code == 3
    assert "HTTP 503" in str(caught.value) and h.server.base_url in str(caught.value)
    assert h.model.asked["DeniersReply"] == RetryPolicy().attempts
