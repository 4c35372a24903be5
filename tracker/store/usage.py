"""``store.usage``: what reports, the dashboard, linking and alerts read about usage."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tracker.store import queries
from tracker.store.meta import GENERATION
from tracker.store.queries import GroupBy, GroupRow, ToolCostRow, UsageFilter
from tracker.store.rollup import rollup_pending, rollup_source

if TYPE_CHECKING:
    from tracker.store.store import Store

RateLimitRow = tuple[float | None, int | None, int | None, float | None, int | None, int | None]


class UsageStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        # Day groups summed on a read-only store, for a writer to keep (``keep_groups``).
        self.unkept: list[tuple[str, int, list[GroupRow]]] = []

    def keep_groups(self, unkept: list[tuple[str, int, list[GroupRow]]]) -> None:
        """Keep the day groups a read-only store summed (best effort; only where the store
        is still as it was read)."""
        from tracker.store import kept_groups

        for key, gen, rows in unkept:
            kept_groups.keep(self._store, key, gen, rows)

    def grouped(
        self,
        f: UsageFilter,
        group_by: GroupBy,
        *,
        offsets: Sequence[tuple[int, int]],
        thresholds: Mapping[str, Sequence[int]],
        helpers: Sequence[Store] = (),
        span: tuple[int, int] | None = None,
    ) -> list[GroupRow]:
        """Token sums by local day (or hour, session, project), source, model and tier;
        ``helpers`` (more read-only stores) sum parts of a long range on other cores. Sums
        by day from the project rollup start from the groups kept by the last such report
        (``store.kept_groups``): only the days changed since are summed again."""
        conn = self._store.conn
        if group_by == "day" and f.device is None and f.sessions is None and queries.reads_rollup(conn, f, thresholds):
            from tracker.store import kept_groups

            return kept_groups.grouped(
                self._store, f, offsets=offsets, thresholds=thresholds, helpers=[h.conn for h in helpers], span=span
            )
        return queries.grouped_usage(
            self._store.conn, f, group_by, offsets=offsets, thresholds=thresholds,
            helpers=[h.conn for h in helpers], span=span,
        )  # fmt: skip

    def tool_cost(
        self,
        f: UsageFilter,
        group_by: GroupBy,
        *,
        offsets: Sequence[tuple[int, int]],
        thresholds: Mapping[str, Sequence[int]],
    ) -> list[ToolCostRow]:
        """The tool's own cost estimate and the subscription-covered usage, grouped as ``grouped``."""
        return queries.tool_cost_usage(self._store.conn, f, group_by, offsets=offsets, thresholds=thresholds)

    def day_totals(self, f: UsageFilter, offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        return queries.day_totals(self._store.conn, f, offsets)

    def models_seen(self) -> list[str]:
        return queries.models_seen(self._store.conn)

    def time_span(self) -> tuple[int, int] | None:
        return queries.time_span(self._store.conn)

    def session_meta(self) -> dict[tuple[str, str], tuple[str, str]]:
        return queries.session_meta(self._store.conn)

    def session_sources(self, session_id: str) -> list[str]:
        """The tools that have a session with this id (ids are unique per tool only)."""
        rows = self._store.conn.execute(
            "SELECT source FROM sessions WHERE session_id = ? ORDER BY source", (session_id,)
        )
        return [str(r[0]) for r in rows]

    def projects(self) -> list[str]:
        """Every folder a session worked in."""
        rows = self._store.conn.execute("SELECT DISTINCT project FROM sessions WHERE project != '' ORDER BY project")
        return [str(r[0]) for r in rows]

    def session_spans(self) -> list[tuple[str, str, str, str, int, int]]:
        """``(source, session_id, project, branch, first_ms, last_ms)`` of every session."""
        conn = self._store.conn
        return conn.execute(
            f"""SELECT r.source, r.session_id, COALESCE(s.project, ''), COALESCE(s.git_branch, ''),
                      MIN(r.first_ms), MAX(r.last_ms)
               FROM {rollup_source(conn, "usage_rollup")} r
               LEFT JOIN sessions s ON s.source = r.source AND s.session_id = r.session_id
               GROUP BY r.source, r.session_id"""  # noqa: S608 - a table or a fixed stand-in
        ).fetchall()

    def request_totals(self, source: str, since_ms: int) -> list[tuple[int, int]]:
        """``(ts_ms, total tokens)`` of every request of ``source`` from ``since_ms`` on, oldest first."""
        return self._store.conn.execute(
            "SELECT ts_ms, total_tokens FROM events WHERE source = ? AND ts_ms >= ? ORDER BY ts_ms",
            (source, since_ms),
        ).fetchall()

    def latest_rate_limits(self) -> RateLimitRow | None:
        """The newest rate-limit snapshot: used %, window minutes and reset time, primary then secondary."""
        row = self._store.conn.execute(
            """SELECT primary_used_percent, primary_window_minutes, primary_resets_at_ms, secondary_used_percent,
                      secondary_window_minutes, secondary_resets_at_ms FROM rate_limits ORDER BY ts_ms DESC LIMIT 1"""
        ).fetchone()
        return None if row is None else tuple(row)

    def rollup_pending(self) -> bool:
        """Whether the summary tables wait to be built after a first import (reports then read every event)."""
        return rollup_pending(self._store.conn)

    def generation(self) -> int:
        """Counts changes of stored usage; a cached report of an older one is stale."""
        return self._store.meta.get(GENERATION) or 0

    def cached_report(self, key: str) -> tuple[bytes, list[str]] | None:
        """A rendered report, if it was made from the usage stored now."""
        row = self._store.conn.execute(
            "SELECT generation, body, warnings FROM report_cache WHERE key = ?", (key,)
        ).fetchone()
        if row is None or row[0] != self.generation():
            return None
        return bytes(row[1]), list(json.loads(row[2]))

    def save_report(self, key: str, gen: int, body: bytes, warnings: list[str]) -> None:
        """Best effort: skipped, never waited for, while an import holds the write lock."""
        with self._store.best_effort() as conn:
            if conn is not None:
                conn.execute("DELETE FROM report_cache WHERE generation < ?", (gen,))
                conn.execute(
                    "INSERT OR REPLACE INTO report_cache VALUES (?, ?, ?, ?)", (key, gen, body, json.dumps(warnings))
                )
