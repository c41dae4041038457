"""From an article to a validated briefing: the passes, their salvage, and the assembly.

Data flows one way: article -> prompts -> LLM (via :mod:`summarizer.llm`) -> validated replies ->
:class:`~summarizer.schema.Briefing`. The passes run in order because each narrows the next: the
participants found first become the only allowed speakers and accusers of the statements and
denials passes. A pass whose reply stays invalid after the re-asks is not fatal when something
can be saved: its valid items are kept, the rest are dropped and listed as warnings in the
briefing, never silently kept and never a crash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ValidationError

from summarizer.article import Article, article_from_text
from summarizer.backends import Backend, Settings
from summarizer.cache import CompletionCache
from summarizer.errors import ExtractionError, InputError
from summarizer.grounding import QuoteLocator
from summarizer.llm import LLM, ReplyFailed
from summarizer.prompts import PromptSet, default_prompts, language_name
from summarizer.quotes import find_direct_quotes
from summarizer.replies import (
    KIND_LISTS,
    AccusationReply,
    DeniersReply,
    EventReply,
    ParticipantDraft,
    attribution_model,
    name_key,
    participants_reply_model,
    resolution_model,
    sentence_choice_model,
)
from summarizer.schema import (
    UNNAMED_SOURCE,
    Briefing,
    BriefingWarning,
    Claim,
    Denial,
    Event,
    Participant,
    Provenance,
    Source,
)
from summarizer.sentences import split_sentences

# Output budgets per question, in tokens: generous for a one-line JSON reply, small enough that
# a model stuck in a loop is stopped early.
PARTICIPANTS_TOKENS = 400
ATTRIBUTION_TOKENS = 160
CHOICE_TOKENS = 400
DENIALS_TOKENS = 350
RESOLVE_TOKENS = 40
EVENT_TOKENS = 500
QUESTION_TOKENS = 600  # the question after the article, at most (passages, names)
PASSAGE_BEFORE = 200  # characters of article shown before a quote when asking who said it
PASSAGE_AFTER = 120


class Summarizer:
    """Summarizes articles with one backend, kept open across calls (start the model once).

    ``Summarizer()`` with no arguments uses the environment's configuration, which with nothing
    set means the embedded model. Pass a ``Backend`` (or ``Settings``) to choose another.
    """

    def __init__(
        self,
        backend: Backend | None = None,
        *,
        settings: Settings | None = None,
        prompts: PromptSet | None = None,
        language: str = "en",
    ) -> None:
        language_name(language)  # fail early on an unknown briefing language
        self._owns_backend = backend is None
        self.backend = backend or Backend(settings)
        self.prompts = prompts or default_prompts()
        self.language = language

    def close(self) -> None:
        if self._owns_backend:
            self.backend.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def new_llm(self, *, cache: CompletionCache | None = None) -> LLM:
        """A fresh LLM handle (its own call log) on this backend, optionally with a response cache."""
        backend = self.backend
        return LLM(
            backend.client, model=backend.model, mode=backend.mode, max_reasks=backend.settings.max_reasks, cache=cache
        )

    def summarize(
        self,
        article: Article | str,
        *,
        language: str | None = None,
        llm: LLM | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Briefing:
        """Build the briefing of one article (text or a loaded :class:`Article`).

        ``progress`` is called with a short description before each question to the model.
        """
        if isinstance(article, str):
            article = article_from_text(article)
        language = language or self.language
        llm = llm or self.new_llm()
        return _Run(self, article, language, llm, progress).briefing()


def summarize(text: str | Article, *, language: str = "en", settings: Settings | None = None) -> Briefing:
    """One-shot convenience for notebooks: open the backend, summarize, close it again."""
    with Summarizer(settings=settings, language=language) as summarizer:
        return summarizer.summarize(text)


class _Run:
    """One article through all questions; holds what they share."""

    def __init__(
        self, owner: Summarizer, article: Article, language: str, llm: LLM, progress: Callable[[str], None] | None
    ) -> None:
        self.owner = owner
        self.progress = progress
        self.article = article
        self.language = language
        self.llm = llm
        self.prompts = owner.prompts
        self.system = self.prompts.system(language=language)
        self.locator = QuoteLocator(article.text)
        self.context: dict[str, Any] = {
            "article": article.text,
            "language": language,
            "casefolded": QuoteLocator(article.text.casefold()),  # names in replies are checked against it
        }
        self.warnings: list[BriefingWarning] = []
        self.quotes = [(q, span) for q in find_direct_quotes(article.text) if (span := self.locator.locate(q))]
        self.sentences = split_sentences(article.text)

    def briefing(self) -> Briefing:
        self._check_fits()
        participants = self._participants()
        names = [p.name for p in participants]
        denial_sentences = self._choose("denial_sentences", self.sentences, "denials")
        claims = self._claims(names, not_reported=denial_sentences)
        denials = self._denials(participants, denial_sentences)
        event = self._event()
        return Briefing(
            event=event,
            participants=participants,
            claims=claims,
            denials=denials,
            source=Source(language=self.article.language, chars=self.article.chars, sha256=self.article.sha256),
            provenance=Provenance(
                model=self.llm.model,
                backend=self.owner.backend.kind,
                prompt=self.prompts.ref,
                created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                usage=self.llm.log.usage(),
                briefing_language=self.language,
            ),
            warnings=self.warnings,
        )

    # -- limits ----------------------------------------------------------------------------------

    def _check_fits(self) -> None:
        backend = self.owner.backend
        limit = backend.context_tokens
        if limit is None:
            return
        needed = backend.count_tokens(self.system + "\n" + self.article.text) + QUESTION_TOKENS + EVENT_TOKENS
        if needed > limit:
            name = self.article.source or "article"
            raise InputError(
                f"{name}: too long for the model's context ({needed:,} tokens needed with the prompt, "
                f"limit {limit:,}); split the article (about {self.article.chars * limit // needed:,} characters fit)"
            )

    # -- asking ----------------------------------------------------------------------------------

    def _ask(
        self, model: type[BaseModel], question: str, max_tokens: int, *, passage: str | None = None, **variables: Any
    ) -> BaseModel | ReplyFailed:
        if self.progress:
            self.progress(question.replace("_", " "))
        user = self.prompts.task(question, language=self.language, article=self.article.text, passage=passage, **variables)
        messages = [{"role": "system", "content": self.system}, {"role": "user", "content": user}]
        context = {**self.context, "passage": passage}
        try:
            return self.llm.extract(model, messages, max_tokens=max_tokens, context=context)
        except ReplyFailed as failure:
            return failure

    def _passage(self, start: int, end: int, before: int, after: int) -> str:
        """The span marked with [[ ]] inside the words around it (same paragraph only)."""
        text = self.article.text
        paragraph_start = text.rfind("\n", 0, start) + 1
        paragraph_end = text.find("\n", end)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        return (
            text[max(paragraph_start, start - before) : start]
            + "[["
            + text[start:end]
            + "]]"
            + text[end : min(paragraph_end, end + after)]
        )

    # -- participants ----------------------------------------------------------------------------

    def _participants(self) -> list[Participant]:
        participants: list[Participant] = []
        for field, kind in KIND_LISTS.items():
            model = participants_reply_model(field)
            listed = [p.name for p in participants]
            reply = self._ask(model, "participants", PARTICIPANTS_TOKENS, kind=field, listed=listed)
            if isinstance(reply, ReplyFailed):
                items = self._salvage(reply, "participants", field, ParticipantDraft)
            else:
                items = list(getattr(reply, field))
            participants += [Participant(kind=kind, **item.model_dump()) for item in items]
        participants = self._dedupe(participants, "participants", key=lambda p: name_key(p.name))
        if not participants:
            raise ExtractionError(f"{self.llm.endpoint}: the model found no participants in the article")
        # An alias that is another participant's name is a confusion (a country "also called" its
        # president): the name wins.
        names = {name_key(p.name) for p in participants}

        def own(alias: str, p: Participant) -> bool:
            return name_key(alias) == name_key(p.name) or name_key(alias) not in names

        return [p.model_copy(update={"aliases": [a for a in p.aliases if own(a, p)]}) for p in participants]

    # -- claims ----------------------------------------------------------------------------------

    def _claims(self, names: list[str], *, not_reported: list[tuple[int, int]]) -> list[Claim]:
        """Quoted claims, one per quote, then statements reported without quotes.

        Sentences carrying a quote or a denial are not offered as reported statements: they are
        covered already, and offering them again invites duplicates.
        """
        model = attribution_model(names)
        claims: list[Claim] = []
        for quote, (start, end) in self.quotes:
            passage = self._passage(start, end, PASSAGE_BEFORE, PASSAGE_AFTER)
            reply = self._ask(model, "attribution", ATTRIBUTION_TOKENS, passage=passage, names=names)
            if isinstance(reply, ReplyFailed):
                self._drop("claims", f"no valid attribution for a quote: {reply}", {"quote": quote})
                continue
            claims.append(Claim(speaker=reply.speaker, statement=reply.statement, quote=quote, quote_span=(start, end)))  # type: ignore[attr-defined]
        offered = [s for s in self._sentences_without_quotes() if s not in set(not_reported)]
        for start, end in self._choose("reported", offered, "claims"):
            passage = self._passage(start, end, 0, 0)
            reply = self._ask(model, "attribution", ATTRIBUTION_TOKENS, passage=passage, names=names)
            if isinstance(reply, ReplyFailed):
                self._drop("claims", f"no valid attribution for a reported statement: {reply}", {"sentence": passage})
                continue
            claims.append(Claim(speaker=reply.speaker, statement=reply.statement, quote=None, quote_span=None))  # type: ignore[attr-defined]
        return self._dedupe(claims, "claims", key=lambda c: (c.speaker, c.quote or name_key(c.statement)))

    def _sentences_without_quotes(self) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.sentences if not any(qs < e and s < qe for _q, (qs, qe) in self.quotes)]

    def _choose(self, question: str, sentences: list[tuple[int, int]], section: str) -> list[tuple[int, int]]:
        """Ask which of ``sentences`` answer ``question``; returns their spans, in article order."""
        if not sentences:
            return []
        texts = {self.article.text[s:e]: (s, e) for s, e in sentences}
        model = sentence_choice_model("sentences", list(texts))
        reply = self._ask(model, question, CHOICE_TOKENS)
        if isinstance(reply, ReplyFailed):
            self._drop(section, f"could not choose sentences ({question}): {reply}", None)
            return []
        return sorted({texts[t] for t in reply.sentences})  # type: ignore[attr-defined]

    # -- denials ---------------------------------------------------------------------------------

    def _denials(self, participants: list[Participant], sentences: list[tuple[int, int]]) -> list[Denial]:
        text = self.article.text
        previous = dict(zip(self.sentences[1:], self.sentences[:-1], strict=False))
        denials: list[Denial] = []
        for start, end in sentences:
            sentence = text[start:end]
            before = previous.get((start, end))
            earlier = text[before[0] : before[1]] if before else None
            passage = text[before[0] : end] if before else sentence
            around = self._passage(start, end, PASSAGE_BEFORE, PASSAGE_AFTER)
            deniers = self._ask(DeniersReply, "deniers", DENIALS_TOKENS, passage=around)
            if not isinstance(deniers, DeniersReply):
                self._drop("denials", f"no valid reading of who denies: {deniers}", {"quote": sentence})
                continue
            accusation = self._ask(
                AccusationReply,
                "accusation",
                DENIALS_TOKENS,
                passage=passage,
                previous=earlier,
                sentence=sentence,
                deniers=deniers.denied_by,
            )
            if not isinstance(accusation, AccusationReply):
                accusation = self._accusation_without_accuser(accusation, sentence)
                if accusation is None:
                    continue
            accuser = self._resolve(accusation.accuser, participants) if accusation.accuser else None
            for name in deniers.denied_by:
                speaker = self._resolve(name, participants)
                if speaker is None:
                    item = {"speaker": name, "denied": accusation.accusation, "quote": sentence}
                    self._drop("denials", f"{name!r} is not one of the participants", item)
                    continue
                denials.append(
                    Denial(
                        speaker=speaker,
                        denied=accusation.accusation,
                        accuser=accuser if accuser != speaker else None,
                        quote=sentence,
                        quote_span=(start, end),
                    )
                )
        return self._dedupe(denials, "denials", key=lambda d: (d.speaker, name_key(d.denied)))

    def _accusation_without_accuser(self, failure: ReplyFailed, sentence: str) -> AccusationReply | None:
        """An accusation whose accuser stayed invalid is kept with no accuser, and reported."""
        data = _json_object(failure.last_content)
        try:
            kept = AccusationReply.model_validate({**data, "accuser": None}, context=self.context)
        except ValidationError:
            self._drop("denials", f"no valid reading of what is denied: {failure}", {"quote": sentence})
            return None
        self._drop("denials", f"accuser {data.get('accuser')!r} not found in the text; set to null", None)
        return kept

    def _resolve(self, name: str, participants: list[Participant]) -> str | None:
        """The participant a name refers to: by name or alias, else by asking the model."""
        key = name_key(name)
        for p in participants:
            if key == name_key(p.name) or key in {name_key(a) for a in p.aliases}:
                return p.name
        if key == name_key(UNNAMED_SOURCE):
            return UNNAMED_SOURCE
        names = [p.name for p in participants]
        reply = self._ask(resolution_model(names), "resolve", RESOLVE_TOKENS, mention=name, names=names)
        if isinstance(reply, ReplyFailed) or reply.participant == "none":  # type: ignore[attr-defined]
            return None
        return reply.participant  # type: ignore[attr-defined]

    # -- event -----------------------------------------------------------------------------------

    def _event(self) -> Event:
        reply = self._ask(EventReply, "event", EVENT_TOKENS)
        if isinstance(reply, ReplyFailed):
            data = _json_object(reply.last_content)
            try:
                reply = EventReply.model_validate({**data, "date": None}, context=self.context)
            except ValidationError:
                raise ExtractionError(
                    f"{self.llm.endpoint}: no valid event description after {self.llm.max_reasks} re-asks: {reply}"
                ) from None
            if data.get("date") is not None:
                self._drop("event", f"date {data['date']!r} is not stated in the article; set to null", None)
        assert isinstance(reply, EventReply)
        return Event(title=reply.title, summary=" ".join(reply.summary), date=reply.date, location=reply.location)

    # -- keeping what is valid -------------------------------------------------------------------

    def _drop(self, section: str, message: str, item: BaseModel | dict[str, Any] | None) -> None:
        data = item.model_dump() if isinstance(item, BaseModel) else item
        self.warnings.append(BriefingWarning(section=section, message=message[:500], item=data))  # type: ignore[arg-type]

    def _salvage(self, failure: ReplyFailed, section: str, field: str, item_type: type[BaseModel]) -> list[Any]:
        """Keep the valid items of a reply that failed as a whole; report the others."""
        raw_items = _json_object(failure.last_content).get(field)
        if not isinstance(raw_items, list):
            self._drop(section, f"no usable reply after re-asks: {failure}", None)
            return []
        kept = []
        for raw in raw_items:
            try:
                kept.append(item_type.model_validate(raw, context=self.context))
            except ValidationError as exc:
                reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                self._drop(section, f"invalid item dropped: {reasons}", raw if isinstance(raw, dict) else {"value": raw})
        return kept

    def _dedupe(self, items: list[Any], section: str, key: Callable[[Any], Any]) -> list[Any]:
        seen: set[Any] = set()
        unique = []
        for item in items:
            k = key(item)
            if k in seen:
                self._drop(section, "duplicate dropped", item)
                continue
            seen.add(k)
            unique.append(item)
        return unique


def _json_object(content: str | None) -> dict[str, Any]:
    try:
        data = json.loads(content or "")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
