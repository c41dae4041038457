"""Keeping what is valid: the warnings a briefing lists, the valid items of a failed reply, duplicates dropped.

A pass whose reply stays invalid after the re-asks is not fatal when something can be saved:
its valid items are kept, the rest are dropped and listed as warnings in the briefing, never
silently kept and never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from summarizer.llm import ReplyFailed
from summarizer.schema import BriefingWarning
from summarizer.validation import ValidationContext

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Warnings(list[BriefingWarning]):
    """What was dropped or repaired, in the order it happened."""

    def drop(self, section: str, message: str, item: BaseModel | dict[str, Any] | None) -> None:
        data = item.model_dump() if isinstance(item, BaseModel) else item
        self.append(BriefingWarning(section=section, message=message[:500], item=data))  # type: ignore[arg-type]


def salvage(
    failure: ReplyFailed, field: str, item_type: type[M], context: ValidationContext, warnings: Warnings, section: str
) -> list[M]:
    """Keep the valid items of a reply that failed as a whole; report the others."""
    raw_items = json_object(failure.last_content).get(field)
    if not isinstance(raw_items, list):
        warnings.drop(section, f"no usable reply after re-asks: {failure}", None)
        return []
    kept = []
    for raw in raw_items:
        try:
            kept.append(item_type.model_validate(raw, context=context))
        except ValidationError as exc:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            warnings.drop(section, f"invalid item dropped: {reasons}", raw if isinstance(raw, dict) else {"value": raw})
    return kept


def flagged_unless_in(language: str, reply: M, context: ValidationContext, warnings: Warnings, section: str, note: str) -> M:
    """``reply`` (asked with the briefing-language checks lifted), flagged when those checks refuse it.

    The checks flag instead of re-asking: a small model that answered in the article's language
    answers so again (on the eval suite a re-ask fixed 6 of 78 such replies and cost a request
    each), and a reply that is right but left in that language is still the model's reading of
    the article: a reader is better served by it, flagged, than by nothing.
    """
    if validated(reply.model_dump(), type(reply), context.in_language(language)) is None:
        warnings.drop(section, note, reply)
    return reply


def validated(data: dict[str, Any], reply_type: type[M], context: ValidationContext) -> M | None:
    """``data`` as a valid reply, else None: for repairs that try a reply another way."""
    try:
        return reply_type.model_validate(data, context=context)
    except ValidationError:
        return None


def within(items: list[T], limit: int, warnings: Warnings, section: str, what: str) -> list[T]:
    """The first ``limit`` items; the others are reported as not read (a bound against runaway cost)."""
    if len(items) > limit:
        warnings.drop(section, f"{len(items) - limit} {what} after the first {limit} of a part were not read", None)
    return items[:limit]


def dedupe(items: list[T], key: Callable[[T], Hashable], warnings: Warnings, section: str) -> list[T]:
    """The first of each set of items with the same key; the others are reported."""
    seen: set[Hashable] = set()
    unique = []
    for item in items:
        k = key(item)
        if k in seen:
            warnings.drop(section, "duplicate dropped", item)  # type: ignore[arg-type]
            continue
        seen.add(k)
        unique.append(item)
    return unique


def json_object(content: str | None) -> dict[str, Any]:
    """The reply's JSON object, or an empty one if it is not one."""
    try:
        data = json.loads(content or "")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
