"""Reading and writing the tool's files safely: bounded reads, atomic writes, one-line errors.

Articles, briefings and gold files are all small; a huge file means the wrong file, so reads are
bounded before anything is read. Outputs are written to a temporary file and renamed, so an
interrupted run never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from summarizer.errors import InputError


def display_name(name: str) -> str:
    """The file name as shown in messages: escaped if it could break the one-line rule."""
    return name if name.isprintable() else repr(name)


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB ({size:,} bytes)"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB ({size:,} bytes)"
    return f"{size:,} bytes"


def os_reason(exc: Exception) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(reason.split()) or type(exc).__name__


def read_bounded(name: str, *, max_bytes: int, kind: str = "file") -> bytes:
    """Read at most ``max_bytes + 1`` bytes, refusing oversized files before reading them.

    The stat check gives the user the real size without reading; the bounded read protects
    against what stat cannot see (devices, pipes, a file growing meanwhile).
    """
    shown = display_name(name)
    try:
        info = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{shown}: no such file") from None
    except PermissionError:
        raise InputError(f"{shown}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{shown}: cannot access the file ({os_reason(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown}: is a directory, not a {kind}")
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        raise InputError(
            f"{shown}: file is too large: {format_size(info.st_size)},"
            f" the limit is {format_size(max_bytes)}"
        )
    try:
        with open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"{shown}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory, not a {kind}") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read the file ({os_reason(exc)})") from None
    if len(data) > max_bytes:
        raise InputError(
            f"{shown}: file is too large: more than {format_size(max_bytes)},"
            f" the limit is {format_size(max_bytes)}"
        )
    return data


def check_writable(path: str | os.PathLike[str]) -> None:
    """Refuse an unusable output path before any model time is spent."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target}: is a directory; give a file name for the output")
    parent = next((p for p in [target.parent, *target.parent.parents] if p.exists()), Path("."))
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InputError(f"{target}: cannot write output there ({parent} is not a writable folder)")


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write a file so that it is either complete or absent, never half-written."""
    target = Path(path)
    check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{target}: cannot write output ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make shared outputs unreadable
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_dir() -> Path:
    """Where joined models (and other caches) live: ``$SUMMARIZER_CACHE_DIR`` or the XDG cache."""
    base = os.environ.get("SUMMARIZER_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "summarizer"
    )
    return Path(base)
