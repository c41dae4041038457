"""Event pass: title, summary, date and place, from the first part (a news story's lead carries its
event), told what later parts report so that one event covers the whole article."""

from __future__ import annotations

from pydantic import ValidationError

from summarizer.errors import ExtractionError
from summarizer.llm import ReplyFailed
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import EVENT_TOKENS
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, json_object
from summarizer.pipeline.story import Story
from summarizer.replies import EventReply
from summarizer.schema import Event


def describe_event(asker: Asker, story: Story, part: Part, later: list[str], warnings: Warnings) -> Event:
    """The event; a date the article does not state is dropped rather than the whole reply."""
    reply = asker.ask(Question("event", EventReply, part, EVENT_TOKENS, story.context.about(None), {"later": later}))
    if isinstance(reply, ReplyFailed):
        data = json_object(reply.last_content)
        try:
            reply = EventReply.model_validate({**data, "date": None}, context=story.context)
        except ValidationError:
            cut_off = reply.last_content is None  # a cut-off reply is not re-asked
            tried = "" if cut_off else f" after {asker.max_reasks} re-asks"
            raise ExtractionError(f"{asker.endpoint}: no valid event description{tried}: {reply}") from None
        if data.get("date") is not None:
            warnings.drop("event", f"date {data['date']!r} is not stated in the article; set to null", None)
    assert isinstance(reply, EventReply)
    return Event(title=reply.title, summary=" ".join(reply.summary), date=reply.date, location=reply.location)
