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
from summarizer.chunking import Chunk, estimate_tokens, split_into_chunks
from summarizer.cost import estimate_cost
from summarizer.errors import BackendError, ExtractionError, InputError
from summarizer.grounding import QuoteLocator
from summarizer.llm import LLM, ReplyFailed
from summarizer.merge import merge_participants
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
MAX_QUOTES_PER_PART = 40  # each quote is one question: bounds the time one part can take
OVERLAP_SHARE = 0.1  # of a part's length, repeated from the previous part as context
MIN_PART_TOKENS = 200  # below this a part says too little to be worth asking about
LATER_POINTS_CHARS = 1500  # statements from later parts shown with the first when asking for the event


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
            backend.client,
            model=backend.model,
            mode=backend.mode,
            max_reasks=backend.settings.max_reasks,
            cache=cache,
            cache_scope=backend.cache_scope,
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
        try:
            return _Run(self, article, language, llm, progress).briefing()
        except BackendError as exc:
            reason = self.backend.stopped_unexpectedly()
            if reason is None:
                raise
            raise BackendError(reason) from exc


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
        self.parts = [Chunk(0, 0, len(article.text))]
        self.part = self.parts[0]  # the part of the article the current question is about

    def briefing(self) -> Briefing:
        """Participants from every part first (any of them may speak anywhere), then each part's
        statements and denials, then one event for the whole article."""
        self.parts = self._plan_parts()
        participants = self._all_participants()
        names = [p.name for p in participants]
        claims: list[Claim] = []
        denials: list[Denial] = []
        later: list[str] = []  # what parts after the first report, for the event question
        for part in self.parts:
            self.part = part
            owned = [s for s in self.sentences if self.part.owns(s[0])]
            denial_sentences = self._choose("denial_sentences", owned, "denials")
            part_claims = self._claims(names, owned, not_reported=denial_sentences)
            part_denials = self._denials(participants, denial_sentences)
            if self.part is not self.parts[0]:
                later += [f"{c.speaker}: {c.statement}" for c in part_claims]
                later += [f"{d.speaker} denies: {d.denied}" for d in part_denials]
            claims += part_claims
            denials += part_denials
        if len(self.parts) > 1:
            claims = self._dedupe(claims, "claims", key=_claim_key)
            denials = self._dedupe(denials, "denials", key=_denial_key)
        self.part = self.parts[0]  # a news story's lead carries its event
        event = self._event(_within(later, LATER_POINTS_CHARS))
        usage = self.llm.log.usage()
        backend = self.owner.backend
        return Briefing(
            event=event,
            participants=participants,
            claims=claims,
            denials=denials,
            source=Source(language=self.article.language, chars=self.article.chars, sha256=self.article.sha256),
            provenance=Provenance(
                model=self.llm.model,
                backend=backend.kind,
                prompt=self.prompts.ref,
                created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                usage=usage,
                briefing_language=self.language,
                cost_usd=estimate_cost(backend.kind, self.llm.model, usage),
                chunks=len(self.parts),
            ),
            warnings=self.warnings,
        )

    # -- limits ----------------------------------------------------------------------------------

    def _plan_parts(self) -> list[Chunk]:
        """One part if the article fits the model's context with the longest question, else
        parts cut on paragraph and sentence boundaries that each fit (exact token counts where the
        server can count them, a conservative estimate elsewhere)."""
        text = self.article.text
        budget = self._part_budget()
        if budget is None:
            return [Chunk(0, 0, len(text))]
        count = self.owner.backend.count_tokens
        tokens = count(text) or estimate_tokens(text)
        if tokens <= budget:
            return [Chunk(0, 0, len(text))]
        max_chars = max(1, int(len(text) * budget / tokens * 0.95))
        for _attempt in range(5):
            parts = split_into_chunks(text, max_chars, int(max_chars * OVERLAP_SHARE))
            largest = max(count(text[p.start : p.end]) or estimate_tokens(text[p.start : p.end]) for p in parts)
            if largest <= budget:
                return parts
            max_chars = max(1, int(max_chars * budget / largest * 0.95))
        raise InputError(f"{self.article.source or 'article'}: cannot split the article into parts of {budget:,} tokens")

    def _part_budget(self) -> int | None:
        """Article tokens one question may carry: the user's setting, capped by the context."""
        backend = self.owner.backend
        wanted = backend.settings.chunk_tokens
        if wanted is not None and wanted < MIN_PART_TOKENS:
            raise InputError(f"parts of {wanted:,} tokens are too small to say anything; use at least {MIN_PART_TOKENS}")
        limit = backend.context_tokens
        if limit is None:
            return wanted
        system = backend.count_tokens(self.system) or estimate_tokens(self.system)
        room = limit - system - QUESTION_TOKENS - EVENT_TOKENS
        if room < MIN_PART_TOKENS:
            raise InputError(f"the model's context ({limit:,} tokens) is too small for the questions")
        return room if wanted is None else min(wanted, room)

    # -- asking ----------------------------------------------------------------------------------

    def _ask(
        self, model: type[BaseModel], question: str, max_tokens: int, *, passage: str | None = None, **variables: Any
    ) -> BaseModel | ReplyFailed:
        if self.progress:
            where = f"part {self.parts.index(self.part) + 1}/{len(self.parts)}: " if len(self.parts) > 1 else ""
            self.progress(where + question.replace("_", " "))
        article = self.article.text[self.part.start : self.part.end]
        user = self.prompts.task(question, language=self.language, article=article, passage=passage, **variables)
        messages = [{"role": "system", "content": self.system}, {"role": "user", "content": user}]
        context = {**self.context, "passage": passage}
        try:
            return self.llm.extract(model, messages, max_tokens=max_tokens, context=context)
        except ReplyFailed as failure:
            return failure
        except ExtractionError as cut_off:  # a reply cut at max_tokens: like an invalid one, nothing to keep
            return ReplyFailed(str(cut_off).removeprefix(f"{self.llm.endpoint}: "), None)

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

    def _all_participants(self) -> list[Participant]:
        found = []
        for part in self.parts:
            self.part = part
            found.append(self._participants())
        participants = merge_participants(found)
        if not participants:
            raise ExtractionError(f"{self.llm.endpoint}: the model found no participants in the article")
        # An alias that is another participant's name is a confusion (a country "also called" its
        # president): the name wins.
        names = {name_key(p.name) for p in participants}

        def own(alias: str, p: Participant) -> bool:
            return name_key(alias) == name_key(p.name) or name_key(alias) not in names

        return [p.model_copy(update={"aliases": [a for a in p.aliases if own(a, p)]}) for p in participants]

    def _participants(self) -> list[Participant]:
        """The current part's participants, kind by kind; a name given twice is kept once."""
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
        return self._dedupe(participants, "participants", key=lambda p: name_key(p.name))

    # -- claims ----------------------------------------------------------------------------------

    def _claims(self, names: list[str], sentences: list[tuple[int, int]], *, not_reported: list[tuple[int, int]]) -> list[Claim]:
        """The current part's quoted claims, one per quote, then statements reported without quotes.

        Sentences carrying a quote or a denial are not offered as reported statements: they are
        covered already, and offering them again invites duplicates.
        """
        model = attribution_model(names)
        claims: list[Claim] = []
        owned = [(quote, span) for quote, span in self.quotes if self.part.owns(span[0])]
        if len(owned) > MAX_QUOTES_PER_PART:
            skipped = len(owned) - MAX_QUOTES_PER_PART
            self._drop("claims", f"{skipped} quotes after the first {MAX_QUOTES_PER_PART} of a part were not attributed", None)
        for quote, (start, end) in owned[:MAX_QUOTES_PER_PART]:
            passage = self._passage(start, end, PASSAGE_BEFORE, PASSAGE_AFTER)
            reply = self._ask(model, "attribution", ATTRIBUTION_TOKENS, passage=passage, names=names)
            if isinstance(reply, ReplyFailed):
                self._drop("claims", f"no valid attribution for a quote: {reply}", {"quote": quote})
                continue
            claims.append(Claim(speaker=reply.speaker, statement=reply.statement, quote=quote, quote_span=(start, end)))  # type: ignore[attr-defined]
        offered = [s for s in self._without_quotes(sentences) if s not in set(not_reported)]
        for start, end in self._choose("reported", offered, "claims"):
            passage = self._passage(start, end, 0, 0)
            reply = self._ask(model, "attribution", ATTRIBUTION_TOKENS, passage=passage, names=names)
            if isinstance(reply, ReplyFailed):
                self._drop("claims", f"no valid attribution for a reported statement: {reply}", {"sentence": passage})
                continue
            claims.append(Claim(speaker=reply.speaker, statement=reply.statement, quote=None, quote_span=None))  # type: ignore[attr-defined]
        return self._dedupe(claims, "claims", key=_claim_key)

    def _without_quotes(self, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(s, e) for s, e in sentences if not any(qs < e and s < qe for _q, (qs, qe) in self.quotes)]

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
        return self._dedupe(denials, "denials", key=_denial_key)

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

    def _event(self, later: list[str]) -> Event:
        """From the first part, told what later parts report (``later``), so one event covers all."""
        reply = self._ask(EventReply, "event", EVENT_TOKENS, later=later)
        if isinstance(reply, ReplyFailed):
            data = _json_object(reply.last_content)
            try:
                reply = EventReply.model_validate({**data, "date": None}, context=self.context)
            except ValidationError:
                cut_off = reply.last_content is None  # a cut-off reply is not re-asked
                tried = "" if cut_off else f" after {self.llm.max_reasks} re-asks"
                raise ExtractionError(f"{self.llm.endpoint}: no valid event description{tried}: {reply}") from None
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


def _claim_key(claim: Claim) -> tuple[str, str]:
    return (claim.speaker, claim.quote or name_key(claim.statement))


def _denial_key(denial: Denial) -> tuple[str, str]:
    return (denial.speaker, name_key(denial.denied))


def _within(lines: list[str], limit: int) -> list[str]:
    """The first lines whose total length stays within ``limit`` characters."""
    kept, used = [], 0
    for line in lines:
        used += len(line) + 3
        if used > limit:
            break
        kept.append(line)
    return kept


def _json_object(content: str | None) -> dict[str, Any]:
    try:
        data = json.loads(content or "")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
