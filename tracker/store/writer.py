"""Writing import results. One writer at a time; every file's result is one transaction,
so a crash mid-import never leaves a cursor ahead of the events it covers."""

from __future__ import annotations

import sqlite3
import time

from tracker.core.reading import ReadResult
from tracker.core.records import RateLimitWindow
from tracker.store.import_state import FileIdentity, encode_cursor

# The copy with the most tokens wins: a streamed reply's last snapshot is complete.
_UPSERT_EVENT = """
INSERT INTO events (source, dedup_key, session_id, project, git_branch, model, ts_ms,
    input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
    cache_read_tokens, reasoning_tokens, total_tokens)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(dedup_key) DO UPDATE SET
    session_id = excluded.session_id, project = excluded.project,
    git_branch = excluded.git_branch, model = excluded.model, ts_ms = excluded.ts_ms,
    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
    cache_write_5m_tokens = excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = excluded.cache_write_1h_tokens,
    cache_read_tokens = excluded.cache_read_tokens,
    reasoning_tokens = excluded.reasoning_tokens, total_tokens = excluded.total_tokens
WHERE excluded.total_tokens > events.total_tokens
"""

_UPSERT_SESSION = """
INSERT INTO sessions (source, session_id, project, git_branch) VALUES (?, ?, ?, ?)
ON CONFLICT(source, session_id) DO UPDATE SET
    project = CASE WHEN excluded.project != '' THEN excluded.project ELSE sessions.project END,
    git_branch = CASE WHEN excluded.git_branch != '' THEN excluded.git_branch
                      ELSE sessions.git_branch END
"""

_UPSERT_LIMIT = """
INSERT OR IGNORE INTO rate_limits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def write_result(
    conn: sqlite3.Connection,
    path: str,
    source: str,
    identity: FileIdentity,
    result: ReadResult,
    *,
    restarted: bool,
) -> None:
    """Store one file's new records and its cursor atomically."""
    now_ms = int(time.time() * 1000)
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            _UPSERT_EVENT,
            [
                (
                    e.source,
                    e.dedup_key,
                    e.session_id,
                    e.project,
                    e.git_branch,
                    e.model,
                    e.ts_ms,
                    e.input_tokens,
                    e.output_tokens,
                    e.cache_write_5m_tokens,
                    e.cache_write_1h_tokens,
                    e.cache_read_tokens,
                    e.reasoning_tokens,
                    e.total_tokens,
                )
                for e in result.events
            ],
        )
        conn.executemany(
            _UPSERT_SESSION,
            [(source, s.session_id, s.project, s.git_branch) for s in result.sessions.values()],
        )
        conn.executemany(
            _UPSERT_LIMIT,
            [
                (
                    r.source,
                    r.session_id,
                    r.ts_ms,
                    *(_window_cols(r.primary)),
                    *(_window_cols(r.secondary)),
                )
                for r in result.rate_limits
            ],
        )
        if restarted:
            conn.execute("DELETE FROM skipped_lines WHERE path = ?", (path,))
            conn.execute("DELETE FROM ignored_lines WHERE path = ?", (path,))
        conn.executemany(
            "INSERT OR REPLACE INTO skipped_lines VALUES (?, ?, ?)",
            [(path, s.line_no, s.reason) for s in result.skipped],
        )
        conn.executemany(
            """INSERT INTO ignored_lines VALUES (?, ?, ?)
               ON CONFLICT(path, what) DO UPDATE SET count = count + excluded.count""",
            [(path, what, n) for what, n in result.ignored.items()],
        )
        reset = "0" if restarted else "files.events"
        reset_skipped = "0" if restarted else "files.skipped"
        conn.execute(
            f"""INSERT INTO files (path, source, device, inode, size, mtime_ns, head_len, head_hash,
                    cursor, events, skipped, last_import_ms, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET source = excluded.source,
                    device = excluded.device, inode = excluded.inode, size = excluded.size,
                    mtime_ns = excluded.mtime_ns, head_len = excluded.head_len,
                    head_hash = excluded.head_hash, cursor = excluded.cursor,
                    events = {reset} + excluded.events, skipped = {reset_skipped} + excluded.skipped,
                    last_import_ms = excluded.last_import_ms, error = excluded.error""",  # noqa: S608 - fixed fragments
            (
                path,
                source,
                identity.device,
                identity.inode,
                identity.size,
                identity.mtime_ns,
                identity.head_len,
                identity.head_hash,
                encode_cursor(result.cursor),
                len(result.events),
                result.skipped_count,
                now_ms,
                result.error,
            ),
        )


def record_file_error(conn: sqlite3.Connection, path: str, source: str, error: str) -> None:
    """Remember that a file could not be read, keeping whatever state it had."""
    now_ms = int(time.time() * 1000)
    with conn:
        updated = conn.execute(
            "UPDATE files SET error = ?, last_import_ms = ? WHERE path = ?", (error, now_ms, path)
        ).rowcount
        if not updated:
            conn.execute(
                """INSERT INTO files (path, source, device, inode, size, mtime_ns, head_len,
                       head_hash, cursor, last_import_ms, error)
                   VALUES (?, ?, 0, 0, 0, 0, 0, '', X'', ?, ?)""",
                (path, source, now_ms, error),
            )


def _window_cols(w: RateLimitWindow | None) -> tuple[float | None, int | None, int | None]:
    if w is None:
        return (None, None, None)
    return (w.used_percent, w.window_minutes, w.resets_at_ms)
