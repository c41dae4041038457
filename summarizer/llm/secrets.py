"""Keeping the API key out of everything a server sends back: messages, logs, the cache, briefings."""

from __future__ import annotations

import json
from typing import Any

from openai.types.chat import ChatCompletion

# Stand-in keys the providers send when there is no real one: nothing to hide.
_PLACEHOLDER_KEYS = frozenset({"embedded", "not-needed"})


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of the API key ``secret`` replaced by ``[redacted]``.

    A server may echo the Authorization header back in an error body (a buggy proxy, a hostile
    endpoint); the key must never reach our messages, logs or reports that way. Keys shorter than
    8 characters (test stand-ins like ``"test"``) and the providers' placeholders are left alone.
    """
    if not secret or len(secret) < 8 or secret in _PLACEHOLDER_KEYS:
        return text
    return text.replace(secret, "[redacted]")


def scrub(completion: Any, secret: str | None) -> Any:
    """The completion with the API key redacted wherever the server echoed it back.

    A debugging proxy may copy the request's Authorization header into the body; whatever
    the body holds flows on into logs, the completion cache, error messages and briefings.
    """
    if not secret or not isinstance(completion, ChatCompletion) or redact(secret, secret) == secret:
        return completion
    text = json.dumps(completion.model_dump(mode="json", warnings=False), ensure_ascii=False)
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    if secret not in text and escaped not in text:
        return completion
    text = redact(redact(text, secret), escaped)
    return ChatCompletion.construct(**json.loads(text))  # unvalidated, as the SDK builds it
