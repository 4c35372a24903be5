"""Which alerts are due now, from the store and the settings; and the record of those shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from tracker.analytics.alert_rules import Alert, Settings, Usage, due_alerts
from tracker.core import settings_schema as schema
from tracker.core.timezones import get_zone
from tracker.services.context import Context
from tracker.services.dashboard import year_of_days
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.services.work_summary import build_work_summary
from tracker.store.changes import Changes
from tracker.store.store import Store

BLOCK_MS = 5 * 3_600_000


def rule_settings(ctx: Context) -> Settings:
    value = ctx.settings.value
    budgets: dict[str, int | Decimal] = {}
    for period in schema.BUDGET_PERIODS:
        budgets[f"{period}_tokens"] = value(schema.TOKEN_BUDGETS[period])
        budgets[f"{period}_cost_usd"] = value(schema.COST_BUDGETS[period])
    return Settings(
        budgets=budgets,
        rules_on={rule: value(setting) for rule, setting in schema.RULES.items()},
        quiet_hours=value(schema.QUIET_HOURS),
        weekly_token_target=value(schema.WEEKLY_TOKENS),
        weekly_active_days=value(schema.WEEKLY_ACTIVE_DAYS),
        spike_factor=float(value(schema.SPIKE_FACTOR)),
        limit_percent=float(value(schema.LIMIT_PERCENT)),
        block_tokens=value(schema.BLOCK_TOKENS),
        end_of_day=value(schema.END_OF_DAY),
        weekly_report_day=value(schema.WEEKLY_REPORT_DAY),
        weekly_report_time=value(schema.WEEKLY_REPORT_TIME),
    )


def claude_block(store: Store, now_ms: int) -> tuple[int, int | None]:
    """Tokens in the current Claude Code 5-hour block (blocks start on the hour of their first request)."""
    start: int | None = None
    tokens = 0
    for ts, total in store.usage.request_totals("claude-code", now_ms - 2 * BLOCK_MS):
        if ts > now_ms:  # a clock ahead (or a replayed log): not part of the block running now
            break
        if start is None or ts >= start + BLOCK_MS:
            start, tokens = ts - ts % 3_600_000, 0
        tokens += total
    if start is None or now_ms >= start + BLOCK_MS:
        return 0, None
    return tokens, start


def current_usage(ctx: Context, store: Store, now: datetime) -> Usage:
    tz = ctx.timezone()
    local = now.astimezone(get_zone(tz))
    today = local.date()
    monday = today - timedelta(days=today.weekday())
    first = min(today.replace(day=1), monday)
    overrides = ctx.price_overrides()
    daily = build_usage_report(store, UsageQuery("daily", tz, first, today), overrides)
    by_day = {r.period: r.totals for r in daily.rows}

    def total(since: object) -> tuple[int, Decimal]:
        rows = [t for d, t in by_day.items() if d >= str(since)]
        return sum(t.total_tokens for t in rows), sum((t.cost_usd for t in rows), Decimal(0))

    (day_t, day_c), (week_t, week_c), (month_t, month_c) = total(today), total(monday), total(today.replace(day=1))
    year = year_of_days(store, tz, today)
    history = [year.get(today - timedelta(days=i), 0) for i in range(28, 0, -1)]
    limits: dict[str, tuple[float, int | None]] = {}
    row = store.usage.latest_rate_limits()
    now_ms = int(now.timestamp() * 1000)
    if row is not None:
        for percent, minutes, resets in (row[:3], row[3:]):
            if percent is not None and (resets is None or resets > now_ms):
                name = "5-hour" if minutes == 300 else "weekly" if minutes == 10080 else f"{minutes}-minute"
                limits[name] = (float(percent), resets)
    block_tokens, block_start = claude_block(store, now_ms)
    orphans = build_work_summary(store, tz, today, today, overrides, orphans_limit=None).orphans
    return Usage(
        now=local,
        tokens={"day": day_t, "week": week_t, "month": month_t},
        cost={"day": day_c, "week": week_c, "month": month_c},
        daily_history=history,
        active_days_week=sum(1 for d, n in year.items() if d >= monday and n),
        sessions_today_without_task=len(orphans),
        rate_limits=limits,
        block_tokens=block_tokens,
        block_start=datetime.fromtimestamp(block_start / 1000, local.tzinfo) if block_start else None,
    )


def pending_alerts(ctx: Context, store: Store, now: datetime) -> list[Alert]:
    """Alerts due now and not shown before (reads only)."""
    usage = current_usage(ctx, store, now)
    return due_alerts(usage, rule_settings(ctx), store.alerts.fired(), store.alerts.paused_until())


def record(store: Store, alert: Alert, via: str, now: datetime) -> bool:
    """Remember an alert as shown; False when it already was (another process got there first)."""
    changes = store.alerts.record(alert.key, alert.rule, alert.title, alert.body, int(now.timestamp() * 1000), via)
    return bool(changes)


def pause(store: Store, until: datetime) -> Changes:
    return store.alerts.pause(until)


def history(store: Store, limit: int = 200) -> list[tuple[int, str, str, str, str]]:
    return store.alerts.history(limit)
