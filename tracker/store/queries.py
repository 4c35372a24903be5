"""Read-side queries. Aggregation happens in SQL; grouping by local day uses the zone's
offset segments, so no per-row Python runs on the hot path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tracker.store.rollup import BUCKET_MS, PROMPT_THRESHOLDS

GroupBy = Literal["day", "session"]


@dataclass(frozen=True)
class UsageFilter:
    start_ms: int | None = None  # inclusive, UTC
    end_ms: int | None = None  # exclusive, UTC
    source: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class GroupRow:
    """Sums for one (key, source, model, tier). ``key`` is a local day number or a session."""

    key: int | str
    source: str
    model: str
    tier: int
    input: int
    output: int
    cache_write_5m: int
    cache_write_1h: int
    cache_read: int
    reasoning: int
    events: int
    first_ms: int
    last_ms: int


def _where(f: UsageFilter, time_col: str, scale: int) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if f.start_ms is not None:
        clauses.append(f"{time_col} >= ?")
        params.append(f.start_ms // scale)
    if f.end_ms is not None:
        clauses.append(f"{time_col} < ?")
        params.append(f.end_ms // scale)
    if f.source:
        clauses.append("source = ?")
        params.append(f.source)
    if f.project:
        root = f.project.rstrip("/") or "/"
        clauses.append("(project = ? OR substr(project, 1, ?) = ?)")
        prefix = root if root.endswith("/") else root + "/"
        params.extend([root, len(prefix), prefix])
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def models_in(conn: sqlite3.Connection, f: UsageFilter) -> list[str]:
    where, params = _where(f, "ts_ms", 1)
    return [r[0] for r in conn.execute(f"SELECT DISTINCT model FROM events {where}", params)]  # noqa: S608


def time_span(conn: sqlite3.Connection, f: UsageFilter) -> tuple[int, int] | None:
    where, params = _where(f, "ts_ms", 1)
    row = conn.execute(f"SELECT MIN(ts_ms), MAX(ts_ms) FROM events {where}", params).fetchone()  # noqa: S608
    return None if row[0] is None else (int(row[0]), int(row[1]))


def grouped_usage(
    conn: sqlite3.Connection,
    f: UsageFilter,
    group_by: GroupBy,
    *,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
) -> list[GroupRow]:
    """Token sums grouped by local day (or session), source, model and price tier.

    Reads a quarter-hour rollup (the one with sessions only when grouping by them); falls
    back to the raw events only when the rollup cannot answer exactly (bounds off the
    quarter hour, or a tier threshold it lacks).
    """
    aligned = all(b is None or b % BUCKET_MS == 0 for b in (f.start_ms, f.end_ms))
    known = set(PROMPT_THRESHOLDS)
    if aligned and all(t in known for ts in thresholds.values() for t in ts):
        return _grouped(conn, f, group_by, offsets, thresholds, rollup=True)
    return _grouped(conn, f, group_by, offsets, thresholds, rollup=False)


def _grouped(
    conn: sqlite3.Connection,
    f: UsageFilter,
    group_by: GroupBy,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
    *,
    rollup: bool,
) -> list[GroupRow]:
    if rollup:
        table = "usage_rollup" if group_by == "session" else "usage_rollup_project"
        time_col, scale = "bucket", BUCKET_MS
        instant = f"(bucket * {BUCKET_MS})"
        counts = "SUM(events), MIN(first_ms), MAX(last_ms)"
        tier_sql, tier_params = _tier_expr_rollup(thresholds)
    else:
        table, time_col, scale = "events", "ts_ms", 1
        instant = "ts_ms"
        counts = "COUNT(*), MIN(ts_ms), MAX(ts_ms)"
        tier_sql, tier_params = _tier_expr_events(thresholds)
    where, params = _where(f, time_col, scale)
    if group_by == "day":
        offset_sql, key_params = _offset_expr(instant, offsets)
        key_sql = f"({instant} + {offset_sql}) / 86400000"
    else:
        key_sql, key_params = "session_id", []
    sql = f"""
        SELECT {key_sql} AS k, source, model, {tier_sql} AS tier,
               SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens),
               SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(reasoning_tokens), {counts}
        FROM {table} {where}
        GROUP BY k, source, model, tier
    """  # noqa: S608 - only fixed fragments and placeholders
    rows = conn.execute(sql, [*key_params, *tier_params, *params]).fetchall()
    return [GroupRow(*r) for r in rows]


def session_meta(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """``(source, session_id) -> (project, git_branch)``."""
    return {(s, i): (p, b) for s, i, p, b in conn.execute("SELECT * FROM sessions")}


def _offset_expr(instant: str, offsets: Sequence[tuple[int, int]]) -> tuple[str, list[object]]:
    if len(offsets) == 1:
        return "?", [offsets[0][1]]
    parts: list[str] = []
    params: list[object] = []
    for until, off in offsets[:-1]:
        parts.append(f"WHEN {instant} < ? THEN ?")
        params.extend([until, off])
    params.append(offsets[-1][1])
    return f"(CASE {' '.join(parts)} ELSE ? END)", params


def _tier_expr_events(thresholds: Mapping[str, Sequence[int]]) -> tuple[str, list[object]]:
    prompt = "(input_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens)"
    return _tier_case(thresholds, lambda t: (f"({prompt} > ?)", t))


def _tier_expr_rollup(thresholds: Mapping[str, Sequence[int]]) -> tuple[str, list[object]]:
    # A prompt exceeds PROMPT_THRESHOLDS[j] exactly when its class is above j.
    index = {t: j for j, t in enumerate(PROMPT_THRESHOLDS)}
    return _tier_case(thresholds, lambda t: ("(prompt_class > ?)", index[t]))


def _tier_case(
    thresholds: Mapping[str, Sequence[int]], cond: Callable[[int], tuple[str, int]]
) -> tuple[str, list[object]]:
    tiered = {m: t for m, t in thresholds.items() if t}
    if not tiered:
        return "0", []
    parts: list[str] = []
    params: list[object] = []
    for model, ts in sorted(tiered.items()):
        conds = [cond(t) for t in ts]
        parts.append(f"WHEN ? THEN {' + '.join(c for c, _ in conds)}")
        params.append(model)
        params.extend(p for _, p in conds)
    return f"(CASE model {' '.join(parts)} ELSE 0 END)", params
