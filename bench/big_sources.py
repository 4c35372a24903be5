"""Benchmark: cold import of one 100 MB OpenCode database and of 5,000 Cline task folders.

    uv run python -m bench.big_sources
    uv run python -m bench.big_sources --opencode-mb 100 --cline-tasks 5000 --repeat 3

Each HOME holds only that tool. The OpenCode database has OpenCode's ``message`` and ``part``
tables, most of its bytes the reply and tool-output text parts a real one holds; each Cline
task is a ``ui_messages.json`` of 25 finished requests with ~1.5 KB of reply after each
(``api_conversation_history.json``, which Tokenworth does not read, is left out). Times are
``tokenworth import`` into an empty data folder; peak memory is the largest resident set of
its processes (workers included). ``ccusage opencode daily`` on the same database is timed
for reference (ccusage does not read Cline).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
from pathlib import Path

from bench.run import timed
from bench.sources_home import cline_tasks, opencode_db, tree_bytes
from bench.warm_all import load
from tests.helpers.ccusage import ccusage_binary

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench"))  # noqa: S108 - a scratch corpus
MESSAGES_PER_SESSION = 40
TEXT_BYTES = 4000  # per OpenCode message: reply and tool output


def build_opencode(home: Path, megabytes: int) -> tuple[Path, int]:
    db = home / ".local" / "share" / "opencode" / "opencode.db"
    shutil.rmtree(home, ignore_errors=True)
    per_session = MESSAGES_PER_SESSION * (TEXT_BYTES + 4350)  # bytes one message takes in the file (measured)
    sessions = max(1, megabytes * 1_000_000 // per_session)
    messages = opencode_db(db, random.Random(1), sessions, MESSAGES_PER_SESSION, text_bytes=TEXT_BYTES)
    return db, messages


def build_cline(home: Path, tasks: int) -> None:
    shutil.rmtree(home, ignore_errors=True)
    cline_tasks(home, "saoudrizwan.claude-dev", random.Random(2), tasks=tasks, requests=25, text_bytes=1500)


def cold(home: Path, repeat: int) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "TOKENWORTH_", "XDG_"))}
    env.update(HOME=str(home), NO_COLOR="1")
    exe = str(Path(sys.executable).parent / "tokenworth")
    data = ROOT / "data-big"
    runs = []
    for _ in range(repeat):
        shutil.rmtree(data, ignore_errors=True)
        runs.append(timed([exe, "--data-dir", str(data), "import"], env))
    shutil.rmtree(data, ignore_errors=True)
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--opencode-mb", type=int, default=100)
    ap.add_argument("--cline-tasks", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"load average before: {load()}")

    home = ROOT / "home-opencode"
    db, messages = build_opencode(home, args.opencode_mb)
    seconds, peak = cold(home, args.repeat)
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    peer = timed([str(ccusage_binary()), "opencode", "daily", "--json", "--offline"], env)
    print(
        f"OpenCode: one {db.stat().st_size / 1e6:,.0f} MB database, {messages:,} messages:"
        f"  cold import {seconds:5.2f} s  peak {peak:4.0f} MB   (ccusage opencode daily {peer[0]:.2f} s,"
        f" peak {peer[1]:.0f} MB)"
    )
    shutil.rmtree(home)

    home = ROOT / "home-cline"
    build_cline(home, args.cline_tasks)
    seconds, peak = cold(home, args.repeat)
    print(
        f"Cline: {args.cline_tasks:,} task folders, {tree_bytes(home) / 1e6:,.0f} MB of ui_messages.json:"
        f"  cold import {seconds:5.2f} s  peak {peak:4.0f} MB"
    )
    shutil.rmtree(home)
    print(f"load average after:  {load()}")


if __name__ == "__main__":
    main()
