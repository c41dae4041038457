"""Scoring and reporting must not load the LLM stack: only the runners ask a model."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import summarizer.eval

ROOT = Path(__file__).resolve().parent.parent
NO_LLM = "assert 'openai' not in sys.modules and 'instructor' not in sys.modules, sorted(sys.modules)"
MODULES = sorted(f"summarizer.eval.{m.name}" for m in pkgutil.iter_modules(summarizer.eval.__path__))
RUNNERS = {"summarizer.eval.runner", "summarizer.eval.passrun", "summarizer.eval.passes"}  # the passes run alone


def python(code: str) -> subprocess.CompletedProcess[str]:
    # cwd=ROOT: ``python -c`` puts the current folder first on sys.path, so this tree is imported.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)


def test_the_issue_check_passes() -> None:
    proc = python(f"import summarizer.eval.scoring, sys; {NO_LLM}")
    assert proc.returncode == 0, proc.stderr


def test_every_eval_module_but_the_runners_imports_without_the_llm_stack() -> None:
    modules = [m for m in MODULES if m not in RUNNERS]
    assert {"summarizer.eval.gold", "summarizer.eval.report", "summarizer.eval.runfile", "summarizer.eval.pass_report"} <= set(
        modules
    )
    proc = python(f"import sys, {', '.join(modules)}; {NO_LLM}")
    assert proc.returncode == 0, proc.stderr


def test_the_check_can_fail() -> None:
    """The runner needs the model, so the same check fails there: the assertion above is live."""
    assert "summarizer.eval.runner" in MODULES
    proc = python(f"import summarizer.eval.runner, sys; {NO_LLM}")
    assert proc.returncode != 0 and "AssertionError" in proc.stderr
