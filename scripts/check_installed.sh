#!/usr/bin/env bash
# A non-editable install (`pip install .` into a fresh venv), run from another folder, summarizes
# the seed on the embedded model: proves the wheel ships the package, its prompt templates and
# its data files, and needs nothing from the source checkout.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$repo"
cp "$repo/seeds/000_ba58efed2f2f0b1f.txt" "$work/seed.txt"
cd "$work"
"$work/venv/bin/summarizer" summarize seed.txt --json -o brief.json >/dev/null
"$work/venv/bin/python" - <<'PY'
import json
import summarizer

brief = json.load(open("brief.json", encoding="utf-8"))
assert "/site-packages/" in summarizer.__file__, summarizer.__file__
assert brief["participants"] and brief["event"]["title"], brief
assert brief["provenance"]["backend"] == "embedded", brief["provenance"]
print(f"installed package summarized the seed: {len(brief['participants'])} participants, "
      f"{len(brief['claims'])} claims, prompt {brief['provenance']['prompt']['template']} v{brief['provenance']['prompt']['version']}")
PY
