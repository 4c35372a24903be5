"""Usage cut into chart slots from a real store: the slots add up to the period's total."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from tests.conftest import install_fixture_logs
from tracker.services.chart_series import done_by_slot, usage_by_slot
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report


def test_slots_add_up_to_the_report(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    store = ctx.store()
    run_import(store.conn, home=home, env={}, config=ctx.source_config())
    june1, june2 = date(2026, 6, 1), date(2026, 6, 2)
    total = build_usage_report(store, UsageQuery("daily", "UTC", june1, june2), {}).total.totals.total_tokens
    hourly = usage_by_slot(store, "UTC", june1, june2, {})
    assert hourly.bucket == "hour" and len(hourly.slots) == 48
    assert sum(hourly.tokens()) == total == 64_703
    assert hourly.rows[9] is not None  # the Claude Code session starts 09:00 UTC on 1 June
    daily = usage_by_slot(store, "UTC", date(2026, 5, 20), june2, {})
    assert daily.bucket == "day" and sum(daily.tokens()) == total
    weekly = usage_by_slot(store, "UTC", date(2026, 3, 1), june2, {})
    assert weekly.bucket == "week" and sum(weekly.tokens()) == total
    assert weekly.slots[-1].first == june1  # the week of Monday 1 June, cut at 2 June


def test_done_by_slot() -> None:
    from tracker.analytics.buckets import slots

    s = slots(date(2026, 6, 1), date(2026, 6, 1))
    ms = int(datetime(2026, 6, 1, 14, 30, tzinfo=UTC).timestamp() * 1000)
    assert done_by_slot(s, [ms, ms, None], "UTC")[14] == 2
    assert done_by_slot(s, [ms], "Europe/Berlin")[16] == 1
