"""Load benchmark: 50 concurrent summarize calls through a fault-injecting fake server.

Fifty distinct articles (the seed with a different closing sentence each) run as one batch at
concurrency 50 against the test suite's fake OpenAI-compatible server (real HTTP on loopback),
which answers every question like the scripted fake model but injects a random fault into a
share of the requests: 429 with Retry-After, 500/502/503, a reset connection, a non-JSON body,
an empty choice list, a reply past the client timeout, a reply that breaks the schema, a quote
or name that is not in the article, a reply cut at the token limit. It then checks the
invariants and prints the counts: every article ends either with exactly one valid briefing or
with a recorded error, none is lost, none is written twice, and no stray file is left.

    python benchmarks/bench_load.py [--articles 50] [--fault-rate 0.15] [--seed 7]

Exit code 1 if an invariant is broken.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakemodel import SEED, FakeModel, request_schema  # noqa: E402
from fakeserver import FakeServer, delay, empty_choices, raw, reply, reset, respond, status  # noqa: E402

from summarizer.batch import Batch, find_articles  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.providers import Settings  # noqa: E402
from summarizer.schema import Briefing  # noqa: E402

TIMEOUT = 2.0


def faults(body: dict[str, Any]) -> dict[str, Any]:
    """Each fault, as the action the server takes; some depend on the question asked."""
    title = request_schema(body).get("title", "")
    bad_name = {"DeniersReply": {"denied_by": ["Nobody Named Here"]}}.get(title, {"unexpected": "keys"})
    return {
        "429 Retry-After": status(429, headers={"Retry-After": "0"}),
        "500": status(500),
        "502": status(502),
        "503": status(503),
        "connection reset": reset(),
        "non-JSON body": raw("<html>upstream error</html>"),
        "empty choices": empty_choices(),
        "past the timeout": delay(TIMEOUT + 1.0),
        "schema broken": reply('{"not": "the schema"'),
        "name not in article": reply(json.dumps(bad_name)),
        "cut at token limit": reply('{"title": "Put', finish_reason="length"),
    }


class FaultyModel:
    """The fake model, with a random fault in ``rate`` of the requests (counted per kind)."""

    def __init__(self, rate: float, seed: int) -> None:
        self.model = FakeModel()
        self.rate = rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: collections.Counter[str] = collections.Counter()
        self.requests = 0

    def __call__(self, body: Any) -> Any:
        with self.lock:
            self.requests += 1
            fault = self.random.choice(sorted(faults(body))) if self.random.random() < self.rate else None
            if fault:
                self.injected[fault] += 1
        return faults(body)[fault] if fault else self.model(body)


def main() -> int:
    logging.getLogger("instructor").setLevel(logging.CRITICAL)  # faults are counted, not printed
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--fault-rate", type=float, default=0.15, help="share of requests given a fault (default 0.15)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    seed_text = SEED.read_text(encoding="utf-8")
    model = FaultyModel(args.fault_rate, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, FakeServer(default=respond(model)) as server:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i in range(args.articles):
            (folder / f"article-{i:03d}.txt").write_text(f"{seed_text}\nNota redazionale numero {i}.\n", encoding="utf-8")
        paths = find_articles([str(folder)])
        out = Path(tmp) / "out"
        settings = Settings(base_url=server.base_url, api_key="load-test", model="fake-model", timeout=TIMEOUT)
        started = time.perf_counter()
        with Summarizer(settings=settings) as summarizer:
            results = []
            summary = Batch(summarizer, paths, out, concurrency=args.articles).run(results.append)
        wall = time.perf_counter() - started

        problems = []
        counts = summary.counts()
        sources = [r.source for r in results]
        if len(results) != len(paths) or len(set(sources)) != len(paths):
            problems.append(f"{len(results)} results for {len(paths)} articles ({len(set(sources))} distinct)")
        written = sorted(p.name for p in out.iterdir())
        expected = [*(Path(r.output).name for r in results if r.status == "done"), "summarizer-run.json"]
        if written != sorted(expected):
            problems.append(f"files in the output folder differ from the finished articles: {set(written) ^ set(expected)}")
        for result in results:
            if result.status == "done":
                briefing = Briefing.model_validate_json(Path(result.output).read_bytes())
                if briefing.source.sha256 != result.sha256:
                    problems.append(f"{result.source}: briefing of another article")
            elif result.status != "failed" or not result.error:
                problems.append(f"{result.source}: ended {result.status} without a recorded error")
        errors = collections.Counter(r.error.removeprefix(f"{server.base_url}: ")[:80] for r in results if r.error)

    print(f"{len(paths)} articles at concurrency {args.articles}, fault rate {args.fault_rate:.0%}, seed {args.seed}")
    print(f"wall time            {wall:7.1f} s")
    print(f"requests to server   {model.requests:7d}")
    print(f"faults injected      {sum(model.injected.values()):7d}")
    for fault, n in sorted(model.injected.items(), key=lambda kv: -kv[1]):
        print(f"  {fault:22s} {n:5d}")
    print(f"briefings written    {counts['done']:7d}")
    print(f"recorded failures    {counts['failed']:7d}")
    for error, n in errors.most_common():
        print(f"  {n:3d} × {error}")
    print(f"lost                 {len(paths) - counts['done'] - counts['failed']:7d}")
    print(f"duplicated           {len(sources) - len(set(sources)):7d}")
    for problem in problems:
        print(f"INVARIANT BROKEN: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
