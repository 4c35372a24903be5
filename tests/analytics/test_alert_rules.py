"""Every alert rule with a fake clock: thresholds, windows, quiet hours, restarts."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tracker.analytics.alert_rules import Settings, Usage, due_alerts, in_quiet_hours

TZ = ZoneInfo("Europe/Berlin")
WED_NOON = datetime(2026, 6, 3, 12, 0, tzinfo=TZ)


def usage(
    now: datetime = WED_NOON, day: int = 0, week: int = 0, month: int = 0, cost: str = "0", **kw: object
) -> Usage:
    return Usage(
        now=now,
        tokens={"day": day, "week": week, "month": month},
        cost={"day": Decimal(cost), "week": Decimal(cost), "month": Decimal(cost)},
        **kw,
    )  # type: ignore[arg-type]


def settings(**kw: object) -> Settings:
    base: dict[str, object] = {"budgets": {}, "rules_on": {}}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def keys(alerts: list) -> list[str]:
    return [a.key for a in alerts]


def test_budget_steps_fire_once_each_and_only_the_highest() -> None:
    s = settings(budgets={"daily_tokens": 1000})
    assert due_alerts(usage(day=499), s, set()) == []
    first = due_alerts(usage(day=500), s, set())
    assert keys(first) == ["budget:daily_tokens:50:2026-06-03"]
    fired = set(keys(first))
    assert due_alerts(usage(day=700), s, fired) == []  # same step: nothing new, even after a restart
    jump = due_alerts(usage(day=1200), s, fired)  # crossed 80 and 100 at once: one alert, the highest
    assert keys(jump) == ["budget:daily_tokens:100:2026-06-03"]
    assert jump[0].urgency == "critical" and "1,200 tokens of 1,000 tokens" in jump[0].body
    tomorrow = due_alerts(usage(now=WED_NOON + timedelta(days=1), day=600), s, fired | set(keys(jump)))
    assert keys(tomorrow) == ["budget:daily_tokens:50:2026-06-04"]  # a new day is a new window


def test_cost_weekly_and_monthly_budgets_use_their_windows() -> None:
    s = settings(budgets={"weekly_cost_usd": Decimal("10"), "monthly_tokens": 100})
    got = keys(due_alerts(usage(week=0, month=85, cost="8.5"), s, set()))
    assert got == ["budget:weekly_cost_usd:80:2026-W23", "budget:monthly_tokens:80:2026-06"]


def test_quiet_hours_hold_alerts_back_until_they_end() -> None:
    from tracker.core.settings_schema import QUIET_HOURS

    night, noon = QUIET_HOURS.parse("22:00-08:00"), QUIET_HOURS.parse("12:00-13:00")
    s = settings(budgets={"daily_tokens": 100}, quiet_hours=night)
    late = WED_NOON.replace(hour=23)
    assert due_alerts(usage(now=late, day=200), s, set()) == []
    morning = (WED_NOON + timedelta(days=1)).replace(hour=7, minute=59)
    assert due_alerts(usage(now=morning, day=200), s, set()) == []
    assert in_quiet_hours(morning, night) and not in_quiet_hours(WED_NOON, night)
    assert in_quiet_hours(WED_NOON, noon) and not in_quiet_hours(WED_NOON, QUIET_HOURS.parse(""))
    after = morning.replace(hour=8, minute=0)
    assert len(due_alerts(usage(now=after, day=200), s, set())) == 1


def test_pause_and_rules_switched_off() -> None:
    s = settings(budgets={"daily_tokens": 100})
    assert due_alerts(usage(day=200), s, set(), paused_until=WED_NOON + timedelta(hours=1)) == []
    assert len(due_alerts(usage(day=200), s, set(), paused_until=WED_NOON - timedelta(minutes=1))) == 1
    off = settings(budgets={"daily_tokens": 100}, rules_on={"budget": False})
    assert due_alerts(usage(day=200), off, set()) == []


def test_quota_pace() -> None:
    s = settings(weekly_token_target=7000, weekly_active_days=5)
    thursday = WED_NOON + timedelta(days=1)  # 3.5 days of 7 gone
    got = due_alerts(usage(now=thursday, week=1000, active_days_week=1), s, set())
    assert keys(got) == ["pace:tokens:2026-W23", "pace:days:2026-W23"]
    assert due_alerts(usage(now=thursday, week=4000, active_days_week=3), s, set()) == []
    monday = WED_NOON - timedelta(days=2)  # too early in the week to judge
    assert due_alerts(usage(now=monday, week=0, active_days_week=0), s, set()) == []


def test_spike_against_the_trailing_median() -> None:
    s = settings(spike_factor=3.0)
    history = [1000, 1200, 900, 1100, 1000, 0, 0]
    assert keys(due_alerts(usage(day=3100, daily_history=history), s, set())) == ["spike:2026-06-03"]
    assert due_alerts(usage(day=2900, daily_history=history), s, set()) == []
    assert due_alerts(usage(day=10_000, daily_history=[1000, 1000]), s, set()) == []  # too little history


def test_rate_limits_and_claude_blocks() -> None:
    s = settings(limit_percent=80.0, block_tokens=1_000_000)
    resets = int((WED_NOON + timedelta(hours=2)).timestamp() * 1000)
    got = due_alerts(usage(rate_limits={"5-hour": (85.0, resets), "weekly": (40.0, None)}), s, set())
    assert keys(got) == [f"limit:codex:5-hour:{resets}"] and "Resets at 14:00" in got[0].body
    block = WED_NOON.replace(hour=10)
    got = due_alerts(usage(block_tokens=850_000, block_start=block), s, set())
    assert keys(got) == ["limit:claude-block:2026-06-03T10:00"] and "ends at 15:00" in got[0].body
    assert due_alerts(usage(block_tokens=700_000, block_start=block), s, set()) == []


def test_end_of_day_and_weekly_report() -> None:
    s = settings(end_of_day=time(17, 30), weekly_report_day=4, weekly_report_time=time(16, 0))
    assert due_alerts(usage(sessions_today_without_task=2), s, set()) == []  # noon: not yet
    evening = WED_NOON.replace(hour=18)
    got = due_alerts(usage(now=evening, sessions_today_without_task=2), s, set())
    assert keys(got) == ["eod:2026-06-03"] and "2 AI sessions" in got[0].body
    assert due_alerts(usage(now=evening, sessions_today_without_task=0), s, set()) == []
    friday = WED_NOON + timedelta(days=2, hours=4)
    assert keys(due_alerts(usage(now=friday), s, set())) == ["report:2026-W23"]
    assert due_alerts(usage(now=friday.replace(hour=15)), s, set()) == []


@pytest.mark.parametrize("bad", ["late", "22:00", "25:00-08:00"])
def test_quiet_hours_setting_is_validated(bad: str) -> None:
    from tracker.core.errors import SettingError
    from tracker.core.settings_schema import get_setting

    with pytest.raises(SettingError):
        get_setting("notify.quiet_hours").parse(bad)
