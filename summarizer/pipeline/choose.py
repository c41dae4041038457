"""Sentence choice: which of the part's own sentences answer a question (report a statement, a denial).

The reply is an enum of the offered sentences' openings, so the model can only pick, never
misquote, and points at a sentence instead of writing it out: the grammar closes the string once
the opening is written, a quarter of the tokens of a whole sentence.
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
    spans = {story.text[s:e]: (s, e) for s, e in sentences}
    texts = {opening: spans[text] for text, opening in openings(list(spans)).items()}
    model = sentence_choice_model("sentences", list(texts))
    reply = asker.ask(Question(question, model, part, CHOICE_TOKENS, story.context.about(None)))
    if isinstance(reply, ReplyFailed):
        warnings.drop(section, f"could not choose sentences ({question}): {reply}", None)
        return []
    return sorted({texts[t] for t in reply.sentences})  # type: ignore[attr-defined]


OPENING_CHARS = 30  # at least this much of a sentence is written to choose it
WORD_END_WITHIN = 20  # characters past that to finish the word, in scripts that separate words


def openings(sentences: list[str]) -> dict[str, str]:
    """Each sentence's shortest opening that no other sentence shares: at least OPENING_CHARS long,
    ending at a word's end where one follows soon (scripts without spaces end anywhere)."""
    found = {}
    for sentence in sentences:
        length = OPENING_CHARS
        while True:
            space = sentence.find(" ", length)
            end = space if 0 <= space - length <= WORD_END_WITHIN else length
            opening = sentence[:end].rstrip()
            if len(opening) >= len(sentence) or not any(o.startswith(opening) for o in sentences if o != sentence):
                break
            length = end + 1
        found[sentence] = opening if len(opening) < len(sentence) else sentence
    return found
