"""How the embedded server uses the CPU: its thread count (flag, environment, default) and the
OpenMP spin count that keeps it fast when other programs hold a core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_env

from summarizer.errors import ConfigError
from summarizer.providers import Settings
from summarizer.providers.llama_server import DEFAULT_SPIN, available_cores, server_environment

ROOT = Path(__file__).resolve().parent.parent


def test_threads_come_from_the_flag_then_the_environment_then_the_cores_this_process_may_use() -> None:
    assert Settings.from_env({}).embedded.threads == available_cores() >= 1
    assert Settings.from_env({"SUMMARIZER_THREADS": "1"}).embedded.threads == 1
    assert Settings.from_env({"SUMMARIZER_THREADS": "1"}, threads=3).embedded.threads == 3


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_thread_count_that_is_not_a_whole_positive_number_is_a_one_line_error(value: str) -> None:
    with pytest.raises(ConfigError, match="SUMMARIZER_THREADS must be a whole number"):
        Settings.from_env({"SUMMARIZER_THREADS": value})


def test_the_server_gets_a_short_spin_count_unless_the_user_chose_how_openmp_waits() -> None:
    assert server_environment(DEFAULT_SPIN, {"PATH": "/bin"}) == {"PATH": "/bin", "GOMP_SPINCOUNT": str(DEFAULT_SPIN)}
    assert server_environment(DEFAULT_SPIN, {"GOMP_SPINCOUNT": "0"})["GOMP_SPINCOUNT"] == "0"
    assert "GOMP_SPINCOUNT" not in server_environment(DEFAULT_SPIN, {"OMP_WAIT_POLICY": "ACTIVE"})
    assert "GOMP_SPINCOUNT" not in server_environment(None, {})  # libgomp's own default
    assert Settings.from_env({}).embedded.spin == DEFAULT_SPIN


def test_threads_zero_on_the_command_line_is_refused_before_anything_starts(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "summarize", str(ROOT / "seeds/000_ba58efed2f2f0b1f.txt"), "--threads", "0"],
        capture_output=True, text=True, env=clean_env(tmp_path / "cache"), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--threads" in result.stderr and "Traceback" not in result.stderr
