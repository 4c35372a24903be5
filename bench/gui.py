"""Benchmark the desktop app on a year of heavy use (~1 million stored requests).

    xvfb-run -a uv run python -m bench.gui            # or with a real display
    uv run python -m bench.gui --events 200000

Fills a data folder straight through the store (no logs), then starts the app in a fresh
process and reports the time from launch to the first data on the dashboard, and, when the
period changes, the GUI thread's longest stall (a 5 ms heartbeat timer: the reports are built
on the read thread, so what the window waits for is only drawing) and the time until drawn.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench"))  # noqa: S108 - scratch data


def fill(data: Path, events: int) -> None:
    from tracker.core.records import UsageEvent
    from tracker.store.db import connect
    from tracker.store.rollup import BUCKET_MS, refresh_rollup
    from tracker.store.staging import event_rows
    from tracker.store.writer import UPSERT_EVENT

    shutil.rmtree(data, ignore_errors=True)
    conn = connect(data / "tokenworth.sqlite3")
    rng = random.Random(1)
    now = datetime.now(UTC)
    start_ms = int((now - timedelta(days=365)).timestamp() * 1000)
    span_ms = 365 * 86_400_000
    models = [
        "claude-sonnet-4-5-20250929",
        "claude-opus-4-5-20251101",
        "claude-haiku-4-5-20251001",
        "gpt-5-codex",
        "gpt-5.1-codex-max",
    ]
    conn.execute("BEGIN")
    batch = []
    # Heavy but human use: sessions of a few hundred requests seconds apart, each on one
    # project with one main model, spread over working hours of every day of the year.
    i = 0
    while i < events:
        day = rng.randrange(365)
        t = start_ms + day * 86_400_000 + rng.randint(7, 20) * 3_600_000
        project = f"/home/dev/project-{rng.randrange(15)}"
        model = rng.choice(models)
        source = "codex" if model.startswith("gpt") else "claude-code"
        session = f"s{i}"
        for _ in range(min(rng.randint(100, 600), events - i)):
            t += rng.randint(5, 40) * 1000
            e = UsageEvent(
                source,
                f"bench:{i}",
                session,
                project,
                "main",
                model if rng.random() > 0.1 else rng.choice(models),
                t,
                rng.randint(1, 50),
                rng.randint(10, 3000),
                rng.randint(0, 8000),
                0,
                rng.randint(0, 150_000),
                0,
            )
            batch.append(e)
            i += 1
        if len(batch) >= 50_000:
            conn.executemany(UPSERT_EVENT, event_rows(batch))
            batch.clear()
    conn.executemany(UPSERT_EVENT, event_rows(batch))
    refresh_rollup(conn, range(start_ms // BUCKET_MS, (start_ms + span_ms) // BUCKET_MS + 1))
    conn.execute("COMMIT")
    (data / "settings.json").write_text(
        '{"version": 1, "values": {"sources.claude-code.enabled": false, "sources.codex.enabled": false}}'
    )


PROBE = r"""
import sys, time
t0, c0 = time.perf_counter(), time.thread_time()
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.ui.charts import follow_palette
from tracker.ui.main_window import MainWindow
from pathlib import Path
app = QApplication([])
follow_palette(QApplication.palette())
# The GUI thread's longest stall: a 5 ms heartbeat that notes the gap since the last beat
# (the reads run on the read thread; what is left here is drawing).
last, worst = [time.perf_counter()], [0.0]
def beat():
    now = time.perf_counter()
    worst[0] = max(worst[0], now - last[0])
    last[0] = now
heartbeat = QTimer(interval=5)
heartbeat.timeout.connect(beat)
heartbeat.start()
def until_drawn(w):
    loop = QEventLoop()
    w.dashboard.loaded.connect(loop.quit)
    QTimer.singleShot(0, lambda: None if w.reads.pending("dashboard") else loop.quit())
    loop.exec()
    w.dashboard.loaded.disconnect(loop.quit)
ctx = Context(DataPaths(Path(sys.argv[1])), Path.home(), {})
w = MainWindow(ctx)
w.show()
built = time.perf_counter()  # imports and widgets: before any data
if not w.reads.pending():  # as the app starts: the dashboard is being read already
    w.refresh_current()
until_drawn(w)
# The GUI thread's own CPU time as well: on 2 shared cores the wall clock mostly measures the
# neighbours, while the CPU this thread spent is what the window cost.
print(f"first {time.time():.3f} {time.perf_counter() - t0:.3f} {1000 * worst[0]:.0f} {built - t0:.3f} "
      f"{time.thread_time() - c0:.3f}", flush=True)
for period in ["This month", "This week", "Today", "Last 30 days", "This month", "Last 30 days"]:
    t, c = time.perf_counter(), time.thread_time()
    last[0], worst[0] = t, 0.0
    w.dashboard.period.setCurrentText(period)
    asked = time.perf_counter() - t
    until_drawn(w)
    beat()
    total = time.perf_counter() - t
    cpu = time.thread_time() - c
    print(f"period {period} {1000 * cpu:.0f} {1000 * max(worst[0], asked):.0f} {1000 * total:.0f}", flush=True)
w.close()
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    args = ap.parse_args()
    data = ROOT / f"gui-{args.events}"
    if not (data / "tokenworth.sqlite3").exists():
        print(f"storing {args.events:,} requests …", file=sys.stderr)
        fill(data, args.events)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(data)], env=env, capture_output=True, text=True, check=True, timeout=300
    )
    lines = proc.stdout.splitlines()
    _, shown, first, first_stall, built, first_cpu = lines[0].split()
    launch = float(shown) - started
    stalls = [int(line.split()[-2]) for line in lines[1:]]
    cpus = [int(line.split()[-3]) for line in lines[1:]]
    totals = [int(line.split()[-1]) for line in lines[1:]]
    print(f"{args.events:,} stored requests; first data {launch:.2f} s after launch (load {os.getloadavg()[0]:.1f})")
    print(
        f"  in-process {float(first):.2f} s, of which imports and widgets {float(built):.2f} s; "
        f"GUI thread CPU {float(first_cpu):.2f} s"
    )
    print(f"GUI thread: longest stall before the first data {first_stall} ms")
    median = sorted(stalls)[len(stalls) // 2]
    print(f"period change, GUI thread: longest stall median {median} ms, worst {max(stalls)} ms")
    for line in lines[1:]:
        *name, cpu, stall, total = line.split()[1:]
        print(f"  {' '.join(name)}: GUI thread CPU {cpu} ms, longest stall {stall} ms, drawn after {total} ms")
    cpu_median = sorted(cpus)[len(cpus) // 2]
    print(f"period change, GUI thread CPU: median {cpu_median} ms, worst {max(cpus)} ms")
    print(f"period change, read to drawn: median {sorted(totals)[len(totals) // 2]} ms, worst {max(totals)} ms")


if __name__ == "__main__":
    main()
