"""The head hash stored with a file's cursor is the head that was checked when the cursor was
chosen: by every read path (in this process, staged by workers, a first import's rows), a
file rewritten between planning and reading, and a file read in several chunks."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from tracker.services import import_plan, importer
from tracker.services.importer import SourceConfig, run_import
from tracker.store.db import connect
from tracker.store.import_state import HEAD_BYTES

# (workers, parallel_min_bytes, first_import): in this process, staged by workers, bulk rows
PATHS = {"serial": (1, 0, False), "staged": (2, 0, False), "bulk": (2, 0, True)}


def line(session: str, i: int) -> bytes:
    record = {
        "type": "assistant",
        "timestamp": f"2026-06-02T12:{i // 60:02d}:{i % 60:02d}Z",
        "sessionId": session,
        "requestId": f"req-{session}-{i}",
        "cwd": "/home/dev/identity",
        "message": {
            "id": f"msg-{session}-{i}",
            "model": "claude-sonnet-4-5",
            "usage": {"input_tokens": 100 + i, "output_tokens": 7},
        },
    }
    return json.dumps(record).encode() + b"\n"


def lines(session: str, start: int, n: int) -> bytes:
    return b"".join(line(session, i) for i in range(start, start + n))


def logs(home: Path) -> tuple[Path, Path]:
    folder = home / ".claude" / "projects" / "-home-dev-identity"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "a.jsonl", folder / "b.jsonl"


def do_import(data: Path, home: Path, path: str) -> importer.ImportSummary:
    workers, min_bytes, first = PATHS[path]
    conn = connect(data / "tokenworth.sqlite3")
    try:
        return run_import(
            conn, home=home, env={}, config=SourceConfig(), workers=workers,
            parallel_min_bytes=min_bytes, first_import=first, mp_context="fork",
        )  # fmt: skip
    finally:
        conn.close()


def keys(data: Path) -> set[str]:
    conn = connect(data / "tokenworth.sqlite3")
    try:
        return {r[0] for r in conn.execute("SELECT dedup_key FROM events")}
    finally:
        conn.close()


def stored_heads(data: Path) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(data / "tokenworth.sqlite3")
    try:
        return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT path, head_len, head_hash FROM files")}
    finally:
        conn.close()


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_file_rewritten_after_planning_is_read_again_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The planner resumes ``a`` after its stored head; ``a`` is then rewritten in place (same
    inode, a new head) before it is read. The read from the old cursor stores the head that
    was checked, so the next import sees the rewrite and reads the new file whole."""
    home = tmp_path / "home"
    a, b = logs(home)
    a.write_bytes(lines("old", 0, 5))
    b.write_bytes(lines("other", 0, 5))
    data = tmp_path / "data"
    do_import(data, home, path)
    with a.open("ab") as f:
        f.write(lines("old", 5, 3))  # something new: ``a`` is resumed from its cursor
    with b.open("ab") as f:
        f.write(lines("other", 5, 3))  # two jobs, so the parallel paths are taken
    rewritten = lines("new", 0, 40)  # longer than the cursor: read on from it as if appended
    plan = import_plan._plan
    seen: list[bool] = []

    def rewrite_after_planning(*args: object) -> object:
        job = plan(*args)  # type: ignore[arg-type]
        if job is not None and job.path == a:
            seen.append(job.restarted)
            with a.open("r+b") as f:  # in place: the same inode
                f.write(rewritten)
        return job

    monkeypatch.setattr(import_plan, "_plan", rewrite_after_planning)
    do_import(data, home, path)
    monkeypatch.setattr(import_plan, "_plan", plan)
    assert seen == [False]  # it was resumed, not read from the start
    do_import(data, home, path)  # sees the rewrite: reads ``a`` again from the start

    fresh = tmp_path / "fresh"
    do_import(fresh, home, "serial")
    assert keys(fresh) <= keys(data)  # every line of the file as it is now is stored
    head = rewritten[:HEAD_BYTES]
    assert stored_heads(data)[str(a)] == (len(head), hashlib.sha256(head).hexdigest())


@pytest.mark.parametrize("path", ["staged", "bulk"])
def test_a_file_read_in_several_chunks_keeps_its_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """A file larger than one read is stored with its head hashed (workers are forked: they
    see the patched limit), so lines appended later are read from its cursor alone."""
    monkeypatch.setattr(importer, "READ_LIMIT", 8192)
    home = tmp_path / "home"
    a, b = logs(home)
    a.write_bytes(lines("big", 0, 200))  # many chunks
    b.write_bytes(lines("small", 0, 3))
    data = tmp_path / "data"
    do_import(data, home, path)
    for log in (a, b):
        head = log.read_bytes()[:HEAD_BYTES]
        assert stored_heads(data)[str(log)] == (len(head), hashlib.sha256(head).hexdigest())
    with a.open("ab") as f:
        f.write(lines("big", 200, 2))
    os.utime(b, ns=(0, 0))  # changed too (stat only): two jobs again
    summary = do_import(data, home, path)
    assert summary.sources["claude-code"].new_lines == 2  # from the cursor, not the whole file again
