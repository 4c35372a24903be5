"""Killing an import: nothing lost, nothing doubled, no workers or scratch left behind."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.helpers.loggen import generate
from tracker.services.import_workers import process_alive
from tracker.store.db import connect

CHILD = [sys.executable, "-m", "tests.services.import_child"]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(kids - out)
            out |= kids
    return out


def wait_gone(pids: set[int], limit: float = 30.0) -> set[int]:
    """Poll (no timing is asserted) until ``pids`` are gone; those still alive after ``limit``."""
    end = time.monotonic() + limit
    while (alive := {p for p in pids if process_alive(p)}) and time.monotonic() < end:
        time.sleep(0.1)
    return alive


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the workers")
@pytest.mark.parametrize("how", ["fork", "forkserver", "spawn"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_f17_workers_die_with_their_importer(tmp_path: Path, how: str, sig: signal.Signals) -> None:
    home, pids = tmp_path / "home", tmp_path / "pids"
    (home / ".block").mkdir(parents=True)
    pids.mkdir()
    for i in range(4):
        (home / ".block" / f"d{i}.json").write_text("{}" + " " * (1 << 20))  # a batch each
    proc = subprocess.Popen([*CHILD, str(tmp_path / "data"), str(home), "--mp", how, "--block", str(pids)], cwd=REPO)
    try:
        end = time.monotonic() + 60
        while len(list(pids.iterdir())) < 2 and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.05)
        workers = {int(p.name) for p in pids.iterdir()}
        assert len(workers) == 2, "the workers never started"
        family = descendants(proc.pid) | workers  # forkserver, resource tracker, workers
        proc.send_signal(sig)
        proc.wait(timeout=60)
        assert wait_gone(family) == set()
    finally:
        (pids / "release").touch()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the workers")
@pytest.mark.parametrize("path", ["first-import", "first-import-streamed", "staged"])
def test_kill_9_at_random_points_loses_and_doubles_nothing(tmp_path: Path, path: str) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    expected = generate(home, days=8, sessions_per_day=3, turns=6, content_bytes=3000)
    rng = random.Random(7)
    how = {"staged": ["--staged"], "first-import-streamed": ["--streamed"]}.get(path, [])
    for _ in range(5):
        proc = subprocess.Popen([*CHILD, str(data), str(home), *how], cwd=REPO, stdout=subprocess.DEVNULL)
        family: set[int] = set()
        end = time.monotonic() + rng.uniform(0.2, 2.5)
        while time.monotonic() < end and proc.poll() is None:
            family |= descendants(proc.pid)
            time.sleep(0.02)
        proc.kill()
        proc.wait()
        assert wait_gone(family) == set()
        conn = connect(data / "tokenworth.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        n, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT dedup_key) FROM events").fetchone()
        assert n == distinct <= len(expected.events)
        conn.close()
    done = subprocess.run([*CHILD, str(data), str(home), *how], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "done"
    conn = connect(data / "tokenworth.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    count, tokens = conn.execute("SELECT COUNT(*), SUM(total_tokens) FROM events").fetchone()
    assert (count, tokens) == (len(expected.events), expected.total_tokens())
    rolled = conn.execute("SELECT SUM(events), SUM(input_tokens + output_tokens) FROM usage_rollup").fetchone()
    assert rolled == conn.execute("SELECT COUNT(*), SUM(input_tokens + output_tokens) FROM events").fetchone()
    scratch = data / "scratch"  # the killed runs' staging files were swept (the first import stages none)
    assert not scratch.exists() or list(scratch.iterdir()) == []
