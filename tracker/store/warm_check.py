"""The store's side of the warm start (``cli.warm_start``): in one read-only snapshot, whether
a cached report still stands. Loaded before anything else of the store, so it names the
store's markers itself (``store.meta``, ``store.rollup``, ``store.otlp_events``; a test holds
them equal): importing those modules costs more than the warm run this saves."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.store.store import Store

# A pending rollup, an OTLP event waiting for its log or a stored import problem: the full run
# has work or something to say.
BLOCKED = """SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'rollup_pending')
    OR EXISTS (SELECT 1 FROM otlp_events WHERE log_event_id IS NULL AND rule > 0)
    OR EXISTS (SELECT 1 FROM files WHERE error IS NOT NULL)"""
READ = "SELECT path, device, inode, size, mtime_ns FROM files WHERE length(cursor) > 0"  # as ``StoredFiles``
CACHED = """SELECT body, warnings FROM report_cache WHERE key = ?
    AND generation = COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'), 0)"""

Stored = Mapping[str, tuple[int, ...]]  # device, inode, size, mtime_ns of each file read, by path


def cached_if(
    database: str, schema: int, key: str, unchanged: Callable[[Stored], bool]
) -> tuple[bytes, list[str]] | None:
    """The cached report ``key`` (body, warnings) when the store at ``database`` is of schema
    ``schema``, has no work waiting, and ``unchanged`` says the logs are what it read."""
    from urllib.parse import quote

    if not _whole(database):
        return None  # the full run says what is wrong with it
    try:
        conn = sqlite3.connect(f"file:{quote(database)}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for every check
        if conn.execute("PRAGMA user_version").fetchone()[0] != schema or conn.execute(BLOCKED).fetchone()[0]:
            return None
        if not unchanged({row[0]: tuple(row[1:]) for row in conn.execute(READ)}):
            return None
        row = conn.execute(CACHED, (key,)).fetchone()
        return None if row is None else (bytes(row[0]), list(json.loads(row[1])))
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _whole(database: str) -> bool:
    """The file is at least as long as its header says (``store.db.check_whole``'s test)."""
    try:
        with open(database, "rb") as f:
            head = f.read(100)
        size = os.stat(database).st_size
    except OSError:
        return False
    if len(head) < 100 or head[24:28] != head[92:96]:
        return False
    page = int.from_bytes(head[16:18], "big")
    return size >= int.from_bytes(head[28:32], "big") * (65536 if page == 1 else page)


HOT = 8  # the files written last: a grown run is told by these before the rest is walked


def warm_marks(store: Store, sources: Iterable[str]) -> tuple[int, dict[str, list[int]], list[list[str | int]]]:
    """The schema version; the ``-wal`` identity (size, mtime) each database of ``sources``
    was read at, as its stored cursor holds it; the ``HOT`` files modified last, as ``READ``
    gives them (path, device, inode, size, mtime)."""
    from tracker.core.reading import SqliteCursor
    from tracker.store.import_state import decode_cursor

    conn = store.conn
    wal = {}
    for source in sorted(sources):
        for path, blob in conn.execute(
            "SELECT path, cursor FROM files WHERE source = ? AND length(cursor) > 0", (source,)
        ):
            cursor = decode_cursor(blob)
            if isinstance(cursor, SqliteCursor):
                wal[path] = [cursor.wal_size, cursor.wal_mtime_ns]
    hot = [list(r) for r in conn.execute(f"{READ} ORDER BY mtime_ns DESC LIMIT ?", (HOT,))]
    return int(conn.execute("PRAGMA user_version").fetchone()[0]), wal, hot
