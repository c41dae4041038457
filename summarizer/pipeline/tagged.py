"""The speaker a quote's own tag names ("…," Ms. Marsh said), as a participant: a rule, not a question.

When the words next to a quote name its speaker (:mod:`summarizer.speech_tags`), the program
knows who says it: the attribution question then offers that one name and only asks what the
quote states. A tagged speaker the participants questions did not list (a small model lists a
few people of a long article) is a participant all the same: the article quotes them.
"""

from __future__ import annotations

from summarizer.names import fold_text, name_key, written_regex
from summarizer.pipeline.ask import Asker, Question
from summarizer.pipeline.budgets import MAX_NEWCOMERS_PER_PART, NEWCOMER_TOKENS
from summarizer.pipeline.plan import Part
from summarizer.pipeline.salvage import Warnings, within
from summarizer.pipeline.speakers import ENDINGS
from summarizer.pipeline.story import Span, Story
from summarizer.replies import NewcomerReply, newcomer_model
from summarizer.schema import Participant
from summarizer.sentences import is_cjk
from summarizer.speech_tags import full_name, name_words, tag_name


def tagged_speaker(story: Story, span: Span, participants: list[Participant]) -> str | None:
    """The name of the one participant the tag of the quote at ``span`` names, or None."""
    name = story_tag(story, span)
    if name is None:
        return None
    found = [p for p in participants if _names(p, name)]
    return found[0].name if len(found) == 1 else None


def quoted_newcomers(
    asker: Asker, story: Story, parts: list[Part], participants: list[Participant], warnings: Warnings
) -> list[Participant]:
    """The speakers quote tags name that no participant is, as participants: the program has
    their names, the model says what each is (one short question each)."""
    newcomers: list[Participant] = []
    for part in parts:
        found = _newcomers(story, part, [*participants, *newcomers])
        for name, forms in within(found, MAX_NEWCOMERS_PER_PART, warnings, "participants", "quoted speakers"):
            readings = _readings(name)
            question = Question(
                "newcomer", newcomer_model(readings), part, NEWCOMER_TOKENS, story.context.about(None),
                {"speaker": name, "readings": readings},
            )  # fmt: skip
            reply = asker.ask(question)
            if not isinstance(reply, NewcomerReply):
                warnings.drop("participants", f"no valid reading of a quoted speaker: {reply}", {"name": name})
                continue
            chosen = getattr(reply, "name", name)
            if any(_names(p, chosen) for p in [*participants, *newcomers]):
                continue  # the name without its title is one already listed
            aliases = list(dict.fromkeys([chosen, *forms]))
            newcomers.append(Participant(name=chosen, kind=reply.kind, role=reply.role, aliases=aliases))
    return newcomers


def _readings(name: str) -> list[str]:
    """The name and its endings of two or more words: a run of capitalised words may begin with a
    title (German nouns are capitalised: "Verbandsvorsitzende Julia Kestner")."""
    words = name.split()
    starts = [start for start in range(max(len(words) - 1, 1)) if start == 0 or words[start][:1].isupper()]
    return [" ".join(words[start:]) for start in starts]


def _newcomers(story: Story, part: Part, participants: list[Participant]) -> list[tuple[str, list[str]]]:
    """Full names (and the forms the tags write) of the speakers that the part's quote tags name
    and no participant is, in order of quote."""
    found: dict[str, tuple[str, list[str]]] = {}
    for _quote, span in story.quotes_of(part):
        name = story_tag(story, span)
        if name is None or any(_names(p, name) for p in participants):
            continue
        full = full_name(name, story.text)
        if full is None:
            continue
        _full, forms = found.setdefault(name_key(full), (full, [full]))
        if name not in forms:
            forms.append(name)
    return list(found.values())


def story_tag(story: Story, span: Span) -> str | None:
    """The tag name of the article's quote that holds ``span`` (a gold quote may be part of one)."""
    whole = next((s for _q, s in story.quotes if s[0] <= span[0] and span[1] <= s[1]), span)
    return tag_name(story.text, whole, story.sentences, story.article.language)


def _names(participant: Participant, name: str) -> bool:
    """Whether ``name`` (as a tag writes it) is ``participant``: the same name or alias, the same
    surname, or in Chinese and Japanese, a form of theirs written inside it."""
    forms = [participant.name, *participant.aliases]
    if any(is_cjk(c) for c in name):
        return any(written_regex(form).search(name) for form in forms if len(form) >= 2)
    words = name_words(name)
    if not words:
        return False
    folded = [fold_text(w) for w in words]
    for form in forms:
        own = [fold_text(w) for w in name_words(form)]
        if not own:
            continue
        if len(own) >= len(words) and own[len(own) - len(words) :] == folded:
            return True  # the same name, or the surname of a full one
        if len(own) >= 2 and folded[-len(own) :] == own:
            return True  # the name after a title the tag runs into it ("Verbandsvorsitzende Julia Kestner")
        if len(words) == 1 and _same_surname(own[-1], folded[0]):
            return True  # an inflected surname
    return False


def _same_surname(a: str, b: str) -> bool:
    """Equal, or one the other with an inflection ending (Putin, Putins)."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= ENDINGS
