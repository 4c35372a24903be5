"""Read-side queries. Aggregation happens in SQL; grouping by local day uses the zone's
offset segments, so no per-row Python runs on the hot path."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

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


def _where(f: UsageFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if f.start_ms is not None:
        clauses.append("ts_ms >= ?")
        params.append(f.start_ms)
    if f.end_ms is not None:
        clauses.append("ts_ms < ?")
        params.append(f.end_ms)
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
    where, params = _where(f)
    return [r[0] for r in conn.execute(f"SELECT DISTINCT model FROM events {where}", params)]  # noqa: S608


def time_span(conn: sqlite3.Connection, f: UsageFilter) -> tuple[int, int] | None:
    where, params = _where(f)
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
    """Token sums grouped by local day (or session), source, model and price tier."""
    where, params = _where(f)
    tier_sql, tier_params = _tier_expr(thresholds)
    if group_by == "day":
        offset_sql, offset_params = _offset_expr(offsets)
        key_sql = f"(ts_ms + {offset_sql}) / 86400000"
        key_params: list[object] = list(offset_params)
    else:
        key_sql = "session_id"
        key_params = []
    sql = f"""
        SELECT {key_sql} AS k, source, model, {tier_sql} AS tier,
               SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens),
               SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(reasoning_tokens),
               COUNT(*), MIN(ts_ms), MAX(ts_ms)
        FROM events {where}
        GROUP BY k, source, model, tier
    """  # noqa: S608 - only fixed fragments and placeholders
    rows = conn.execute(sql, [*key_params, *tier_params, *params]).fetchall()
    return [GroupRow(*r) for r in rows]


def session_meta(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """``(source, session_id) -> (project, git_branch)``."""
    return {(s, i): (p, b) for s, i, p, b in conn.execute("SELECT * FROM sessions")}


def _offset_expr(offsets: Sequence[tuple[int, int]]) -> tuple[str, list[object]]:
    if len(offsets) == 1:
        return "?", [offsets[0][1]]
    parts: list[str] = []
    params: list[object] = []
    for until, off in offsets[:-1]:
        parts.append("WHEN ts_ms < ? THEN ?")
        params.extend([until, off])
    params.append(offsets[-1][1])
    return f"(CASE {' '.join(parts)} ELSE ? END)", params


def _tier_expr(thresholds: Mapping[str, Sequence[int]]) -> tuple[str, list[object]]:
    tiered = {m: t for m, t in thresholds.items() if t}
    if not tiered:
        return "0", []
    prompt = "(input_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens)"
    parts: list[str] = []
    params: list[object] = []
    for model, ts in sorted(tiered.items()):
        conds = " + ".join(f"({prompt} > ?)" for _ in ts)
        parts.append(f"WHEN ? THEN {conds}")
        params.append(model)
        params.extend(ts)
    return f"(CASE model {' '.join(parts)} ELSE 0 END)", params
