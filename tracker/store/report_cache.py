"""Rendered reports kept until the stored usage changes (a warm run then reads one row)."""

from __future__ import annotations

import json
import sqlite3

from tracker.store.rollup import generation


def cached(conn: sqlite3.Connection, key: str) -> tuple[bytes, list[str]] | None:
    row = conn.execute("SELECT generation, body, warnings FROM report_cache WHERE key = ?", (key,)).fetchone()
    if row is None or row[0] != generation(conn):
        return None
    return bytes(row[1]), list(json.loads(row[2]))


def save(conn: sqlite3.Connection, key: str, gen: int, body: bytes, warnings: list[str]) -> None:
    """Best effort: skipped, never waited for, while an import holds the write lock."""
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        with conn:
            conn.execute("DELETE FROM report_cache WHERE generation < ?", (gen,))
            conn.execute(
                "INSERT OR REPLACE INTO report_cache VALUES (?, ?, ?, ?)", (key, gen, body, json.dumps(warnings))
            )
    except sqlite3.OperationalError:
        pass  # locked: the next run caches it
    finally:
        conn.execute("PRAGMA busy_timeout = 30000")
