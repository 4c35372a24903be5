"""Generate a large realistic corpus of Claude Code + Codex logs under a HOME folder.

uv run python -m bench.corpus /tmp/tw-bench/home --megabytes 1000
"""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers.loggen import LogWriter


def folder_bytes(root: Path, *, read: bool = False) -> int:
    """The logs' size; with ``read``, every byte read once (into the page cache)."""
    if not read:
        return sum(p.stat().st_size for p in root.rglob("*.jsonl"))
    return sum(len(p.read_bytes()) for p in root.rglob("*.jsonl"))


def build(home: Path, megabytes: int, seed: int = 3, content_bytes: int = 5000) -> int:
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    w = LogWriter(home, seed, content_bytes)
    start = datetime(2025, 12, 1, 8, tzinfo=UTC)
    target = megabytes * 1_000_000
    written = 0
    day = 0
    while written < target:
        for n in range(4):
            when = start + timedelta(days=day, hours=2 * n)
            project = f"/home/dev/project-{(day + n) % 12}"
            p1 = w.claude_session(
                when, project=project, turns=40, subagent=(n == 0), resume_copy=(n == 1 and day % 3 == 0)
            )
            p2 = w.codex_session(when + timedelta(minutes=5), project=project, turns=30)
            written += p1.stat().st_size + p2.stat().st_size
        day += 1
        if day % 20 == 0:
            written = folder_bytes(home)  # resume copies and subagents add more than the main files
    return folder_bytes(home)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home", type=Path)
    ap.add_argument("--megabytes", type=int, default=1000)
    args = ap.parse_args()
    total = build(args.home, args.megabytes)
    print(f"{total / 1e6:,.0f} MB of logs under {args.home}")


if __name__ == "__main__":
    main()
