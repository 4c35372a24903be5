"""Benchmark: peak memory of a cold import, one big file against many small ones.

    uv run python -m bench.memory --megabytes 300

Both HOMEs hold the same Claude Code usage lines (~2 KB of reply text each): one
``big.jsonl`` of the given size, or 1 MB files adding up to it. Peak RSS is the largest
resident set of the import's processes (workers included). Memory should not grow with the
size of one file: a big file is read and stored in bounded chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench-memory"))  # noqa: S108 - a scratch corpus


def line(i: int) -> bytes:
    msg = {
        "id": f"msg_{i:09d}",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": "word " * 400}],
        "usage": {"input_tokens": 3 + i % 7, "output_tokens": 50 + i % 300, "cache_read_input_tokens": 1000 + i % 5000},
    }
    rec = {
        "type": "assistant",
        "timestamp": f"2026-06-{1 + i % 28:02d}T{i % 24:02d}:00:00.000Z",
        "sessionId": f"s-{i // 500}",
        "requestId": f"req_{i:09d}",
        "cwd": "/home/dev/big",
        "message": msg,
    }
    return json.dumps(rec, separators=(",", ":")).encode() + b"\n"


def build(home: Path, megabytes: int, per_file: int | None) -> int:
    """Write ``megabytes`` of lines into one file (``per_file`` None) or files of that many MB."""
    shutil.rmtree(home, ignore_errors=True)
    folder = home / ".claude" / "projects" / "-home-dev-big"
    folder.mkdir(parents=True)
    target, written, i, n = megabytes * 1_000_000, 0, 0, 0
    out = (folder / "big.jsonl").open("wb")
    in_file = 0
    while written < target:
        if per_file is not None and in_file >= per_file * 1_000_000:
            out.close()
            n += 1
            out = (folder / f"part-{n:05d}.jsonl").open("wb")
            in_file = 0
        data = b"".join(line(i + k) for k in range(200))
        out.write(data)
        written += len(data)
        in_file += len(data)
        i += 200
    out.close()
    return i


def run(home: Path) -> tuple[float, float]:
    data = ROOT / "data"
    shutil.rmtree(data, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "TOKENWORTH_"))}
    env["HOME"] = str(home)
    exe = str(Path(sys.executable).parent / "tokenworth")
    t = time.perf_counter()
    proc = subprocess.Popen([exe, "--data-dir", str(data), "import"], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) in (0, 1), "import failed"
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megabytes", type=int, default=300)
    args = ap.parse_args()
    for label, per_file in (("one file", None), ("1 MB files", 1)):
        home = ROOT / "home"
        lines = build(home, args.megabytes, per_file)
        seconds, peak = run(home)
        print(f"{label:12} {args.megabytes:6,} MB  {lines:9,} usage lines  {seconds:6.1f} s  peak {peak:5.0f} MB")
        shutil.rmtree(home)
    shutil.rmtree(ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
