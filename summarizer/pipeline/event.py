"""Event pass: title, summary, date and place, from the first part (a news story's lead carries its
event), told what later parts report so that one event covers the whole article.

An event reply that stays invalid never costs the article: by the time it is asked, participants
(always), claims and denials are found, and a briefing with a flagged event is worth more to a
reader than an error. The repairs make no new request; each is recorded in ``warnings``.
"""

from __future__ import annotations

from summarizer.llm import ReplyFailed
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import EVENT_TOKENS
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, flagged_unless_in, json_object, validated
from summarizer.pipeline.story import Story
from summarizer.replies import EventReply, date_is_stated
from summarizer.schema import Event

LEAD_SENTENCES = 2  # a stand-in event's summary: the article's first sentences
MAX_TITLE_CHARS = 160  # as EventReply allows


def describe_event(asker: Asker, story: Story, part: Part, later: list[str], warnings: Warnings) -> Event:
    """The event, repaired rather than lost when the model's reply stays invalid."""
    question = Question("event", EventReply, part, EVENT_TOKENS, story.asking.about(None), {"later": later})
    reply = asker.ask(question)
    if isinstance(reply, ReplyFailed):
        cut_off = reply.last_content is None  # a cut-off reply is not re-asked
        reply = _repaired(reply, story, part, "" if cut_off else f" after {asker.max_reasks} re-asks", warnings)
        if isinstance(reply, Event):
            return reply
    if reply.date is not None and not date_is_stated(reply.date, story.text):
        _unstated(reply.date, warnings)
        reply = reply.model_copy(update={"date": None})
    note = "title or summary not in the briefing language; kept as the model wrote it"
    return _event(flagged_unless_in(story.language, reply, question.context, warnings, "event", note))


def _repaired(failure: ReplyFailed, story: Story, part: Part, why: str, warnings: Warnings) -> EventReply | Event:
    """The cheapest repair that holds: the reply without its date, else a stand-in event.

    A date is dropped rather than guessed; only a reply with nothing usable is replaced by the
    article's own opening sentences.
    """
    data, reason = json_object(failure.last_content), " ".join(str(failure).split())
    reply = validated({**data, "date": None}, EventReply, story.asking)
    if reply is not None:
        if data.get("date") is not None:
            _unstated(data["date"], warnings)
        return reply
    lead = "title and summary are the article's opening sentences"
    warnings.drop("event", f"no valid event description{why}; {lead}: {reason}", data or None)
    return _stand_in(story, part)


def _unstated(date: object, warnings: Warnings) -> None:
    warnings.drop("event", f"date {date!r} is not stated in the article; set to null", None)


def _stand_in(story: Story, part: Part) -> Event:
    """The lead of the article: a news story's first sentences say what happened."""
    lead = [" ".join(story.text[a:b].split()) for a, b in story.sentences_of(part)[:LEAD_SENTENCES]]
    lead = lead or [" ".join(story.text[part.start : part.end].split())]
    title = lead[0] if len(lead[0]) <= MAX_TITLE_CHARS else lead[0][: MAX_TITLE_CHARS - 1] + "…"
    return Event(title=title, summary=" ".join(lead), date=None, location=None)


def _event(reply: EventReply) -> Event:
    return Event(title=reply.title, summary=" ".join(reply.summary), date=reply.date, location=reply.location)
