"""Schema migrations: an older database gains the new tables and keeps its data."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tracker.core.errors import StoreError
from tracker.core.reading import Cursor, ReadResult
from tracker.store.db import connect, indexes_pending, into_wal, unique_keys
from tracker.store.import_state import FileIdentity
from tracker.store.schema import SCHEMA_VERSION, migrate
from tracker.store.writer import UPSERT_EVENT, ImportWriter


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


def test_a_new_store_opened_while_another_connection_writes_it_waits_for_that_write(tmp_path: Path) -> None:
    # Two openers of a new file (the app's import thread and a command): one switching to WAL
    # while the other holds the write lock got "database is locked" at once, busy timeout or not.
    path = tmp_path / "db.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE unrelated (x)")
    done = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    done.start()
    try:
        conn = connect(path)
    finally:
        done.join()
        other.close()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_the_switch_to_wal_gives_up_after_its_wait(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE unrelated (x)")
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        into_wal(conn, wait_s=0.1)
    other.execute("COMMIT")
    into_wal(conn, wait_s=0.1)
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


_EVENT_COLUMNS = (
    "id, source, dedup_key, session_id, project, git_branch, model, ts_ms, input_tokens, output_tokens,"
    " cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens, total_tokens,"
    " prompt_class, tool_cost_micro, subscription"
)


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_version_14_events_are_rebuilt_with_a_named_keys_index_and_keep_every_row(tmp_path: Path) -> None:
    """Migration 15 rebuilds ``events`` without the inline UNIQUE: every row (and its id, which
    ``otlp_events`` names) is kept, the schema is a new store's, the keys stay unique through
    ``events_dedup`` (the upsert's larger copy wins, lookups use it) and the triggers still fire."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, target=14)
    rows = [
        (7, "claude-code", b"\x01" * 16, "s", "/p", "main", "claude-opus-4-1", 900_000, 1, 2, 3, 4, 5, 0, 15, 0, None, 0),
        (9, "codex", b"\x02" * 16, "t", "/q", "", "gpt-5", 1_800_000, 10, 20, 0, 0, 30, 5, 60, 0, 1234, 1),
    ]  # fmt: skip
    old.executemany(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 18)})", rows)  # noqa: S608
    old.close()

    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events ORDER BY id").fetchall() == rows  # noqa: S608
    fresh = connect(tmp_path / "new.sqlite3")
    assert _schema(conn) == _schema(fresh)
    fresh.close()
    indexes = {r[1]: r[2] for r in conn.execute("PRAGMA index_list(events)")}
    assert indexes == {"events_dedup": 1, "events_ts": 0, "events_tool_cost": 0}  # no autoindex left
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE dedup_key = ?", (b"",)).fetchall()
    assert "USING COVERING INDEX events_dedup" in plan[0][3]
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 18)})", (10, *rows[0][1:]))  # noqa: S608
    conn.execute("BEGIN")
    for total, ts in ((14, 5_400_000), (99, 3_600_000)):  # smaller: kept as is; larger: replaces, moves bucket
        conn.execute(UPSERT_EVENT, (*rows[0][1:7], ts, *rows[0][8:14], total, *rows[0][15:]))
    conn.execute("COMMIT")
    assert conn.execute("SELECT id, ts_ms, total_tokens FROM events WHERE id = 7").fetchone() == (7, 3_600_000, 99)
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (2,)
    assert conn.execute("SELECT bucket FROM rollup_dirty").fetchall() == [(1,)]  # events_moved: its old bucket
    conn.execute("DELETE FROM events WHERE id = 9")
    assert conn.execute("SELECT bucket FROM rollup_dirty ORDER BY bucket").fetchall() == [(1,), (2,)]  # events_deleted
    conn.close()


def test_a_missing_keys_index_is_built_by_every_writer_and_copies_are_resolved(tmp_path: Path) -> None:
    """A writer of ``events`` builds the keys' index a first import left pending before its
    upsert; copies of a key it cannot index (never written by Tokenworth) keep the largest,
    the first of equal ones."""
    conn = connect(tmp_path / "t.sqlite3")
    conn.execute("DROP INDEX events_dedup")
    row = ("codex", b"\x03" * 16, "s", "/p", "", "gpt-5", 0, 1, 0, 0, 0, 0, 0, 1, 0, None, 0)
    copies = [(1, *row[:13], 5, *row[14:]), (2, *row[:13], 9, *row[14:]), (3, *row[:13], 9, *row[14:])]
    conn.executemany(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 18)})", copies)  # noqa: S608
    assert indexes_pending(conn) and not unique_keys(conn)
    with ImportWriter(conn) as writer:
        writer.add("/f", "codex", FileIdentity(1, 1, 1, 1, 0, ""), ReadResult(Cursor()), restarted=False)
        assert unique_keys(conn)
    assert conn.execute("SELECT id, total_tokens FROM events").fetchall() == [(2, 9)]
    conn.close()
