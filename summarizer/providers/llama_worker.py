"""Child process that hosts llama.cpp's server (xllamacpp) for the embedded backend.

The server runs in its own process, not in ours, so that a crash in native code cannot take the
CLI down with it, and so that it can always be stopped: it exits when its parent closes its stdin,
when it gets SIGTERM, and (on Linux) when the parent dies, even by SIGKILL. Ctrl-C is left to the
parent, which stops this process itself.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import sys


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        except OSError:
            pass


SPECULATIVE = ("none", "ngram-simple", "ngram-map-k", "ngram-mod")
"""Drafting without a second model: from n-grams of the prompt and the answer so far (llama.cpp's names)."""


def _speculative(params: object, kind: str, ngram: int, draft_max: int) -> None:
    import xllamacpp

    if kind == "none":
        return
    spec = params.speculative  # type: ignore[attr-defined]
    spec.types = [getattr(xllamacpp.common_speculative_type, "COMMON_SPECULATIVE_TYPE_" + kind.upper().replace("-", "_"))]
    spec.draft.n_max = draft_max
    if kind == "ngram-mod":
        spec.ngram_mod.n_match = ngram
        spec.ngram_mod.n_max = draft_max
    else:
        table = spec.ngram_simple if kind == "ngram-simple" else spec.ngram_map_k
        table.size_n = ngram
        table.size_m = draft_max


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="summarizer-embedded-server")
    parser.add_argument("--model", required=True)
    parser.add_argument("--ctx", type=int, required=True, help="context tokens per slot")
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--speculative", choices=SPECULATIVE, default="none")
    parser.add_argument("--ngram", type=int, default=4, help="tokens that must match before a draft is taken")
    parser.add_argument("--draft-max", type=int, default=16, help="most tokens drafted at once")
    args = parser.parse_args(argv)

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.n_ctx = args.ctx * args.parallel
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.sampling.temp = 0.0
    params.port = args.port
    params.hostnames = ["127.0.0.1"]
    _speculative(params, args.speculative, args.ngram, args.draft_max)
    server = xllamacpp.Server(params)

    print(json.dumps({"url": server.listening_address, "pid": os.getpid()}), flush=True)
    sys.stdin.read()  # returns at EOF: the parent is done (or gone)
    del server
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
