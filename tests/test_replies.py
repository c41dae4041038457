"""Tests for summarizer.replies: the checks every model reply must pass before it is used.

Each validator reads the article (and, for some, the passage shown to the model) from the
validation context, exactly as the pipeline passes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from summarizer.names import name_key
from summarizer.replies import (
    MAX_ALIASES,
    MAX_CHOSEN_SENTENCES,
    MAX_PER_KIND,
    MAX_SUMMARY_SENTENCES,
    AccusationReply,
    DeniersReply,
    EventReply,
    ParticipantDraft,
    attribution_model,
    date_is_stated,
    participants_reply_model,
    resolution_model,
    sentence_choice_model,
)
from summarizer.sentences import split_sentences
from summarizer.validation import ValidationContext

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "000_ba58efed2f2f0b1f.txt").read_text(encoding="utf-8")

DENIAL = "Accuse che Mosca e Pyongyang hanno ufficialmente respinto."
ACCUSATION_CONTEXT = (
    "Ad avvicinare sempre di più i due paesi non solo le sanzioni internazionali ma anche le accuse Usa "
    "secondo cui la Corea del Nord ha fornito armi all’alleato storico, la Russia, per usarle in Ucraina, "
    "in violazione delle sanzioni Onu in vigore per entrambi i Paesi. " + DENIAL
)
THANKS_PASSAGE = (
    "Putin, infatti, ha prontamente ringraziato il leader nord coreano: "
    "“[[Grazie per il sostegno, combattiamo contro decenni di imperialismo degli Stati Uniti]]”."
)


def test_seed_passages_are_the_article_s() -> None:
    assert DENIAL in SEED
    assert ACCUSATION_CONTEXT in SEED
    assert THANKS_PASSAGE.replace("[[", "").replace("]]", "") in SEED


def ctx(**extra: Any) -> ValidationContext:
    """A fresh validation context for the seed (validators cache a locator in it)."""
    return ValidationContext(article=SEED, **extra)


def validate(model: type[BaseModel], data: dict[str, Any], context: ValidationContext | None = None) -> Any:
    return model.model_validate(data, context=ctx() if context is None else context)


def rejection(model: type[BaseModel], data: dict[str, Any], context: ValidationContext | None = None) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate(model, data, context)
    return str(excinfo.value)


# --- name_key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim Jong Un", "Kim Jong-un"),
        ("Kim Jong-un", "KIM  JONG_UN"),
        ("Kim Jong-ün", "kim jong un"),
        ("São Paulo", "Sao Paulo"),
        ("Zelenskyy ", " zelenskyy"),
        ("Kim\u00a0Jong\nun", "Kim Jong Un"),
        ("Putin", "PUTIN"),
        ("Serghei Lavrov", "Sergei Lavrov"),  # one transliteration rule shared with the eval
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Kim Jong Un", "Kim Jong"), ("Putin", "Putina"), ("Kim Jong-un", "Kim Jong-il"), ("Sergei", "Sergio")],
)
def test_name_key_different(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


# --- participants -----------------------------------------------------------------------------


def draft(name: str = "Kim Jong-un", role: str | None = "leader", aliases: list[str] | None = None) -> dict[str, Any]:
    return {"name": name, "role": role, "aliases": aliases or []}


def test_participant_aliases_not_in_article_are_dropped() -> None:
    reply = validate(ParticipantDraft, draft(aliases=["Kim Jong-un", "Rocket Man", "Kim"]))
    assert reply.aliases == ["Kim Jong-un", "Kim"]


def test_participant_alias_in_a_script_without_spaces_is_kept() -> None:
    article = "中国外交部长王毅表示，谈判将继续。北浦鉄道の村瀬社長は述べた。"
    context = ValidationContext(article=article, language="en")
    assert validate(ParticipantDraft, draft("Wang Yi", aliases=["王毅", "王外长"]), context).aliases == ["王毅"]
    assert validate(ParticipantDraft, draft("Koji Murase", aliases=["村瀬"]), context).aliases == ["村瀬"]
    context = ValidationContext(article="Vladimir Putin arrived.", language="en")
    assert validate(ParticipantDraft, draft("Vladimir Putin", aliases=["Vlad", "Putin"]), context).aliases == ["Putin"]


def test_participant_alias_must_match_the_article_s_case() -> None:
    assert validate(ParticipantDraft, draft(aliases=["kim jong-un"])).aliases == []


def test_participant_alias_whitespace_is_normalised() -> None:
    assert validate(ParticipantDraft, draft(aliases=["  Kim   Jong-un "])).aliases == ["Kim Jong-un"]


def test_participant_alias_quote_marks_are_like_the_article_s() -> None:
    # The article writes l’alleato with a curly apostrophe; a straight one is the same mark.
    assert validate(ParticipantDraft, draft(aliases=["all'alleato storico"])).aliases == ["all'alleato storico"]


def test_participant_duplicate_aliases_collapse() -> None:
    aliases = ["Kim Jong-un", "Kim Jong Un", "KIM JONG-UN"]
    assert validate(ParticipantDraft, draft(aliases=aliases)).aliases == ["Kim Jong-un"]
    # Without an article to check against, only the repeats go.
    assert validate(ParticipantDraft, draft(aliases=["Kim Jong-un", "Kim Jong-ün", ""]), {}).aliases == ["Kim Jong-un"]
    assert validate(ParticipantDraft, draft(aliases=["Rocket Man", "rocket-man"]), {}).aliases == ["Rocket Man"]


def test_participant_invented_variant_does_not_hide_the_article_s_form() -> None:
    """An invented spelling first must not make the article's own spelling count as a repeat."""
    assert validate(ParticipantDraft, draft(aliases=["Kim Jong Un", "Kim Jong-un"])).aliases == ["Kim Jong-un"]


def test_padded_alias_list_is_trimmed_not_rejected() -> None:
    padded = ["Kim", "Kim", "Kim Jong-un", "Kim", "Kim Jong-un", "Putin", "Pyongyang"]
    reply = validate(ParticipantDraft, draft(aliases=padded))
    assert reply.aliases == ["Kim", "Kim Jong-un", "Putin"][:MAX_ALIASES]


@pytest.mark.parametrize("name", ["null", "NULL", "None", "unknown", "Unknown", "n/a", "unnamed source", " ", ""])
def test_participant_placeholder_names_are_rejected(name: str) -> None:
    assert "name" in rejection(ParticipantDraft, draft(name=name))


def test_participant_name_is_tidied_and_role_may_be_null() -> None:
    reply = validate(ParticipantDraft, draft(name="  Vladimir\n Putin ", role=None))
    assert reply.name == "Vladimir Putin"
    assert reply.role is None


def test_participant_extra_keys_rejected() -> None:
    assert "extra" in rejection(ParticipantDraft, {**draft(), "kind": "person"}).lower()


def test_participants_reply_accepts_distinct_names() -> None:
    model = participants_reply_model("people")
    reply = validate(model, {"people": [draft("Vladimir Putin", aliases=["Putin"]), draft("Kim Jong-un")]})
    assert [p.name for p in reply.people] == ["Vladimir Putin", "Kim Jong-un"]
    assert validate(model, {"people": []}).people == []


@pytest.mark.parametrize(("first", "second"), [("Kim Jong-un", "Kim Jong Un"), ("Putin", "PUTIN")])
def test_participants_reply_keeps_the_first_of_names_listed_twice(first: str, second: str) -> None:
    model = participants_reply_model("people")
    reply = validate(model, {"people": [draft(first), draft("Serghei Lavrov"), draft(second)]})
    assert [p.name for p in reply.people] == [first, "Serghei Lavrov"]


def test_participants_reply_uses_its_field_name_and_limit() -> None:
    model = participants_reply_model("countries")
    assert set(model.model_fields) == {"countries"}
    assert "people" in rejection(model, {"people": []})
    rejection(model, {"countries": [draft(f"Country {i}") for i in range(MAX_PER_KIND + 1)]})


# --- attribution ------------------------------------------------------------------------------

SPEAKERS = ["Vladimir Putin", "Kim Jong-un"]


def attribution(speaker: str, statement: str) -> dict[str, Any]:
    return {"speaker": speaker, "statement": statement}


def test_attribution_accepts_a_listed_speaker_and_a_paraphrase() -> None:
    reply = validate(
        attribution_model(SPEAKERS),
        attribution("Vladimir Putin", "  Putin thanks Kim for his support\n against the United States. "),
        ctx(passage=THANKS_PASSAGE),
    )
    assert reply.speaker == "Vladimir Putin"
    assert reply.statement == "Putin thanks Kim for his support against the United States."


def test_attribution_accepts_unnamed_source() -> None:
    reply = validate(attribution_model(SPEAKERS), attribution("unnamed source", "Someone said it."))
    assert reply.speaker == "unnamed source"


@pytest.mark.parametrize("speaker", ["Serghei Lavrov", "Putin", "vladimir putin", "none", ""])
def test_attribution_speaker_outside_the_enum_is_rejected(speaker: str) -> None:
    assert "speaker" in rejection(attribution_model(SPEAKERS), attribution(speaker, "Something was said."))


@pytest.mark.parametrize(
    "statement",
    [
        "Grazie per il sostegno, combattiamo contro decenni di imperialismo",
        "grazie per il sostegno, COMBATTIAMO contro decenni",
        "“Grazie per il sostegno, combattiamo”",
        '"Putin, infatti, ha prontamente ringraziato"',
    ],
)
def test_attribution_statement_copying_the_passage_is_rejected(statement: str) -> None:
    model = attribution_model(SPEAKERS)
    assert "paraphrase" in rejection(model, attribution("Vladimir Putin", statement), ctx(passage=THANKS_PASSAGE))


def test_attribution_short_copy_is_allowed() -> None:
    statement = "Grazie per il sostegno"  # a copy of more than 20 characters is one too many
    assert len("Grazie per il") <= 20 < len(statement)
    model = attribution_model(SPEAKERS)
    assert validate(model, attribution("Vladimir Putin", "Grazie per il"), ctx(passage=THANKS_PASSAGE))
    rejection(model, attribution("Vladimir Putin", statement), ctx(passage=THANKS_PASSAGE))


def test_attribution_copy_check_needs_the_passage() -> None:
    statement = "Grazie per il sostegno, combattiamo contro decenni di imperialismo"
    assert validate(attribution_model(SPEAKERS), attribution("Vladimir Putin", statement), ctx(passage=None))


@pytest.mark.parametrize("statement", ["", "   \n "])
def test_attribution_empty_statement_is_rejected(statement: str) -> None:
    assert "statement" in rejection(attribution_model(SPEAKERS), attribution("Vladimir Putin", statement))


# --- choosing sentences -----------------------------------------------------------------------

SENTENCES = [SEED[a:b] for a, b in split_sentences(SEED)]


def test_sentence_choice_accepts_article_sentences() -> None:
    model = sentence_choice_model("sentences", SENTENCES)
    assert DENIAL in SENTENCES
    assert validate(model, {"sentences": [DENIAL, SENTENCES[0]]}).sentences == [DENIAL, SENTENCES[0]]
    assert validate(model, {"sentences": []}).sentences == []


@pytest.mark.parametrize(
    "chosen",
    [
        DENIAL.rstrip("."),
        DENIAL.lower(),
        "Accuse che Mosca e Pyongyang hanno respinto.",
        DENIAL + " " + SENTENCES[-1],
        "Mosca",
    ],
)
def test_sentence_choice_rejects_anything_else(chosen: str) -> None:
    rejection(sentence_choice_model("sentences", SENTENCES), {"sentences": [chosen]})


def test_sentence_choice_limit_and_empty_list() -> None:
    model = sentence_choice_model("sentences", SENTENCES)
    rejection(model, {"sentences": SENTENCES[: MAX_CHOSEN_SENTENCES + 1]})
    with pytest.raises(ValueError, match="no sentences"):
        sentence_choice_model("sentences", [])


def test_resolution_model_accepts_names_and_none_only() -> None:
    model = resolution_model(["Russia", "North Korea"])
    assert validate(model, {"participant": "Russia"}).participant == "Russia"
    assert validate(model, {"participant": "none"}).participant == "none"
    rejection(model, {"participant": "Mosca"})


# --- denials ----------------------------------------------------------------------------------


@pytest.mark.parametrize("names", [["Mosca", "Pyongyang"], ["mosca"], ["PYONGYANG"], [" Mosca  "]])
def test_deniers_copied_from_the_passage_are_accepted(names: list[str]) -> None:
    reply = validate(DeniersReply, {"denied_by": names}, ctx(passage=DENIAL))
    assert reply.denied_by == [" ".join(n.split()) for n in names]


@pytest.mark.parametrize("names", [["Washington"], ["Mosca", "Washington"], ["Kremlin spokesman"]])
def test_deniers_not_written_in_the_article_are_rejected(names: list[str]) -> None:
    message = rejection(DeniersReply, {"denied_by": names}, ctx(passage=DENIAL))
    assert "not in it" in message


def test_deniers_may_be_named_anywhere_in_the_article() -> None:
    """A denial is often reported in one sentence and attributed in the next one."""
    assert "Putin" not in DENIAL and "Putin" in SEED
    assert validate(DeniersReply, {"denied_by": ["Putin", "russia"]}, ctx(passage=DENIAL)).denied_by == ["Putin", "russia"]


@pytest.mark.parametrize("names", [["Mosca", "mosca"], ["Mosca", "MOSCA "], ["Mosca", ""]])
def test_deniers_duplicates_and_blanks_are_rejected(names: list[str]) -> None:
    assert "once" in rejection(DeniersReply, {"denied_by": names}, ctx(passage=DENIAL))


def test_deniers_must_name_someone() -> None:
    rejection(DeniersReply, {"denied_by": []}, ctx(passage=DENIAL))


@pytest.mark.parametrize("accuser", ["Usa", "USA", "usa", None])
def test_accuser_in_passage_or_null_is_accepted(accuser: str | None) -> None:
    reply = validate(
        AccusationReply,
        {"accuser": accuser, "accusation": "North Korea supplied weapons to Russia."},
        ctx(passage=ACCUSATION_CONTEXT),
    )
    assert reply.accuser == accuser


@pytest.mark.parametrize("accuser", ["United States", "Washington", "the Pentagon"])
def test_accuser_not_written_in_the_article_is_rejected(accuser: str) -> None:
    message = rejection(
        AccusationReply,
        {"accuser": accuser, "accusation": "North Korea supplied weapons to Russia."},
        ctx(passage=ACCUSATION_CONTEXT),
    )
    assert "accuser" in message and accuser in message


def test_accusation_copying_the_passage_is_rejected() -> None:
    copied = "la Corea del Nord ha fornito armi all'alleato storico"
    message = rejection(AccusationReply, {"accuser": "Usa", "accusation": copied}, ctx(passage=ACCUSATION_CONTEXT))
    assert "paraphrase" in message


# --- event ------------------------------------------------------------------------------------

SUMMARY = ["Putin is in Pyongyang to meet Kim Jong-un.", "They sign a strategic cooperation document."]
DATED_ARTICLE = "Roma, 17 giugno 2024. Il vertice si è aperto lunedì con una lunga cerimonia."


def event(date: str | None = None, summary: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"title": "Putin visits Kim", "summary": summary or SUMMARY, "date": date, "location": None, **extra}


def test_event_null_date_is_accepted() -> None:
    reply = validate(EventReply, event(None))
    assert reply.date is None
    assert reply.summary == SUMMARY


@pytest.mark.parametrize("date", ["2024-06-19", "2023-09-13"])
def test_event_date_not_in_the_seed_is_not_stated(date: str) -> None:
    assert not date_is_stated(date, SEED)


def test_event_stated_date_is_accepted() -> None:
    context = ValidationContext(article=DATED_ARTICLE)
    assert validate(EventReply, event("2024-06-17"), context).date == "2024-06-17"


@pytest.mark.parametrize("date", ["2024-06-18", "2023-06-17", "2024-06-01"])
def test_event_date_with_unstated_year_or_day_is_not_stated(date: str) -> None:
    """Left to the program (the event pass sets it to null and says so), not to a re-ask."""
    assert validate(EventReply, event(date), ValidationContext(article=DATED_ARTICLE)).date == date
    assert not date_is_stated(date, DATED_ARTICLE)
    assert date_is_stated("2024-06-17", DATED_ARTICLE)


def test_event_impossible_date_is_rejected() -> None:
    assert "use null" in rejection(EventReply, event("2024-02-30"), ValidationContext(article=DATED_ARTICLE))


def test_event_impossible_date_is_rejected_even_if_its_numbers_occur() -> None:
    """A date the finished Event would refuse must not pass the reply check (it crashed the pipeline)."""
    article = "Il 30 maggio 2024 si sono incontrati. Il 2 febbraio erano già d'accordo."
    assert validate(EventReply, event("2024-05-30"), ValidationContext(article=article)).date == "2024-05-30"
    assert "use null" in rejection(EventReply, event("2024-02-30"), ValidationContext(article=article))
    assert "use null" in rejection(EventReply, event("2024-02-30"), {})


@pytest.mark.parametrize("date", ["17 giugno 2024", "2024-6-17", "2024/06/17", "June 17"])
def test_event_date_must_be_iso(date: str) -> None:
    assert "date" in rejection(EventReply, event(date), ValidationContext(article=DATED_ARTICLE))


def test_event_summary_is_resplit_and_cut_to_four_sentences() -> None:
    packed = [
        "Putin is in Pyongyang to meet Kim Jong-un. The two leaders discuss their alliance.",
        "They sign a cooperation document. The United States accuse North Korea of arms deliveries.",
        "Moscow and Pyongyang reject the accusation. Kim promises support.",
    ]
    reply = validate(EventReply, event(summary=packed))
    assert reply.summary == [
        "Putin is in Pyongyang to meet Kim Jong-un.",
        "The two leaders discuss their alliance.",
        "They sign a cooperation document.",
        "The United States accuse North Korea of arms deliveries.",
    ]
    assert len(reply.summary) == MAX_SUMMARY_SENTENCES


def test_event_summary_whitespace_is_normalised() -> None:
    packed = ["Putin is  in\nPyongyang to meet Kim Jong-un.  Kim  welcomes him warmly."]
    reply = validate(EventReply, event(summary=packed))
    assert reply.summary == ["Putin is in Pyongyang to meet Kim Jong-un.", "Kim welcomes him warmly."]


def test_event_summary_too_short_is_rejected() -> None:
    assert "2 to 4" in rejection(EventReply, event(summary=["Putin visits."]))


def test_event_summary_sentence_too_long_is_rejected() -> None:
    assert "short" in rejection(EventReply, event(summary=["Putin " + "visits " * 80 + "Kim."]))


def test_event_title_is_tidied_and_extra_keys_rejected() -> None:
    assert validate(EventReply, {**event(), "title": " Putin\n visits  Kim "}).title == "Putin visits Kim"
    rejection(EventReply, event(participants=[]))
