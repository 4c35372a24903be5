"""A period's usage cut into chart slots (hours, days or weeks by ``bucket_for``), for the
dashboard's chart and the report's chart alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tracker.analytics.buckets import Bucket, Slot, bucket_for, fold, slots
from tracker.analytics.usage_rollup import Totals, UsageRow
from tracker.core.timezones import get_zone
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.store.store import Store


@dataclass(frozen=True)
class SlotUsage:
    bucket: Bucket
    slots: list[Slot]
    rows: list[UsageRow | None]  # None: no usage in that slot

    def tokens(self) -> list[int]:
        return [r.totals.total_tokens if r else 0 for r in self.rows]


def merged(current: UsageRow | None, row: UsageRow) -> UsageRow:
    """``current`` plus ``row`` (a fresh row: the report's rows are never changed)."""
    out = current or UsageRow(row.period)
    out.totals.add(row.totals)
    for parts, into in ((row.models, out.models), (row.sources, out.sources)):
        for name, t in parts.items():
            into.setdefault(name, Totals()).add(t)
    for ms in (row.first_ms, row.last_ms):
        if ms is not None:
            out.first_ms = ms if out.first_ms is None else min(out.first_ms, ms)
            out.last_ms = ms if out.last_ms is None else max(out.last_ms, ms)
    return out


def usage_by_slot(
    store: Store,
    timezone: str,
    since: date,
    until: date,
    overrides: Mapping[str, Mapping[str, Any]],
    helpers: Sequence[Store] = (),
    days: Sequence[tuple[date, UsageRow | None]] | None = None,
    device: str | None = None,
) -> SlotUsage:
    """The period's usage per slot; ``days`` (the period's daily rows) saves a query when the
    slots are days or weeks."""
    bucket = bucket_for(since, until)
    series = slots(since, until, bucket)
    items: list[tuple[date, int, UsageRow]] = []
    if bucket == "hour":
        for s in series[::24]:  # one query per day: "hour" groups by hour of the local day
            report = build_usage_report(
                store, UsageQuery("hour", timezone, s.first, s.first, device=device), overrides, helpers
            )
            items.extend((s.first, int(r.period), r) for r in report.rows)
    else:
        if days is None:
            report = build_usage_report(
                store, UsageQuery("daily", timezone, since, until, device=device), overrides, helpers
            )
            days = [(date.fromisoformat(r.period), r) for r in report.rows]
        items = [(d, 0, r) for d, r in days if r is not None]
    return SlotUsage(bucket, series, fold(series, items, merged))


def done_by_slot(series: Sequence[Slot], completed_ms: Iterable[int | None], timezone: str) -> list[int]:
    """How many tasks were completed in each slot (local time)."""
    zone = get_zone(timezone)
    items = []
    for ms in completed_ms:
        if ms is not None:
            local = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)
            items.append((local.date(), local.hour, 1))
    return [n or 0 for n in fold(series, items, lambda a, b: (a or 0) + b)]
