"""On-disk cache of chat completions, so that re-running an evaluation costs no model time.

The key is a hash of the server (its endpoint; for the embedded model, which listens on a new
port every run, its model file's hash) and the *entire* request body: model, messages (which embed the
prompt template's text and the article), the JSON schema or grammar, the generation parameters
and the token limit. Any change to any of them is a different key, so a stale answer is never
served. The API key is sent in a header, never in the body, so it is neither part of the key
nor stored. Entries are written atomically; an unreadable or corrupt entry counts as a miss
and is overwritten by the next answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1


class CompletionCache:
    """A folder of JSON files, one per request, named by the request's hash."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def key(self, endpoint: str, request: dict[str, Any]) -> str:
        material = json.dumps(
            {"format": CACHE_FORMAT, "endpoint": endpoint, "request": request},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("response"), dict):
            return None
        return data["response"]

    def put(self, key: str, response: dict[str, Any]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": CACHE_FORMAT, "response": response}, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
