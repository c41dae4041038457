"""Participants as entities of the story: titles folded into the people they title, places dropped.

The model lists what the article names, and a small one lists too much: a bare title standing
for a person ("Губернатор", "Betriebsratsvorsitzende", "sindaco di Lipari"), the same person under
a courtesy title ("Mme Marchal" beside "Hélène Marchal"), a city as a person. The article settles
the first case: a title written right before a person's name ("Betriebsratsvorsitzende Uwe
Lindner") is that person's title, so it becomes one of their aliases. A courtesy title plus the
surname of exactly one other person is that person. A place listed as a person (by its role:
"city", "capital of …") is dropped unless a claim or denial names it as its speaker or accuser.
Claims and denials that named a merged entry are given the person it was merged into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.names import WORD, fold_text, name_key, name_lexicon
from summarizer.schema import Claim, Denial, Participant


@dataclass(frozen=True)
class Entities:
    participants: list[Participant]
    claims: list[Claim]
    denials: list[Denial]


def tidy(text: str, participants: list[Participant], claims: list[Claim], denials: list[Denial]) -> Entities:
    """The participants as entities of the story, and the statements renamed to match."""
    merged = list(participants)
    renamed: dict[str, str] = {}  # name key of a merged entry -> the name it now goes by
    index = 0
    while index < len(merged):
        entry = merged[index]
        target = _titled_person(text, entry, merged) or _same_by_courtesy(entry, merged)
        if target is None:
            index += 1
            continue
        merged[merged.index(target)] = _absorb(target, entry)
        renamed[name_key(entry.name)] = target.name
        del merged[index]
    for key, name in list(renamed.items()):  # a chain (A into B, B into C) ends at C
        while name_key(name) in renamed:
            name = renamed[name_key(name)]
        renamed[key] = name

    def rename(name: str | None) -> str | None:
        return renamed.get(name_key(name), name) if name else name

    claims = [c.model_copy(update={"speaker": rename(c.speaker)}) for c in claims]
    denials = [d.model_copy(update={"speaker": rename(d.speaker), "accuser": rename(d.accuser)}) for d in denials]
    speakers = [*(c.speaker for c in claims), *(d.speaker for d in denials), *(d.accuser for d in denials)]
    named = {name_key(n) for n in speakers if n}
    kept = [p for p in merged if not (_is_place(p) and name_key(p.name) not in named)]
    return Entities(participants=kept, claims=claims, denials=denials)


def _forms(participant: Participant) -> list[str]:
    return [form for form in dict.fromkeys([participant.name, *participant.aliases]) if len(form.strip()) > 1]


def _titled_person(text: str, entry: Participant, participants: list[Participant]) -> Participant | None:
    """The one person whose name follows ``entry``'s name in the article (or in it), as a name follows its title.

    Only a space may separate them, or a comma when the title is written in lower case (a common
    noun, "il sindaco di Lipari, Marco Giuffrè"): "North Korea, Kim Jong Un" lists two entities.
    """
    if entry.kind == "country":
        return None
    found = []
    for person in participants:
        if person is entry or person.kind != "person" or _is_place(person):
            continue
        full_name = len(person.name.split()) > 1
        if full_name and fold_text(entry.name).endswith(" " + fold_text(person.name)):  # "Judge Jane Roe"
            found.append(person)
            continue
        names = "|".join(re.escape(form) for form in sorted(_forms(person), key=len, reverse=True))
        for title in _forms(entry)[:1]:  # the name only: an alias ("СТК") is often the employer
            pattern = rf"(?<!\w)({re.escape(title)})(\s+|\s*,\s*)(?:{names})(?!\w)"
            for match in re.finditer(pattern, text, re.IGNORECASE):
                if "," not in match.group(2) or match.group(1)[:1].islower():
                    found.append(person)
                    break
            if person in found:
                break
    return found[0] if len(found) == 1 else None


def _same_by_courtesy(entry: Participant, participants: list[Participant]) -> Participant | None:
    """The one other person ``entry`` names by courtesy title and surname ("Mme Marchal")."""
    words = WORD.findall(fold_text(entry.name))
    if entry.kind != "person" or len(words) != 2 or words[0] not in name_lexicon("honorifics"):
        return None
    surname = words[1]
    matches = [
        p for p in participants
        if p is not entry and p.kind == "person" and len(p.name.split()) > 1
        and WORD.findall(fold_text(p.name))[-1:] == [surname]
    ]  # fmt: skip
    return matches[0] if len(matches) == 1 else None


def _absorb(person: Participant, entry: Participant) -> Participant:
    aliases = list(person.aliases)
    seen = {name_key(a) for a in aliases} | {name_key(person.name)}
    for alias in [entry.name, *entry.aliases]:
        if name_key(alias) not in seen:
            seen.add(name_key(alias))
            aliases.append(alias)
    return person.model_copy(update={"aliases": aliases, "role": person.role or entry.role})


def _is_place(participant: Participant) -> bool:
    words = WORD.findall(fold_text(participant.role or ""))
    return participant.kind == "person" and bool(words) and words[0] in name_lexicon("place_roles")
