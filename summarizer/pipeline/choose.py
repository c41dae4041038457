"""Sentence choice: which of the part's own sentences answer a question (report a statement, a denial).

The reply is an enum of the offered sentences, so the model can only pick, never misquote.
"""

from __future__ import annotations

from summarizer.llm import ReplyFailed
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import CHOICE_TOKENS
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings
from summarizer.pipeline.story import Span, Story
from summarizer.replies import sentence_choice_model


def choose_sentences(
    asker: Asker, story: Story, part: Part, question: str, sentences: list[Span], warnings: Warnings, section: str
) -> list[Span]:
    """Ask which of ``sentences`` answer ``question``; returns their spans, in article order."""
    if not sentences:
        return []
    texts = {story.text[s:e]: (s, e) for s, e in sentences}
    model = sentence_choice_model("sentences", list(texts))
    reply = asker.ask(Question(question, model, part, CHOICE_TOKENS, story.context.about(None)))
    if isinstance(reply, ReplyFailed):
        warnings.drop(section, f"could not choose sentences ({question}): {reply}", None)
        return []
    return sorted({texts[t] for t in reply.sentences})  # type: ignore[attr-defined]
