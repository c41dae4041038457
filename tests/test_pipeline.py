"""The pipeline's logic, question by question, against the in-process scripted model.

``summarizer.testing.ScriptedModel`` answers at the ask seam by question name (the script for the
seed is ``seed_script.py``), so these tests hold whatever the prompts say. Replies are validated
by the real reply models; re-asks, salvage, resolution and assembly run for real. The briefings
here say nothing about any real model's quality.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from seed_script import ACCUSATION, DENIAL_SENTENCE, EVENT, SCRIPT, SEED

from summarizer.errors import ExtractionError
from summarizer.ingest import Article, article_from_text, load_article
from summarizer.pipeline import summarize_with
from summarizer.schema import UNNAMED_SOURCE, Briefing, briefing_json_schema
from summarizer.sentences import split_sentences
from summarizer.testing import CUT_OFF, ScriptedModel

# 4 participant kinds + deniers + accusation + 3 resolutions (Usa, Mosca, Pyongyang) of the one
# sentence with a denial cue + 4 quotes + reported-sentence choice + 1 reported attribution + event
CALLS = 4 + 1 + 1 + 3 + 4 + 1 + 1 + 1
ORDER = [
    "participants", "participants", "participants", "participants",
    "deniers", "accusation", "resolve", "resolve", "resolve",
    "attribution", "attribution", "attribution", "attribution",
    "reported", "attribution",
    "event",
]  # fmt: skip
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


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article(SEED)


def scripted(**overrides) -> ScriptedModel:
    """The seed's script, with ``always`` answers replacing some questions' and ``faults`` first."""
    faults = overrides.pop("faults", None)
    return ScriptedModel({**SCRIPT, **overrides}, faults=faults)


def claims_of(briefing: Briefing) -> list[tuple[str, str | None]]:
    def start(quote: str | None, like: str | None) -> str | None:
        return quote[: len(like)] if quote is not None and like is not None else quote

    likes = [like for _, like in EXPECTED_CLAIMS] + [None] * len(briefing.claims)  # extra claims show in full
    return [(c.speaker, start(c.quote, like)) for c, like in zip(briefing.claims, likes, strict=False)]


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


def test_seed_article_end_to_end(article):
    model = scripted()

    briefing = summarize_with(model, article)

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
    assert (briefing.provenance.usage.llm_calls, briefing.provenance.usage.reasks) == (CALLS, 0)
    assert briefing.provenance.model == "scripted"
    assert briefing.provenance.briefing_language == "en"
    assert briefing.provenance.chunks == 1


def test_questions_are_asked_in_pipeline_order(article):
    model = scripted()

    summarize_with(model, article)

    assert [q.name for q in model.questions] == ORDER
    # Later participant questions are told what is already listed.
    everyone = [n for n, _ in EXPECTED_PARTICIPANTS]
    assert [q.variables["listed"] for q in model.questions[:4]] == [[], everyone[:3], everyone, everyone]
    # The first quote's tag names its speaker ("…", ha detto Kim Jong-un): no choice is offered.
    # The others' speakers are the participants the article names near the quote, nearest first.
    offered = [q.reply.model_json_schema()["properties"]["speaker"]["enum"] for q in model.questions if q.name == "attribution"]
    assert offered[0] == ["Kim Jong-un"]
    for speakers in offered[1:]:
        assert set(speakers) <= {*(n for n, _ in EXPECTED_PARTICIPANTS), UNNAMED_SOURCE} and speakers[-1] == UNNAMED_SOURCE
    assert "Vladimir Putin" in offered[2] and "United States" not in offered[2]  # Putin thanks Kim; the US is far
    # Each quote is asked about in its own passage, marked; the whole article is one part.
    assert all("[[" in q.passage for q in model.questions if q.name == "attribution")
    assert {(q.part.start, q.part.end) for q in model.questions} == {(0, len(article.text))}


def test_briefing_language_is_checked_in_every_reply(article):
    """The script answers in English: asked for Italian, its prose is kept and flagged, not re-asked."""
    model = scripted()

    briefing = summarize_with(model, article, language="it")

    free_text = {"attribution", "accusation", "event"}  # checked for the language after the reply
    assert {q.context.language for q in model.questions if q.name not in free_text} == {"it"}
    assert {q.context.language for q in model.questions if q.name in free_text} == {None}
    assert model.asked("event") == 1 and model.reasks == 0
    assert (briefing.event.title, briefing.event.date) == (EVENT["title"], EVENT["date"])
    [flag] = [w for w in briefing.warnings if w.section == "event"]
    assert "not in the briefing language" in flag.message and "kept as the model wrote it" in flag.message
    assert [p.name for p in briefing.participants] == [n for n, _ in EXPECTED_PARTICIPANTS]
    assert claims_of(briefing) == EXPECTED_CLAIMS  # kept as written, each flagged
    flags = [w for w in briefing.warnings if w.section == "claims"]
    assert len(flags) == len(EXPECTED_CLAIMS) and all("kept as the model wrote it" in w.message for w in flags)
    assert [w.item["statement"] for w in flags] == [c.statement for c in briefing.claims]
    assert_grounded(briefing, article)


# --- invalid replies: re-asked and fixed -----------------------------------------------------


def test_speaker_not_in_enum_is_reasked_and_fixed(article):
    model = scripted(faults={"attribution": [{"speaker": "Sergei Lavrov", "statement": "He travels along."}]})

    briefing = summarize_with(model, article)

    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert [c.speaker for c in briefing.claims] == [s for s, _ in EXPECTED_CLAIMS]
    assert (briefing.provenance.usage.llm_calls, briefing.provenance.usage.reasks) == (CALLS + 1, 1)


def test_invented_date_is_dropped_without_a_reask(article):
    """The program knows the article states no such date: null, flagged, and no question asked again."""
    model = scripted(faults={"event": [{**EVENT, "date": "2024-06-19"}]})

    briefing = summarize_with(model, article)

    assert (briefing.event.date, briefing.event.title) == (None, EVENT["title"])
    [warning] = briefing.warnings
    assert warning.section == "event" and "date '2024-06-19' is not stated" in warning.message
    assert briefing.provenance.usage.reasks == 0


def test_a_date_that_is_no_calendar_date_is_reasked(article):
    model = scripted(faults={"event": [{**EVENT, "date": "2024-02-30"}]})

    briefing = summarize_with(model, article)

    assert briefing.event.date is None and briefing.warnings == []
    assert briefing.provenance.usage.reasks == 1


def test_non_json_reply_is_reasked(article):
    model = scripted(faults={"deniers": ["The deniers are Mosca and Pyongyang."]})

    briefing = summarize_with(model, article)

    assert_grounded(briefing, article)
    assert briefing.warnings == []
    assert len(briefing.denials) == 2
    assert briefing.provenance.usage.reasks == 1


def test_duplicate_participant_is_dropped_without_a_reask(article):
    putin = {"name": "Vladimir Putin", "role": None, "aliases": []}
    twice = {"people": [putin, {**putin, "name": "vladimir  putin"}]}
    model = scripted(faults={"participants": [SCRIPT["participants"], twice]})

    briefing = summarize_with(model, article)

    people = [(p.name, p.kind) for p in briefing.participants if p.kind == "person"]
    # The people list as given, listed once; Kim Jong-un, left out of it, is quoted by name.
    assert people == [("Vladimir Putin", "person"), ("Kim Jong-un", "person")]
    assert briefing.provenance.usage.reasks == 0


def test_denier_known_as_an_alias_needs_no_resolution(article):
    countries = [
        {"name": "Russia", "role": None, "aliases": ["Russia", "Mosca"]},
        {"name": "North Korea", "role": None, "aliases": ["Pyongyang"]},
        {"name": "United States", "role": None, "aliases": ["Usa"]},
    ]
    listing = SCRIPT["participants"]
    model = scripted(participants=lambda q: {"countries": countries} if q.variables["kind"] == "countries" else listing(q))

    briefing = summarize_with(model, article)

    assert [(d.speaker, d.accuser) for d in briefing.denials] == [
        ("Russia", "United States"),
        ("North Korea", "United States"),
    ]
    assert model.asked("resolve") == 0
    assert briefing.provenance.usage.llm_calls == CALLS - 3
    assert briefing.warnings == []


def test_denier_not_in_the_sentence_is_reasked(article):
    model = scripted(faults={"deniers": [{"denied_by": ["Russia", "North Korea"]}]})

    briefing = summarize_with(model, article)

    assert [d.speaker for d in briefing.denials] == ["Russia", "North Korea"]
    assert briefing.warnings == []
    assert briefing.provenance.usage.llm_calls == CALLS + 1


# --- invalid items that stay invalid: dropped and reported ----------------------------------


def _people(people):
    listing = SCRIPT["participants"]
    return lambda q: {"people": people} if q.variables["kind"] == "people" else listing(q)


def test_hallucinated_alias_is_not_kept(article):
    people = [
        {"name": "Vladimir Putin", "role": None, "aliases": ["Putin", "Vova", "Vladimir Vladimirovich"]},
        {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Kim"]},
    ]
    countries = [
        {"name": "Russia", "role": None, "aliases": ["Russia", "Vladimir Putin"]},  # another participant's name
        {"name": "North Korea", "role": None, "aliases": ["Corea del Nord"]},
        {"name": "United States", "role": None, "aliases": ["Stati Uniti"]},
    ]
    with_people = _people(people)
    model = scripted(participants=lambda q: {"countries": countries} if q.variables["kind"] == "countries" else with_people(q))

    briefing = summarize_with(model, article)

    aliases = {p.name: p.aliases for p in briefing.participants}
    assert aliases["Vladimir Putin"] == ["Putin"]  # invented forms are not in the article: dropped
    assert aliases["Russia"] == ["Russia"]  # a participant's name is not a country's alias
    assert briefing.provenance.usage.llm_calls == CALLS  # alias noise is dropped without a re-ask
    assert_grounded(briefing, article)


def test_invalid_participant_is_dropped_and_reported(article):
    people = [
        {"name": "Vladimir Putin", "role": "President of Russia", "aliases": ["Putin"]},
        {"name": "unknown", "role": "someone", "aliases": []},
        {"name": "Kim Jong-un", "role": "Leader of North Korea", "aliases": ["Kim"]},
    ]
    model = scripted(participants=_people(people))

    briefing = summarize_with(model, article)

    assert [p.name for p in briefing.participants] == [n for n, _ in EXPECTED_PARTICIPANTS]
    [warning] = briefing.warnings
    assert warning.section == "participants"
    assert "is not a participant name" in warning.message
    assert warning.item == {"name": "unknown", "role": "someone", "aliases": []}
    assert (briefing.provenance.usage.llm_calls, briefing.provenance.usage.reasks) == (CALLS + 2, 2)  # asked, re-asked twice
    assert_grounded(briefing, article)


def test_unattributable_quote_is_dropped_and_reported(article):
    bad = {"speaker": "Sergei Lavrov", "statement": "He says something."}
    model = scripted(faults={"attribution": [bad, bad, bad]})  # the first quote, every try

    briefing = summarize_with(model, article)

    assert [c.speaker for c in briefing.claims] == [s for s, _ in EXPECTED_CLAIMS[1:]]
    [warning] = briefing.warnings
    assert warning.section == "claims"
    assert warning.message.startswith("no valid attribution for a quote")
    assert warning.item["quote"].startswith("Le relazioni tra i nostri paesi")
    assert briefing.provenance.usage.llm_calls == CALLS + 2
    assert_grounded(briefing, article)


def test_cut_off_quote_is_dropped_without_a_reask(article):
    model = scripted(faults={"attribution": [CUT_OFF]})

    briefing = summarize_with(model, article)

    assert [c.speaker for c in briefing.claims] == [s for s, _ in EXPECTED_CLAIMS[1:]]
    [warning] = briefing.warnings
    assert "cut off" in warning.message
    assert briefing.provenance.usage.reasks == 0


def test_invented_date_always_is_set_to_null_and_reported(article):
    model = scripted(event={**EVENT, "date": "2024-06-19"})

    briefing = summarize_with(model, article)

    assert briefing.event.date is None
    assert briefing.event.title == EVENT["title"]
    [warning] = briefing.warnings
    assert warning.section == "event"
    assert "2024-06-19" in warning.message and "set to null" in warning.message
    assert briefing.provenance.usage.reasks == 0
    assert_grounded(briefing, article)


def test_accuser_not_in_the_text_is_set_to_null_and_reported(article):
    model = scripted(accusation={"accuser": "Washington", "accusation": ACCUSATION})

    briefing = summarize_with(model, article)

    assert [(d.speaker, d.accuser, d.denied) for d in briefing.denials] == [
        ("Russia", None, ACCUSATION),
        ("North Korea", None, ACCUSATION),
    ]
    [warning] = briefing.warnings
    assert warning.section == "denials"
    assert "'Washington'" in warning.message and "set to null" in warning.message
    assert model.asked("resolve") == 2  # no accuser to resolve
    assert_grounded(briefing, article)


def test_unresolvable_denier_is_dropped_and_reported(article):
    mentions = []
    resolve = SCRIPT["resolve"]

    def resolve_but_mosca(q):
        mentions.append(q.variables["mention"])
        return {"participant": "none"} if q.variables["mention"] == "Mosca" else resolve(q)

    briefing = summarize_with(scripted(resolve=resolve_but_mosca), article)

    assert mentions == ["Usa", "Mosca", "Pyongyang"]  # the accuser first
    assert [(d.speaker, d.accuser) for d in briefing.denials] == [("North Korea", "United States")]
    [warning] = briefing.warnings
    assert warning.section == "denials"
    assert "'Mosca' is not one of the participants" in warning.message
    assert warning.item["speaker"] == "Mosca"
    assert_grounded(briefing, article)


def test_no_sentence_with_a_denial_cue_means_no_denial_question(article):
    without = article_from_text(article.text.replace(DENIAL_SENTENCE, ""))
    model = scripted(reported={"sentences": []})

    briefing = summarize_with(model, without)

    assert briefing.denials == []
    assert [c.quote is not None for c in briefing.claims] == [True] * 4
    assert briefing.warnings == []
    assert not {"deniers", "accusation", "resolve"} & {q.name for q in model.questions}
    assert briefing.provenance.usage.llm_calls == CALLS - 1 - 5  # no reported attribution; no deniers, accusation, 3 resolutions


# --- failures that end the run: a one-line SummarizerError, never a crash -------------------


def lead_of(article: Article, n: int) -> list[str]:
    return [" ".join(article.text[a:b].split()) for a, b in split_sentences(article.text)[:n]]


def test_event_never_valid_is_the_articles_lead_and_reported(article):
    """Nothing already found is lost to the event: claims, denials and participants stay."""
    model = scripted(event={"title": "", "summary": [], "date": None, "location": None})

    briefing = summarize_with(model, article)

    first, second = lead_of(article, 2)
    assert briefing.event.title == first[:159] + "…" if len(first) > 160 else first
    assert briefing.event.summary == f"{first} {second}"
    assert (briefing.event.date, briefing.event.location) == (None, None)
    [warning] = briefing.warnings
    assert warning.section == "event" and "\n" not in warning.message
    assert warning.message.startswith("no valid event description after 2 re-asks; title and summary are the article's opening")
    assert "summary" in warning.message.split(":", 1)[1]  # why, after the colon
    assert model.asked("event") == 1 and model.replies == CALLS + 2
    assert claims_of(briefing) == EXPECTED_CLAIMS and len(briefing.denials) == 2
    assert_grounded(briefing, article)


def test_event_cut_off_is_the_articles_lead_without_a_reask(article):
    model = scripted(event=CUT_OFF)

    briefing = summarize_with(model, article)

    assert briefing.event.summary == " ".join(lead_of(article, 2))
    [warning] = briefing.warnings
    assert warning.section == "event" and "opening sentences" in warning.message and "re-asks" not in warning.message
    assert model.replies == CALLS and briefing.provenance.usage.reasks == 0
    assert claims_of(briefing) == EXPECTED_CLAIMS


def test_event_only_undated_and_in_another_language_keeps_the_models_words(article):
    """Both repairs at once: the invented date goes, the English text is kept and flagged."""
    model = scripted(event={**EVENT, "date": "2024-06-19"})

    briefing = summarize_with(model, article, language="it")

    assert (briefing.event.title, briefing.event.date) == (EVENT["title"], None)
    undated, flag = [w for w in briefing.warnings if w.section == "event"]
    assert "date '2024-06-19' is not stated" in undated.message
    assert "kept as the model wrote it" in flag.message and flag.item["title"] == EVENT["title"]


def test_no_participants_is_an_extraction_error(article):
    model = scripted(participants=lambda q: {q.variables["kind"]: []})

    with pytest.raises(ExtractionError, match="no participants"):
        summarize_with(model, article)

    assert model.replies == 4


def test_a_question_without_a_script_is_a_clear_error(article):
    model = ScriptedModel({k: v for k, v in SCRIPT.items() if k != "event"})

    with pytest.raises(KeyError, match="no reply for the question 'event'"):
        summarize_with(model, article)
