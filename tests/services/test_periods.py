"""Named periods, ◀ ▶ stepping and "where is the latest usage"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.dashboard import (
    latest_usage_period,
    period_range,
    previous_period,
    step_period,
    stored_days,
    whole_period,
)
from tracker.services.importer import run_import

WED = date(2026, 6, 3)


def test_presets() -> None:
    assert period_range("Yesterday", WED) == (date(2026, 6, 2), date(2026, 6, 2))
    assert period_range("Last week", WED) == (date(2026, 5, 25), date(2026, 5, 31))
    assert period_range("Last month", WED) == (date(2026, 5, 1), date(2026, 5, 31))
    assert period_range("Last month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert period_range("Last 90 days", WED) == (date(2026, 3, 6), WED)
    assert period_range("This year", WED) == (date(2026, 1, 1), WED)
    assert period_range("All time", WED, stored=(date(2025, 9, 20), date(2026, 6, 2))) == (date(2025, 9, 20), WED)
    assert period_range("All time", WED) == (WED, WED)  # nothing stored yet


def test_stepping() -> None:
    assert step_period(date(2026, 5, 1), date(2026, 5, 31), -1) == (date(2026, 4, 1), date(2026, 4, 30))
    assert step_period(date(2026, 1, 1), date(2026, 3, 31), -1) == (date(2025, 10, 1), date(2025, 12, 31))
    assert step_period(date(2026, 5, 25), date(2026, 5, 31), 1) == (date(2026, 6, 1), date(2026, 6, 7))
    assert step_period(date(2026, 5, 5), WED, -1) == (date(2026, 4, 5), date(2026, 5, 4))  # 30 days
    assert whole_period("This month", date(2026, 2, 1), date(2026, 2, 3)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert whole_period("This week", date(2026, 6, 1), WED) == (date(2026, 6, 1), date(2026, 6, 7))
    assert whole_period("This year", date(2026, 1, 1), WED) == (date(2026, 1, 1), date(2026, 12, 31))
    assert previous_period(date(2026, 6, 1), date(2026, 6, 2)) == (date(2026, 5, 30), date(2026, 5, 31))


def test_latest_usage(ctx: Context, home: Path) -> None:
    store = ctx.store()
    assert stored_days(store, "UTC") is None
    assert latest_usage_period(store, "UTC", 30) is None
    install_fixture_logs(home)
    run_import(store.conn, home=home, env={}, config=ctx.source_config())
    assert stored_days(store, "UTC") == (date(2026, 6, 1), date(2026, 6, 2))
    assert latest_usage_period(store, "UTC", 30) == (date(2026, 6, 1), date(2026, 6, 2))  # clipped to the first
    assert latest_usage_period(store, "UTC", 1) == (date(2026, 6, 2), date(2026, 6, 2))
