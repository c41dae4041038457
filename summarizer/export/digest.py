"""Several briefings as one Markdown digest, with an index of the participants they share.

The same person turns up in different articles under different spellings ("Kim Jong-un", "Kim
Jong Un", "KIM JONG UN"), transliterations and short forms, so the index merges participants by
the comparison form of their names (:func:`summarizer.names.name_key`: case, accents, hyphens
and spacing folded) and of the forms each article uses. Merging is deliberately conservative,
because a wrong merge attributes one person's words to another, which is worse than listing one
person twice:

* a one-word form ("Kim", "Putin") is ambiguous across articles, so it only links to a
  participant whose canonical name it is, never to another one-word form;
* participants of different kinds (a person and a country called "Georgia") are not merged;
* two participants of the same article are never merged: the briefing already told them apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from summarizer.export.markdown import MdSafe, heading, render_markdown
from summarizer.export.view import BriefingView, build_view
from summarizer.names import name_key
from summarizer.schema import UNNAMED_SOURCE, Briefing

__all__ = ["IndexEntry", "digest_markdown", "participant_index"]

INDEX_ANCHOR = "participants-across-articles"
DEFAULT_TITLE = "News digest"


@dataclass
class Appearance:
    """One participant in one article: its role there and what it said, denied or alleged."""

    number: int
    anchor: MdSafe
    label: str
    role: str | None
    claimed: list[str] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)
    alleged: list[str] = field(default_factory=list)


@dataclass
class IndexEntry:
    name: str
    kind: str
    aliases: list[str]
    appearances: list[Appearance]


@dataclass
class _Node:
    """A participant of one article (or a speaker the article's participant list lacks)."""

    article: int
    name: str
    kind: str | None
    role: str | None
    aliases: list[str]
    appearance: Appearance


@dataclass
class _Article:
    number: int
    anchor: MdSafe
    label: str
    view: BriefingView


def _anchor(number: int) -> MdSafe:
    return MdSafe(f"article-{number}")


def _article_nodes(number: int, label: str, briefing: Briefing) -> list[_Node]:
    nodes: list[_Node] = []
    lookup: dict[str, _Node] = {}

    def new(name: str, kind: str | None, role: str | None, aliases: list[str]) -> _Node:
        node = _Node(number, name, kind, role, aliases, Appearance(number, _anchor(number), label, role))
        nodes.append(node)
        return node

    for p in briefing.participants:
        node = new(p.name, p.kind, p.role, list(p.aliases))
        lookup.setdefault(name_key(p.name), node)
    for node in list(nodes):  # aliases only after every canonical name, which wins a clash
        for alias in node.aliases:
            lookup.setdefault(name_key(alias), node)

    def who(name: str | None) -> _Node | None:
        if name is None or name == UNNAMED_SOURCE or not name_key(name):
            return None
        key = name_key(name)
        if key not in lookup:  # a speaker missing from the participants (a hand-edited briefing)
            lookup[key] = new(name, None, None, [])
        return lookup[key]

    for claim in briefing.claims:
        if speaker := who(claim.speaker):
            speaker.appearance.claimed.append(claim.statement)
    # One allegation is often denied by several participants: the accuser alleged it once.
    alleged: dict[tuple[int, str], tuple[_Node, str, list[str]]] = {}
    for denial in briefing.denials:
        speaker = who(denial.speaker)
        accuser = who(denial.accuser)
        if speaker:
            by = f" (accused by {accuser.name})" if accuser else ""
            speaker.appearance.denied.append(f"{denial.denied}{by}")
        if accuser:
            entry = alleged.setdefault((id(accuser), name_key(denial.denied)), (accuser, denial.denied, []))
            if speaker and speaker.name not in entry[2]:
                entry[2].append(speaker.name)
    for accuser, text, deniers in alleged.values():
        accuser.appearance.alleged.append(f"{text} (denied by {', '.join(deniers)})" if deniers else text)
    return nodes


def participant_index(briefings: list[tuple[str, Briefing]]) -> list[IndexEntry]:
    """Participants of all briefings, merged across articles, in alphabetical order."""
    nodes = [node for number, (label, b) in enumerate(briefings, 1) for node in _article_nodes(number, label, b)]
    parent = list(range(len(nodes)))
    articles = [{node.article} for node in nodes]
    kinds = [{node.kind} - {None} for node in nodes]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a == b or articles[a] & articles[b] or (kinds[a] and kinds[b] and kinds[a] != kinds[b]):
            return
        parent[b] = a
        articles[a] |= articles[b]
        kinds[a] |= kinds[b]

    names: dict[str, list[int]] = defaultdict(list)  # canonical names
    forms: dict[str, list[int]] = defaultdict(list)  # canonical names and forms of two words or more
    short: dict[str, list[int]] = defaultdict(list)  # one-word forms
    for i, node in enumerate(nodes):
        names[name_key(node.name)].append(i)
        forms[name_key(node.name)].append(i)
        for alias in node.aliases:
            key = name_key(alias)
            if key and key != name_key(node.name):
                (forms if " " in key else short)[key].append(i)
    # Strongest evidence first: while groups grow, the same-article and kind checks see more.
    for table in (names, forms):
        for key, group in table.items():
            if key:
                for j in group[1:]:
                    union(group[0], j)
    for key, group in short.items():
        for i in group:
            for j in names.get(key, []):
                union(j, i)

    members: dict[int, list[_Node]] = defaultdict(list)
    for i, node in enumerate(nodes):
        members[find(i)].append(node)
    entries = []
    for group in members.values():
        counts = Counter(node.name for node in group)
        name = max(counts, key=lambda n: (counts[n], -[node.name for node in group].index(n)))
        seen = {name}
        aliases = []
        for node in group:
            for form in [node.name, *node.aliases]:
                if form not in seen:
                    seen.add(form)
                    aliases.append(form)
        kind = next((node.kind for node in group if node.kind), None) or "unknown kind"
        appearances = sorted((node.appearance for node in group), key=lambda ap: ap.number)
        entries.append(IndexEntry(name, kind, aliases, appearances))
    entries.sort(key=lambda e: (name_key(e.name), e.name))
    return entries


def digest_markdown(briefings: list[tuple[str, Briefing]], *, title: str | None = None) -> str:
    """Several briefings, each ``(label, briefing)`` with a label such as its file name, as one Markdown digest."""
    if not briefings:
        raise ValueError("a digest needs at least one briefing")
    articles = [
        _Article(number, _anchor(number), label, build_view(briefing))
        for number, (label, briefing) in enumerate(briefings, 1)
    ]
    return render_markdown(
        "digest.md.j2",
        title=title or DEFAULT_TITLE,
        articles=articles,
        index=participant_index(briefings),
        index_anchor=MdSafe(INDEX_ANCHOR),
        h3=heading(3),
    )
