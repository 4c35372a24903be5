"""Read-side queries. Aggregation happens in SQL; grouping by local day uses the zone's
offset segments, so no per-row Python runs on the hot path."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tracker.core.records import PROMPT_THRESHOLDS
from tracker.store.db import indexes_pending
from tracker.store.rollup import BUCKET_MS, rollup_pending, rollup_source

PARALLEL_MIN_MS = 90 * 86_400_000  # shorter ranges sum faster on one core than split on two
GroupBy = Literal["day", "hour", "session", "project"]


@dataclass(frozen=True)
class UsageFilter:
    start_ms: int | None = None  # inclusive, UTC
    end_ms: int | None = None  # exclusive, UTC
    source: str | None = None
    project: str | None = None
    sessions: frozenset[str] | None = None  # only these session ids (session grouping only)
    # One machine's usage: a device id (from its bundles), or "" for this machine's own.
    device: str | None = None


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
    if f.sessions is not None:
        clauses.append(f"session_id IN ({', '.join('?' * len(f.sessions)) or 'NULL'})")
        params.extend(sorted(f.sessions))
    if f.device == "":  # this machine: sessions no bundle brought
        clauses.append("(source, session_id) NOT IN (SELECT source, session_id FROM session_devices)")
    elif f.device is not None:
        clauses.append("(source, session_id) IN (SELECT source, session_id FROM session_devices WHERE device_id = ?)")
        params.append(f.device)
    if f.project:
        root = f.project.rstrip("/") or "/"
        clauses.append("(project = ? OR substr(project, 1, ?) = ?)")
        prefix = root if root.endswith("/") else root + "/"
        params.extend([root, len(prefix), prefix])
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def models_seen(conn: sqlite3.Connection) -> list[str]:
    """Every model with stored usage (a superset of any filtered report's models)."""
    return [r[0] for r in conn.execute("SELECT model FROM models")]


def time_span(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """First and last stored instant; answered from the time index (one scan of the table while
    a first import left the index pending: each lookup alone would be a scan)."""
    sql = (
        "SELECT MIN(ts_ms), MAX(ts_ms) FROM events"
        if indexes_pending(conn)
        else "SELECT (SELECT MIN(ts_ms) FROM events), (SELECT MAX(ts_ms) FROM events)"
    )
    row = conn.execute(sql).fetchone()
    return None if row[0] is None else (int(row[0]), int(row[1]))


def grouped_usage(
    conn: sqlite3.Connection,
    f: UsageFilter,
    group_by: GroupBy,
    *,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
    helpers: Sequence[sqlite3.Connection] = (),
    span: tuple[int, int] | None = None,
) -> list[GroupRow]:
    """Token sums grouped by local day (or session), source, model and price tier.

    Reads a quarter-hour rollup (the one with sessions only when grouping by them); falls
    back to the raw events only when the rollup cannot answer exactly (bounds off the
    quarter hour, or a tier threshold it lacks). With ``helpers`` (more connections) and
    the data's ``span``, the time range is split and summed on several cores at once:
    SQLite runs without the GIL.
    """
    rollup = reads_rollup(conn, f, thresholds)
    if span is not None:  # only the part of the data the filter keeps is worth splitting
        span = (max(span[0], f.start_ms or span[0]), min(span[1], (f.end_ms or span[1] + 1) - 1))
    if not helpers or span is None or span[1] - span[0] < PARALLEL_MIN_MS:
        return _grouped(conn, f, group_by, offsets, thresholds, rollup=rollup)
    conns = [conn, *helpers]
    step = (span[1] + 1 - span[0]) // len(conns) + 1
    cuts = [span[0] + i * step for i in range(len(conns))] + [span[1] + 1]
    if rollup:  # cut on quarter hours, so no bucket is split
        cuts = [c - c % BUCKET_MS for c in cuts[:-1]] + [cuts[-1] + BUCKET_MS]
    parts = list(itertools.pairwise(cuts))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(helpers)) as pool:
        futures = [
            pool.submit(_grouped, c, f, group_by, offsets, thresholds, rollup=rollup, part=p)
            for c, p in zip(helpers, parts[1:], strict=True)
        ]
        rows = _grouped(conn, f, group_by, offsets, thresholds, rollup=rollup, part=parts[0])
        for fut in futures:
            rows.extend(fut.result())
    return merge_rows(rows)


def reads_rollup(conn: sqlite3.Connection, f: UsageFilter, thresholds: Mapping[str, Sequence[int]]) -> bool:
    """Whether ``grouped_usage`` answers from a rollup: bounds on quarter hours, tier
    thresholds it knows, and no rollup pending."""
    aligned = all(b is None or b % BUCKET_MS == 0 for b in (f.start_ms, f.end_ms))
    known = set(PROMPT_THRESHOLDS)
    return aligned and all(t in known for ts in thresholds.values() for t in ts) and not rollup_pending(conn)


def merge_rows(rows: Iterable[GroupRow]) -> list[GroupRow]:
    """Add up rows that share a key (a day or session split across time ranges)."""
    merged: dict[tuple[int | str, str, str, int], GroupRow] = {}
    for r in rows:
        k = (r.key, r.source, r.model, r.tier)
        m = merged.get(k)
        if m is None:
            merged[k] = r
            continue
        merged[k] = GroupRow(
            r.key, r.source, r.model, r.tier,
            m.input + r.input, m.output + r.output, m.cache_write_5m + r.cache_write_5m,
            m.cache_write_1h + r.cache_write_1h, m.cache_read + r.cache_read,
            m.reasoning + r.reasoning, m.events + r.events,
            min(m.first_ms, r.first_ms), max(m.last_ms, r.last_ms),
        )  # fmt: skip
    return list(merged.values())


def _grouped(
    conn: sqlite3.Connection,
    f: UsageFilter,
    group_by: GroupBy,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
    *,
    rollup: bool,
    part: tuple[int, int] | None = None,
) -> list[GroupRow]:
    """One query; ``part`` limits it to ``[start_ms, end_ms)``."""
    if rollup:
        # The session rollup also answers a device's usage (devices are known per session).
        table = "usage_rollup" if group_by == "session" or f.device is not None else "usage_rollup_project"
        time_col, scale = "bucket", BUCKET_MS
        instant = f"(bucket * {BUCKET_MS})"
        # Only sessions show their first and last request; days skip the extra work.
        counts = "SUM(events), MIN(first_ms), MAX(last_ms)" if group_by == "session" else "SUM(events), 0, 0"
        tier_sql, tier_params = _tier_expr_rollup(thresholds)
    else:
        table, time_col, scale = "events", "ts_ms", 1
        instant = "ts_ms"
        counts = "COUNT(*), MIN(ts_ms), MAX(ts_ms)" if group_by == "session" else "COUNT(*), 0, 0"
        tier_sql, tier_params = _tier_expr_events(thresholds)
    where, params = _where(f, time_col, scale)
    if part is not None:
        where = f"{where} AND" if where else "WHERE"
        where += f" {time_col} >= ? AND {time_col} < ?"
        params += [part[0] // scale, part[1] // scale]
    if group_by in ("day", "hour"):
        offset_sql, key_params = _offset_expr(instant, offsets)
        key_sql = f"({instant} + {offset_sql}) / 86400000"
        if group_by == "hour":  # hour of the local day, 0-23
            key_sql = f"(({instant} + {offset_sql}) % 86400000) / 3600000"
    else:
        key_sql, key_params = group_by if group_by == "project" else "session_id", []
    sql = f"""
        SELECT {key_sql} AS k, source, model, {tier_sql} AS tier,
               SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens),
               SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(reasoning_tokens), {counts}
        FROM {table} {where}
        GROUP BY k, source, model, tier
    """  # noqa: S608 - only fixed fragments and placeholders
    rows = conn.execute(sql, [*key_params, *tier_params, *params]).fetchall()
    return [GroupRow(*r) for r in rows]


def day_totals(conn: sqlite3.Connection, f: UsageFilter, offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(local day number, total tokens)`` for every day with usage: what a calendar needs."""
    where, params = _where(f, "bucket", BUCKET_MS)
    # A device is known per session: only the session rollup can answer one machine's days.
    table = "usage_rollup" if f.device is not None else "usage_rollup_project"
    offset_sql, key_params = _offset_expr(f"(bucket * {BUCKET_MS})", offsets)
    sql = f"""
        SELECT ((bucket * {BUCKET_MS}) + {offset_sql}) / 86400000 AS k,
               SUM(input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens
                   + cache_read_tokens)
        FROM {rollup_source(conn, table)} {where} GROUP BY k
    """  # noqa: S608 - only fixed fragments and placeholders
    return [(int(k), int(n)) for k, n in conn.execute(sql, [*key_params, *params])]


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


# The events a tool priced itself or said a subscription covered (migration 7's columns). The
# same words as the partial index ``events_tool_cost``, so SQLite reads only those events.
TOOL_COST_EVENTS = "(tool_cost_micro IS NOT NULL OR subscription = 1)"


@dataclass(frozen=True)
class ToolCostRow:
    """Sums of the events of one (key, source, model, tier) that the tool priced itself
    (``tool_priced``) or said a subscription covered; ``tool_cost_micro`` adds the tool's
    own estimates (0 when it gave none)."""

    group: GroupRow
    tool_priced: bool
    subscription: bool
    tool_cost_micro: int


def tool_cost_usage(
    conn: sqlite3.Connection,
    f: UsageFilter,
    group_by: GroupBy,
    *,
    offsets: Sequence[tuple[int, int]],
    thresholds: Mapping[str, Sequence[int]],
) -> list[ToolCostRow]:
    """Token sums and the tool's own cost, grouped as ``grouped_usage`` groups, of the events
    a tool priced or a subscription covered. Read from ``events`` (the rollups do not keep
    these columns) through a partial index, so a log with none of them costs nothing."""
    where, params = _where(f, "ts_ms", 1)
    where = f"{where} AND {TOOL_COST_EVENTS}" if where else f"WHERE {TOOL_COST_EVENTS}"
    tier_sql, tier_params = _tier_expr_events(thresholds)
    if group_by in ("day", "hour"):
        offset_sql, key_params = _offset_expr("ts_ms", offsets)
        key_sql = f"(ts_ms + {offset_sql}) / 86400000"
        if group_by == "hour":
            key_sql = f"((ts_ms + {offset_sql}) % 86400000) / 3600000"
    else:
        key_sql, key_params = group_by if group_by == "project" else "session_id", []
    sql = f"""
        SELECT {key_sql} AS k, source, model, {tier_sql} AS tier,
               SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens),
               SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(reasoning_tokens),
               COUNT(*), MIN(ts_ms), MAX(ts_ms),
               tool_cost_micro IS NOT NULL AS tool_priced, subscription, COALESCE(SUM(tool_cost_micro), 0)
        FROM events {where}
        GROUP BY k, source, model, tier, tool_priced, subscription
    """  # noqa: S608 - only fixed fragments and placeholders
    rows = conn.execute(sql, [*key_params, *tier_params, *params]).fetchall()
    return [ToolCostRow(GroupRow(*r[:13]), bool(r[13]), bool(r[14]), int(r[15])) for r in rows]
