"""Quarter-hour rollups of usage: what reports read, so they never scan every event.

A bucket is ``ts_ms // 900_000``. Every UTC offset in use is a multiple of 15 minutes, so a
local day is a whole number of buckets and grouping rollups by local day is exact.
``prompt_class`` counts how many of ``PROMPT_THRESHOLDS`` a request's prompt exceeds, which
is enough to recover any price tier whose threshold is in that list.

A first import (``store.bulk``) leaves the rollup *pending* rather than keeping it up to
date batch by batch: building it costs more than it saves the first report. While it is
pending, readers read ``events`` instead (``rollup_source``, and the events fallback of
``queries.grouped_usage``), which is exact; the next writer (the next command's
``connect``, or the app's next import) builds it in one pass.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta

from tracker.core.records import PROMPT_THRESHOLDS
from tracker.store.meta import ROLLUP_PENDING

BUCKET_MS = 900_000
_PROMPT = "(input_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens)"
_CLASS = " + ".join(f"({_PROMPT} > {t})" for t in PROMPT_THRESHOLDS)


def _ranges(buckets: Iterable[int], gap: int = 96) -> list[tuple[int, int]]:
    """Merge buckets into few inclusive ranges (gaps up to a day are cheaper to rebuild)."""
    out: list[tuple[int, int]] = []
    for b in sorted(set(buckets)):
        if out and b - out[-1][1] <= gap:
            out[-1] = (out[-1][0], b)
        else:
            out.append((b, b))
    return out


def bump_generation(conn: sqlite3.Connection) -> None:
    """Count a change of stored usage: cached reports of older generations are stale."""
    conn.execute(
        """INSERT INTO meta VALUES ('generation', '1')
           ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"""
    )


def generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0]) if row else 0


_SUMS = (
    "input_tokens", "output_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens",
    "cache_read_tokens", "reasoning_tokens", "events",
)  # fmt: skip
_ADD = ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS) + (
    ", first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms)"
)
_EVENT_SUMS = """SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens),
    SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(reasoning_tokens),
    COUNT(*), MIN(ts_ms), MAX(ts_ms)"""


def session_rollup_select(where: str = "") -> str:
    """The rollup rows of ``events`` (filtered by ``where``), in ``usage_rollup`` column order."""
    return f"""SELECT ts_ms / {BUCKET_MS}, source, session_id, model, prompt_class, project, git_branch,
                   {_EVENT_SUMS}
            FROM events {where} GROUP BY 1, 2, 3, 4, 5, 6, 7"""  # noqa: S608 - constants only


def project_rollup_select(where: str = "") -> str:
    """``usage_rollup`` without sessions, in ``usage_rollup_project`` column order."""
    return f"""SELECT bucket, source, model, prompt_class, project,
                   SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens),
                   SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(reasoning_tokens),
                   SUM(events), MIN(first_ms), MAX(last_ms)
            FROM usage_rollup {where} GROUP BY 1, 2, 3, 4, 5"""  # noqa: S608 - constants only


def add_rollup_rows(conn: sqlite3.Connection, schema: str) -> None:
    """Add ``schema``'s rollup tables (rows not yet counted) to the store's, summing."""
    for table in ("usage_rollup", "usage_rollup_project"):
        add = f"INSERT INTO main.{table} SELECT * FROM {schema}.{table} WHERE true ON CONFLICT DO UPDATE SET {_ADD}"  # noqa: S608
        conn.execute(add)
    conn.execute(f"INSERT OR IGNORE INTO main.models SELECT DISTINCT model FROM {schema}.usage_rollup_project")  # noqa: S608


def add_new_events(conn: sqlite3.Connection, after_id: int) -> None:
    """Add the events stored with ``id > after_id`` (all new, none counted yet) to the rollup.

    Only the new rows are grouped, so a large import costs no full rebuild at its end.
    """
    conn.execute(
        f"INSERT INTO usage_rollup {session_rollup_select('WHERE id > ?')} ON CONFLICT DO UPDATE SET {_ADD}",
        (after_id,),
    )
    conn.execute(
        f"""INSERT INTO usage_rollup_project
            SELECT ts_ms / {BUCKET_MS}, source, model, prompt_class, project, {_EVENT_SUMS}
            FROM events WHERE id > ? GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT DO UPDATE SET {_ADD}""",  # noqa: S608 - constants only
        (after_id,),
    )
    conn.execute("INSERT OR IGNORE INTO models SELECT DISTINCT model FROM events WHERE id > ?", (after_id,))


def last_event_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


def touched_since(conn: sqlite3.Connection, after_id: int) -> tuple[frozenset[date], frozenset[str]]:
    """The UTC days and the sources of the rows stored after ``after_id`` (what an import touched)."""
    rows = conn.execute(
        # +ts_ms: the new rows by rowid, never a walk of the time index over every event (~75 ms
        # a warm run, ~0.7 s after a small import on 100,000 events)
        "SELECT DISTINCT source, ts_ms / 86400000 FROM events WHERE id > ? AND +ts_ms BETWEEN 0 AND ?",
        (after_id, 253_402_300_799_999),  # days a date can hold (the boundary bounds them; a guard)
    ).fetchall()
    epoch = date(1970, 1, 1)
    return frozenset(epoch + timedelta(days=d) for _, d in rows), frozenset(s for s, _ in rows)


def finish_batch(conn: sqlite3.Connection, after_id: int) -> None:
    """Bring the rollup up to date with a batch of writes: the events stored after
    ``after_id`` are added, buckets marked dirty (events changed, moved or deleted) are
    rebuilt. Call inside the batch's transaction. A pending rollup is left pending (its
    one-pass build covers the batch)."""
    if rollup_pending(conn):
        bump_generation(conn)
        return
    if _thresholds_changed(conn):
        refresh_rollup(conn, ())  # rebuilds everything, the new events included
        return
    bump_generation(conn)
    add_new_events(conn, after_id)
    _rebuild_marked(conn, ())


def _thresholds_changed(conn: sqlite3.Connection) -> bool:
    stored = conn.execute("SELECT value FROM meta WHERE key = 'prompt_thresholds'").fetchone()
    return stored is None or stored[0] != json.dumps(PROMPT_THRESHOLDS)


def refresh_rollup(conn: sqlite3.Connection, buckets: Iterable[int]) -> None:
    """Rebuild the rollup for ``buckets`` and any the triggers marked. Call inside a transaction."""
    bump_generation(conn)
    if _thresholds_changed(conn):
        wanted = json.dumps(PROMPT_THRESHOLDS)
        conn.execute("DELETE FROM usage_rollup")
        conn.execute("DELETE FROM usage_rollup_project")
        conn.execute("DELETE FROM rollup_dirty")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('prompt_thresholds', ?)", (wanted,))
        conn.execute(f"UPDATE events SET prompt_class = {_CLASS}")  # noqa: S608 - constants only
        _rebuild(conn, None)
        return
    _rebuild_marked(conn, buckets)


def _rebuild_marked(conn: sqlite3.Connection, buckets: Iterable[int]) -> None:
    marked = [r[0] for r in conn.execute("SELECT bucket FROM rollup_dirty")]
    conn.execute("DELETE FROM rollup_dirty")
    for lo, hi in _ranges([*buckets, *marked]):
        _rebuild(conn, (lo, hi))


def ensure_rollup(conn: sqlite3.Connection) -> None:
    """Bring the rollup up to date after an upgrade, an interrupted import or a first import
    (which leaves it pending)."""
    if rollup_pending(conn):
        build_pending(conn)
        return
    dirty = conn.execute("SELECT EXISTS (SELECT 1 FROM rollup_dirty)").fetchone()[0]
    if _thresholds_changed(conn) or dirty:
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            refresh_rollup(conn, ())


def _rebuild(conn: sqlite3.Connection, span: tuple[int, int] | None) -> None:
    where: str = ""
    params: tuple[int, ...] = ()
    coarse_where = ""
    if span is not None:
        conn.execute("DELETE FROM usage_rollup WHERE bucket BETWEEN ? AND ?", span)
        conn.execute("DELETE FROM usage_rollup_project WHERE bucket BETWEEN ? AND ?", span)
        where = "WHERE ts_ms >= ? AND ts_ms < ?"
        params = (span[0] * BUCKET_MS, (span[1] + 1) * BUCKET_MS)
        coarse_where = "WHERE bucket BETWEEN ? AND ?"
    conn.execute(f"INSERT INTO usage_rollup {session_rollup_select(where)}", params)
    # Every model with usage, so a report learns which prices it needs without a scan.
    conn.execute(f"INSERT OR IGNORE INTO models SELECT DISTINCT model FROM events {where}", params)  # noqa: S608
    # Without sessions: what day, week and month reports read.
    conn.execute(f"INSERT INTO usage_rollup_project {project_rollup_select(coarse_where)}", span or ())


# ---- a pending rollup (after a first import) -----------------------------------------------------

_PENDING = f"SELECT EXISTS (SELECT 1 FROM meta WHERE key = '{ROLLUP_PENDING.name}')"  # noqa: S608 - a constant


def rollup_pending(conn: sqlite3.Connection) -> bool:
    """Whether the rollup waits to be built (readers then read ``events``)."""
    return bool(conn.execute(_PENDING).fetchone()[0])


def mark_pending(conn: sqlite3.Connection) -> None:
    """Stop keeping the rollup up to date: it is built in one pass later. Call inside a transaction."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (ROLLUP_PENDING.name,))


def build_pending(conn: sqlite3.Connection) -> bool:
    """Build a pending rollup from every event, in its own transaction; False when none was pending."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        if not rollup_pending(conn):  # another process built it while we waited for the lock
            return False
        conn.execute("DELETE FROM meta WHERE key = ?", (ROLLUP_PENDING.name,))
        stored = conn.execute("SELECT value FROM meta WHERE key = 'prompt_thresholds'").fetchone()
        if stored is not None and _thresholds_changed(conn):
            refresh_rollup(conn, ())  # older events' prompt classes are recomputed too
            return True
        # The events' prompt classes were computed with today's thresholds: one grouping pass.
        bump_generation(conn)
        for table in ("usage_rollup", "usage_rollup_project", "rollup_dirty"):
            conn.execute(f"DELETE FROM {table}")  # noqa: S608 - constants only
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('prompt_thresholds', ?)", (json.dumps(PROMPT_THRESHOLDS),))
        _rebuild(conn, None)
    return True


_EVENT_AS_ROLLUP = f"""(SELECT ts_ms / {BUCKET_MS} AS bucket, source, session_id, model, prompt_class, project,
    git_branch, input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
    reasoning_tokens, 1 AS events, ts_ms AS first_ms, ts_ms AS last_ms FROM events)"""  # noqa: S608 - constants only


def rollup_source(conn: sqlite3.Connection, table: str) -> str:
    """What to read ``table`` (``usage_rollup`` or ``usage_rollup_project``) from: the table,
    or while the rollup is pending each event as a rollup row of its own (sums, minima and
    maxima over those are the same as over the grouped rows, so every reader stays exact)."""
    return _EVENT_AS_ROLLUP if rollup_pending(conn) else table
