"""What the dashboard shows for a period, computed from the same reports as the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tracker.analytics.usage_rollup import Totals, UsageRow
from tracker.analytics.value_figures import Spend, ValueFigures
from tracker.core.timezones import get_zone, local_day_start_ms, offset_segments
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.services.work_summary import WorkSummary, build_work_summary, weeks_of_days
from tracker.store.queries import UsageFilter
from tracker.store.store import Store

PERIODS = ("Today", "This week", "This month", "Last 30 days", "Custom")


def period_range(choice: str, today: date, custom: tuple[date, date] | None = None) -> tuple[date, date]:
    """First and last day (inclusive) of a named period around ``today``."""
    if choice == "Today":
        return today, today
    if choice == "This week":
        return today - timedelta(days=today.weekday()), today
    if choice == "This month":
        return today.replace(day=1), today
    if choice == "Last 30 days":
        return today - timedelta(days=29), today
    if custom is None:
        raise ValueError("a custom period needs its first and last day")
    return min(custom), max(custom)


def year_of_days(store: Store, timezone: str, today: date) -> dict[date, int]:
    """Total tokens per local day over the 365 days ending ``today``."""
    zone = get_zone(timezone)
    first = today - timedelta(days=364)
    f = UsageFilter(local_day_start_ms(first, zone), local_day_start_ms(today + timedelta(days=1), zone))
    span = store.usage.time_span()
    offsets = offset_segments(zone, *span) if span else [(2**62, 0)]
    epoch = date(1970, 1, 1)
    return {epoch + timedelta(days=k): n for k, n in store.usage.day_totals(f, offsets) if n}


@dataclass
class Dashboard:
    since: date
    until: date
    timezone: str
    totals: Totals
    days: list[tuple[date, UsageRow | None]]  # every day of the period, None when idle
    by_model: dict[str, Totals]
    by_source: dict[str, Totals]
    hours: list[int]  # total tokens per local hour of day, 0-23
    heatmap: dict[date, int] = field(default_factory=dict)  # total tokens, the last 365 days
    active_days_this_week: int = 0
    weekly_target: int = 0
    unpriced: Mapping[str, int] = field(default_factory=dict)
    price_source: str = ""
    work: WorkSummary | None = None  # the work section and the value cards

    @property
    def figures(self) -> ValueFigures:
        """The value figures (``analytics.value_figures``) of the period shown."""
        if self.work is not None:
            return self.work.figures
        return ValueFigures(0, 0, Decimal(0), Spend(self.totals.total_tokens, self.totals.cost_usd), Spend())

    @property
    def tasks_completed(self) -> int:
        return self.figures.tasks_completed

    @property
    def cache_read_share(self) -> float:
        """How much of all prompt tokens were served from cache."""
        t = self.totals
        prompt = t.input_tokens + t.cache_creation_tokens + t.cache_read_tokens
        return t.cache_read_tokens / prompt if prompt else 0.0

    @property
    def cost(self) -> Decimal:
        return self.totals.cost_usd


def build_dashboard(
    store: Store,
    *,
    timezone: str,
    since: date,
    until: date,
    today: date,
    overrides: Mapping[str, Mapping[str, Any]],
    weekly_target: int = 0,
    helpers: Sequence[Store] = (),
    day_filter: date | None = None,
    heatmap: dict[date, int] | None = None,
) -> Dashboard:
    """The dashboard for ``since..until``; ``day_filter`` narrows it to one day (heat map click).

    ``heatmap`` is the last 365 days from an earlier call: it does not change with the
    period, so redrawing for another period need not compute it again.
    """
    if day_filter is not None:
        since = until = day_filter
    daily = build_usage_report(store, UsageQuery("daily", timezone, since, until), overrides, helpers)
    hourly = build_usage_report(store, UsageQuery("hour", timezone, since, until), overrides, helpers)
    if heatmap is None:
        heatmap = year_of_days(store, timezone, today)
    by_day = {date.fromisoformat(r.period): r for r in daily.rows}
    span = (until - since).days + 1
    days = [(since + timedelta(days=i), by_day.get(since + timedelta(days=i))) for i in range(span)]
    hours = [0] * 24
    for r in hourly.rows:
        hours[int(r.period)] = r.totals.total_tokens
    work = build_work_summary(store, timezone, since, until, overrides, helpers=helpers,
                              weekly_usage=weeks_of_days(days))  # fmt: skip
    monday = today - timedelta(days=today.weekday())
    active = sum(1 for d, n in heatmap.items() if d >= monday and n > 0)
    return Dashboard(
        since=since,
        until=until,
        timezone=timezone,
        totals=daily.total.totals,
        days=days,
        by_model=daily.total.models,
        by_source=daily.total.sources,
        hours=hours,
        heatmap=heatmap,
        active_days_this_week=active,
        weekly_target=weekly_target,
        unpriced=daily.unpriced,
        price_source=daily.price_source,
        work=work,
    )
