"""Notification rules: pure functions of the usage numbers and an injected time.

Each rule yields ``Alert``s with a ``key`` naming the rule and its window (e.g. the day a daily
budget applies to); the engine remembers keys that fired, so an alert comes at most once per
window, even across restarts.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from tracker.analytics.usage_rollup import Period, label_of
from tracker.core.formatting import money, plural
from tracker.core.setting_types import Hours

BUDGET_STEPS = (50, 80, 100)


@dataclass(frozen=True)
class Alert:
    key: str  # rule and window: at most one alert per key, ever
    rule: str
    title: str
    body: str
    urgency: str = "normal"  # low | normal | critical


@dataclass(frozen=True)
class Usage:
    """What the rules look at, computed by the service for ``now`` in the user's zone."""

    now: datetime  # local, aware
    tokens: Mapping[str, int]  # "day", "week", "month" -> tokens so far
    cost: Mapping[str, Decimal]
    daily_history: list[int] = field(default_factory=list)  # tokens per day before today, oldest first
    active_days_week: int = 0
    sessions_today_without_task: int = 0
    rate_limits: Mapping[str, tuple[float, int | None]] = field(default_factory=dict)  # window -> (%, resets ms)
    block_tokens: int = 0  # tokens in the current Claude Code 5-hour block
    block_start: datetime | None = None


@dataclass(frozen=True)
class Settings:
    budgets: Mapping[str, int | Decimal]  # "daily_tokens", "weekly_cost_usd", … ; 0 means none
    rules_on: Mapping[str, bool]
    quiet_hours: Hours | None = None  # e.g. 22:00-08:00
    weekly_token_target: int = 0
    weekly_active_days: int = 0
    spike_factor: float = 3.0
    limit_percent: float = 80.0
    block_tokens: int = 0
    end_of_day: time = time(17, 30)
    weekly_report_day: int = 4  # Friday
    weekly_report_time: time = time(16, 0)


def _window(period: Period, now: datetime) -> str:
    return label_of(now.date(), period)


def _fmt(value: int | Decimal, unit: str) -> str:
    return money(value) if unit == "cost_usd" else plural(int(value), "token")


def budget_alerts(u: Usage, s: Settings) -> Iterable[Alert]:
    periods: tuple[tuple[Period, str], ...] = (("daily", "day"), ("weekly", "week"), ("monthly", "month"))
    for period, scope in periods:
        for unit in ("tokens", "cost_usd"):
            limit = s.budgets.get(f"{period}_{unit}", 0)
            if not limit:
                continue
            used = u.tokens[scope] if unit == "tokens" else u.cost[scope]
            share = Decimal(used) * 100 / Decimal(limit)
            reached = [step for step in BUDGET_STEPS if share >= step]
            if not reached:
                continue
            step = reached[-1]  # only the highest step crossed: no burst of three alerts at once
            yield Alert(
                f"budget:{period}_{unit}:{step}:{_window(period, u.now)}",
                "budget",
                f"{period.capitalize()} budget {step}% used" if step < 100 else f"{period.capitalize()} budget reached",
                f"{_fmt(used, unit)} of {_fmt(limit, unit)} this {scope} ({share:.0f}%).",
                "critical" if step >= 100 else "normal",
            )


def pace_alerts(u: Usage, s: Settings) -> Iterable[Alert]:
    elapsed = (u.now.weekday() * 24 + u.now.hour) / (7 * 24)
    week = _window("weekly", u.now)
    if s.weekly_token_target and elapsed >= 0.5 and u.tokens["week"] < s.weekly_token_target * elapsed * 0.7:
        yield Alert(
            f"pace:tokens:{week}",
            "pace",
            "Behind the weekly token target",
            f"{u.tokens['week']:,} of {s.weekly_token_target:,} tokens with {elapsed:.0%} of the week gone.",
        )
    expected = s.weekly_active_days * (u.now.weekday() + 1) / 7
    if s.weekly_active_days and u.now.weekday() >= 2 and u.active_days_week + 1 < expected:
        yield Alert(
            f"pace:days:{week}",
            "pace",
            "Behind the active-day target",
            f"{u.active_days_week} active days so far; the target is {s.weekly_active_days} a week.",
        )


def spike_alerts(u: Usage, s: Settings) -> Iterable[Alert]:
    history = [n for n in u.daily_history[-28:] if n]
    if len(history) < 5:
        return
    median = statistics.median(history)
    if median and u.tokens["day"] > s.spike_factor * median:
        yield Alert(
            f"spike:{_window('daily', u.now)}",
            "spike",
            "Unusual usage today",
            f"{u.tokens['day']:,} tokens today, {u.tokens['day'] / median:.1f}× your median day ({median:,.0f}).",
        )


def limit_alerts(u: Usage, s: Settings) -> Iterable[Alert]:
    for window, (percent, resets_ms) in u.rate_limits.items():
        if percent >= s.limit_percent:
            resets = f" Resets at {datetime.fromtimestamp(resets_ms / 1000, u.now.tzinfo):%H:%M}." if resets_ms else ""
            yield Alert(
                f"limit:codex:{window}:{resets_ms}",
                "limits",
                f"Codex {window} limit at {percent:.0f}%",
                f"The Codex {window} rate-limit window is {percent:.0f}% used.{resets}",
            )
    if s.block_tokens and u.block_start is not None and u.block_tokens >= s.block_tokens * s.limit_percent / 100:
        ends = u.block_start + timedelta(hours=5)
        yield Alert(
            f"limit:claude-block:{u.block_start:%Y-%m-%dT%H:%M}",
            "limits",
            "Claude Code 5-hour block",
            f"{u.block_tokens:,} tokens in the block that ends at {ends:%H:%M}.",
        )


def end_of_day_alerts(u: Usage, s: Settings) -> Iterable[Alert]:
    if u.sessions_today_without_task and u.now.time() >= s.end_of_day:
        n = u.sessions_today_without_task
        yield Alert(
            f"eod:{_window('daily', u.now)}",
            "end_of_day",
            "Log what you did",
            f"{n} AI session{'s' if n > 1 else ''} today with no task. What did they produce?",
            "low",
        )


def weekly_report_alerts(u: Usage, s: Settings) -> Iterable[Alert]:
    if u.now.weekday() == s.weekly_report_day and u.now.time() >= s.weekly_report_time:
        yield Alert(
            f"report:{_window('weekly', u.now)}",
            "weekly_report",
            "Your weekly report is ready",
            "Export last week's summary from the tray menu.",
            "low",
        )


RULES = {
    "budget": budget_alerts,
    "pace": pace_alerts,
    "spike": spike_alerts,
    "limits": limit_alerts,
    "end_of_day": end_of_day_alerts,
    "weekly_report": weekly_report_alerts,
}


def in_quiet_hours(now: datetime, quiet: Hours | None) -> bool:
    """``22:00-08:00`` wraps midnight; ``None`` means never quiet."""
    return quiet is not None and quiet.contains(now.time())


def due_alerts(u: Usage, s: Settings, fired: set[str], paused_until: datetime | None = None) -> list[Alert]:
    """The alerts to show now: rules that are on, not fired before, outside quiet hours and pauses.

    An alert held back by quiet hours or a pause is not marked as fired, so it comes later.
    """
    if in_quiet_hours(u.now, s.quiet_hours) or (paused_until is not None and u.now < paused_until):
        return []
    out: list[Alert] = []
    for name, rule in RULES.items():
        if s.rules_on.get(name, True):
            out.extend(a for a in rule(u, s) if a.key not in fired)
    return out
