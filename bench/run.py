"""Benchmark: Tokenworth against ccusage on the same ~1 GB of generated logs.

    uv run python -m bench.run                   # 1000 MB corpus under /tmp/tw-bench
    uv run python -m bench.run --megabytes 200 --repeat 5

Cold: an empty data folder, so import + report. Warm: the same again with nothing changed.
First run: cold, and the per-user cache of resolved prices (~/.cache/tokenworth) removed too,
so genai-prices' tables are loaded — what a fresh install's first import costs.
Peak memory is the largest resident set of any process of the run (workers included).
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
    first = timed(ours, env)
    cold, warm, theirs = [], [], []
    for _ in range(args.repeat):
        shutil.rmtree(data, ignore_errors=True)
        cold.append(timed(ours, env))
        warm.append(timed(ours, env))
        theirs.append(timed(peer, env))
    a = json.loads(cold[-1][2])["totals"]["total_tokens"]
    b = json.loads(theirs[-1][2])["totals"]["totalTokens"]
    assert a == b, f"token totals differ: tokenworth {a} vs ccusage {b}"

    def med(runs: list[tuple[float, float, bytes]]) -> float:
        return statistics.median(r[0] for r in runs)

    peer_s = med(theirs)
    print(f"corpus: {size:,.0f} MB, {a:,} tokens (equal in both tools), {os.cpu_count()} cores")
    print(f"ccusage daily --json --offline   {peer_s:6.2f} s   peak {max(r[1] for r in theirs):5.0f} MB")
    print(
        f"tokenworth cold (import+report)  {med(cold):6.2f} s   peak {max(r[1] for r in cold):5.0f} MB"
        f"   {med(cold) / peer_s:4.2f}x ccusage"
    )
    print(
        f"tokenworth first run ever        {first[0]:6.2f} s   peak {first[1]:5.0f} MB"
        f"   {first[0] / peer_s:4.2f}x ccusage"
    )
    print(
        f"tokenworth warm (nothing new)    {med(warm):6.2f} s   peak {max(r[1] for r in warm):5.0f} MB"
        f"   {med(warm) / peer_s:4.2f}x ccusage"
    )


if __name__ == "__main__":
    main()
