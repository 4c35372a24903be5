"""The store's row for one event, staging files, and rows sent between processes as msgpack.

A worker process turns events into rows (``event_rows``) and writes one batch of import
results into a small SQLite file of its own; the single writer merges it with a few
statements run by SQLite. Binding every value of every row and grouping the rollup are most
of an import's writing work; here they are done in the workers, on every core, rather than
in the one process that may write the store. The file is scratch: no journal, deleted once
merged.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Sequence
from hashlib import blake2b
from pathlib import Path
from typing import NamedTuple

import msgspec

from tracker.core.reading import ReadResult
from tracker.core.records import PROMPT_THRESHOLDS, RateLimitSnapshot, RateLimitWindow, UsageEvent
from tracker.store.rollup import project_rollup_select, session_rollup_select


class EventRow(NamedTuple):
    """One ``events`` row, in column order after ``id`` (a tuple: SQLite binds it as is)."""

    source: str
    dedup_key: bytes  # 128-bit digest of the tool's ids (``core.records.dedup_digest``)
    session_id: str
    project: str
    git_branch: str
    model: str
    ts_ms: int
    input_tokens: int
    output_tokens: int
    cache_write_5m_tokens: int
    cache_write_1h_tokens: int
    cache_read_tokens: int
    reasoning_tokens: int
    total_tokens: int
    prompt_class: int  # how many of PROMPT_THRESHOLDS the whole prompt exceeds
    tool_cost_micro: int | None
    subscription: int


EVENT_COLUMNS = ", ".join(EventRow._fields)
EVENT_PLACEHOLDERS = ", ".join("?" * len(EventRow._fields))


def keep_largest(events: Sequence[UsageEvent]) -> list[UsageEvent]:
    """One event per key, the copy with the most tokens (the first of equal ones), as the
    store would keep: a streamed reply repeats its key within a file."""
    best: dict[str, UsageEvent] = {}
    for e in events:
        prev = best.get(e.dedup_key)
        if prev is None or e.total_tokens > prev.total_tokens:
            best[e.dedup_key] = e
    return list(best.values())


def pack(result: ReadResult) -> ReadResult:
    """``result`` with each key's largest copy only (done where the file was read)."""
    result.events = keep_largest(result.events)
    return result


def event_rows(events: Sequence[UsageEvent]) -> list[EventRow]:
    """Events as store rows. ``tuple.__new__`` builds the named row at a plain tuple's cost."""
    new = tuple.__new__
    return [
        new(EventRow, (
            e.source, blake2b(e.dedup_key.encode(), digest_size=16).digest(),
            e.session_id, e.project, e.git_branch, e.model, e.ts_ms,
            e.input_tokens, e.output_tokens, e.cache_write_5m_tokens, e.cache_write_1h_tokens,
            e.cache_read_tokens, e.reasoning_tokens, e.total_tokens,
            bisect_left(PROMPT_THRESHOLDS, e.prompt_tokens),  # thresholds the prompt exceeds
            e.tool_cost_micro, int(e.subscription),
        ))
        for e in events
    ]  # fmt: skip


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
    """Write the events of ``results`` (source name, packed result) and their rollup to ``path``.

    A key read in several of the files keeps its largest copy (the first of equal ones), as
    storing the files one after another would.
    """
    best: dict[bytes, EventRow] = {}
    for _, result in results:
        for row in event_rows(result.events):
            prev = best.get(row.dedup_key)
            if prev is None or row.total_tokens > prev.total_tokens:
                best[row.dedup_key] = row
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.executemany(f"INSERT INTO events VALUES ({EVENT_PLACEHOLDERS})", best.values())  # noqa: S608
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


def staged(result: ReadResult) -> ReadResult:
    """``result`` once its events, sessions and limits are in a staging file: what is left
    (cursor, counts, skipped lines) is all the writer still needs."""
    result.staged_rows = len(result.events)
    result.events, result.rate_limits, result.sessions = [], [], {}
    return result


# ---- rows as msgpack (the first import's way from a worker to the writer) -------------------------

_ENCODER = msgspec.msgpack.Encoder()
_RESULT = msgspec.msgpack.Decoder(ReadResult)


class Rows(NamedTuple):
    """One read's rows for the store, in column order (lists: SQLite binds them as they are)."""

    events: list[list[object]]
    sessions: list[list[object]]
    rate_limits: list[list[object]]


def largest_rows(events: Sequence[UsageEvent]) -> list[tuple[object, ...]]:
    """``event_rows(keep_largest(events))`` as plain tuples, in one pass: what a first
    import's worker sends (the sums are spelled out, not read through the properties, and
    only the kept copies are hashed; this runs once per event of the logs)."""
    best: dict[str, tuple[int, int, UsageEvent]] = {}
    for e in events:
        prompt = e.input_tokens + e.cache_write_5m_tokens + e.cache_write_1h_tokens + e.cache_read_tokens
        total = prompt + e.output_tokens
        prev = best.get(e.dedup_key)
        if prev is None or total > prev[0]:  # the first of equal copies stays, at its place
            best[e.dedup_key] = (total, prompt, e)
    thresholds = PROMPT_THRESHOLDS
    return [
        (
            e.source, blake2b(key.encode(), digest_size=16).digest(),
            e.session_id, e.project, e.git_branch, e.model, e.ts_ms,
            e.input_tokens, e.output_tokens, e.cache_write_5m_tokens, e.cache_write_1h_tokens,
            e.cache_read_tokens, e.reasoning_tokens, total,
            bisect_left(thresholds, prompt), e.tool_cost_micro, int(e.subscription),
        )
        for key, (total, prompt, e) in best.items()
    ]  # fmt: skip


def encode_read(source: str, result: ReadResult) -> tuple[bytes, bytes]:
    """A ``result`` as two msgpack blobs: its rows (each key's largest copy, hashed and
    classed here, in the worker: ``largest_rows``), and the rest of it. Sending bytes costs
    a copy; pickling the records costs more than reading them. A value msgpack cannot hold
    (an integer past 64 bits) makes the read an error of its file, as the store would."""
    sessions = [(source, s.session_id, s.project, s.git_branch) for s in result.sessions.values()]
    events = largest_rows(result.events)
    try:
        rows = _ENCODER.encode((events, sessions, [rate_limit_row(r) for r in result.rate_limits]))
    except (OverflowError, ValueError, TypeError) as exc:
        result.error = f"could not be stored ({type(exc).__name__}: {exc})"
        rows = _ENCODER.encode(([], [], []))
    result.staged_rows = len(events)
    result.events, result.rate_limits, result.sessions = [], [], {}
    return rows, _ENCODER.encode(result)


def decode_read(rows: bytes, result: bytes) -> tuple[Rows, ReadResult]:
    """``encode_read``'s blobs back: the rows, and the result (without its records)."""
    events, sessions, limits = msgspec.msgpack.decode(rows)
    return Rows(events, sessions, limits), _RESULT.decode(result)
