"""What a GGUF file says about itself: architecture, name and trained context, read from its header.

A user's own model file decides how much text fits in one request, so the context is read from
the file instead of assumed. Only the key/value header is parsed, front to back, stopping as soon
as the wanted keys are seen; the tensors (gigabytes) are never touched, which is why this is a few
lines here rather than ``gguf``'s reader, which maps and indexes the whole file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from summarizer.errors import ConfigError

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_MAX_KEYS = 100_000  # a header claiming more is not a model file


@dataclass(frozen=True)
class GGUFHeader:
    architecture: str
    name: str | None
    context_length: int


class _Truncated(Exception):
    pass


def _read(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise _Truncated
    return data


def _unpack(stream: BinaryIO, fmt: str) -> int | float | bool:
    return struct.unpack(fmt, _read(stream, struct.calcsize(fmt)))[0]


def _string(stream: BinaryIO) -> str:
    length = int(_unpack(stream, "<Q"))
    if length > 1 << 24:
        raise _Truncated
    return _read(stream, length).decode("utf-8", errors="replace")


def _value(stream: BinaryIO, kind: int) -> object:
    if kind in _SCALARS:
        return _unpack(stream, _SCALARS[kind])
    if kind == _STRING:
        return _string(stream)
    if kind == _ARRAY:
        item_kind, count = int(_unpack(stream, "<I")), int(_unpack(stream, "<Q"))
        if item_kind in _SCALARS:  # skipped, not decoded: tokenizer tables hold 150,000 entries
            stream.seek(struct.calcsize(_SCALARS[item_kind]) * count, 1)
        else:
            for _ in range(count):
                _value(stream, item_kind)
        return None
    raise _Truncated


def read_header(path: Path) -> GGUFHeader:
    """The header of the GGUF file at ``path``; a ConfigError naming the file if it is not one."""
    try:
        with path.open("rb") as stream:
            if _read(stream, 4) != b"GGUF":
                raise ConfigError(f"{path} is not a GGUF model file (llama.cpp models end in .gguf)")
            version = int(_unpack(stream, "<I"))
            if version < 2:
                raise ConfigError(f"{path} is GGUF version {version}; llama.cpp needs version 2 or later")
            _unpack(stream, "<Q")  # tensor count
            keys = int(_unpack(stream, "<Q"))
            if keys > _MAX_KEYS:
                raise _Truncated
            values: dict[str, object] = {}
            for _ in range(keys):
                key = _string(stream)
                values[key] = _value(stream, int(_unpack(stream, "<I")))
                architecture = values.get("general.architecture")
                if isinstance(architecture, str) and f"{architecture}.context_length" in values:
                    break
    except OSError as error:
        raise ConfigError(f"cannot read model file {path}: {error.strerror or error}") from None
    except _Truncated:
        raise ConfigError(f"{path} is not a complete GGUF model file (its header is cut short or damaged)") from None
    architecture = values.get("general.architecture")
    context = values.get(f"{architecture}.context_length")
    if not isinstance(architecture, str) or not isinstance(context, int) or context <= 0:
        raise ConfigError(f"{path} does not say its architecture and context length; is it a language model?")
    name = values.get("general.name")
    return GGUFHeader(architecture=architecture, name=name if isinstance(name, str) else None, context_length=context)
