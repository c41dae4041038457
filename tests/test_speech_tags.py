"""A quote's tag: the speaker its own words name ("…," Ms. Marsh said), found and used by the program."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer.ingest import article_from_text
from summarizer.pipeline import summarize_with
from summarizer.pipeline.story import Story
from summarizer.pipeline.tagged import tagged_speaker
from summarizer.schema import UNNAMED_SOURCE, Participant
from summarizer.speech_tags import full_name, tag_name
from summarizer.testing import ScriptedModel


def tag(marked: str, language: str = "en") -> str | None:
    """The tag name of the quote written between [[ and ]] in ``marked``."""
    start = marked.index("[[")
    text = marked.replace("[[", "").replace("]]", "")
    span = (start, marked.index("]]") - 2)
    return tag_name(text, span, Story.of(article_from_text(text), "en").sentences, language)


@pytest.mark.parametrize(
    ("language", "marked", "expected"),
    [
        ("en", "Ortega called three times. \u201c[[After the third call I stopped]],\u201d Mr. Ortega said.", "Mr. Ortega"),
        ("en", "\u201c[[We will rebuild the bridge]],\u201d said Jane Doe, the mayor.", "Jane Doe"),
        ("en", "\u201c[[The pumps were checked]],\u201d Dr Helen Price, a hydrologist at Leeds, said.", "Dr Helen Price"),
        ("en", "Grace Liu said: \u201c[[We were told it was user error.]]\u201d", "Grace Liu"),
        ("de", "Sie ist enttäuscht. \u201e[[Wer Fördergeld nimmt, übernimmt Verantwortung]]\u201c, sagte Reinholz.", "Reinholz"),
        ("es", "\u00ab[[Ese dinero tenía nombre y apellidos]]\u00bb, afirmó Orduña, del sindicato.", "Orduña"),
        ("ru", "\u00ab[[Значительная часть денег не дошла до труб]]\u00bb, — добавил Андрей Соколов.", "Андрей Соколов"),
        ("fr", "\u00ab [[Un grand chantier]] \u00bb, a déclaré la maire de Limoges, Hélène Marchal.", "Hélène Marchal"),
        ("zh", "业主很着急。\u201c[[保交楼是底线，我们不会让购房者失望。]]\u201d王建华说。", "王建华"),
    ],
)
def test_the_name_a_tag_gives_the_speaker(language: str, marked: str, expected: str) -> None:
    assert tag(marked, language) == expected


@pytest.mark.parametrize(
    ("language", "marked"),
    [
        ("en", "Ms. Doyle spoke. \u201c[[It said everything was fine]],\u201d she said."),  # a pronoun
        ("en", "The storm came. \u201c[[We lost everything.]]\u201d The town is still cleaning up."),  # no tag
        ("en", "\u201c[[The plan is sound]],\u201d the minister said."),  # a role, no name
        ("es", "\u00ab[[Respetamos a las comunidades]]\u00bb, dijo."),  # no subject written
    ],
)
def test_a_tag_without_a_name_names_nobody(language: str, marked: str) -> None:
    assert tag(marked, language) is None


def test_a_surname_is_the_fullest_name_the_article_writes() -> None:
    text = "Luis Ortega called the company. Later Mr. Ortega gave up."
    assert full_name("Mr. Ortega", text) == "Luis Ortega"
    assert full_name("Dr Helen Price", text) == "Helen Price"
    assert full_name("Corvane", text) is None


MARSH = Participant(name="Lydia Marsh", kind="person", role="spokeswoman", aliases=["Lydia Marsh"])
CORVANE = Participant(name="Corvane Medical", kind="organization", role=None, aliases=["Corvane"])


def test_a_tagged_surname_is_the_participant_of_that_surname() -> None:
    text = "Corvane replied. \u201cThe claim is false,\u201d Ms. Marsh said."
    story = Story.of(article_from_text(text), "en")
    start = text.index("The claim is false")
    span = (start, start + len("The claim is false"))
    assert tagged_speaker(story, span, [CORVANE, MARSH]) == "Lydia Marsh"
    other = Participant(name="Tom Marsh", kind="person", role=None, aliases=[])
    assert tagged_speaker(story, span, [CORVANE, MARSH, other]) is None  # two Marshes: the model decides


def test_a_listed_name_after_a_title_is_that_participant() -> None:
    text = "Die Bahn schweigt. \u201eWer nicht weiß, ob er ankommt, steigt um\u201c, sagte Verbandsvorsitzende Julia Kestner."
    story = Story.of(article_from_text(text), "en")
    start = text.index("Wer nicht")
    span = (start, text.index("\u201c, sagte"))
    kestner = Participant(name="Julia Kestner", kind="person", role=None, aliases=["Kestner"])
    assert tagged_speaker(story, span, [CORVANE, kestner]) == "Julia Kestner"


ARTICLE = (
    "Corvane Medical was sued by the state on Monday over its insulin pump.\n"
    "Luis Ortega, a father in Duluth, called the company three times. "
    "\u201cAfter the third call I stopped believing it was us,\u201d Mr. Ortega said. "
    "\u201cNobody listened to parents.\u201d\n"
    "\u201cThe pump is safe and the claim is wrong,\u201d the company said in a statement.\n"
)


def _attribution(question: Any) -> dict[str, Any]:
    choices = question.reply.model_json_schema()["properties"]["speaker"]["enum"]
    return {"speaker": choices[0], "statement": "He says the company ignored his calls."}


def _one_organization(name: str, newcomer: Any) -> ScriptedModel:
    """A model that lists one organization and no one else, and answers the newcomer question so."""
    return ScriptedModel({
        "participants": lambda q: {q.variables["kind"]: [
            {"name": name, "role": None, "aliases": [name]}
        ] if q.variables["kind"] == "organizations" else []},
        "newcomer": newcomer,
        "attribution": _attribution,
        "reported": {"sentences": []},
        "event": {"title": "A title", "summary": ["A summary."], "date": None, "location": None},
    })  # fmt: skip


def test_quoted_speakers_become_participants_and_their_quotes_need_no_choice() -> None:
    """Ortega is not listed by the participants questions; his tag makes him one, his two quotes
    (the second goes on from the first) are his without a choice, and the untagged quote is asked."""
    model = _one_organization("Corvane Medical", {"kind": "person", "role": "a father in Duluth"})

    briefing = summarize_with(model, article_from_text(ARTICLE))

    ortega = next(p for p in briefing.participants if p.name == "Luis Ortega")
    assert (ortega.kind, ortega.role, ortega.aliases) == ("person", "a father in Duluth", ["Luis Ortega", "Mr. Ortega"])
    newcomer = next(q for q in model.questions if q.name == "newcomer")
    assert newcomer.variables["speaker"] == "Luis Ortega"
    offered = [q.reply.model_json_schema()["properties"]["speaker"]["enum"] for q in model.questions if q.name == "attribution"]
    assert offered[:2] == [["Luis Ortega"], ["Luis Ortega"]]  # tagged; then its continuation
    assert offered[2][-1] == UNNAMED_SOURCE and len(offered[2]) > 1  # "the company said": a choice
    assert [c.speaker for c in briefing.claims][:2] == ["Luis Ortega", "Luis Ortega"]


def test_a_title_before_a_quoted_name_is_chosen_away() -> None:
    text = (
        "Der Verband kritisiert die Bahn. \u201eWer morgens nicht weiß, ob er ankommt, steigt um\u201c, "
        "sagte Verbandsvorsitzende Julia Kestner.\n"
    )
    model = _one_organization(
        "Verband", lambda q: {"name": q.variables["readings"][-1], "kind": "person", "role": "chair"}
    )

    briefing = summarize_with(model, article_from_text(text))

    newcomer = next(q for q in model.questions if q.name == "newcomer")
    assert newcomer.variables["readings"] == ["Verbandsvorsitzende Julia Kestner", "Julia Kestner"]
    kestner = next(p for p in briefing.participants if p.kind == "person")
    assert kestner.name == "Julia Kestner" and "Verbandsvorsitzende Julia Kestner" in kestner.aliases
    assert briefing.claims[0].speaker == "Julia Kestner"
