"""The tray's face: the arc's sweep follows the budget used (pixels sampled at angles), the
tooltip says "11,000 / 10,000 tokens (110 %)", and the menu's live rows act."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.ui.test_tray import claude_line
from tracker.analytics.alert_rules import Alert, Settings, Usage
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.ui.main_window import MainWindow
from tracker.ui.tray import TrayController, TrayTick, live_rows
from tracker.ui.tray_icon import COLOURS, RING, BudgetUse, budget_use, state, tooltip, tray_pixmap

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def colour_at(image: QImage, degrees: float) -> QColor:
    """The pixel on the middle of the ring, ``degrees`` clockwise from 12 o'clock."""
    r = RING.width() / 2
    x = RING.center().x() + r * math.sin(math.radians(degrees))
    y = RING.center().y() - r * math.cos(math.radians(degrees))
    return image.pixelColor(int(x), int(y))


def is_arc(c: QColor, kind: str) -> bool:
    want = QColor(COLOURS[kind])
    return c.alpha() == 255 and all(abs(a - b) <= 8 for a, b in zip(c.getRgb()[:3], want.getRgb()[:3], strict=True))


def is_track(c: QColor) -> bool:
    return 40 <= c.alpha() <= 140  # faint: the track shows through


@pytest.mark.parametrize(("used", "kind"), [(2_500, "under"), (5_000, "under"), (9_000, "near")])
def test_the_arc_sweeps_in_proportion_to_the_budget_used(qtbot, used: int, kind: str) -> None:
    use = BudgetUse(used, 10_000, "tokens")
    assert state(use) == kind
    image = tray_pixmap(use).toImage()
    sweep = 360 * used / 10_000
    for degrees in range(5, 360, 10):
        c = colour_at(image, degrees)
        if degrees < sweep - 4:
            assert is_arc(c, kind), (degrees, c.getRgb())
        elif degrees > sweep + 4:
            assert is_track(c), (degrees, c.getRgb())


def test_over_budget_is_a_full_arc_in_the_alert_colour_and_no_budget_the_track_only(qtbot) -> None:
    over = tray_pixmap(BudgetUse(11_000, 10_000, "tokens")).toImage()
    assert all(is_arc(colour_at(over, d), "over") for d in range(0, 360, 15))
    none = tray_pixmap(None).toImage()
    assert all(is_track(colour_at(none, d)) for d in range(0, 360, 15))
    centre = none.pixelColor(32, 24)  # the coin behind the T: the app's mark in every state
    assert centre.alpha() == 255


def usage(tokens: int = 11_000, cost: str = "4.20", days: int = 3) -> Usage:
    return Usage(NOW, {"day": tokens, "week": 42_000, "month": 90_000},
                 {"day": Decimal(cost), "week": Decimal("12.5"), "month": Decimal(30)}, active_days_week=days)  # fmt: skip


def test_the_tooltip_says_the_budget_used() -> None:
    tokens = Settings(budgets={"daily_tokens": 10_000, "daily_cost_usd": Decimal(0)}, rules_on={})
    assert budget_use(usage(), tokens) == BudgetUse(11_000, 10_000, "tokens")
    assert tooltip(usage(), budget_use(usage(), tokens)) == (
        "Tokenworth — today\n11,000 / 10,000 tokens (110 %)\n$4.20 · 3 active days this week"
    )
    money = Settings(budgets={"daily_tokens": 0, "daily_cost_usd": Decimal(10)}, rules_on={})
    assert tooltip(usage(), budget_use(usage(), money)) == (
        "Tokenworth — today\n$4.20 / $10.00 (42 %)\n11,000 tokens · 3 active days this week"
    )
    both = Settings(budgets={"daily_tokens": 100_000, "daily_cost_usd": Decimal(5)}, rules_on={})
    assert budget_use(usage(), both).unit == "cost_usd"  # the one closest to its limit
    assert tooltip(usage(days=1), None) == "Tokenworth — today\n11,000 tokens · $4.20\n1 active day this week"


def test_the_live_rows_lead_to_the_day_or_a_new_task() -> None:
    s = Settings(budgets={"daily_tokens": 10_000}, rules_on={})
    got = TrayTick(usage(), s, [Alert("k", "budget", "Daily budget reached", "")],
                   shown_today=[("end_of_day", "Log what you did"), ("budget", "Daily budget reached")])  # fmt: skip
    assert live_rows(got, 0) == [
        ("Today: 11,000 / 10,000 tokens (110 %) · $4.20", "open_day"),
        ("This week: 42,000 tokens · $12.50 · 3 active days", "open_week"),
        ("⚠ Daily budget reached — Open day", "open_day"),
        ("⚠ Log what you did — Log task…", "log_task"),
    ]


@pytest.fixture
def tray(qtbot, ctx: Context, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrayController]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")  # alerts go to the tray
    ctx.settings.set("general.timezone", "UTC")
    ctx.settings.set("budget.daily_tokens", "10000")
    log = home / ".claude" / "projects" / "p" / "s.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text("".join(claude_line(n, 1000) for n in range(11)))  # 11,000 tokens today
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = TrayController(window)
    controller.timer.stop()  # the test ticks by hand
    yield controller
    window.stop()


def test_a_real_tick_draws_the_budget_and_the_rows_act(qtbot, tray: TrayController) -> None:
    with qtbot.waitSignal(tray.ticked, timeout=30_000):
        tray.check()
    assert tray.icon.toolTip().splitlines()[1] == "11,000 / 10,000 tokens (110 %)"
    image = tray.icon.icon().pixmap(64, 64).toImage()
    assert is_arc(colour_at(image, 200), "over")
    tray.refresh_rows()
    rows = {a.text(): a for a in tray.live}
    assert "⚠ Daily budget reached — Open day" in rows  # due this tick: shown, and in the menu
    rows["Today: 11,000 / 10,000 tokens (110 %) · $0.03"].trigger()
    board = tray.window.dashboard
    assert tray.window.nav.currentRow() == 0
    assert board.day_filter == board.today() or board.period.currentText() == "Today"


def test_an_alert_row_on_the_alerts_page_acts(qtbot, tray: TrayController) -> None:
    from tracker.services import notifications

    window = tray.window
    store = window.ctx.store()
    fired = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    notifications.record(store, Alert("budget:x", "budget", "Daily budget reached", "11,000 of 10,000"), "tray", fired)
    later = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    notifications.record(store, Alert("eod:x", "end_of_day", "Log what you did", "1 session"), "dbus", later)
    page = window.alerts
    page.log_task.disconnect()  # the window's modal task dialog would wait for a click
    page.open_day.disconnect()
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=30_000)
    assert page.table.columnCount() == 3 and page.table.item(0, 0).toolTip() == "Shown as a desktop notification"
    with qtbot.waitSignal(page.log_task):
        page.act(0)  # the newest: the end-of-day reminder asks for a task
    with qtbot.waitSignal(page.open_day) as opened:
        page.act(1)
    assert opened.args == [fired.astimezone().date()]
    window.show_day(opened.args[0])  # outside the period shown: that day alone
    assert window.dashboard.selected_range() == (opened.args[0], opened.args[0])
    assert window.nav.currentRow() == 0
