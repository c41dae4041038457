"""What several commands share: number checks for their flags, and the model backend options.

``summarize`` and ``eval`` both talk to a model, so both take the same backend flags and turn
them into the same :class:`summarizer.providers.Settings` and :class:`summarizer.pipeline.Options` here.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.pipeline import Options
    from summarizer.providers import Settings


def non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {number}")
    return number


def positive_seconds(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {value}")
    return number


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model backend (default: embedded, offline)")
    group.add_argument("--backend", choices=["auto", "embedded", "openai"], help="force a backend (env SUMMARIZER_BACKEND)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)")
    group.add_argument("--model", help="model name at that endpoint (env SUMMARIZER_MODEL)")
    group.add_argument(
        "--model-file",
        metavar="PATH",
        help="run the embedded backend on this GGUF file instead of the bundled model (env SUMMARIZER_MODEL_FILE)",
    )
    group.add_argument(
        "--mode",
        choices=["json_schema", "tools", "json", "md_json", "llguidance"],
        help="structured-output mode (env SUMMARIZER_MODE; default llguidance embedded, json_schema elsewhere)",
    )
    group.add_argument(
        "--threads",
        type=positive,
        help="CPU threads of the embedded model (env SUMMARIZER_THREADS; default: every core this process may use)",
    )
    group.add_argument("--timeout", type=positive_seconds, help="seconds per LLM request (env SUMMARIZER_TIMEOUT)")
    group.add_argument("--max-reasks", type=non_negative, default=1, help="re-asks after an invalid reply (default 1)")


def settings(args: argparse.Namespace) -> Settings:
    """The backend settings of a command that took :func:`add_backend_options` (flags first, then the environment)."""
    from summarizer.providers import Settings

    concurrency = getattr(args, "concurrency", 1)
    return Settings.from_env(
        model_file=args.model_file,
        parallel=concurrency if concurrency > 1 else None,
        threads=args.threads,
        backend=args.backend,
        base_url=args.base_url,
        model=args.model,
        mode=args.mode,
        timeout=args.timeout,
    )


def options(args: argparse.Namespace) -> Options:
    """How the pipeline uses the model: re-asks and part size."""
    from summarizer.pipeline import Options

    return Options(max_reasks=args.max_reasks, chunk_tokens=getattr(args, "chunk_tokens", None))
