"""Errors the user can act on.

Every failure a user can cause or meet (bad input, an unreachable server, a model that cannot
produce a valid briefing) is raised as a ``SummarizerError``; the CLI prints its message as one
line and exits with its ``exit_code``. Anything else escaping is a bug.
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class: the message is a complete, one-line explanation for the user."""

    exit_code: int = 1


class InputError(SummarizerError):
    """The article (or another input file) cannot be used as given."""

    exit_code = 2


class ConfigError(SummarizerError):
    """The configuration (flags, environment, config file) is inconsistent or incomplete."""

    exit_code = 2


class BackendError(SummarizerError):
    """The LLM endpoint failed: unreachable, timing out, rate limited, or answering garbage."""

    exit_code = 3


class ExtractionError(SummarizerError):
    """The model answered, but no valid briefing could be built from its replies."""

    exit_code = 4
