"""The SQLITE reader kind: another tool's database, read-only, on real SQLite files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.sources.kinds import CALLS, create_db, insert_rows, run, stored
from tracker.core.records import dedup_digest
from tracker.store.db import connect


def db_path(home: Path, name: str = "tool.db") -> Path:
    return home / ".kinds" / "db" / name


def test_rows_added_between_imports_are_read_once(tmp_path: Path, home: Path) -> None:
    tool = create_db(db_path(home), [("a", 10, 1), ("b", 20, 2)])
    store = connect(tmp_path / "tw.sqlite3")
    run(store, home)
    insert_rows(tool, [("c", 30, 3)])
    summary = run(store, home)
    assert summary.sources["db-test"].events_read == 1  # only the new row
    assert sorted(stored(store, "db-test").values()) == [(10, 1), (20, 2), (30, 3)]
    run(store, home)
    assert len(stored(store, "db-test")) == 3


def test_an_unchanged_database_is_not_queried(tmp_path: Path, home: Path) -> None:
    create_db(db_path(home), [("a", 10, 1)]).close()
    store = connect(tmp_path / "tw.sqlite3")
    run(store, home)
    before = CALLS["db"]
    summary = run(store, home)
    assert CALLS["db"] == before  # a stat of the file and its -wal, no connection
    assert summary.sources["db-test"].files_read == 0


def test_the_tool_writing_while_tokenworth_reads(tmp_path: Path, home: Path) -> None:
    """A second real connection in WAL mode: its open transaction is neither waited for
    nor seen; once committed, its rows are read (once)."""
    path = db_path(home)
    tool = create_db(path, [("a", 10, 1)])
    store = connect(tmp_path / "tw.sqlite3")
    tool.execute("BEGIN IMMEDIATE")  # the tool holds the write lock …
    insert_rows(tool, [("b", 20, 2)])
    summary = run(store, home)  # … and Tokenworth reads the committed snapshot meanwhile
    assert summary.sources["db-test"].errors == []
    assert sorted(stored(store, "db-test").values()) == [(10, 1)]
    tool.execute("COMMIT")
    insert_rows(tool, [("c", 30, 3)])
    run(store, home)
    assert sorted(stored(store, "db-test").values()) == [(10, 1), (20, 2), (30, 3)]
    tool.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the tool checkpoints: changes the files, not the rows
    run(store, home)
    assert len(stored(store, "db-test")) == 3


def test_tokenworth_never_writes_to_the_database(tmp_path: Path, home: Path) -> None:
    path = db_path(home)
    tool = create_db(path, [("a", 10, 1)])
    tool.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns
    run(connect(tmp_path / "tw.sqlite3"), home)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns) == before


def test_a_database_replaced_by_a_newer_schema_generation(tmp_path: Path, home: Path) -> None:
    path = db_path(home)
    create_db(path, [("a", 10, 1), ("b", 20, 2)]).close()
    store = connect(tmp_path / "tw.sqlite3")
    run(store, home)
    newer = path.with_name("new.tmp")
    create_db(newer, [("a", 10, 1), ("b", 20, 2), ("c", 30, 3)], generation=2).close()
    os.replace(newer, path)  # the tool migrated: a new file, other tables, the same requests
    summary = run(store, home)
    assert summary.sources["db-test"].errors == []
    assert sorted(stored(store, "db-test").values()) == [(10, 1), (20, 2), (30, 3)]


def test_not_a_database_or_missing_tables_are_contained(tmp_path: Path, home: Path) -> None:
    good = db_path(home, "good.db")
    create_db(good, [("a", 10, 1)]).close()
    garbage = db_path(home, "garbage.db")
    garbage.write_bytes(b"this is not a database" * 300)
    empty = db_path(home, "empty.db")
    create_db(empty, []).execute("DROP TABLE requests")
    store = connect(tmp_path / "tw.sqlite3")
    summary = run(store, home)
    stats = summary.sources["db-test"]
    assert len(stats.errors) == 1 and "garbage.db" in stats.errors[0] and "database" in stats.errors[0]
    assert sorted(stored(store, "db-test").values()) == [(10, 1)]
    assert store.execute("SELECT error FROM files WHERE path = ?", (str(garbage),)).fetchone()[0] is not None
    assert run(store, home).sources["db-test"].errors == [stats.errors[0]]  # reported again, stored once


def test_a_poisoned_row_is_skipped_not_stored(tmp_path: Path, home: Path) -> None:
    tool = create_db(db_path(home), [("a", 10, 1), ("huge", 10**15, 1), ("neg", -5, 1)])
    tool.execute("INSERT INTO requests VALUES ('old', '0001-01-01T00:00:00+14:00', 1, 1)")
    store = connect(tmp_path / "tw.sqlite3")
    summary = run(store, home)
    assert summary.sources["db-test"].skipped == 3
    assert list(stored(store, "db-test")) == [dedup_digest("db:a")]


def test_parallel_workers_read_databases_too(tmp_path: Path, home: Path) -> None:
    for i in range(3):
        create_db(db_path(home, f"t{i}.db"), [(f"r{i}-{j}", j, 1) for j in range(5)]).close()
    store = connect(tmp_path / "tw.sqlite3")
    run(store, home, workers=2, parallel_min_bytes=0)
    assert len(stored(store, "db-test")) == 15
    scratch = tmp_path / "scratch"  # the workers' staging files are gone (a first import stages none)
    assert not scratch.exists() or not any(scratch.iterdir())
