"""Benchmark: a PDF report over a year of heavy use (the GUI benchmark's data plus tasks).

uv run python -m bench.report            # needs bench.gui's data first (it makes it if missing)
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.gui import ROOT, fill


def main() -> None:
    data = ROOT / "gui-1000000"
    if not (data / "tokenworth.sqlite3").exists():
        fill(data, 1_000_000)
    from tracker.store.db import connect

    conn = connect(data / "tokenworth.sqlite3")
    if conn.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] == 0:
        rng = random.Random(2)
        now = datetime.now(UTC)
        conn.execute("BEGIN")
        for i in range(2000):  # a task roughly every working hour and a half of the year
            done = int((now - timedelta(days=rng.uniform(0, 364))).timestamp() * 1000)
            conn.execute(
                "INSERT INTO tasks (title, status, created_ms, completed_ms, category, impact, hours_saved, source,"
                " external_id) VALUES (?, 'done', ?, ?, 'feature', ?, ?, 'jira', ?)",
                (f"Task {i}: a change of some length to wrap", done, done, "Shipped on time", "1.5", f"B-{i}"),
            )
        conn.execute("COMMIT")
    env = {**os.environ, "TOKENWORTH_DATA_DIR": str(data)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = ROOT / "year.pdf"
    until = datetime.now(UTC).date()
    since = until - timedelta(days=364)
    for audience in ("summary", "detailed"):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tracker", "report", "--format", "pdf", "--since", str(since),
                        "--until", str(until), "--timezone", "UTC", "--audience", audience, "--out", str(out)],
                       env=env, check=True, capture_output=True)  # fmt: skip
        took = time.perf_counter() - started
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        print(f"{audience}: {took:.2f} s, {pages} pages ({Path(out).stat().st_size / 1e3:,.0f} kB)")


if __name__ == "__main__":
    main()
