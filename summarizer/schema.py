"""The briefing: the public, stable data model every output of summarizer follows.

Field names are a contract with outside tools (exports, eval gold files, notebooks), so they are
spelled exactly as documented and ``schemas/briefing.schema.json`` is generated from these models
(a test keeps the two in sync). These models describe a *finished* briefing: quotes here have
already been checked against the article and their spans computed by the program. What the model
is asked to produce lives in :mod:`summarizer.replies`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "1.3"
# 1.1 added usage.cached_tokens, provenance.cost_usd and .chunks; 1.2 source.url, .extractor and .publication;
# 1.3 usage.seconds and usage.passes
READABLE_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3")

ParticipantKind = Literal["person", "organization", "country", "group"]
UNNAMED_SOURCE = "unnamed source"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Checked by the validator below; stated here so the published JSON Schema says it too.
IsoDate = Annotated[str, Field(json_schema_extra={"format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_iso_date(value: str | None) -> str | None:
    if value is None:
        return None
    if not _ISO_DATE.match(value):
        raise ValueError(f"date must be YYYY-MM-DD or null, got {value!r}")
    dt.date.fromisoformat(value)
    return value


class Event(_Strict):
    title: str = Field(description="Short headline of the main event, in the briefing language.")
    summary: str = Field(description="2 to 4 sentences, in the briefing language.")
    date: IsoDate | None = Field(
        description="ISO YYYY-MM-DD, only when the article states it; otherwise null (never guessed)."
    )
    location: str | None = Field(description="Where the event happens, or null.")

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return _check_iso_date(value)


class Participant(_Strict):
    name: str = Field(description="Canonical name, English spelling.")
    kind: ParticipantKind
    role: str | None = Field(description="Role or title in the story, or null.")
    aliases: list[str] = Field(
        default_factory=list, description="Surface forms exactly as written in the article."
    )


Span = tuple[int, int]


class Claim(_Strict):
    speaker: str = Field(description="A participant name, or 'unnamed source'.")
    statement: str = Field(description="Paraphrase in the briefing language.")
    quote: str | None = Field(description="Verbatim text from the article, or null.")
    quote_span: Span | None = Field(
        description="[start, end) character offsets of the quote in the article, computed by the program."
    )


class Denial(_Strict):
    speaker: str = Field(description="Who denies: a participant name, or 'unnamed source'.")
    denied: str = Field(description="What is denied, in the briefing language.")
    accuser: str | None = Field(description="Who made the allegation (a participant), or null.")
    quote: str | None = Field(description="Verbatim text from the article, or null.")
    quote_span: Span | None = Field(
        description="[start, end) character offsets of the quote in the article, computed by the program."
    )


class Publication(_Strict):
    """What a web page states about itself (its markup, not the model): each field null when it does not."""

    headline: str | None = Field(default=None, description="The page's headline.")
    published: IsoDate | None = Field(
        default=None,
        description="Publication date stated by the page's markup or URL (YYYY-MM-DD); not the event's date (event.date).",
    )
    site_name: str | None = Field(default=None, description="The publication or site.")
    author: str | None = Field(default=None, description="The author or authors, as the page names them.")
    canonical_url: str | None = Field(default=None, description="The page's canonical URL.")
    language: str | None = Field(
        default=None, description="Language the page declares (a tag such as 'en-US'); source.language is the detected one."
    )

    @field_validator("published")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return _check_iso_date(value)


class ExtractorRef(_Strict):
    name: str = Field(description="What turned the HTML page into the article text, e.g. 'trafilatura'.")
    version: str = Field(description="Its version: a new one can change the article text, and so its sha256.")


class Source(_Strict):
    language: str = Field(description="ISO 639-1 code of the article's language ('und' if unknown).")
    chars: int = Field(description="Length of the article text in characters.")
    sha256: str = Field(description="SHA-256 of the article text (UTF-8) that quote spans index into.")
    url: str | None = Field(default=None, description="The URL the article was fetched from, or null.")
    extractor: ExtractorRef | None = Field(
        default=None, description="What extracted the article text from an HTML page; null for plain text."
    )
    publication: Publication | None = Field(
        default=None, description="What the web page states about itself; null for plain text."
    )


class PromptRef(_Strict):
    template: str
    version: str
    sha256: str = Field(description="Hash of the template files, so edits without a version bump show.")


class PassUsage(_Strict):
    """What one pass cost: so a reader sees at once which pass takes the time."""

    llm_calls: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = Field(default=0.0, description="Wall time of its requests (none for answers from the completion cache).")

    def __add__(self, other: PassUsage) -> PassUsage:
        return PassUsage(**{key: getattr(self, key) + getattr(other, key) for key in PassUsage.model_fields})


class Usage(_Strict):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    reasks: int = 0
    cached_tokens: int = Field(default=0, description="Prompt tokens the server reports as served from its cache.")
    seconds: float = Field(default=0.0, description="Wall time of all requests (none for answers from the completion cache).")
    passes: dict[str, PassUsage] = Field(
        default_factory=dict,
        description="The same figures per pass (participants, denials, claims, event), in the order the passes ran.",
    )

    def __add__(self, other: Usage) -> Usage:
        """Two briefings' usage together (a batch's, a suite's), pass by pass."""
        passes = dict(self.passes)
        for name, figures in other.passes.items():
            passes[name] = passes[name] + figures if name in passes else figures
        sums = {key: getattr(self, key) + getattr(other, key) for key in Usage.model_fields if key != "passes"}
        return Usage(**sums, passes=passes)

    def per_pass(self) -> str:
        """Which pass cost what, in one line for people ("participants 4 calls 9 s · denials …")."""
        return " · ".join(
            f"{name} {figures.llm_calls} call{'s' * (figures.llm_calls != 1)}"
            + (f" ({figures.reasks} re-ask{'s' * (figures.reasks != 1)})" if figures.reasks else "")
            + f" {figures.seconds:.0f} s"
            for name, figures in self.passes.items()
        )


class Provenance(_Strict):
    model: str
    backend: str = Field(description="'embedded', or the kind of server: 'openai', 'openai-compatible'.")
    prompt: PromptRef
    created_at: dt.datetime
    usage: Usage
    briefing_language: str = Field(description="Language of statements and summary (ISO 639-1).")
    cost_usd: float | None = Field(
        default=None,
        description="Estimated cost in US dollars from the price table: 0 for the embedded model, null if the price is unknown.",
    )
    chunks: int = Field(default=1, description="Parts the article was split into to fit the model's context.")


class BriefingWarning(_Strict):
    """Something validation could not accept and dropped (or repaired): kept visible, never hidden."""

    section: Literal["event", "participants", "claims", "denials"]
    message: str
    item: dict[str, Any] | None = Field(default=None, description="The dropped item as the model gave it.")


class Briefing(_Strict):
    schema_version: Literal["1.0", "1.1", "1.2", "1.3"] = SCHEMA_VERSION
    event: Event
    participants: list[Participant]
    claims: list[Claim]
    denials: list[Denial]
    source: Source
    provenance: Provenance
    warnings: list[BriefingWarning] = Field(default_factory=list)


def briefing_json_schema() -> dict[str, Any]:
    """The JSON Schema published in ``schemas/`` for outside tools."""
    schema = Briefing.model_json_schema()
    schema["$id"] = f"https://summarizer.invalid/schemas/briefing-{SCHEMA_VERSION}.schema.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
