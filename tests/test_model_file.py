"""A user's own GGUF file: its header read, its context taken, and the embedded backend run on it.

The header tests build small GGUF files byte by byte (the format's key/value header, then junk
where the tensors would be). The model test serves the Qwen2.5-Coder-0.5B parts (a dev
dependency) through ``--model-file`` exactly as a user's own file would be.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import clean_env

from summarizer.errors import ConfigError
from summarizer.providers import Settings
from summarizer.providers.gguf_header import read_header
from summarizer.providers.llama_server import DEFAULT_CONTEXT
from summarizer.providers.model_files import QWEN_0_5B, local_model, model_path

ROOT = Path(__file__).resolve().parent.parent


def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf(entries: list[tuple[str, int, object]], *, version: int = 3, tail: bytes = b"\x00" * 64) -> bytes:
    """A GGUF file: magic, version, counts, then (key, type, value) entries; strings are type 8."""
    body = b""
    for key, kind, value in entries:
        body += _string(key) + struct.pack("<I", kind)
        if kind == 8:
            body += _string(str(value))
        elif kind == 9:  # an array of strings, like a tokenizer's vocabulary
            items = list(value)  # type: ignore[call-overload]
            body += struct.pack("<IQ", 8, len(items)) + b"".join(_string(item) for item in items)
        elif kind == 4:
            body += struct.pack("<I", value)
        elif kind == 10:
            body += struct.pack("<Q", value)
    return b"GGUF" + struct.pack("<IQQ", version, 3, len(entries)) + body + tail


HEADER = [
    ("general.architecture", 8, "llama"),
    ("general.name", 8, "Tiny Llama"),
    ("tokenizer.ggml.tokens", 9, ["<s>", "</s>", "hello"]),
    ("llama.context_length", 4, 2048),
]


def test_the_header_gives_architecture_name_and_context(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(gguf(HEADER))
    header = read_header(path)
    assert (header.architecture, header.name, header.context_length) == ("llama", "Tiny Llama", 2048)


def test_reading_stops_at_the_context_so_later_keys_are_never_parsed(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(gguf([*HEADER, ("general.junk", 77, None)]))  # type 77 does not exist
    assert read_header(path).context_length == 2048


def test_a_64_bit_context_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.gguf"
    path.write_bytes(gguf([("general.architecture", 8, "qwen2"), ("qwen2.context_length", 10, 131072)]))
    assert read_header(path).context_length == 131072


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"PK\x03\x04 a zip file", "is not a GGUF model file"),
        (gguf(HEADER)[:60], "cut short or damaged"),
        (gguf(HEADER, version=1), "GGUF version 1"),
        (gguf([("general.architecture", 8, "llama")]), "does not say its architecture and context length"),
    ],
)
def test_what_is_not_a_usable_model_file_is_a_one_line_error(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as excinfo:
        local_model(path)
    assert says in str(excinfo.value) and "\n" not in str(excinfo.value)


def test_a_local_model_is_named_by_its_file_and_fingerprinted_by_its_content(tmp_path: Path) -> None:
    first, second = tmp_path / "first.Q4_K_M.gguf", tmp_path / "second.gguf"
    first.write_bytes(gguf(HEADER, tail=b"weights A" * 100))
    second.write_bytes(gguf(HEADER, tail=b"weights B" * 100))
    spec = local_model(first)
    assert spec.name == "first.Q4_K_M" and spec.path == first.resolve() and spec.context_length == 2048
    assert model_path(spec) == first.resolve()  # used where it is, never copied
    assert local_model(second).sha256 != spec.sha256  # the cache never mixes two models' answers
    assert local_model(first).sha256 == spec.sha256


def test_the_model_file_setting_chooses_the_embedded_backend_and_its_context(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(gguf(HEADER))
    settings = Settings.from_env({"SUMMARIZER_MODEL_FILE": str(path), "OPENAI_API_KEY": "sk-test"})
    assert settings.resolved_backend() == "embedded"  # the file given is the model to run
    assert settings.embedded.model.path == path.resolve()
    assert settings.embedded.ctx_per_slot == 2048  # less than the default: the model's own limit
    forced = Settings.from_env({"OPENAI_API_KEY": "sk-test"}, model_file=str(path), backend="openai")
    assert forced.resolved_backend() == "openai"
    assert Settings.from_env({}).embedded.ctx_per_slot == DEFAULT_CONTEXT


def test_a_missing_model_file_fails_the_cli_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "summarize", str(ROOT / "seeds/000_ba58efed2f2f0b1f.txt"),
         "--model-file", str(tmp_path / "absent.gguf")],
        capture_output=True, text=True, env=clean_env(tmp_path / "cache"), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"summarizer: error: model file not found: {tmp_path / 'absent.gguf'}"]


@pytest.mark.model
def test_the_embedded_backend_serves_a_users_own_gguf_file() -> None:
    """The 0.5B model, joined from its parts, served through --model-file's setting, answers a question."""
    from summarizer.providers import open_provider

    path = model_path(QWEN_0_5B)  # in the user's cache, joined once and verified
    settings = Settings.from_env({"SUMMARIZER_THREADS": "1"}, model_file=str(path))
    with open_provider(settings) as provider:
        provider.connect()
        assert "n_threads = 1" in provider.server.log_path.read_text(encoding="utf-8")  # what llama.cpp was given
        assert provider.model == "qwen2.5-coder-0.5b-instruct-q4"
        assert provider.context_tokens == min(DEFAULT_CONTEXT, read_header(path).context_length)
        assert provider.count_tokens("Hello world") == 2  # the Qwen tokenizer, from the file
        with urllib.request.urlopen(f"{provider.client.base_url}models", timeout=10) as response:
            served = json.load(response)["data"][0]["id"]
        assert Path(served).name == path.name
        reply = provider.client.chat.completions.create(
            model=provider.model,
            messages=[{"role": "user", "content": "Reply with the single word: yes"}],
            max_tokens=4,
        )
        assert reply.choices[0].message.content and reply.usage and reply.usage.completion_tokens >= 1
