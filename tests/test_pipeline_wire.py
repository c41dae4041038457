"""The whole pipeline over real HTTP against the wire fake (``fakemodel.py``): what goes on the wire.

Prompts, the openai SDK, each structured-output mode, Instructor's re-asks and transient retries
run for real; the pipeline's logic is tested in ``test_pipeline.py`` with the scripted model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fakemodel import COMPLETION_TOKENS, PROMPT_TOKENS, SEED, FakeModel
from fakeserver import FakeServer, respond, status
from test_pipeline import EXPECTED_PARTICIPANTS, assert_grounded

from summarizer.errors import SummarizerError
from summarizer.ingest import Article, load_article
from summarizer.llm import LLM, RetryPolicy
from summarizer.pipeline import Options, Summarizer
from summarizer.providers import Settings, open_provider
from summarizer.schema import UNNAMED_SOURCE, Briefing

# 4 participant kinds + deniers + accusation of the one sentence with a denial cue + 4 quotes +
# reported-sentence choice + 1 reported attribution + event (the wire fake's aliases need no resolution)
CALLS = 4 + 1 + 1 + 4 + 1 + 1 + 1


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article(SEED)


class Harness:
    """A fake server answering with a FakeModel, and the provider the pipeline uses."""

    def __init__(self, model: FakeModel, mode: str = "json_schema", max_reasks: int = 2) -> None:
        self.model = model
        self.server = FakeServer(default=respond(model)).start()
        self.provider = open_provider(Settings(base_url=self.server.base_url, model="fake", mode=mode))
        self.options = Options(max_reasks=max_reasks)
        self.sleeps: list[float] = []

    def summarize(self, article: Article, **kwargs) -> Briefing:
        summarizer = Summarizer(self.provider, options=self.options)
        # An LLM like Summarizer.new_llm() builds, but with a recorded sleep so retries do not wait.
        llm = LLM(
            self.provider.client,
            model=self.provider.model,
            mode=self.provider.mode,
            max_reasks=self.options.max_reasks,
            retry=RetryPolicy(),
            sleep=self.sleeps.append,
        )
        return summarizer.summarize(article, llm=llm, **kwargs)

    def close(self) -> None:
        self.provider.close()
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


@pytest.mark.parametrize("mode", ["json_schema", "llguidance", "tools"])
def test_seed_article_end_to_end(harness, article, mode):
    h = harness(FakeModel(), mode=mode)

    briefing = Summarizer(h.provider).summarize(article)  # the default LLM: no retries expected here

    assert h.model.errors == []
    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert [(p.name, p.kind) for p in briefing.participants] == EXPECTED_PARTICIPANTS
    assert len(briefing.claims) == 5 and len(briefing.denials) == 2
    usage = briefing.provenance.usage
    assert usage.llm_calls == h.server.calls == CALLS
    assert usage.reasks == 0
    assert (usage.prompt_tokens, usage.completion_tokens) == (PROMPT_TOKENS * CALLS, COMPLETION_TOKENS * CALLS)
    assert briefing.provenance.model == "fake"
    assert briefing.provenance.backend == "openai-compatible"
    for request in h.server.chat_requests:
        assert request.body["model"] == "fake"
        assert ("grammar" in request.body) == (mode == "llguidance")
        assert ("tools" in request.body) == (mode == "tools")


def test_requests_carry_the_prompts_and_the_constraints(harness, article):
    h = harness(FakeModel())

    h.summarize(article)

    titles = [r.body["response_format"]["json_schema"]["name"] for r in h.server.chat_requests]
    assert titles == [
        "CountriesReply", "PeopleReply", "OrganizationsReply", "GroupsReply",
        "DeniersReply", "AccusationReply",
        "Attribution", "Attribution", "Attribution", "Attribution",
        "SentencesChoice", "Attribution",
        "EventReply",
    ]  # fmt: skip
    people_task = h.server.chat_requests[1].body["messages"][1]["content"]
    assert "Already listed, do not repeat: Russia, North Korea, United States." in people_task
    def speakers(request: int) -> list[str]:
        return h.server.chat_requests[request].body["response_format"]["json_schema"]["schema"]["properties"]["speaker"]["enum"]

    assert speakers(6) == ["Kim Jong-un"]  # "…", ha detto Kim Jong-un: the tag names the speaker
    assert set(speakers(7)) <= {*(n for n, _ in EXPECTED_PARTICIPANTS), UNNAMED_SOURCE} and speakers(7)[-1] == UNNAMED_SOURCE
    for request in h.server.chat_requests:
        system, user = request.body["messages"][:2]
        assert system["role"] == "system" and user["role"] == "user"
        assert article.text in user["content"]  # a one-part article goes whole with every question


def test_progress_is_reported_once_per_question(harness, article):
    h = harness(FakeModel())
    steps: list[str] = []

    h.summarize(article, progress=steps.append)

    assert len(steps) == CALLS == h.server.calls
    assert steps[0] == "participants" and steps[-1] == "event"
    assert "deniers" in steps


def test_briefing_language_reaches_the_system_prompt(harness, article):
    h = harness(FakeModel())

    briefing = h.summarize(article, language="it")  # the fake answers in English: kept, and flagged

    assert any(w.section == "event" and "not in the briefing language" in w.message for w in briefing.warnings)
    system = h.server.chat_requests[0].body["messages"][0]
    assert system["role"] == "system" and "Italian" in system["content"]


def test_usage_is_accounted_to_the_pass_that_asked(harness, article):
    h = harness(FakeModel(faults={"Attribution": [{"speaker": "Sergei Lavrov", "statement": "He travels along."}]}))

    usage = h.summarize(article).provenance.usage

    passes = usage.passes
    assert list(passes) == ["participants", "denials", "claims", "event"]  # the order they ran
    assert {name: (f.llm_calls, f.reasks) for name, f in passes.items()} == {
        "participants": (4, 0), "denials": (2, 0), "claims": (7, 1), "event": (1, 0),
    }  # fmt: skip
    assert sum(f.llm_calls for f in passes.values()) == usage.llm_calls == h.server.calls
    assert sum(f.prompt_tokens for f in passes.values()) == usage.prompt_tokens
    assert sum(f.completion_tokens for f in passes.values()) == usage.completion_tokens
    assert all(f.seconds > 0 for f in passes.values()) and usage.seconds >= sum(f.seconds for f in passes.values()) - 0.05
    assert usage.per_pass().startswith("participants 4 calls ") and "claims 7 calls (1 re-ask)" in usage.per_pass()


def test_a_reask_sends_back_the_reply_and_the_error(harness, article):
    h = harness(FakeModel(faults={"Attribution": [{"speaker": "Sergei Lavrov", "statement": "He travels along."}]}))

    briefing = h.summarize(article)

    assert briefing.provenance.usage.reasks == 1 and h.server.calls == CALLS + 1
    reask = h.server.chat_requests[7].body["messages"]  # the request after the faulty reply
    assert reask[2]["role"] == "assistant" and "Sergei Lavrov" in reask[2]["content"]
    assert "speaker" in reask[3]["content"] and "Kim Jong-un" in reask[3]["content"]


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
