"""Report groups kept between runs: after a small import, a daily (weekly, monthly) report sums
again only the local days whose rollup rows changed, not every day stored.

A report's day groups (``queries.grouped_usage``) are kept with the generation they were read
at. Triggers (migration 14) note every quarter-hour bucket of ``usage_rollup_project`` that
gains, changes or loses a row while groups are kept, with the generation of the change; a
pending rollup (a first import) drops every kept group. The next report with the same filter,
zone offsets and price tiers takes the kept groups, sums again the days of the buckets noted
since, and keeps the result, only when nothing changed between its read and its write.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tracker.store import queries
from tracker.store.queries import GroupRow, UsageFilter
from tracker.store.rollup import BUCKET_MS, generation

if TYPE_CHECKING:
    from tracker.store.store import Store

DAY_MS = 86_400_000
TRIGGERS = ("report_dirty_added", "report_dirty_changed", "report_dirty_removed", "report_groups_pending")
_NOTED = f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN {TRIGGERS!r}"  # noqa: S608 - constants
KEEP = 8  # filters kept (a zone, a source, a period each make another)


def grouped(
    store: Store,
    f: UsageFilter,
    *,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
    helpers: Sequence[sqlite3.Connection] = (),
    span: tuple[int, int] | None = None,
) -> list[GroupRow]:
    """``queries.grouped_usage(..., "day", ...)`` from the kept groups where they still hold."""
    conn = store.conn
    if conn.execute(_NOTED).fetchone()[0] != len(TRIGGERS):  # a table rebuilt without them: nothing is noted
        return queries.grouped_usage(conn, f, "day", offsets=offsets, thresholds=thresholds, helpers=helpers, span=span)
    key = _key(f, offsets, thresholds)
    with _snapshot(conn):
        gen = generation(conn)
        kept = conn.execute("SELECT generation, groups FROM report_groups WHERE key = ?", (key,)).fetchone()
        rows = None
        if kept is not None:
            rows = _decode(kept[1])
            if kept[0] != gen:
                changed = [
                    b for (b,) in conn.execute("SELECT bucket FROM report_dirty WHERE generation >= ?", (kept[0],))
                ]
                rows = _updated(conn, f, offsets, thresholds, rows, changed)
        if rows is None:
            rows = queries.grouped_usage(
                conn, f, "day", offsets=offsets, thresholds=thresholds, helpers=helpers, span=span
            )
    rows.sort(key=lambda g: (g.key, g.source, g.model, g.tier))
    if kept is None or kept[0] != gen:
        if store.read_only:
            store.usage.unkept.append((key, gen, rows))
        else:
            keep(store, key, gen, rows)
    return rows


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Every read inside sees one state of the store."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _updated(
    conn: sqlite3.Connection,
    f: UsageFilter,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
    rows: list[GroupRow],
    changed: Sequence[int],
) -> list[GroupRow] | None:
    """``rows`` with the local days of the ``changed`` buckets summed again; None when the
    day of a bucket cannot be told here as SQL tells it (before 1970, where its division rounds
    the other way)."""
    shifts = [off for _, off in offsets]
    days = set()
    for bucket in changed:
        instant = bucket * BUCKET_MS
        local = instant + next((off for until, off in offsets[:-1] if instant < until), offsets[-1][1])
        if instant + min(shifts) < 0:
            return None
        days.add(local // DAY_MS)
    fresh: list[GroupRow] = []
    for first, last in _runs(sorted(days)):
        # Every instant of these local days, whatever the offset that day: a whole quarter hour each side.
        lo = first * DAY_MS - max(shifts)
        hi = (last + 1) * DAY_MS - min(shifts)
        lo, hi = lo - lo % BUCKET_MS, hi + -hi % BUCKET_MS
        start = lo if f.start_ms is None else max(lo, f.start_ms)
        end = hi if f.end_ms is None else min(hi, f.end_ms)
        if start < end:
            part = replace(f, start_ms=start, end_ms=end)
            groups = queries.grouped_usage(conn, part, "day", offsets=offsets, thresholds=thresholds)
            fresh += [g for g in groups if g.key in days]
    return [g for g in rows if g.key not in days] + fresh


def _runs(days: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive days as (first, last) ranges."""
    start = prev = None
    for d in days:
        if prev is not None and d == prev + 1:
            prev = d
            continue
        if start is not None and prev is not None:
            yield start, prev
        start = prev = d
    if start is not None and prev is not None:
        yield start, prev


def keep(store: Store, key: str, gen: int, rows: list[GroupRow]) -> None:
    """Best effort, and only when the store is still as it was read: a change committed since
    would otherwise be in neither the groups nor the notes."""
    blob = json.dumps([list(_fields(g)) for g in rows]).encode()
    with store.best_effort() as conn:
        if conn is None or generation(conn) != gen:
            return
        conn.execute("INSERT OR REPLACE INTO report_groups VALUES (?, ?, ?)", (key, gen, blob))
        newest = "SELECT key FROM report_groups ORDER BY generation DESC LIMIT ?"
        conn.execute(f"DELETE FROM report_groups WHERE key NOT IN ({newest})", (KEEP,))  # noqa: S608 - a constant
        conn.execute("DELETE FROM report_dirty WHERE generation < (SELECT MIN(generation) FROM report_groups)")


def _fields(g: GroupRow) -> tuple[int | str, ...]:
    return (g.key, g.source, g.model, g.tier, g.input, g.output, g.cache_write_5m, g.cache_write_1h,
            g.cache_read, g.reasoning, g.events, g.first_ms, g.last_ms)  # fmt: skip


def _decode(blob: bytes) -> list[GroupRow]:
    return [GroupRow(*r) for r in json.loads(blob)]


def _key(f: UsageFilter, offsets: Sequence[tuple[int, int]], thresholds: Mapping[str, Sequence[int]]) -> str:
    parts = [
        f.start_ms,
        f.end_ms,
        f.source,
        f.project,
        [list(o) for o in offsets],
        sorted((m, list(t)) for m, t in thresholds.items()),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()
