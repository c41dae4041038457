#!/usr/bin/env python3
"""Write ``schemas/briefing.schema.json`` from the pydantic models in :mod:`summarizer.schema`.

    python scripts/generate_schema.py           # (re)write the file
    python scripts/generate_schema.py --check   # exit 1 if the committed file is stale (CI)

The file is generated, never edited by hand: outside tools read it, and a test keeps it equal to
what the models say.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from summarizer.schema import briefing_json_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "briefing.schema.json"
REGENERATE = "python scripts/generate_schema.py"


def render() -> str:
    """The schema file's exact text: sorted keys, 2-space indent, one trailing newline."""
    return json.dumps(briefing_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the briefing JSON Schema from summarizer.schema.")
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    parser.add_argument("--output", type=Path, default=SCHEMA_PATH, help=f"default: {SCHEMA_PATH.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    expected = render()
    if args.check:
        try:
            current = args.output.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != expected:
            state = "missing" if current is None else "stale"
            print(f"{args.output}: {state}; regenerate it with: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(expected, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
