"""The usage report use case: filter, group by period in the user's zone, price, total."""

from __future__ import annotations

import sqlite3
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
from tracker.core.build_info import code_stamp
from tracker.core.timezones import get_zone, local_day_start_ms, offset_segments
from tracker.pricing.catalog import build_price_book, catalog_missing, load_catalog
from tracker.services.context import Context
from tracker.services.importer import ImportSummary
from tracker.services.outside_totals import OutsideFigure, outside_totals
from tracker.services.tool_spend import RowKey, ToolSpend, by_source, row_key, spend_json, summed, tool_spend
from tracker.store.db import checkpoint_aside
from tracker.store.import_lock import ImportRunningError
from tracker.store.queries import GroupBy, GroupRow, UsageFilter
from tracker.store.store import Store

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
    start_ms: int | None = None  # within since..until, only from here (UTC; a chart's hour)
    end_ms: int | None = None  # … and before here (exclusive)
    device: str | None = None  # one machine's usage: a device id, or "" for this machine's own


@dataclass
class UsageReport:
    query: UsageQuery
    rows: list[UsageRow]
    total: UsageRow
    unpriced: Mapping[str, int]
    price_source: str
    session_info: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # Per row and tool: the tool's own cost estimate and the subscription-covered spend
    # (filled when asked for with ``tool_costs``; ``services.tool_spend``).
    tool_spend: dict[RowKey, dict[str, ToolSpend]] = field(default_factory=dict)
    # Stored but not in these totals (bills, usage APIs, chat-export estimates; with ``tool_costs``
    # and no tool, project or machine filter): ``services.outside_totals``.
    outside: list[OutsideFigure] = field(default_factory=list)

    def row_tool_spend(self, row: UsageRow) -> ToolSpend:
        """The tools' figures for one row (the total row: the whole report)."""
        if row is self.total:
            return summed(self.source_tool_spend().values())
        return summed(self.tool_spend.get(row_key(row), {}).values())

    def source_tool_spend(self) -> dict[str, ToolSpend]:
        """The whole report's tool figures per tool."""
        return by_source(self.tool_spend)

    @property
    def warnings(self) -> list[str]:
        return [
            f"model {m!r} has no known price: {n:,} tokens are counted but not priced "
            "(add a price override with 'tokenworth config set pricing.overrides …')"
            for m, n in self.unpriced.items()
        ]


def build_usage_report(
    source: Store | sqlite3.Connection,
    query: UsageQuery,
    overrides: Mapping[str, Mapping[str, Any]],
    helpers: Sequence[Store] = (),
    *,
    tool_costs: bool = False,
) -> UsageReport:
    """The report; ``helpers`` are extra read-only stores to sum on more cores. Reads only
    (the price cache is filled best effort). A bare connection (the import path's tests
    hold one) is wrapped in a Store. ``tool_costs`` adds the tools' own cost estimates and
    the subscription-covered spend (one more query, on the events that have them)."""
    store = Store.of(source)
    zone = get_zone(query.timezone)
    start_ms = local_day_start_ms(query.since, zone) if query.since else None
    end_ms = local_day_start_ms(query.until + timedelta(days=1), zone) if query.until else None
    f = UsageFilter(
        start_ms=start_ms if query.start_ms is None else query.start_ms,
        end_ms=end_ms if query.end_ms is None else query.end_ms,
        source=query.source,
        project=query.project,
        device=query.device,
        sessions=query.sessions if query.period == "session" else None,
    )
    book = build_price_book(store.prices, store.usage.models_seen(), overrides)
    thresholds = {m: r.thresholds for m, r in book.rates.items()}
    span = store.usage.time_span()
    offsets = offset_segments(zone, *span) if span else [(2**62, 0)]
    group_by = cast(GroupBy, GROUPING.get(query.period, "day"))
    groups = store.usage.grouped(f, group_by, offsets=offsets, thresholds=thresholds, helpers=helpers, span=span)
    rows = rollup(groups, book, query.period)
    report = UsageReport(query, rows, grand_total(rows), unpriced_models(rows), book.source)
    if query.period == "session":
        report.session_info = store.usage.session_meta()
    if tool_costs:
        priced_by_tools = store.usage.tool_cost(f, group_by, offsets=offsets, thresholds=thresholds)
        report.tool_spend = tool_spend(priced_by_tools, rows, book, query.period)
        if not (query.source or query.project or query.device is not None or query.sessions):
            report.outside = outside_totals(store, query.since, query.until)
    return report


Rendered = tuple[bytes, list[str]]  # the output, and the warnings to show beside it


def cache_key(ctx: Context, query: UsageQuery, fmt: str, render: Callable[..., object]) -> str:
    """Everything a rendered report depends on besides the stored usage. The installed code and
    price data are named by ``code_stamp`` (never by stat-ing source files: a bundle has none)."""
    import hashlib
    import json
    import zoneinfo

    tz_files = [Path(p) / query.timezone for p in zoneinfo.TZPATH]
    tz_stamp = next((f.stat().st_mtime_ns for f in tz_files if f.is_file()), 0)
    parts = [
        fmt, query.period, query.timezone, str(query.since), str(query.until), query.source or "",
        query.project or "", sorted(query.sessions or ()), query.start_ms, query.end_ms, query.device,
        ctx.price_overrides(), tz_stamp, code_stamp(), render.__module__, render.__qualname__,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def import_and_render(
    ctx: Context,
    query: UsageQuery,
    run_import: Callable[[sqlite3.Connection], ImportSummary],
    render: Callable[[UsageReport], bytes],
    fmt: str,
) -> tuple[ImportSummary, Rendered]:
    """Import, then report — with both cores: the report is made on its own read-only store
    while the import looks for new lines (or read from the cache when nothing changed since
    it was rendered), and made again only if the import stored anything. ``run_import`` gets
    the writer's connection, with the import lock held; while another import runs, what is
    stored is shown, with a warning saying so."""
    overrides = ctx.price_overrides()
    key = cache_key(ctx, query, fmt, render)

    unsaved: list[tuple[int, Rendered]] = []  # made on the read-only store: saved by the writer after
    unkept: list[tuple[str, int, list[GroupRow]]] = []  # its day groups (``store.kept_groups``), too

    def make(store: Store, helpers: Sequence[Store] = ()) -> Rendered:
        gen = store.usage.generation()
        report = build_usage_report(store, query, overrides, helpers, tool_costs=True)
        out = (render(report), report.warnings)
        if store.read_only:
            unsaved.append((gen, out))
        else:
            store.usage.save_report(key, gen, *out)
        return out

    def made(store: Store) -> Rendered:
        helpers = ctx.read_helpers()
        try:
            return make(store, helpers)
        finally:
            for h in helpers:
                h.close()

    def early() -> Rendered:
        with ctx.reader() as own:
            hit = own.usage.cached_report(key)
            if hit is not None:
                return hit
            out = made(own)
            unkept.extend(own.usage.unkept)
            if catalog_missing(own.prices):
                load_catalog()  # first run: load the price tables while the import reads logs
            return out

    from concurrent.futures import ThreadPoolExecutor  # deferred: it pulls in logging

    try:
        writer = ctx.writer()
    except ImportRunningError as exc:  # that import brings the logs in: show what it stored so far
        body, warnings = early()
        who = f" (pid {exc.pid})" if exc.pid else ""
        return ImportSummary(), (
            body,
            [*warnings, f"another Tokenworth import is running{who}: showing what it has stored so far"],
        )
    with writer, ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(early)
        with writer.guard():
            summary = run_import(writer.write_connection())
        out = pending.result()
        if summary.changed:
            # Closing the store would copy the import's pages from the WAL into the database
            # file, waiting on the disk (~35 ms after a small import): done aside meanwhile.
            aside = checkpoint_aside(writer.write_connection())
            out = made(writer)
            if aside is not None:
                aside.join()
        elif unsaved:  # nothing new, but the cache was stale (a rollup built): the next run hits it
            gen, early_out = unsaved[0]
            writer.usage.save_report(key, gen, *early_out)
            writer.usage.keep_groups(unkept)  # and the next report after an import starts from them
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


def _split_json(row: UsageRow, spend: ToolSpend, sources: dict[str, ToolSpend]) -> dict[str, Any]:
    return {
        **totals_json(row.totals),
        **spend_json(spend),
        "models": {m: totals_json(t) for m, t in sorted(row.models.items())},
        "sources": {s: {**totals_json(t), **spend_json(sources.get(s))} for s, t in sorted(row.sources.items())},
    }


def _iso(ms: int | None, tz: str) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(get_zone(tz)).isoformat(timespec="seconds")


def report_json(report: UsageReport) -> dict[str, Any]:
    tz = report.query.timezone
    rows = []
    for r in report.rows:
        item: dict[str, Any] = {
            "period": r.period,
            **_split_json(r, report.row_tool_spend(r), report.tool_spend.get(row_key(r), {})),
        }
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
        "totals": _split_json(report.total, report.row_tool_spend(report.total), report.source_tool_spend()),
        "pricing": {"source": report.price_source, "unpriced_models": dict(report.unpriced)},
        "warnings": report.warnings,
        "outside_totals": [o.as_json() for o in report.outside],
    }
