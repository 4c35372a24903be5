"""Usage that came over OpenTelemetry, matched call by call to the same tool's log events.

A tool that exports OTLP (Claude Code, Codex, Gemini CLI, Copilot, OpenClaw) often writes its
own logs on this machine too, which hold the same calls under keys an OTLP record cannot
rebuild (Claude Code's transcript key is ``cc:<message id>:<request id>``; its OTLP record has
no message id). So an OTLP event is stored as an event of its tool and remembered here
(table ``otlp_events``), and it is the same call as a log event of that tool when:

- their counts are equal: input, output, cache reads and cache writes (5-minute + 1-hour), as
  stored, after each reader's normalization;
- their times are within ``WINDOW_MS`` of each other (a transcript line is written while the
  reply streams, the OTLP record when the request ends);
- for rule ``SESSION`` (Claude Code, whose ``session.id`` is the transcript's ``sessionId``)
  their sessions are equal too. Rule ``NEVER`` (Claude desktop's Cowork: the same record
  shape, but never the CLI's logs) is never matched.

The model is not compared: that the record's ``model`` is spelt as the transcript's
``message.model`` (a dated id, not an alias) is not verified, a difference would count every
call twice, and a session's four counts within minutes already tell its calls apart.

A log event holds at most one OTLP call (two calls with equal counts stay two), the nearest in
time first; a match is never undone, so three or more calls of one session with equal counts
within minutes, arriving in an unlucky order, can leave one counted twice. Whichever arrives
second loses:

- ``settle`` runs right after the writer stored a batch of OTLP events, in its transaction:
  an event whose call is in the logs already is removed again and remembered as in the logs,
  so an exporter's retry of it is removed too (the writer's commit rebuilds the rollup bucket
  the deletion trigger marked);
- ``match_new_log_events`` runs after a log import: an OTLP event whose call a newly imported
  log event holds is removed, its rollup bucket rebuilt. Log events stored since the last check
  are compared, and the OTLP events of the last ``RECENT_MS`` with every log event in their
  window: a transcript read while the reply streamed holds a smaller copy of the call, which a
  later import replaces in place (the same row, so not a new one). With no OTLP event waiting
  for its log it is one indexed lookup.

Request ids are not compared: the store keeps a digest of each log event's key, not the
transcript's request id (keeping it would cost every row of a first import), so the request id
serves in the OTLP event's own key only: an exporter's retry of a record collapses onto it, two
calls never do.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from typing import NamedTuple

from tracker.core.records import dedup_digest
from tracker.store.db import ensure_unique_keys
from tracker.store.rollup import bump_generation, last_event_id, refresh_rollup, rollup_pending

WINDOW_MS = 10 * 60_000
RECENT_MS = 2 * 86_400_000  # OTLP calls this recent are compared again with every log event near them
NEVER, COUNTS, SESSION = 0, 1, 2  # how an OTLP event may be matched to a log event (``rule``)
CHECKED = "otlp_logs_checked"  # meta: log events up to this id were compared with every waiting OTLP event


class OtlpCall(NamedTuple):
    """An OTLP event of a tool that may have local logs: its key and its match rule."""

    key: str  # the event's dedup key, as the mapping built it
    rule: int  # NEVER, COUNTS or SESSION


_EVENT = """SELECT id, source, session_id, ts_ms, input_tokens, output_tokens, cache_read_tokens,
                   cache_write_5m_tokens + cache_write_1h_tokens
            FROM events WHERE dedup_key = ?"""
_REMEMBER = "INSERT INTO otlp_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
# A log event of the call: not an OTLP event itself, and not holding another OTLP call yet.
_FREE_LOG_EVENT = """NOT EXISTS (SELECT 1 FROM otlp_events x WHERE x.otlp_key = e.dedup_key)
    AND NOT EXISTS (SELECT 1 FROM otlp_events x WHERE x.log_event_id = e.id)"""
_LOG_EVENT_OF = f"""SELECT e.id FROM events e
    WHERE e.ts_ms BETWEEN ? AND ? AND e.source = ? AND e.input_tokens = ? AND e.output_tokens = ?
      AND e.cache_read_tokens = ? AND e.cache_write_5m_tokens + e.cache_write_1h_tokens = ?
      AND (? < {SESSION} OR e.session_id = ?)
      AND {_FREE_LOG_EVENT}
    ORDER BY abs(e.ts_ms - ?), e.id LIMIT 1"""  # noqa: S608 - constants only
_RECENT = f"""SELECT otlp_key, source, session_id, ts_ms, input_tokens, output_tokens, cache_read_tokens,
                      cache_write_tokens, rule
               FROM otlp_events INDEXED BY otlp_events_recent
               WHERE ts_ms >= ? AND log_event_id IS NULL AND rule > {NEVER}"""  # noqa: S608 - constants only
_WAITING = f"SELECT EXISTS (SELECT 1 FROM otlp_events WHERE log_event_id IS NULL AND rule > {NEVER})"  # noqa: S608
# Log events stored after the last check, each with the waiting OTLP events it may hold.
_NEW_PAIRS = f"""SELECT abs(e.ts_ms - o.ts_ms), e.id, o.otlp_key
    FROM events e JOIN otlp_events o
      ON o.source = e.source AND o.input_tokens = e.input_tokens AND o.output_tokens = e.output_tokens
     AND o.cache_read_tokens = e.cache_read_tokens
     AND o.cache_write_tokens = e.cache_write_5m_tokens + e.cache_write_1h_tokens
     AND o.ts_ms BETWEEN e.ts_ms - {WINDOW_MS} AND e.ts_ms + {WINDOW_MS}
    WHERE e.id > ? AND o.log_event_id IS NULL AND o.rule > {NEVER}
      AND (o.rule < {SESSION} OR o.session_id = e.session_id)
      AND {_FREE_LOG_EVENT}"""  # noqa: S608 - constants only


def settle(conn: sqlite3.Connection, calls: Iterable[OtlpCall]) -> int:
    """Remember the OTLP events just stored under ``calls``' keys and remove those whose call a
    log event holds; how many were removed (calls "already in the logs").

    Call right after ``ImportWriter.add`` stored them, before its commit (its commit then
    rebuilds the rollup); outside a transaction it runs in one of its own.
    """
    wanted = list(dict.fromkeys(calls))
    if not wanted:
        return 0
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        ensure_unique_keys(conn)  # lookups and removals by key (built by ``ImportWriter`` already)
        removed = _settle(conn, wanted)
        if own:
            _rollup_after_removal(conn)
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return removed


def _settle(conn: sqlite3.Connection, calls: list[OtlpCall]) -> int:
    nothing_waited = not conn.execute(_WAITING).fetchone()[0]
    removed = 0
    fresh: list[tuple[bytes, tuple[int, ...], int]] = []
    for call in calls:
        digest = dedup_digest(call.key)
        known = conn.execute("SELECT log_event_id FROM otlp_events WHERE otlp_key = ?", (digest,)).fetchone()
        if known is not None:
            if known[0] is not None:  # a retry of a call the logs hold: it goes again
                removed += conn.execute("DELETE FROM events WHERE dedup_key = ?", (digest,)).rowcount
            continue
        row = conn.execute(_EVENT, (digest,)).fetchone()
        if row is None:
            continue  # its rows could not be stored (the writer said why)
        conn.execute(_REMEMBER, (digest, *row[1:], call.rule))
        fresh.append((digest, row, call.rule))
    # Only once all are remembered: an OTLP event of this batch is never taken for a log event.
    for digest, row, rule in fresh:
        if rule == NEVER:
            continue
        match = conn.execute(_LOG_EVENT_OF, _lookup(*row[1:], rule)).fetchone()
        if match is not None:
            _replace(conn, digest, match[0])
            removed += 1
    if nothing_waited:  # every waiting OTLP event is one of these, compared with every log event
        _set_checked(conn, last_event_id(conn))
    return removed


def match_new_log_events(conn: sqlite3.Connection, now_ms: int | None = None) -> int:
    """After a log import: remove the OTLP events whose calls the new (or grown) log events
    hold; how many. One indexed lookup when no OTLP event waits for its log (the usual case)."""
    if not conn.execute(_WAITING).fetchone()[0]:
        return 0
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        ensure_unique_keys(conn)  # a first import may have left it pending: lookups by key below
        checked = conn.execute("SELECT value FROM meta WHERE key = ?", (CHECKED,)).fetchone()
        pairs = sorted(conn.execute(_NEW_PAIRS, (int(checked[0]) if checked else 0,)).fetchall())
        taken_logs: set[int] = set()
        taken: set[bytes] = set()
        for _, log_id, otlp_key in pairs:  # nearest in time first, each side once
            if log_id not in taken_logs and otlp_key not in taken:
                taken_logs.add(log_id)
                taken.add(otlp_key)
                _replace(conn, otlp_key, log_id)
        for otlp_key, *row in conn.execute(_RECENT, (now_ms - RECENT_MS,)).fetchall():
            match = conn.execute(_LOG_EVENT_OF, _lookup(*row)).fetchone()
            if match is not None:
                taken.add(otlp_key)
                _replace(conn, otlp_key, match[0])
        _set_checked(conn, last_event_id(conn))  # after the removals: a freed id is looked at again
        if taken:
            _rollup_after_removal(conn)
    return len(taken)


def _replace(conn: sqlite3.Connection, otlp_key: bytes, log_id: int) -> None:
    """The OTLP event ``otlp_key`` is the call log event ``log_id`` holds: it goes."""
    conn.execute("DELETE FROM events WHERE dedup_key = ?", (otlp_key,))
    conn.execute("UPDATE otlp_events SET log_event_id = ? WHERE otlp_key = ?", (log_id, otlp_key))


def _lookup(*call: object) -> tuple[object, ...]:
    """``_LOG_EVENT_OF``'s parameters for a call's (source, session, ts_ms, input, output,
    cache read, cache write, rule)."""
    source, session, ts_ms, inp, out, read, write, rule = call
    assert isinstance(ts_ms, int)
    return (ts_ms - WINDOW_MS, ts_ms + WINDOW_MS, source, inp, out, read, write, rule, session, ts_ms)


def _set_checked(conn: sqlite3.Connection, event_id: int) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (CHECKED, str(event_id)))


def _rollup_after_removal(conn: sqlite3.Connection) -> None:
    """The buckets the deletion trigger marked, rebuilt (a pending rollup is built whole later)."""
    if rollup_pending(conn):
        bump_generation(conn)
    else:
        refresh_rollup(conn, ())


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(OTLP calls counted as their own events, OTLP calls the logs hold)."""
    row = conn.execute("SELECT COUNT(*) - COUNT(log_event_id), COUNT(log_event_id) FROM otlp_events").fetchone()
    return int(row[0]), int(row[1])
