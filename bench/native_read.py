"""Benchmark: CPU of reading one source's logs, pure Python against the native block reader.

    uv run --extra native python -m bench.native_read claude-code /tmp/tw-bench-perf/home/.claude/projects
    uv run --extra native python -m bench.native_read codex /tmp/tw-bench-perf/home/.codex
    uv run --extra native python -m bench.native_read codex --megabytes 50   # a corpus of its own

Both readings run in this one process, alternately (``--rounds`` of each), timed with
``time.process_time``: on shared cores only their ratio in one run means something. Every file
is read from the start with one ``read_incremental`` call each, as a first import does, and the
two readings must give equal results.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from types import ModuleType

from tracker.core.reading import Cursor, ReadResult
from tracker.sources import claude_code, codex
from tracker.sources.jsonl import read_incremental

# source id -> (its reader module, its logs' folder in a generated HOME)
SOURCES: dict[str, tuple[ModuleType, str]] = {
    "claude-code": (claude_code, ".claude/projects"),
    "codex": (codex, ".codex"),
}


def read_all(module: ModuleType, files: list[Path], native: bool) -> list[ReadResult]:
    reader = module.READER
    fmt = module.LINES if native else module.PURE_LINES
    out = []
    for f in files:
        cursor = Cursor(context=reader.start_context(f))
        out.append(read_incremental(f, cursor, reader.parse_line, reader.needles, fmt))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", choices=sorted(SOURCES))
    ap.add_argument("folder", type=Path, nargs="?", help="the source's log folder (default: a generated corpus)")
    ap.add_argument("--megabytes", type=int, default=50, help="size of a generated corpus (no folder given)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    module, within = SOURCES[args.source]
    if module.LINES.block is None:
        raise SystemExit("no native module (uv sync --extra native; TOKENWORTH_NATIVE unset)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder
        if folder is None:
            from bench.corpus import build

            build(Path(tmp) / "home", args.megabytes)
            folder = Path(tmp) / "home" / within
        files = sorted(folder.rglob("*.jsonl"))
        if not files:
            raise SystemExit(f"no .jsonl files under {folder}")
        size = sum(f.stat().st_size for f in files)
        times: dict[bool, list[float]] = {False: [], True: []}
        results = {}
        for _ in range(args.rounds):
            for native in (False, True):
                start = time.process_time()
                results[native] = read_all(module, files, native)
                times[native].append(time.process_time() - start)
        assert results[False] == results[True], "the native reading differs from the pure one"
        events = sum(len(r.events) for r in results[True])
        limits = sum(len(r.rate_limits) for r in results[True])
        pure, fast = statistics.median(times[False]), statistics.median(times[True])
        print(f"{len(files)} files, {size / 1e6:,.0f} MB, {events:,} events, {limits:,} rate-limit snapshots")
        print(f"median of {args.rounds} rounds each")
        print(f"pure   {pure:.3f} s CPU  {' '.join(f'{t:.3f}' for t in times[False])}")
        print(f"native {fast:.3f} s CPU  {' '.join(f'{t:.3f}' for t in times[True])}")
        print(f"pure / native CPU: {pure / fast:.2f}x")


if __name__ == "__main__":
    main()
