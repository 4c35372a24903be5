"""Opening the database: WAL, sane pragmas, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.store.rollup import ensure_rollup
from tracker.store.schema import migrate


def connect(path: Path) -> sqlite3.Connection:
    """Open (and migrate) the store. Readers use their own connection; WAL lets them
    read while the single writer imports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Used by one thread at a time, but not always the one that opened it (report helpers).
    conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn)
    ensure_rollup(conn)
    return conn
