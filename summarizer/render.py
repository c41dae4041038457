"""The terminal view of a briefing (rich), for a person reading it right after a run."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from summarizer.export.view import publication_lines
from summarizer.schema import Briefing


def briefing_view(briefing: Briefing) -> Group:
    """Everything in the briefing, most important first; article and model text is never markup."""
    event = briefing.event
    parts: list = []
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("When", escape(event.date or "not stated"))
    facts.add_row("Where", escape(event.location or "not stated"))
    facts.add_row("Source", f"{briefing.source.language}, {briefing.source.chars:,} characters")
    for label, value in publication_lines(briefing):
        facts.add_row(label, Text(value))
    parts.append(Panel(Group(Text(event.summary), Text(), facts), title=Text(event.title, style="bold"), expand=True))

    people = Table(title="Participants", expand=True, title_justify="left")
    people.add_column("Name", style="bold")
    people.add_column("Kind")
    people.add_column("Role")
    people.add_column("As written")
    for p in briefing.participants:
        people.add_row(Text(p.name), p.kind, Text(p.role or ""), Text(", ".join(p.aliases)))
    parts.append(people)

    if briefing.claims:
        claims = Table(title="Claims", expand=True, title_justify="left", show_lines=True)
        claims.add_column("Speaker", style="bold")
        claims.add_column("Statement")
        for c in briefing.claims:
            body = Text(c.statement)
            if c.quote:
                body.append(f"\n“{c.quote}”", style="italic cyan")
                body.append(f"  [{c.quote_span[0]}–{c.quote_span[1]}]" if c.quote_span else "", style="dim")
            claims.add_row(Text(c.speaker), body)
        parts.append(claims)

    if briefing.denials:
        denials = Table(title="Denials", expand=True, title_justify="left", show_lines=True)
        denials.add_column("Who denies", style="bold")
        denials.add_column("What")
        denials.add_column("Accused by")
        for d in briefing.denials:
            body = Text(d.denied)
            if d.quote:
                body.append(f"\n“{d.quote}”", style="italic cyan")
            denials.add_row(Text(d.speaker), body, Text(d.accuser or "—"))
        parts.append(denials)

    if briefing.warnings:
        lines = Text()
        for w in briefing.warnings:
            lines.append(f"• {w.section}: ", style="bold yellow")
            lines.append(w.message + "\n")
        parts.append(Panel(lines, title="Not verified (dropped)", border_style="yellow"))

    prov = briefing.provenance
    usage = prov.usage
    cost = "" if prov.cost_usd is None else f" · ${prov.cost_usd:.4f}"
    parts_note = f" · {prov.chunks} parts" if prov.chunks > 1 else ""
    parts.append(
        Text(
            f"{prov.backend} · {prov.model} · prompt {prov.prompt.template} v{prov.prompt.version} · "
            f"{usage.llm_calls} LLM calls, {usage.reasks} re-asks, {usage.prompt_tokens:,}+{usage.completion_tokens:,} "
            f"tokens{cost}{parts_note} · {prov.created_at:%Y-%m-%d %H:%M} UTC · sha256 {briefing.source.sha256[:12]}",
            style="dim",
        )
    )
    if usage.passes:
        parts.append(Text(f"time by pass: {usage.per_pass()}", style="dim"))
    return Group(*parts)


def print_briefing(briefing: Briefing, console: Console | None = None) -> None:
    (console or Console()).print(briefing_view(briefing))
