"""What a run costs, from a small editable price table (``summarizer/prices.toml``).

Hosted APIs bill per token, with cached prompt tokens cheaper than fresh ones; the table holds
list prices per million tokens and each model's context window (which also bounds how long a
part of an article may be). ``SUMMARIZER_PRICES`` names a TOML file whose entries are added to
the packaged ones and win, so a user can price another provider's models without editing the
installed package. The embedded model runs locally and costs nothing.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from summarizer.errors import ConfigError
from summarizer.schema import Usage

PRICES_FILE = Path(__file__).with_name("prices.toml")


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million tokens, and the model's context window."""

    input: float
    cached_input: float
    output: float
    context_tokens: int | None = None

    def cost(self, usage: Usage) -> float:
        fresh = max(0, usage.prompt_tokens - usage.cached_tokens)
        dollars = fresh * self.input + usage.cached_tokens * self.cached_input + usage.completion_tokens * self.output
        return round(dollars / 1_000_000, 6)


def _read(path: Path) -> dict[str, ModelPrice]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the price table ({exc})") from None
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise ConfigError(f"{path}: the price table needs [models.\"NAME\"] sections")
    table = {}
    for name, entry in models.items():
        try:
            table[name] = ModelPrice(
                input=float(entry["input"]),
                cached_input=float(entry.get("cached_input", entry["input"])),
                output=float(entry["output"]),
                context_tokens=int(entry["context_tokens"]) if "context_tokens" in entry else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: model {name!r}: needs numeric input and output prices ({exc})") from None
    return table


@cache
def _table(override: str | None) -> dict[str, ModelPrice]:
    table = _read(PRICES_FILE)
    if override:
        table |= _read(Path(override))
    return table


def price_of(model: str) -> ModelPrice | None:
    """The table's entry for ``model``: exact name, else the longest entry it extends with "-"."""
    table = _table(os.environ.get("SUMMARIZER_PRICES") or None)
    if model in table:
        return table[model]
    matches = [name for name in table if model.startswith(name + "-")]
    return table[max(matches, key=len)] if matches else None


def estimate_cost(backend: str, model: str, usage: Usage) -> float | None:
    """Dollars for ``usage``: 0 for the embedded model, None when the model's price is unknown."""
    if backend == "embedded":
        return 0.0
    price = price_of(model)
    return price.cost(usage) if price else None
