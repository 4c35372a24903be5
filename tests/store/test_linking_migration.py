"""The linking migration: an existing journal keeps its tasks and links, which gain a share of 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.store.db import connect
from tracker.store.schema import SCHEMA_VERSION, migrate
from tracker.store.store import Store


def test_tasks_and_links_survive_and_gain_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, target=6)
    old.execute("INSERT INTO tasks (title, status, created_ms, completed_ms) VALUES ('Cart', 'done', 1, 2)")
    old.execute("INSERT INTO session_links VALUES ('codex', 's1', 1, 0.8, 0, 0)")
    old.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store = Store(conn)
    assert store.links.active() == [("codex", "s1", 1, 1.0)]
    assert conn.execute("SELECT outcome_of, reverted_ms FROM tasks").fetchall() == [(None, None)]
    assert store.tasks.reverts() == [] and store.tasks.completed_count(0, 10) == 1
    snap = store.tasks.snapshot(1)
    assert snap is not None and store.tasks.delete(1).links == 1
    store.tasks.restore(snap)
    assert store.links.states() == [("codex", "s1", 1, 0.8, 0, 0)]
