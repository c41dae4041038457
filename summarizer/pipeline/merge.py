"""Merging the participants found in the parts of a long article into one list.

Each part of a split article is asked for its participants on its own, so the same person comes
back once per part, sometimes under another form ("Vladimir Putin" in the first part, "Putin"
in the third). A participant of a later part is the same as an earlier one when any of its
name and aliases has the same name key (:func:`summarizer.names.name_key`) as any of the
earlier one's, or, for people, when one is named by the other's surname alone ("Putin" and
"Vladimir Putin") and no other person of the list has that surname. The earlier entry keeps
its kind and role (a role missing there is taken from the later one) and its name, unless the
later name is the fuller one; it gains the later one's aliases. Statements and denials need no
merging beyond the usual duplicate rule: every quote and sentence belongs to exactly one part.
"""

from __future__ import annotations

from summarizer.names import name_key
from summarizer.schema import Participant


def _keys(participant: Participant) -> set[str]:
    """The name keys of a participant's name and aliases; an empty key (no letters) matches nothing."""
    return {name_key(participant.name), *(name_key(a) for a in participant.aliases)} - {""}


def merge_participants(parts: list[list[Participant]]) -> list[Participant]:
    """One list from the parts' lists, in order of first mention; the first part is kept as it is."""
    if not parts:
        return []
    merged = list(parts[0])
    for part in parts[1:]:
        for participant in part:
            keys = _keys(participant)
            index = next((i for i, known in enumerate(merged) if keys & _keys(known)), None)
            if index is None:
                index = _by_surname(participant, merged)
            if index is None:
                merged.append(participant)
                continue
            known = merged[index]
            aliases = list(known.aliases)
            seen = {name_key(a) for a in aliases}
            for alias in participant.aliases:
                if name_key(alias) not in seen:
                    seen.add(name_key(alias))
                    aliases.append(alias)
            surname_only = len(known.name.split()) == 1 and len(participant.name.split()) > 1 and known.kind == "person"
            name = participant.name if surname_only else known.name
            merged[index] = known.model_copy(update={"name": name, "aliases": aliases, "role": known.role or participant.role})
    return merged


def _surname(participant: Participant) -> str:
    return name_key(participant.name.split()[-1]) if participant.name.split() else ""


def _by_surname(participant: Participant, known: list[Participant]) -> int | None:
    """The one earlier person that ``participant`` names by surname alone, or that names it so."""
    if participant.kind != "person":
        return None
    people = [(i, p) for i, p in enumerate(known) if p.kind == "person"]
    if not _surname(participant):
        return None
    if len(participant.name.split()) == 1:
        matches = [i for i, p in people if len(p.name.split()) > 1 and _surname(p) == _surname(participant)]
    else:
        matches = [i for i, p in people if len(p.name.split()) == 1 and _surname(p) == _surname(participant)]
    return matches[0] if len(matches) == 1 else None
