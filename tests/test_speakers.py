"""Speakers near a statement: the participants the program offers for a quote or a reported sentence."""

from __future__ import annotations

from summarizer.ingest import article_from_text
from summarizer.pipeline.speakers import speakers_near
from summarizer.pipeline.story import Story
from summarizer.schema import Participant

LOPEZ = Participant(name="Maria Lopez", kind="person", role="mayor", aliases=["Lopez"])
SMITH = Participant(name="John Smith", kind="person", role=None, aliases=["Smith"])
COUNCIL = Participant(name="City Council", kind="organization", role=None, aliases=["the council"])
EVERYONE = [SMITH, LOPEZ, COUNCIL]


def near(text: str, quote: str, participants: list[Participant] = EVERYONE, quoted: bool = True) -> list[str]:
    story = Story.of(article_from_text(text), "en")
    start = text.index(quote)
    return speakers_near(story, (start, start + len(quote)), participants, quoted=quoted)


def test_the_names_around_a_quote_nearest_first() -> None:
    text = (
        "The council met on Monday. \u201cWe will not close the plant,\u201d said Maria Lopez, the mayor. "
        "Smith disagreed with her."
    )
    assert near(text, "We will not close the plant,") == ["Maria Lopez", "City Council", "John Smith"]


def test_a_name_inside_the_quote_is_not_its_speaker() -> None:
    text = "Lopez answered: \u201cSmith misled the council.\u201d"
    assert near(text, "Smith misled the council.") == ["Maria Lopez"]


def test_names_further_away_are_not_offered() -> None:
    text = "Smith spoke first. The weather was bad. Lopez arrived late. \u201cWe stay,\u201d she said. Nobody left."
    assert near(text, "We stay,") == ["Maria Lopez"]


def test_every_participant_when_none_is_named_nearby() -> None:
    text = "Smith spoke first. The weather was bad. Rain fell all day. \u201cWe stay,\u201d she said. Nobody left."
    assert near(text, "We stay,") == ["John Smith", "Maria Lopez", "City Council"]


def test_a_reported_sentence_names_its_own_speaker() -> None:
    text = "The plant opened in 1990. Lopez said the plant would stay open. It employs 300 people."
    assert near(text, "Lopez said the plant would stay open.", quoted=False) == ["Maria Lopez"]


def test_inflected_names_and_names_in_scripts_without_spaces() -> None:
    putin = Participant(name="Vladimir Putin", kind="person", role=None, aliases=["Путин"])
    assert near("По словам Путина, «переговоры продолжатся».", "переговоры продолжатся", [putin]) == ["Vladimir Putin"]
    xi = Participant(name="Xi Jinping", kind="person", role=None, aliases=["习近平"])
    liu = Participant(name="Liu He", kind="person", role=None, aliases=["刘鹤"])
    text = "刘鹤出席了会议。习近平表示：\u201c合作将继续。\u201d"
    assert near(text, "合作将继续。", [liu, xi]) == ["Xi Jinping", "Liu He"]


def test_a_short_name_is_not_found_inside_a_longer_word() -> None:
    kim = Participant(name="Kim Jong-un", kind="person", role=None, aliases=["Kim"])
    text = "Kimberly Jones wrote the report. \u201cIt is late,\u201d she said."
    assert near(text, "It is late,", [kim, LOPEZ]) == ["Kim Jong-un", "Maria Lopez"]  # nobody named: everyone


def test_a_person_named_by_surname_alone_is_found() -> None:
    """After the first mention news writes the surname alone; the model does not always list it."""
    bone = Participant(name="Ken Bone", kind="person", role="voter", aliases=[])
    cooper = Participant(name="Anderson Cooper", kind="person", role="moderator", aliases=[])
    text = "Ken Bone asked a question. Later, Bone lamented the \u201cbickering and name calling\u201d at the debate."
    assert near(text, "bickering and name calling", [cooper, bone]) == ["Ken Bone"]


def test_a_surname_two_participants_share_is_no_mention_of_either() -> None:
    tom = Participant(name="Tom Marsh", kind="person", role=None, aliases=[])
    lydia = Participant(name="Lydia Marsh", kind="person", role=None, aliases=[])
    text = "The family spoke. Later, Marsh said: \u201cWe were never told anything.\u201d Nobody answered."
    assert near(text, "We were never told anything.", [tom, lydia]) == ["Tom Marsh", "Lydia Marsh"]  # everyone
