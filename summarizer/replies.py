"""What the model is asked to return, question by question, and the checks each reply must pass.

A small model answers one narrow question far better than one broad one, so a briefing is built
from many small questions about the same article (which llama.cpp answers from a cached prompt
prefix, so each costs little): the participants of each kind, who said each quote, which
sentences report statements or denials, what each of those says, and the event. Many reply
models are built per article: speakers and accusers are enums of the participants already found,
chosen sentences enums of the article's own sentences, so under constrained decoding the model
cannot name an unknown speaker or misquote, and elsewhere the same enums are validated and the
model re-asked.

Validators raise ``ValueError`` with a message written for the model: Instructor sends it back
verbatim in the re-ask. They read the article from the validation context
(:class:`summarizer.validation.ValidationContext`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)

from summarizer.grounding import normalise
from summarizer.language import clearly_not
from summarizer.names import name_key, written_pattern
from summarizer.schema import UNNAMED_SOURCE, ParticipantKind
from summarizer.sentences import split_sentences
from summarizer.validation import context_of

MAX_PER_KIND = 6
MAX_ALIASES = 3
MAX_CHOSEN_SENTENCES = 3
MAX_DENIALS_PER_SENTENCE = 3
MAX_SUMMARY_SENTENCES = 4
MAX_SUMMARY_SENTENCE_CHARS = 400

KIND_LISTS: dict[str, ParticipantKind] = {
    "countries": "country",
    "people": "person",
    "organizations": "organization",
    "groups": "group",
}
"""Each kind is asked for on its own, in this order (earlier kinds win a duplicate name)."""


class Reply(BaseModel):
    """Base of every reply: unknown keys are errors, so stray keys never slip through."""

    model_config = ConfigDict(extra="forbid")


def _one_sentence(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    return value


def _enum(values: list[str]) -> Any:
    """One of ``values``; written as an ``enum`` in the JSON schema even for one value (pydantic
    writes ``const``), so every reply schema offers its choices the same way."""
    choices = tuple(dict.fromkeys(values))
    if len(choices) == 1:
        return Annotated[Literal[choices], WithJsonSchema({"enum": list(choices), "type": "string"})]
    return Literal[choices]


# --- participants -----------------------------------------------------------------------------


class ParticipantDraft(Reply):
    """One participant as the model lists it; its kind is the list it was asked for."""

    name: str = Field(min_length=1, max_length=120)
    role: str | None = Field(max_length=200)
    aliases: list[str] = Field(max_length=MAX_ALIASES)

    @field_validator("name")
    @classmethod
    def _name_is_a_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value or value.casefold() in {"null", "none", "unknown", "n/a", UNNAMED_SOURCE}:
            raise ValueError(f"{value!r} is not a participant name")
        return value

    @field_validator("aliases", mode="before")
    @classmethod
    def _cap_aliases(cls, aliases: object) -> object:
        """Padded alias lists are noise, not an error worth a re-ask: keep the first few distinct."""
        if isinstance(aliases, list):
            return list(dict.fromkeys(a for a in aliases if isinstance(a, str)))[:MAX_ALIASES]
        return aliases

    @field_validator("aliases")
    @classmethod
    def _aliases_in_article(cls, aliases: list[str], info: ValidationInfo) -> list[str]:
        """Aliases are surface forms of the article: keep those it contains, each once.

        Models pad alias lists with repeats and inventions; those are not errors worth a
        re-ask, just noise to drop.
        """
        article = context_of(info).article
        kept: list[str] = []
        for alias in aliases:
            alias = " ".join(alias.split())
            if not alias or any(name_key(alias) == name_key(k) for k in kept):
                continue
            if article is None or _occurs_as_words(alias, article):
                kept.append(alias)
        return kept


def _occurs_as_words(phrase: str, text: str) -> bool:
    """Whole-word occurrence (:func:`summarizer.names.written_pattern`), with the quote-mark and
    whitespace leniency of quotes (:func:`summarizer.grounding.normalise`)."""
    return re.search(written_pattern(normalise(phrase).strip()), normalise(text)) is not None


def participants_reply_model(field: str) -> type[Reply]:
    """``{"<field>": [participant, ...]}`` for one kind (``countries``, ``people``, ...)."""
    return create_model(
        f"{field.capitalize()}Reply",
        __base__=Reply,
        __validators__={"_each_once": model_validator(mode="after")(_each_once(field))},
        **{field: (list[ParticipantDraft], Field(max_length=MAX_PER_KIND))},
    )


def _each_once(field: str) -> Any:
    """A name listed again is dropped, not re-asked: the program knows the answer (the first entry),
    and on the eval suite a re-ask fixed 1 of 6 such replies."""

    def first_of_each(reply: Any) -> Any:
        seen: set[str] = set()
        kept = []
        for p in getattr(reply, field):
            if (key := name_key(p.name)) not in seen:
                seen.add(key)
                kept.append(p)
        setattr(reply, field, kept)
        return reply

    return first_of_each


class NewcomerReply(Reply):
    """What a speaker the program found in a quote's tag is: kind and role (the name is the program's)."""

    kind: ParticipantKind
    role: str | None = Field(max_length=200)


def newcomer_model(names: list[str]) -> type[NewcomerReply]:
    """The reply about a quoted speaker; with several readings of the name the tag wrote
    ("Verbandsvorsitzende Julia Kestner", "Julia Kestner"), ``name`` chooses one."""
    if len(names) < 2:
        return NewcomerReply
    return create_model("NamedNewcomerReply", __base__=NewcomerReply, name=(_enum(names), ...))


# --- who said it ------------------------------------------------------------------------------


def attribution_model(speakers: list[str], *, unnamed: bool = True) -> type[Reply]:
    """``{"speaker": <participant>, "statement": "..."}`` for one quote or reported sentence;
    ``unnamed``: "unnamed source" is one of the choices."""
    return create_model(
        "Attribution",
        __base__=Reply,
        speaker=(_enum([*speakers, UNNAMED_SOURCE] if unnamed else speakers), ...),
        statement=(str, Field(min_length=1, max_length=400)),
        __validators__={"_paraphrase": field_validator("statement")(_paraphrase_not_copy)},
    )


def _in_briefing_language(value: str, info: ValidationInfo) -> str:
    expected = context_of(info).language
    if expected and (other := clearly_not(value, expected)):
        raise ValueError(f"this is written in {other!r}: write it in the briefing language ({expected!r})")
    return value


def _paraphrase_not_copy(value: str, info: ValidationInfo) -> str:
    """The statement is a paraphrase in the briefing language; the quote already keeps the words."""
    value = _in_briefing_language(_one_sentence(value), info)
    passage = context_of(info).passage
    if passage:
        words = normalise(value).strip(' "').casefold()
        if len(words) > 20 and words in normalise(passage).casefold():
            raise ValueError("the statement copies the article's words: paraphrase it in one sentence in the briefing language")
    return value


# --- choosing sentences -----------------------------------------------------------------------


def sentence_choice_model(field: str, sentences: list[str]) -> type[Reply]:
    """``{"<field>": [sentence, ...]}`` where each sentence must be one of the article's."""
    if not sentences:
        raise ValueError("no sentences to choose from")
    return create_model(
        f"{field.capitalize()}Choice",
        __base__=Reply,
        **{field: (list[_enum(sentences)], Field(max_length=MAX_CHOSEN_SENTENCES))},  # type: ignore[misc]
    )


# --- denials ----------------------------------------------------------------------------------


def _written_in_article(names: list[str], info: ValidationInfo, field: str) -> list[str]:
    """Names must be the article's own words (any case: "USA" for "Usa"), each given once.

    The whole article counts, not just the sentence asked about: a denial is often reported in
    one sentence and attributed in the next ("The agency rejected it. Its spokeswoman said...").
    """
    context = context_of(info)
    names = [" ".join(n.split()) for n in names]
    if len({name_key(n) for n in names}) != len(names) or not all(names):
        raise ValueError(f"{field} must name each one once")
    if context.article and (locator := context.casefolded) is not None:
        missing = [n for n in names if locator.locate(n.casefold()) is None]
        if missing:
            raise ValueError(f"{field} must be names written in the article; not in it: {', '.join(missing)}")
    return names


class DeniersReply(Reply):
    """Who denies, as the article's own words ("Mosca", "il Cremlino").

    A small model copies names reliably but confuses who accuses whom when asked to map them to
    participants at the same time; the pipeline links these words to participants afterwards.
    """

    denied_by: list[str] = Field(min_length=1, max_length=MAX_DENIALS_PER_SENTENCE)

    @field_validator("denied_by")
    @classmethod
    def _in_sentence(cls, names: list[str], info: ValidationInfo) -> list[str]:
        return _written_in_article(names, info, "denied_by")


class AccusationReply(Reply):
    """What is denied and who made the accusation (the article's words, or null)."""

    accuser: str | None = Field(max_length=120)
    accusation: str = Field(min_length=1, max_length=400)

    @field_validator("accusation")
    @classmethod
    def _paraphrased(cls, value: str, info: ValidationInfo) -> str:
        value = _paraphrase_not_copy(value, info)
        if context_of(info).language == "en" and _DENYING.search(value):
            raise ValueError("state the accusation or claim itself, as its authors would, not that it is denied or rejected")
        return value

    @field_validator("accuser")
    @classmethod
    def _in_text(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _written_in_article([value], info, "accuser")[0]


# An accusation that says it is denied describes the denial, not what is denied (checked in English).
_DENYING = re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*|refut\w*|rebut\w*)\b", re.IGNORECASE)


def resolution_model(names: list[str]) -> type[Reply]:
    """``{"participant": <one of names> | "none"}``: which participant a surface form refers to."""
    return create_model("Resolution", __base__=Reply, participant=(_enum([*names, "none"]), ...))


# --- event ------------------------------------------------------------------------------------

_DATE = r"^\d{4}-\d{2}-\d{2}$"


def date_is_stated(value: str, article: str) -> bool:
    """A date counts only if the article states its year and day: otherwise it is a guess."""
    year, _month, day = value.split("-")
    return year in article and re.search(rf"(?<!\d)0?{int(day)}(?!\d)", article) is not None


class EventReply(Reply):
    """The summary is asked for as 2-4 sentences: asked for a paragraph, a small model tends to
    retell the whole article."""

    title: str = Field(min_length=1, max_length=160)
    summary: list[str] = Field(min_length=1, max_length=MAX_SUMMARY_SENTENCES)
    date: str | None = Field(pattern=_DATE)
    location: str | None = Field(max_length=160)

    @field_validator("date")
    @classmethod
    def _calendar_date(cls, value: str | None) -> str | None:
        """Whether the article states the date is the program's to judge (:func:`date_is_stated`), not a
        re-ask's: asked again, the model mostly answers null, which the program knows already."""
        if value is None:
            return None
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a calendar date: use null") from None
        return value

    @field_validator("title")
    @classmethod
    def _clean_title(cls, value: str, info: ValidationInfo) -> str:
        return _in_briefing_language(_one_sentence(value), info)

    @field_validator("summary")
    @classmethod
    def _two_to_four_sentences(cls, sentences: list[str], info: ValidationInfo) -> list[str]:
        """Models pack several sentences into one item: re-split them and keep the first four."""
        text = " ".join(" ".join(s.split()) for s in sentences)
        split = [text[a:b] for a, b in split_sentences(text)] or [text]
        if len(split) < 2 and len(text) < 40:
            raise ValueError("the summary needs 2 to 4 sentences")
        kept = split[:MAX_SUMMARY_SENTENCES]
        _in_briefing_language(" ".join(kept), info)
        too_long = [s for s in kept if len(s) > MAX_SUMMARY_SENTENCE_CHARS]
        if too_long:
            raise ValueError(f"summary sentences must be short (under {MAX_SUMMARY_SENTENCE_CHARS} characters each)")
        return kept
