"""Where the export templates are, and rendering one of them.

The templates are files under ``prompts/export/``, beside the prompt templates (and packaged with
them), so that wording and layout change without touching code. Each format brings its own
escaping (Markdown's ``finalize`` hook, HTML's autoescape); the lookup, the Jinja2 settings and
the one-line error for a broken template are the same for all of them and live here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from summarizer.errors import ConfigError
from summarizer.files import os_reason

__all__ = ["read_asset", "render_template", "templates_dir"]


def templates_dir() -> Path:
    """The export templates, next to the prompt templates (packaged or in a checkout)."""
    from summarizer.prompts import prompts_root

    return prompts_root() / "export"


def read_asset(name: str) -> str:
    """A template-folder file inlined verbatim (CSS, script): the HTML view must need no other file."""
    path = templates_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read export asset ({os_reason(exc)})") from None


@functools.lru_cache(maxsize=8)
def _environment(directory: str, autoescape: bool, finalize: Callable[[Any], Any] | None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=autoescape,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(template: str, *, autoescape: bool, finalize: Callable[[Any], Any] | None = None, **variables: Any) -> str:
    """Render one template of the export folder; a broken template is one ``ConfigError`` line naming its file."""
    directory = templates_dir()
    try:
        return _environment(str(directory), autoescape, finalize).get_template(template).render(**variables)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"{directory / template}: {exc}") from None
