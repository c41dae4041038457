"""Prompt templates: files under ``prompts/``, rendered with Jinja2.

Prompts are files so they can be read, diffed and versioned without reading code; every briefing
records the template set's name, declared version and content hash, so a result can always be
traced to the exact wording that produced it (and the eval cache can key on it).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from summarizer.errors import ConfigError
from summarizer.schema import PromptRef


def prompts_root() -> Path:
    """Where the templates live: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "_prompts"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "prompts"


LANGUAGE_NAMES = {
    "en": "English", "it": "Italian", "fr": "French", "de": "German", "es": "Spanish",
    "pt": "Portuguese", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "nl": "Dutch",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "tr": "Turkish",
}


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code, which small models follow far better than the code."""
    try:
        return LANGUAGE_NAMES[code.lower()]
    except KeyError:
        known = ", ".join(sorted(LANGUAGE_NAMES))
        raise ConfigError(f"unsupported briefing language {code!r} (known: {known})") from None


@dataclass(frozen=True)
class PromptSet:
    """One folder of templates: a system prompt shared by all passes and one template per pass."""

    directory: Path

    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.directory / "manifest.toml"
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read prompt manifest: {exc}") from None

    @cached_property
    def _env(self) -> jinja2.Environment:
        return jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.directory),
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
        )

    @cached_property
    def ref(self) -> PromptRef:
        digest = hashlib.sha256()
        for path in sorted(p for p in self.directory.iterdir() if p.is_file()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return PromptRef(
            template=str(self.manifest["name"]),
            version=str(self.manifest["version"]),
            sha256=digest.hexdigest(),
        )

    def system(self, *, language: str) -> str:
        return self._render("system.j2", language_name=language_name(language))

    def task(self, name: str, *, language: str, **variables: Any) -> str:
        fence = fence_for(variables.get("article"))
        return self._render(f"{name}.j2", language_name=language_name(language), fence=fence, **variables)

    def _render(self, template: str, **variables: Any) -> str:
        try:
            return self._env.get_template(template).render(**variables).strip()
        except jinja2.TemplateError as exc:
            raise ConfigError(f"{self.directory / template}: {exc}") from None


def fence_for(article: str | None) -> int:
    """Length of the ``<<<``/``>>>`` lines around the article: longer than any run of ``<`` or
    ``>`` in it, so that no line of the article can pass for the end of the article block."""
    runs = re.findall(r"<+|>+", article or "")
    return max(3, 1 + max(map(len, runs), default=0))


def default_prompts() -> PromptSet:
    return PromptSet(prompts_root() / "briefing")
