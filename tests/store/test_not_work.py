"""Migration 9 keeps "not work" decisions: marking is idempotent, unmarking removes, an old
database gains the table without losing its links."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.store.db import connect
from tracker.store.schema import SCHEMA_VERSION, migrate
from tracker.store.store import Store


def test_an_old_database_gains_not_work_and_keeps_its_links(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, target=8)
    old.execute("INSERT INTO tasks (title, status, created_ms, completed_ms) VALUES ('Cart', 'done', 1, 2)")
    old.execute("INSERT INTO session_links (source, session_id, task_id, confidence) VALUES ('codex', 's1', 1, 0.8)")
    old.close()
    store = Store(connect(path))
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.links.active() == [("codex", "s1", 1, 1.0)]
    assert store.links.not_work() == set()


def test_marking_twice_counts_once_and_unmarking_removes(tmp_path: Path) -> None:
    store = Store(connect(tmp_path / "t.sqlite3"))
    assert store.links.set_not_work([("codex", "a"), ("codex", "b"), ("codex", "a")], 5).links == 2
    assert store.links.set_not_work([("codex", "a")], 6).links == 0  # already marked
    assert store.links.not_work() == {("codex", "a"), ("codex", "b")}
    assert store.conn.execute("SELECT marked_ms FROM not_work_sessions WHERE session_id = 'a'").fetchone() == (5,)
    assert store.links.set_not_work([("codex", "a"), ("codex", "zzz")], 7, not_work=False).links == 1
    assert store.links.not_work() == {("codex", "b")}
