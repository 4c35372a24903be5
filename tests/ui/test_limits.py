"""Limit windows: Codex's rate-limit windows and Claude Code's 5-hour block, as bars with reset
countdowns on the dashboard and as rows at the top of the tray menu."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.limits import LimitWindow, limit_windows, resets_in
from tracker.ui.limits_view import LimitsView, row_text

NOW_MS = int(datetime(2026, 6, 1, 10, 30, tzinfo=UTC).timestamp() * 1000)


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def test_countdowns() -> None:
    assert resets_in(NOW_MS + 30 * 60_000 + 1, NOW_MS) == "resets in 31 min"
    assert resets_in(NOW_MS + 2 * 3_600_000, NOW_MS) == "resets in 2 h"
    assert resets_in(NOW_MS + (26 * 60 + 5) * 60_000, NOW_MS) == "resets in 1 d 2 h"
    assert resets_in(None, NOW_MS) == "reset time unknown"
    assert LimitWindow("x", float("nan"), None, "").bar_percent == 0
    assert LimitWindow("x", 250.0, None, "").bar_percent == 100


def test_windows_from_the_store(loaded: Context) -> None:
    windows = limit_windows(loaded.reader(), NOW_MS, block_budget=100_000)
    assert [(w.label, w.detail) for w in windows] == [
        ("Codex 5-hour window", "13% used"),
        ("Codex weekly window", "40% used"),
        ("Claude Code 5-hour block", "16,623 of 100,000 tokens"),
    ]
    assert [resets_in(w.resets_ms, NOW_MS) for w in windows] == [
        "resets in 31 min",
        "resets in 4 d 14 h",
        "resets in 3 h 30 min",
    ]
    assert windows[2].bar_percent == 17
    later = NOW_MS + 6 * 3_600_000  # the 5-hour window and the block have reset
    assert [w.label for w in limit_windows(loaded.reader(), later)] == ["Codex weekly window"]


def test_limits_view_and_tray_rows(qtbot, loaded: Context) -> None:
    view = LimitsView()
    qtbot.addWidget(view)
    view.show()
    windows = limit_windows(loaded.reader(), NOW_MS)
    view.set_windows(windows, NOW_MS)
    assert view.isVisible() and view.timer.isActive()
    assert [bar.value() for _, bar, _ in view.bars] == [13, 40, 0]  # no block size set: no share
    view.set_windows([LimitWindow("Codex 5-hour window", 99.0, None, "99% used")], NOW_MS)
    assert view.bars[0][1].property("level") == "high" and not view.bars[1][1].isVisible()
    view.set_windows(windows, NOW_MS)
    assert view.countdown_texts() == ["resets in 31 min", "resets in 4 d 14 h", "resets in 3 h 30 min"]
    assert row_text(windows[2], NOW_MS) == "Claude Code 5-hour block: 16,623 tokens so far · resets in 3 h 30 min"
    view.set_windows([], NOW_MS)
    assert not view.isVisible() and not view.timer.isActive()


def test_the_tray_menu_opens_with_the_limit_rows(qtbot, loaded: Context) -> None:
    from tracker.ui.main_window import MainWindow
    from tracker.ui.tray import TrayController

    window = MainWindow(loaded)
    qtbot.addWidget(window)
    controller = TrayController(window)
    controller.timer.stop()
    with qtbot.waitSignal(controller.ticked, timeout=30_000):
        controller.check(datetime.fromtimestamp(NOW_MS / 1000, UTC))  # the tick reads, at that time
    controller.refresh_rows(NOW_MS)  # as the menu's aboutToShow does: no read, only the countdowns
    menu = controller._menu_ref
    texts = [a.text() for a in menu.actions()]
    assert texts[2:6] == [
        "Codex 5-hour window: 13% used · resets in 31 min",
        "Codex weekly window: 40% used · resets in 4 d 14 h",
        "Claude Code 5-hour block: 16,623 tokens so far · resets in 3 h 30 min",
        "",  # the separator
    ]
    assert texts[0].startswith("Today: ") and texts[1].startswith("This week: ")
    assert texts[6] == "Open dashboard" and not any(a.isEnabled() for a in controller.live[2:])
    controller.refresh_rows(NOW_MS + 6 * 3_600_000)  # the 5-hour window and the block have reset
    assert [a.text() for a in controller.live[2:]] == ["Codex weekly window: 40% used · resets in 4 d 8 h"]
    window.close()
