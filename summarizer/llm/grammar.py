"""The compact JSON grammar sent to llama.cpp with LLGuidance in place of Instructor's ``response_format``.

Same schema, no free whitespace: that cuts a small model's output 2-3x and keeps it from drifting
into pretty-printing.
"""

from __future__ import annotations

import json
from typing import Any

# JSON on one line, with the separators models write by habit (``{"a": 1, "b": 2}``): forbidding
# the space after ":" pushes a small model off its usual tokens into empty or degenerate replies,
# while free whitespace lets it pretty-print at 2-3x the tokens.
JSON_LAYOUT = {"whitespace_flexible": False, "key_separator": ": ", "item_separator": ", "}


def compact_grammar(schema: dict[str, Any]) -> str:
    """LLGuidance grammar for a JSON schema, laid out on one line (see ``JSON_LAYOUT``)."""
    schema = {**schema, "x-guidance": JSON_LAYOUT}
    return "%llguidance {}\nstart: %json " + json.dumps(schema, ensure_ascii=False)


def use_compact_grammar(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The request with Instructor's ``response_format`` replaced by the compact grammar."""
    if "response_format" not in kwargs:
        return kwargs
    kwargs = dict(kwargs)
    schema = kwargs.pop("response_format")["json_schema"]["schema"]
    extra = dict(kwargs.pop("extra_body", None) or {})
    extra["grammar"] = compact_grammar(schema)
    kwargs["extra_body"] = extra
    return kwargs
