"""The library's front door: :class:`Summarizer` keeps one provider open across articles."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from summarizer.errors import BackendError
from summarizer.ingest import Article, article_from_text
from summarizer.llm import LLM
from summarizer.llm.cache import CompletionCache
from summarizer.pipeline.ask import Asker, LLMAsker
from summarizer.pipeline.plan import Part, TokenLimits, part_budget, plan_parts
from summarizer.pipeline.run import Options, build_briefing
from summarizer.pipeline.story import Story
from summarizer.prompts import PromptSet, default_prompts, language_name
from summarizer.providers import Provider, Settings, open_provider
from summarizer.schema import Briefing


class Summarizer:
    """Summarizes articles with one provider, kept open across calls (start the model once).

    ``Summarizer()`` with no arguments uses the environment's configuration, which with nothing
    set means the embedded model. Pass a ``Provider`` (or ``Settings``) to choose another.
    """

    def __init__(
        self,
        provider: Provider | None = None,
        *,
        settings: Settings | None = None,
        prompts: PromptSet | None = None,
        language: str = "en",
        options: Options | None = None,
    ) -> None:
        language_name(language)  # fail early on an unknown briefing language
        self._owns_provider = provider is None
        self.provider = provider or open_provider(settings)
        self.prompts = prompts or default_prompts()
        self.language = language
        self.options = options or Options()

    def close(self) -> None:
        if self._owns_provider:
            self.provider.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def new_llm(self, *, cache: CompletionCache | None = None) -> LLM:
        """A fresh LLM handle (its own call log) on this provider, optionally with a response cache."""
        provider = self.provider
        return LLM(
            provider.client,
            model=provider.model,
            mode=provider.mode,
            max_reasks=self.options.max_reasks,
            cache=cache,
            cache_scope=provider.cache_scope,
            connect=provider.connect,
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
        article = article_from_text(article) if isinstance(article, str) else article
        language = language or self.language
        asker = self.asker(article, language=language, llm=llm, progress=progress)
        try:
            return summarize_with(asker, article, language=language, prompts=self.prompts, options=self.options,
                                  limits=self.limits(), backend=self.provider.kind)  # fmt: skip
        except BackendError as exc:
            explained = self.provider.explain(exc)
            if explained is exc:
                raise
            raise explained from exc

    def asker(
        self,
        article: Article,
        *,
        language: str | None = None,
        llm: LLM | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> LLMAsker:
        """What asks this provider's model the passes' questions about ``article``; also for running one pass alone."""
        return LLMAsker(llm or self.new_llm(), self.prompts, article.text, language or self.language, progress)

    def limits(self) -> TokenLimits:
        """The model's context and its token counter: what splits a long article into parts."""
        return TokenLimits(self.provider.context_tokens, self.provider.count_tokens)


def summarize_with(
    asker: Asker,
    article: Article,
    *,
    language: str = "en",
    prompts: PromptSet | None = None,
    options: Options | None = None,
    limits: TokenLimits | None = None,
    backend: str = "scripted",
) -> Briefing:
    """The briefing of ``article`` from whatever answers the questions (a model, or a scripted stand-in)."""
    prompts = prompts or default_prompts()
    story, parts = prepare(article, language=language, prompts=prompts, options=options, limits=limits)
    return build_briefing(article, story, parts, asker, prompts=prompts, backend=backend)


def prepare(
    article: Article,
    *,
    language: str = "en",
    prompts: PromptSet | None = None,
    options: Options | None = None,
    limits: TokenLimits | None = None,
) -> tuple[Story, list[Part]]:
    """What every pass shares about ``article`` (its sentences and quotes) and the parts it is asked in.

    A pass run alone (``summarizer eval --pass``) starts here too, so it sees the same parts as a briefing.
    """
    prompts = prompts or default_prompts()
    options = options or Options()
    limits = limits or TokenLimits()
    budget = part_budget(limits, prompts.system(language=language), options.chunk_tokens)
    return Story.of(article, language), plan_parts(article.text, budget, limits, source=article.source)


def summarize(text: str | Article, *, language: str = "en", settings: Settings | None = None) -> Briefing:
    """One-shot convenience for notebooks: open the provider, summarize, close it again."""
    with Summarizer(settings=settings, language=language) as summarizer:
        return summarizer.summarize(text)
