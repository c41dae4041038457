"""Participants tidied into entities of the story: titles merged into their people, places dropped."""

from __future__ import annotations

from summarizer.pipeline.entities import tidy
from summarizer.schema import Claim, Denial, Participant


def person(name: str, role: str | None = None, *aliases: str) -> Participant:
    return Participant(name=name, kind="person", role=role, aliases=list(aliases))


def org(name: str, role: str | None = None, *aliases: str) -> Participant:
    return Participant(name=name, kind="organization", role=role, aliases=list(aliases))


def claim(speaker: str) -> Claim:
    return Claim(speaker=speaker, statement="Something was said.", quote=None, quote_span=None)


def names(participants: list[Participant]) -> list[str]:
    return [p.name for p in participants]


def test_a_title_written_before_a_name_becomes_that_persons_alias_and_the_claims_follow() -> None:
    text = "Die Landrätin Eva Brandt kündigte an, sie werde prüfen. Landrätin Brandt sagte weiter, es gebe Fristen."
    eva = person("Eva Brandt", None, "Brandt")
    title = org("Landrätin", "official")
    entities = tidy(text, [eva, title], [claim("Landrätin"), claim("Eva Brandt")], [])
    assert names(entities.participants) == ["Eva Brandt"]
    assert "Landrätin" in entities.participants[0].aliases
    assert entities.participants[0].role == "official"  # the title's role fills a missing one
    assert [c.speaker for c in entities.claims] == ["Eva Brandt", "Eva Brandt"]


def test_a_lower_case_title_may_be_followed_by_a_comma_but_a_capitalised_entity_may_not() -> None:
    text = "«Non è accettabile», ha dichiarato il sindaco di Borgo, Anna Riva. Italia, Mario Neri ha risposto."
    anna, mario = person("Anna Riva"), person("Mario Neri")
    entities = tidy(text, [anna, mario, org("Sindaco di Borgo"), org("Italia")], [], [])
    assert names(entities.participants) == ["Anna Riva", "Mario Neri", "Italia"]


def test_a_country_is_never_a_title() -> None:
    text = "North Korea Kim Jong Un met the delegation."
    entities = tidy(text, [Participant(name="North Korea", kind="country", role=None), person("Kim Jong Un")], [], [])
    assert names(entities.participants) == ["North Korea", "Kim Jong Un"]


def test_an_organisation_is_not_merged_through_an_alias_that_names_the_employer() -> None:
    text = "Генеральный директор СТК Ирина Белова отвергла обвинения."
    company = org("Северогорская теплосетевая компания", "company", "СТК")
    entities = tidy(text, [person("Ирина Белова"), company], [], [])
    assert names(entities.participants) == ["Ирина Белова", "Северогорская теплосетевая компания"]


def test_an_entry_whose_name_ends_with_a_listed_persons_full_name_is_that_person() -> None:
    text = "U.S. District Judge Jane Roe ruled on Monday."
    entities = tidy(text, [person("Jane Roe", "judge"), org("District Judge Jane Roe")], [claim("District Judge Jane Roe")], [])
    assert names(entities.participants) == ["Jane Roe"]
    assert entities.claims[0].speaker == "Jane Roe"


def test_a_title_before_two_listed_people_is_left_alone() -> None:
    text = "Minister Ada Lind and minister Bo Kask spoke. Minister Bo Kask left."
    entities = tidy(text, [person("Ada Lind"), person("Bo Kask"), org("Minister")], [], [])
    assert names(entities.participants) == ["Ada Lind", "Bo Kask", "Minister"]


def test_a_courtesy_title_and_a_unique_surname_are_the_same_person() -> None:
    text = "Hélène Marchal a répondu. Mme Marchal a ajouté que le chantier reprendrait."
    entities = tidy(text, [person("Hélène Marchal"), person("Mme Marchal")], [claim("Mme Marchal")], [])
    assert names(entities.participants) == ["Hélène Marchal"]
    assert entities.claims[0].speaker == "Hélène Marchal"


def test_a_courtesy_title_shared_by_two_people_stays() -> None:
    text = "Paul Marchal et Hélène Marchal. Mme Marchal a ajouté."
    listed = [person("Paul Marchal"), person("Hélène Marchal"), person("Mme Marchal")]
    assert names(tidy(text, listed, [], []).participants) == ["Paul Marchal", "Hélène Marchal", "Mme Marchal"]


def test_a_place_listed_as_a_person_is_dropped_unless_it_speaks_or_accuses() -> None:
    text = "In Lima and Cusco the mayor spoke."
    listed = [person("Lima", "city"), person("Cusco", "City in the south"), person("Rosa Quispe", "mayor")]
    entities = tidy(text, listed, [claim("Rosa Quispe")], [])
    assert names(entities.participants) == ["Rosa Quispe"]
    denial = Denial(speaker="Rosa Quispe", denied="That funds were lost.", accuser="Cusco", quote=None, quote_span=None)
    assert names(tidy(text, listed, [], [denial]).participants) == ["Cusco", "Rosa Quispe"]
