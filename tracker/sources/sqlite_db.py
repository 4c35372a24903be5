"""Other tools' SQLite databases, opened read-only.

The importer never writes to them and holds no lock a tool would notice: the connection is a
``mode=ro`` URI with ``query_only``, reads in one short transaction (in WAL mode it blocks no
writer) and is closed at once. (SQLite itself leaves an empty ``-wal`` and a ``-shm`` file
beside a WAL database a reader opened, as the tool's own next connection would.) A database
counts as changed when its file or its ``-wal`` file changed size or mtime, so an unchanged
database costs a ``stat``, never a query.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from tracker.core.reading import ReadResult, SqliteCursor
from tracker.sources.spec import SqliteReader

BUSY_MS = 2000  # a tool's checkpoint or write may hold its lock briefly


def wal_identity(path: Path) -> tuple[int, int]:
    """Size and mtime of ``path``'s ``-wal`` file, (-1, 0) when there is none."""
    try:
        st = os.stat(f"{path}-wal")
    except OSError:
        return (-1, 0)
    return (st.st_size, st.st_mtime_ns)


def wal_unchanged(path: Path, cursor: SqliteCursor) -> bool:
    return wal_identity(path) == (cursor.wal_size, cursor.wal_mtime_ns)


def open_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"file:{quote(str(path))}?mode=ro",
        uri=True,
        timeout=BUSY_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute("PRAGMA query_only = 1")
    return conn


def read_sqlite(path: Path, cursor: SqliteCursor, reader: SqliteReader) -> ReadResult:
    """What is new in the database at ``path`` since ``cursor``; a file that is not a
    database, is locked or corrupt is one error for that file, never raised."""
    wal_size, wal_mtime = wal_identity(path)  # before reading: a later write is seen next time
    result = ReadResult(cursor=cursor)
    conn: sqlite3.Connection | None = None
    try:
        conn = open_read_only(path)
        conn.execute("BEGIN")  # one consistent snapshot, released at once
        try:
            marks = reader.read_database(conn, path, dict(cursor.marks), result)
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        return ReadResult(cursor=cursor, error=f"{path}: cannot read the database ({exc})")
    finally:
        if conn is not None:
            conn.close()
    if wal_size == -1:
        after = wal_identity(path)
        if after[0] == 0:  # the empty -wal a read-only connection leaves behind: no change
            wal_size, wal_mtime = after
    result.lines_read = len(result.events)
    result.cursor = SqliteCursor(dict(marks), wal_size, wal_mtime)
    return result
