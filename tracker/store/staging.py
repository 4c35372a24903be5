"""Staging files: a worker process writes one batch of import results into a small SQLite
file of its own, and the single writer merges it with a few statements run by SQLite.

Binding every value of every row and grouping the rollup are most of an import's writing
work; here they are done in the workers, on both cores, rather than in the one process
that may write the store. The file is scratch: no journal, deleted once merged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from tracker.core.reading import ReadResult
from tracker.core.records import EventRow, RateLimitSnapshot, RateLimitWindow
from tracker.store.rollup import project_rollup_select, session_rollup_select

EVENT_COLUMNS = (
    "source, dedup_key, session_id, project, git_branch, model, ts_ms, input_tokens, output_tokens, "
    "cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens, total_tokens, prompt_class"
)
_SUMS = "input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens"
# The store's tables, with the same column order and no constraints.
_SCHEMA = (
    f"CREATE TABLE events ({EVENT_COLUMNS})",
    "CREATE TABLE usage_rollup (bucket, source, session_id, model, prompt_class, project, git_branch, "
    f"{_SUMS}, events, first_ms, last_ms)",
    "CREATE TABLE usage_rollup_project (bucket, source, model, prompt_class, project, "
    f"{_SUMS}, events, first_ms, last_ms)",
    "CREATE TABLE sessions (source, session_id, project, git_branch)",
    "CREATE TABLE rate_limits (source, session_id, ts_ms, primary_used_percent, primary_window_minutes, "
    "primary_resets_at_ms, secondary_used_percent, secondary_window_minutes, secondary_resets_at_ms)",
)

RateLimitRow = tuple[str, str, int, float | None, int | None, int | None, float | None, int | None, int | None]


def rate_limit_row(r: RateLimitSnapshot) -> RateLimitRow:
    return (r.source, r.session_id, r.ts_ms, *_window_cols(r.primary), *_window_cols(r.secondary))


def _window_cols(w: RateLimitWindow | None) -> tuple[float | None, int | None, int | None]:
    if w is None:
        return (None, None, None)
    return (w.used_percent, w.window_minutes, w.resets_at_ms)


def write_stage(path: Path, results: Sequence[tuple[str, ReadResult]]) -> None:
    """Write the rows of ``results`` (source name, packed result) and their rollup to ``path``.

    A key read in several of the files keeps its largest copy (the first of equal ones), as
    storing the files one after another would.
    """
    best: dict[bytes, EventRow] = {}
    for _, result in results:
        for row in result.rows:
            prev = best.get(row[1])
            if prev is None or row[13] > prev[13]:
                best[row[1]] = row
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * 15)})", best.values())  # noqa: S608
        conn.execute(f"INSERT INTO usage_rollup {session_rollup_select()}")
        conn.execute(f"INSERT INTO usage_rollup_project {project_rollup_select()}")
        conn.executemany(
            "INSERT INTO sessions VALUES (?, ?, ?, ?)",
            [(src, s.session_id, s.project, s.git_branch) for src, r in results for s in r.sessions.values()],
        )
        conn.executemany(
            f"INSERT INTO rate_limits VALUES ({', '.join('?' * 9)})",  # noqa: S608 - constants only
            [rate_limit_row(x) for _, r in results for x in r.rate_limits],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
