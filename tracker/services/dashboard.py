"""What the dashboard shows for a period, computed from the same reports as the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tracker.analytics.usage_rollup import Totals, UsageRow
from tracker.analytics.value_figures import Spend, ValueFigures
from tracker.core.timezones import get_zone, local_day_start_ms, offset_segments
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.services.work_summary import WorkSummary, build_work_summary, weeks_of_days
from tracker.store.queries import UsageFilter
from tracker.store.store import Store

PERIODS = (
    "Today",
    "Yesterday",
    "This week",
    "Last week",
    "This month",
    "Last month",
    "Last 30 days",
    "Last 90 days",
    "This year",
    "All time",
    "Custom",
)
DEFAULT_PERIOD = "Last 30 days"


def period_range(
    choice: str,
    today: date,
    custom: tuple[date, date] | None = None,
    stored: tuple[date, date] | None = None,
) -> tuple[date, date]:
    """First and last day (inclusive) of a named period around ``today``.

    ``stored`` is the first and last day with usage: "All time" spans it (today when empty).
    """
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    named = {
        "Today": (today, today),
        "Yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "This week": (monday, today),
        "Last week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "This month": (first, today),
        "Last month": ((first - timedelta(days=1)).replace(day=1), first - timedelta(days=1)),
        "Last 30 days": (today - timedelta(days=29), today),
        "Last 90 days": (today - timedelta(days=89), today),
        "This year": (today.replace(month=1, day=1), today),
    }
    if choice in named:
        return named[choice]
    if choice == "All time":
        return (min(stored[0], today), max(stored[1], today)) if stored else (today, today)
    if custom is None:
        raise ValueError("a custom period needs its first and last day")
    return min(custom), max(custom)


def _add_months(day: date, months: int) -> date:
    k = day.year * 12 + day.month - 1 + months
    return date(k // 12, k % 12 + 1, 1)


def whole_period(choice: str, since: date, until: date) -> tuple[date, date]:
    """The "This week/month/year" so far, widened to the whole unit (what ◀ ▶ step by)."""
    if choice == "This week":
        return since, since + timedelta(days=6)
    if choice == "This month":
        return since, _add_months(since, 1) - timedelta(days=1)
    if choice == "This year":
        return since, date(since.year, 12, 31)
    return since, until


def step_period(since: date, until: date, direction: int) -> tuple[date, date]:
    """The period of the same length just before (``direction`` -1) or after (+1) ``since..until``.

    Whole calendar months step by months (June → May, not 30 days back) so "Last month" ◀ is
    the month before it; anything else steps by its own number of days.
    """
    if since.day == 1 and (until + timedelta(days=1)).day == 1:
        months = (until.year - since.year) * 12 + until.month - since.month + 1
        start = _add_months(since, direction * months)
        return start, _add_months(start, months) - timedelta(days=1)
    span = timedelta(days=(until - since).days + 1)
    return since + direction * span, until + direction * span


def previous_period(since: date, until: date) -> tuple[date, date]:
    """What a card compares with: the same length just before, month-aligned when whole months."""
    return step_period(since, until, -1)


def stored_days(store: Store, timezone: str) -> tuple[date, date] | None:
    """The first and last local day with stored usage, or None when nothing is stored."""
    span = store.usage.time_span()
    if span is None:
        return None
    zone = get_zone(timezone)
    try:
        first, last = (datetime.fromtimestamp(ms / 1000, zone).date() for ms in span)
    except (OverflowError, OSError, ValueError):  # an instant beyond what a date can hold
        return None
    return first, last


def latest_usage_period(store: Store, timezone: str, length_days: int) -> tuple[date, date] | None:
    """Where to look when the chosen period is empty: ``length_days`` ending on the latest
    day with usage (clipped to the first), or None when nothing is stored."""
    days = stored_days(store, timezone)
    if days is None:
        return None
    first, last = days
    return max(first, last - timedelta(days=max(length_days, 1) - 1)), last


def year_of_days(store: Store, timezone: str, today: date, device: str | None = None) -> dict[date, int]:
    """Total tokens per local day over the 365 days ending ``today`` (of one ``device``: as ``UsageQuery``)."""
    zone = get_zone(timezone)
    first = today - timedelta(days=364)
    f = UsageFilter(local_day_start_ms(first, zone), local_day_start_ms(today + timedelta(days=1), zone), device=device)
    span = store.usage.time_span()
    offsets = offset_segments(zone, *span) if span else [(2**62, 0)]
    epoch = date(1970, 1, 1)
    return {epoch + timedelta(days=k): n for k, n in store.usage.day_totals(f, offsets) if n}


@dataclass(frozen=True)
class Comparison:
    """The period before the one shown, as the cards compare with it."""

    since: date
    until: date
    totals: Totals
    active_days: int
    tasks_completed: int


def previous_totals(
    store: Store,
    *,
    timezone: str,
    since: date,
    until: date,
    overrides: Mapping[str, Mapping[str, Any]],
    helpers: Sequence[Store] = (),
    device: str | None = None,
) -> Comparison:
    """Totals, active days and tasks completed in the period just before ``since..until``."""
    p_since, p_until = previous_period(since, until)
    query = UsageQuery("daily", timezone, p_since, p_until, device=device)
    daily = build_usage_report(store, query, overrides, helpers)
    zone = get_zone(timezone)
    tasks = store.tasks.completed_count(
        local_day_start_ms(p_since, zone), local_day_start_ms(p_until + timedelta(days=1), zone)
    )
    active = sum(1 for r in daily.rows if r.totals.total_tokens > 0)
    return Comparison(p_since, p_until, daily.total.totals, active, tasks)


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
    device: str | None = None,
) -> Dashboard:
    """The dashboard for ``since..until``; ``day_filter`` narrows it to one day (heat map click).

    ``heatmap`` is the last 365 days from an earlier call: it does not change with the
    period, so redrawing for another period need not compute it again. ``device``: one
    machine's usage (``UsageQuery.device``); tasks are the person's, on every machine.
    """
    if day_filter is not None:
        since = until = day_filter
    daily = build_usage_report(store, UsageQuery("daily", timezone, since, until, device=device), overrides, helpers)
    hourly = build_usage_report(store, UsageQuery("hour", timezone, since, until, device=device), overrides, helpers)
    if heatmap is None:
        heatmap = year_of_days(store, timezone, today, device)
    by_day = {date.fromisoformat(r.period): r for r in daily.rows}
    span = (until - since).days + 1
    days = [(since + timedelta(days=i), by_day.get(since + timedelta(days=i))) for i in range(span)]
    hours = [0] * 24
    for r in hourly.rows:
        hours[int(r.period)] = r.totals.total_tokens
    work = build_work_summary(store, timezone, since, until, overrides, helpers=helpers,
                              weekly_usage=weeks_of_days(days), device=device)  # fmt: skip
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
