"""Finding the embedded llama.cpp server processes, to check that none outlives its run."""

from __future__ import annotations

from pathlib import Path


def embedded_workers(parent: int | None = None) -> list[int]:
    """PIDs of live embedded llama.cpp server processes (optionally only children of ``parent``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue
        state, ppid = fields[0], int(fields[1])
        if b"summarizer.providers.llama_worker" in cmdline and state != "Z" and (parent is None or ppid == parent):
            found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie waiting for its parent counts as gone)."""
    try:
        return "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return True
