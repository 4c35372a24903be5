"""The usage report use case: filter, group by period in the user's zone, price, total."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, cast

from tracker.analytics.usage_rollup import (
    GROUPING,
    Period,
    Totals,
    UsageRow,
    grand_total,
    rollup,
    unpriced_models,
)
from tracker.core.timezones import get_zone, local_day_start_ms, offset_segments
from tracker.pricing.catalog import build_price_book, catalog_key, catalog_missing, load_catalog
from tracker.services.context import Context
from tracker.services.importer import ImportSummary
from tracker.store.queries import GroupBy, UsageFilter, grouped_usage, models_seen, session_meta, time_span
from tracker.store.report_cache import cached
from tracker.store.report_cache import save as save_cached
from tracker.store.rollup import generation

MICRO = Decimal("0.000001")


@dataclass(frozen=True)
class UsageQuery:
    period: Period = "daily"
    timezone: str = "UTC"
    since: date | None = None
    until: date | None = None
    source: str | None = None
    project: str | None = None
    sessions: frozenset[str] | None = None  # with period "session": only these


@dataclass
class UsageReport:
    query: UsageQuery
    rows: list[UsageRow]
    total: UsageRow
    unpriced: Mapping[str, int]
    price_source: str
    session_info: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [
            f"model {m!r} has no known price: {n:,} tokens are counted but not priced "
            "(add a price override with 'tokenworth config set pricing.overrides …')"
            for m, n in self.unpriced.items()
        ]


def build_usage_report(
    conn: sqlite3.Connection,
    query: UsageQuery,
    overrides: Mapping[str, Mapping[str, Any]],
    helpers: Sequence[sqlite3.Connection] = (),
) -> UsageReport:
    """The report; ``helpers`` are extra read connections to sum on more cores."""
    zone = get_zone(query.timezone)
    f = UsageFilter(
        start_ms=local_day_start_ms(query.since, zone) if query.since else None,
        end_ms=local_day_start_ms(query.until + timedelta(days=1), zone) if query.until else None,
        source=query.source,
        project=query.project,
        sessions=query.sessions if query.period == "session" else None,
    )
    book = build_price_book(conn, models_seen(conn), overrides)
    thresholds = {m: r.thresholds for m, r in book.rates.items()}
    span = time_span(conn)
    offsets = offset_segments(zone, *span) if span else [(2**62, 0)]
    group_by = cast(GroupBy, GROUPING.get(query.period, "day"))
    groups = grouped_usage(conn, f, group_by, offsets=offsets, thresholds=thresholds, helpers=helpers, span=span)
    rows = rollup(groups, book, query.period)
    report = UsageReport(query, rows, grand_total(rows), unpriced_models(rows), book.source)
    if query.period == "session":
        report.session_info = session_meta(conn)
    return report


Rendered = tuple[bytes, list[str]]  # the output, and the warnings to show beside it


def _code_stamp(render: Callable[..., object]) -> list[int]:
    """The code that makes a report (this module, the renderer's): a new version renders anew."""
    files = {__file__, getattr(sys.modules.get(render.__module__), "__file__", None) or __file__}
    return [v for f in sorted(files) for st in [os.stat(f)] for v in (st.st_mtime_ns, st.st_size)]


def _cache_key(ctx: Context, query: UsageQuery, fmt: str, render: Callable[..., object]) -> str:
    """Everything a rendered report depends on besides the stored usage."""
    import hashlib
    import json
    import zoneinfo

    tz_files = [Path(p) / query.timezone for p in zoneinfo.TZPATH]
    tz_stamp = next((f.stat().st_mtime_ns for f in tz_files if f.is_file()), 0)
    parts = [
        fmt, query.period, query.timezone, str(query.since), str(query.until), query.source or "",
        query.project or "", sorted(query.sessions or ()), ctx.price_overrides(), catalog_key(), tz_stamp,
        _code_stamp(render),
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def import_and_render(
    ctx: Context,
    query: UsageQuery,
    run_import: Callable[[sqlite3.Connection], ImportSummary],
    render: Callable[[UsageReport], bytes],
    fmt: str,
) -> tuple[ImportSummary, Rendered]:
    """Import, then report — with both cores: the report is made on its own connection while
    the import looks for new lines (or read from the cache when nothing changed since it was
    rendered), and made again only if the import stored anything."""
    overrides = ctx.price_overrides()
    key = _cache_key(ctx, query, fmt, render)

    def make(conn: sqlite3.Connection, helpers: Sequence[sqlite3.Connection] = ()) -> Rendered:
        gen = generation(conn)
        report = build_usage_report(conn, query, overrides, helpers)
        out = (render(report), report.warnings)
        save_cached(conn, key, gen, *out)
        return out

    def early() -> Rendered:
        own = ctx.connect()
        try:
            hit = cached(own, key)
            if hit is not None:
                return hit
            helpers = ctx.read_helpers()
            try:
                out = make(own, helpers)
            finally:
                for c in helpers:
                    c.close()
            if catalog_missing(own):
                load_catalog()  # first run: load the price tables while the import reads logs
            return out
        finally:
            own.close()

    from concurrent.futures import ThreadPoolExecutor  # deferred: it pulls in logging

    conn = ctx.connect()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(early)
        summary = run_import(conn)
        out = pending.result()
    if summary.changed:
        helpers = ctx.read_helpers()
        out = make(conn, helpers)
        for c in helpers:
            c.close()
    return summary, out


def money(value: Decimal) -> float:
    """Cost for output: rounded once, to the micro-dollar, from the exact sum."""
    return float(value.quantize(MICRO, rounding=ROUND_HALF_EVEN))


def totals_json(t: Totals) -> dict[str, Any]:
    return {
        "input_tokens": t.input_tokens,
        "output_tokens": t.output_tokens,
        "cache_creation_tokens": t.cache_creation_tokens,
        "cache_read_tokens": t.cache_read_tokens,
        "reasoning_tokens": t.reasoning_tokens,
        "total_tokens": t.total_tokens,
        "cost_usd": money(t.cost_usd),
        "unpriced_tokens": t.unpriced_tokens,
    }


def _split_json(row: UsageRow) -> dict[str, Any]:
    return {
        **totals_json(row.totals),
        "models": {m: totals_json(t) for m, t in sorted(row.models.items())},
        "sources": {s: totals_json(t) for s, t in sorted(row.sources.items())},
    }


def _iso(ms: int | None, tz: str) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(get_zone(tz)).isoformat(timespec="seconds")


def report_json(report: UsageReport) -> dict[str, Any]:
    tz = report.query.timezone
    rows = []
    for r in report.rows:
        item: dict[str, Any] = {"period": r.period, **_split_json(r)}
        if report.query.period == "session":
            project, branch = report.session_info.get((r.source, r.session_id), ("", ""))
            item.update(
                source=r.source,
                project=project,
                git_branch=branch,
                first=_iso(r.first_ms, tz),
                last=_iso(r.last_ms, tz),
            )
        rows.append(item)
    return {
        "timezone": tz,
        "period": report.query.period,
        "rows": rows,
        "totals": _split_json(report.total),
        "pricing": {"source": report.price_source, "unpriced_models": dict(report.unpriced)},
        "warnings": report.warnings,
    }
