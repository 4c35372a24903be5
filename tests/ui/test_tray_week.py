"""The tray's "This week" is the dashboard's: the week starts where the locale starts it
(Sunday in en-US, Monday in de-DE), in the menu row, the tooltip and today's summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from tests.helpers.loggen import LogWriter
from tests.ui.test_tray_summary import Recorder
from tracker.analytics.value_figures import summary_line
from tracker.services.context import Context
from tracker.services.dashboard import build_dashboard
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.ui.dashboard_page import picker_range
from tracker.ui.formatting import money, plural
from tracker.ui.main_window import MainWindow
from tracker.ui.tray import TrayController, live_rows

TUESDAY = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
SATURDAY, SUNDAY, MONDAY = date(2026, 5, 30), date(2026, 5, 31), date(2026, 6, 1)


@pytest.fixture
def tray(qtbot, ctx: Context, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrayController]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")  # alerts go to the tray
    ctx.settings.set("general.timezone", "UTC")
    w = LogWriter(home, seed=7, content_bytes=40)
    for day in (SATURDAY, SUNDAY, MONDAY):  # one session on each of the three days around the week's start
        w.claude_session(datetime(day.year, day.month, day.day, 10, tzinfo=UTC), project="/home/dev/shop", turns=2)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = TrayController(window)
    controller.timer.stop()  # the test ticks by hand
    qtbot.waitUntil(lambda: not window.reads.pending(), timeout=30_000)
    yield controller
    window.stop()


@pytest.mark.parametrize(("name", "first"), [("en_US", SUNDAY), ("de_DE", MONDAY)])
def test_the_trays_week_is_the_dashboards_week(
    qtbot, ctx: Context, tray: TrayController, name: str, first: date
) -> None:
    QLocale.setDefault(QLocale(name))
    today = TUESDAY.date()
    assert picker_range("This week", today)[0] == first  # the dashboard's rule
    per_day = {
        r.period: r.totals.total_tokens
        for r in build_usage_report(ctx.reader(), UsageQuery("daily", "UTC", SATURDAY, today), {}).rows
    }
    assert len([n for n in per_day.values() if n]) == 3  # the three sessions, one a day
    tokens = sum(n for d, n in per_day.items() if d >= first.isoformat())
    shown = build_dashboard(ctx.reader(), timezone="UTC", since=first, until=today, today=today, overrides={})
    assert shown.totals.total_tokens == tokens  # what the dashboard shows for "This week"
    days = 2 if first == SUNDAY else 1

    with qtbot.waitSignal(tray.ticked, timeout=30_000):
        tray.check(TUESDAY)
    got = tray.last
    assert got is not None and got.week is not None and got.week.start == first
    assert got.usage.tokens["week"] == per_day[MONDAY.isoformat()]  # the rules keep Monday weeks
    rows = {act: text for text, act in live_rows(got, 0)}
    assert rows["open_week"] == (
        f"This week: {plural(tokens, 'token')} · {money(shown.totals.cost_usd)} · {plural(days, 'active day')}"
    )
    assert tray.icon.toolTip().endswith(f"\n{plural(days, 'active day')} this week")

    recorder = Recorder()
    tray.notifier = recorder  # type: ignore[assignment] # records what would be shown
    tray.summary_at(TUESDAY)
    qtbot.waitUntil(lambda: bool(recorder.shown), timeout=30_000)  # read on the read thread, then shown
    (alert,) = recorder.shown
    head, week_line = alert.body.splitlines()
    assert head.endswith(f" · {plural(days, 'active day')} this week")
    assert week_line == f"This week: {summary_line(shown.figures)}"
