"""Benchmark: Tokenworth against ccusage on the same ~1 GB of generated logs.

    uv run python -m bench.run                   # 1000 MB corpus under /tmp/tw-bench
    uv run python -m bench.run --megabytes 200 --repeat 5

Cold: an empty data folder, so import + report. Warm: the same again with nothing changed.
First run: cold, and the per-user cache of resolved prices (~/.cache/tokenworth) removed too,
so genai-prices' tables are loaded — what a fresh install's first import costs.
Peak memory is the largest resident set of any process of the run (workers included). The logs
are read once before the first run, so every run finds them in the page cache.
Each round runs Tokenworth cold, a second time (which builds the rollup the first import left
pending), warm, with one file grown by 1 MB, then ccusage, so load on a shared
machine falls on all alike; ratios are the median of each round's own ratio. CPU is user +
system time of the run and its workers; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import build, folder_bytes
from tests.helpers.ccusage import ccusage_binary

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench"))  # noqa: S108 - a scratch corpus


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds of the command and its workers (less sensitive to load)
    peak_mb: float  # largest resident set of the command's processes
    out: bytes


def measure(cmd: list[str], env: dict[str, str]) -> Measured:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    # wait4 reaps the process and reports its peak RSS (the max over it and its workers).
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode in (0, 1), f"{cmd[0]} failed ({proc.returncode})"
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall seconds, peak RSS in MB of the command's processes, and its stdout."""
    m = measure(cmd, env)
    return m.wall, m.peak_mb, m.out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megabytes", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    home = ROOT / "home"
    if not home.exists() or abs(folder_bytes(home) / 1e6 - args.megabytes) > args.megabytes * 0.05:
        print(f"generating {args.megabytes} MB of logs …", file=sys.stderr)
        build(home, args.megabytes)
    size = folder_bytes(home) / 1e6
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "TOKENWORTH_", "XDG_"))}
    env.update(HOME=str(home), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure the program as installed, bytecode cached
    exe = str(Path(sys.executable).parent / "tokenworth")
    data = ROOT / "data"
    ours = [exe, "--data-dir", str(data), "usage", "daily", "--json", "--timezone", "UTC"]
    peer = [str(ccusage_binary()), "daily", "--json", "--offline", "--timezone", "UTC"]
    subprocess.run([exe, "--help"], env=env, capture_output=True, check=True)  # warm the bytecode cache

    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home / ".cache" / "tokenworth", ignore_errors=True)
    # The logs into the page cache first, as the rounds after find them: else the first run
    # alone reads them from the disk (a VM's host may reclaim its page cache within minutes).
    folder_bytes(home, read=True)
    print(f"load average before: {load()}", flush=True)
    first = measure(ours, env)
    cold, second, warm, grown, theirs = [], [], [], [], []
    grow = max((home / ".claude").rglob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)  # the newest session
    original = grow.read_bytes()
    try:
        for _ in range(args.repeat):
            shutil.rmtree(data, ignore_errors=True)
            cold.append(measure(ours, env))
            second.append(measure(ours, env))  # builds the rollup the first import left pending
            warm.append(measure(ours, env))
            grow.write_bytes(original + _more_lines(original, 1_000_000))
            grown.append(measure(ours, env))
            grow.write_bytes(original)
            theirs.append(measure(peer, env))
    finally:
        grow.write_bytes(original)
    print(f"load average after:  {load()}")
    a = json.loads(cold[-1].out)["totals"]["total_tokens"]
    b = json.loads(theirs[-1].out)["totals"]["totalTokens"]
    assert a == b, f"token totals differ: tokenworth {a} vs ccusage {b}"

    def row(name: str, runs: list[Measured]) -> str:
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        ratio = statistics.median(r.wall / t.wall for r, t in zip(runs, theirs, strict=False))
        lo, hi = min(r.wall for r in runs), max(r.wall for r in runs)
        return (
            f"{name:34} {wall:6.2f} s (min {lo:.2f}, max {hi:.2f})  CPU {cpu:5.2f} s  "
            f"peak {max(r.peak_mb for r in runs):5.0f} MB   {ratio:4.2f}x ccusage"
        )

    print(f"corpus: {size:,.0f} MB, {a:,} tokens (equal in both tools), {os.cpu_count()} cores")
    print(row("ccusage daily --json --offline", theirs))
    print(row("tokenworth cold (import+report)", cold))
    print(row("tokenworth second run (+ rollup)", second))
    print(row("tokenworth warm (nothing new)", warm))
    print(row("tokenworth warm, one file +1 MB", grown))
    print(
        f"tokenworth first run ever          {first.wall:6.2f} s  CPU {first.cpu:5.2f} s  "
        f"peak {first.peak_mb:5.0f} MB   {first.wall / statistics.median(t.wall for t in theirs):4.2f}x ccusage"
    )


def _more_lines(content: bytes, size: int) -> bytes:
    """About ``size`` bytes of the file's own lines again, as a session that went on would
    add: copies of its assistant replies with new message ids, so they are new requests."""
    lines = [line for line in content.splitlines(keepends=True) if b'"assistant"' in line] or [b"\n"]
    out: list[bytes] = []
    n = total = 0
    while total < size:
        line = lines[n % len(lines)].replace(b'"id":"msg_', f'"id":"msg_grown{n}_'.encode())
        out.append(line)
        total += len(line)
        n += 1
    return b"".join(out)


if __name__ == "__main__":
    main()
