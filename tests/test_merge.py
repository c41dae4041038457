"""Merging the participants of a long article's parts (``summarizer.pipeline.merge.merge_participants``).

Rules: the first part's list is kept as it is; a later participant whose name or any alias has the
name key of an earlier participant's name or alias is that participant (its name, kind and role
stay; a missing role is filled; aliases are added once per name key, in order); any other later
participant is appended, in order of first mention.
"""

from __future__ import annotations

import pytest

from summarizer.names import name_key
from summarizer.pipeline.merge import merge_participants
from summarizer.schema import Participant


def P(name: str, kind: str = "person", role: str | None = None, aliases: list[str] | None = None) -> Participant:
    return Participant(name=name, kind=kind, role=role, aliases=aliases or [])


PUTIN = P("Vladimir Putin", role="President of Russia", aliases=["Putin"])
KIM = P("Kim Jong-un", role="Leader of North Korea", aliases=["Kim"])
RUSSIA = P("Russia", "country", aliases=["Mosca"])
LAVROV = P("Sergei Lavrov", role="Foreign minister", aliases=["Serghei Lavrov"])


def test_no_parts_and_empty_parts():
    assert merge_participants([]) == []
    assert merge_participants([[]]) == []
    assert merge_participants([[], [], []]) == []
    assert merge_participants([[], [PUTIN], []]) == [PUTIN]


def test_one_part_is_kept_as_it_is():
    assert merge_participants([[PUTIN, KIM, RUSSIA]]) == [PUTIN, KIM, RUSSIA]


def test_the_first_part_is_kept_even_with_entries_that_match_each_other():
    twice = [PUTIN, P("Putin", role=None, aliases=["Vladimir Putin"]), P("vladimir putin", "group")]

    assert merge_participants([twice]) == twice
    assert merge_participants([twice, []]) == twice


def test_the_same_participant_in_every_part_is_listed_once():
    assert merge_participants([[PUTIN, KIM], [KIM, PUTIN], [PUTIN], [KIM]]) == [PUTIN, KIM]


@pytest.mark.parametrize(
    "later",
    [
        P("Vladimir Putin"),  # name = name
        P("Putin"),  # name = earlier alias
        P("V. Putin", aliases=["Vladimir Putin"]),  # alias = earlier name
        P("Russian president", aliases=["Putin"]),  # alias = earlier alias
    ],
    ids=["name-name", "name-alias", "alias-name", "alias-alias"],
)
def test_a_later_participant_matching_by_name_or_alias_is_merged(later):
    merged = merge_participants([[KIM, PUTIN], [later]])

    assert [p.name for p in merged] == ["Kim Jong-un", "Vladimir Putin"]
    assert merged[1].role == "President of Russia"
    assert merged[1].kind == "person"


def test_the_earlier_name_kind_and_role_win():
    later = P("Putin", "group", role="Russian leader", aliases=["Putin"])

    [merged] = merge_participants([[PUTIN], [later]])

    assert (merged.name, merged.kind, merged.role) == ("Vladimir Putin", "person", "President of Russia")


def test_a_missing_role_is_filled_from_the_later_part():
    earlier = P("Vladimir Putin", role=None, aliases=["Putin"])

    [merged] = merge_participants([[earlier], [P("Putin", role="President of Russia")], [P("Putin", role="Host")]])

    assert merged.role == "President of Russia"  # the first role found, not the last
    assert merge_participants([[earlier], [P("Putin")]])[0].role is None


def test_aliases_are_unioned_once_per_name_key_in_order():
    earlier = P("Vladimir Putin", aliases=["Putin", "presidente russo"])
    later = P("Putin", aliases=["PUTIN", "Vladimir Vladimirovich", "Presidente Russo", "Путин", "vladimir vladimirovich"])

    [merged] = merge_participants([[earlier], [later]])

    assert merged.aliases == ["Putin", "presidente russo", "Vladimir Vladimirovich", "Путин"]


def test_aliases_of_the_first_part_are_not_deduplicated():
    """The first part is the model's reply as validated; merging does not rewrite it."""
    earlier = P("Vladimir Putin", aliases=["Putin", "putin"])

    [merged] = merge_participants([[earlier], [P("Putin", aliases=["Vladimir Putin"])]])

    assert merged.aliases == ["Putin", "putin", "Vladimir Putin"]


def test_the_later_name_is_not_added_as_an_alias():
    [merged] = merge_participants([[PUTIN], [P("Vladimir V. Putin", aliases=["Putin"])]])

    assert merged.aliases == ["Putin"]


def test_new_participants_are_appended_in_order_of_first_mention():
    lavrov = P("Sergei Lavrov")
    kcna = P("Korean Central News Agency", "organization", aliases=["Kcna"])
    usa = P("United States", "country", aliases=["Usa"])

    merged = merge_participants([[PUTIN, KIM], [lavrov, PUTIN, kcna], [usa, KIM, P("KCNA", "organization")]])

    assert [p.name for p in merged] == ["Vladimir Putin", "Kim Jong-un", "Sergei Lavrov", "Korean Central News Agency",
                                        "United States"]  # fmt: skip
    assert merged[3].aliases == ["Kcna"]


def test_a_participant_first_seen_in_a_later_part_merges_what_follows():
    lavrov = P("Lavrov", role="Minister", aliases=["Sergei Lavrov"])

    merged = merge_participants([[KIM], [P("Sergei Lavrov", role=None)], [lavrov]])

    assert [(p.name, p.role, p.aliases) for p in merged] == [
        ("Kim Jong-un", "Leader of North Korea", ["Kim"]),
        ("Sergei Lavrov", "Minister", ["Sergei Lavrov"]),
    ]


def test_two_new_entries_of_one_later_part_that_match_are_merged():
    """Only the first part is kept as it is: later parts' entries are merged among themselves too."""
    merged = merge_participants([[KIM], [P("Sergei Lavrov"), P("Lavrov", aliases=["Sergei Lavrov", "Lavrov"])]])

    assert [(p.name, p.aliases) for p in merged] == [("Kim Jong-un", ["Kim"]), ("Sergei Lavrov", ["Sergei Lavrov", "Lavrov"])]


def test_a_participant_matching_two_earlier_ones_joins_the_first():
    merged = merge_participants([[PUTIN, RUSSIA], [P("Putin", aliases=["Mosca"])]])

    assert merged[0].name == "Vladimir Putin" and merged[0].aliases == ["Putin", "Mosca"]
    assert merged[1] == RUSSIA


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("Kim Jong-un", "Kim Jong Un"),
        ("Kim Jong-un", "KIM JONG UN"),
        ("Sergei Lavrov", "Serghei Lavrov"),
        ("Sergei Lavrov", "Sergey Lavrov"),
        ("Mikhail Mishustin", "Mihail Mishustin"),
        ("Alexei Navalny", "Aleksei Navalnyi"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelenskyi"),
        ("Al-Qaeda", "Qaeda"),
        ("The United States", "United States"),
        ("U.S.", "US"),
        ("Путин", "ПУТИН"),
        ("Emmanuel Macron", "Emmanuel Macrón"),
    ],
)
def test_spelling_variants_match_by_name_key(earlier, later):
    assert name_key(earlier) == name_key(later)  # the shared rule (summarizer.names)

    as_name = merge_participants([[P(earlier, role="r")], [P(later)]])
    as_alias = merge_participants([[P("Someone", aliases=[earlier])], [P("Other", aliases=[later])]])

    assert [p.name for p in as_name] == [earlier]
    assert [p.name for p in as_alias] == ["Someone"]
    assert as_alias[0].aliases == [earlier]  # the variant is the same alias: not added twice


@pytest.mark.parametrize(("earlier", "later"), [("Kim Jong-un", "Kim Jong-il"), ("Putin", "Putina"), ("Russia", "Belarus")])
def test_different_names_do_not_match(earlier, later):
    assert [p.name for p in merge_participants([[P(earlier)], [P(later)]])] == [earlier, later]


def test_aliases_without_letters_do_not_make_participants_the_same():
    """Empty name keys never match (summarizer.names.names_match): a dash kept as an alias in two
    entries must not merge two different countries."""
    russia = P("Russia", "country", aliases=["Russia", "—"])
    usa = P("United States", "country", aliases=["Stati Uniti", "—"])

    merged = merge_participants([[russia], [usa]])

    assert [p.name for p in merged] == ["Russia", "United States"]


def test_the_inputs_are_not_changed():
    first = [P("Vladimir Putin", role=None, aliases=["Putin"])]
    second = [P("Putin", role="President", aliases=["Vladimir Vladimirovich"])]
    snapshot = [[p.model_copy(deep=True) for p in part] for part in (first, second)]

    merged = merge_participants([first, second])

    assert [first, second] == snapshot
    assert merged[0].aliases == ["Putin", "Vladimir Vladimirovich"]
    assert first[0].aliases == ["Putin"] and first[0].role is None


# --- people named by surname alone ---------------------------------------------------------------


def _person(name: str, aliases: list[str] | None = None, role: str | None = None) -> Participant:
    return Participant(name=name, kind="person", role=role, aliases=aliases or [])


def test_a_later_surname_alone_joins_the_one_person_with_that_surname() -> None:
    first = [_person("Vladimir Putin", ["Vladimir Putin"], "President of Russia"), _person("Kim Jong-un")]
    merged = merge_participants([first, [_person("Putin", ["Putin"])]])
    assert [p.name for p in merged] == ["Vladimir Putin", "Kim Jong-un"]
    assert merged[0].aliases == ["Vladimir Putin", "Putin"]


def test_an_earlier_surname_alone_takes_the_later_full_name() -> None:
    merged = merge_participants([[_person("Putin", ["Putin"], "President")], [_person("Vladimir Putin", ["Vladimir Putin"])]])
    assert [(p.name, p.role, p.aliases) for p in merged] == [("Vladimir Putin", "President", ["Putin", "Vladimir Putin"])]


def test_an_ambiguous_surname_joins_nobody() -> None:
    first = [_person("Ed Miliband"), _person("David Miliband")]
    merged = merge_participants([first, [_person("Miliband")]])
    assert [p.name for p in merged] == ["Ed Miliband", "David Miliband", "Miliband"]


def test_the_surname_rule_is_for_people_only() -> None:
    first = [Participant(name="Bank of Korea", kind="organization", role=None, aliases=[])]
    merged = merge_participants([first, [Participant(name="Korea", kind="country", role=None, aliases=[])]])
    assert [p.name for p in merged] == ["Bank of Korea", "Korea"]
