"""Dashboard numbers come from the same reports as the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.dashboard import build_dashboard, period_range
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report


def test_period_ranges() -> None:
    today = date(2026, 6, 3)  # a Wednesday
    assert period_range("Today", today) == (today, today)
    assert period_range("This week", today) == (date(2026, 6, 1), today)
    assert period_range("This month", today) == (date(2026, 6, 1), today)
    assert period_range("Last 30 days", today) == (date(2026, 5, 5), today)
    assert period_range("Custom", today, (date(2026, 6, 2), date(2026, 5, 1))) == (
        date(2026, 5, 1),
        date(2026, 6, 2),
    )


def test_dashboard_matches_the_usage_report(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    store = ctx.store()
    conn = store.conn
    run_import(conn, home=home, env={}, config=ctx.source_config())
    today = date(2026, 6, 3)
    d = build_dashboard(
        store, timezone="UTC", since=date(2026, 6, 1), until=today, today=today, overrides={}, weekly_target=4
    )
    report = build_usage_report(store, UsageQuery("daily", "UTC", date(2026, 6, 1), today), {})
    assert d.totals == report.total.totals
    assert [day for day, _ in d.days] == [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    assert d.days[2][1] is None
    assert sum(d.hours) == report.total.totals.total_tokens
    assert d.hours[9] == 16623 and d.hours[10] == 31500  # 09:00Z Claude, 10:00Z Codex
    assert d.heatmap == {date(2026, 6, 1): 64688, date(2026, 6, 2): 15}
    assert d.active_days_this_week == 2 and d.weekly_target == 4
    assert set(d.by_source) == {"claude-code", "codex"}
    assert 0 < d.cache_read_share < 1
    one = build_dashboard(
        store,
        timezone="UTC",
        since=date(2026, 6, 1),
        until=today,
        today=today,
        overrides={},
        day_filter=date(2026, 6, 2),
    )
    assert one.totals.total_tokens == 15


def test_tasks_completed_and_cost_per_outcome(ctx: Context, home: Path) -> None:
    from decimal import Decimal

    from tracker.core.tasks import NewTask

    install_fixture_logs(home)
    store = ctx.store()
    conn = store.conn
    run_import(conn, home=home, env={}, config=ctx.source_config())
    june_1_noon = 1780315200000
    store.tasks.add(NewTask("Cart", category="feature", hours_saved=Decimal("1.5")), june_1_noon)
    store.tasks.add(NewTask("Still open", done=False), june_1_noon)
    store.tasks.add(NewTask("Later", category="bug fix"), june_1_noon + 86_400_000 * 40)
    assert store.tasks.completed_count(june_1_noon, june_1_noon + 1) == 1
    d = build_dashboard(
        store, timezone="UTC", since=date(2026, 6, 1), until=date(2026, 6, 3), today=date(2026, 6, 3), overrides={}
    )
    assert d.tasks_completed == 1
    # "Cart" has no linked session: it is an outcome, but it has no cost, and all spend is unlinked.
    f = d.figures
    assert f.cost_per_outcome is None and f.tasks_with_spend == 0
    assert f.not_linked.cost_usd == d.totals.cost_usd and f.linked_share == 0.0
    assert f.hours_saved == Decimal("1.5")
    assert NewTask("  ").problems() == ["a task needs a title"]
    assert NewTask("x", category="nap").problems()[0].startswith("unknown category 'nap'")
    hours, title = conn.execute("SELECT hours_saved, title FROM tasks WHERE id = 1").fetchone()
    assert (hours, title) == ("1.5", "Cart")
