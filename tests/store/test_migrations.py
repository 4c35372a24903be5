"""Schema migrations: an older database gains the new tables and keeps its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.core.errors import StoreError
from tracker.store.db import connect
from tracker.store.schema import SCHEMA_VERSION, migrate


def test_version_1_database_migrates_without_losing_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, target=1)
    old.execute(
        "INSERT INTO events (source, dedup_key, session_id, project, git_branch, model, ts_ms, input_tokens,"
        " output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens,"
        " total_tokens, prompt_class) VALUES ('claude-code', X'00ff', 's', '/p', 'main', 'claude-opus-4-1', 1, 1, 2, 3, 4, 5, 0, 15, 0)"
    )
    old.execute("INSERT INTO sessions VALUES ('claude-code', 's', '/p', 'main')")
    old.close()

    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT dedup_key, total_tokens FROM events").fetchall() == [(b"\x00\xff", 15)]
    assert conn.execute("SELECT * FROM sessions").fetchall() == [("claude-code", "s", "/p", "main")]
    conn.execute("SELECT * FROM rate_limits").fetchall()
    conn.execute("SELECT * FROM price_cache").fetchall()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    c = sqlite3.connect(path)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.close()
    with pytest.raises(StoreError, match=r"new\.sqlite3 was written by a newer Tokenworth .*move it aside"):
        connect(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1  # untouched


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("CREATE TABLE ignored_lines (x)")  # migration 2 fails on its second table
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "rate_limits" not in tables  # its first table was rolled back
