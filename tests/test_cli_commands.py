"""The command line's shape: every command registered the same way, and a fast ``--help``.

``--help`` and usage errors must answer at once, so building the parser may not import the
model client stack or the export renderers; each command imports those in its handler.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from summarizer.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openai", "instructor", "httpx", "pydantic", "jinja2", "summarizer.pipeline", "summarizer.providers", "summarizer.llm")
PARSER_ONLY = [["--help"], ["summarize", "--help"], ["eval", "--help"], ["export", "--help"], ["summarize"], ["nope"]]


def test_every_command_registers_a_handler() -> None:
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert list(commands.choices) == ["summarize", "eval", "export"]
    for name, parser in commands.choices.items():
        assert callable(parser.get_default("handler")), name


def test_help_and_usage_errors_import_no_heavy_library() -> None:
    script = f"""
import contextlib, io, json, sys
from summarizer.cli import main
loaded = {{}}
for argv in {PARSER_ONLY!r}:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(argv)
        except SystemExit:
            pass
    loaded[" ".join(argv)] = [name for name in {HEAVY!r} if name in sys.modules]
print(json.dumps(loaded))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    loaded = json.loads(done.stdout)
    assert loaded == {" ".join(argv): [] for argv in PARSER_ONLY}
