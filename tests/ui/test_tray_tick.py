"""The tray's minute tick reads on the read thread and only draws on the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker.services.context import Context
from tracker.ui.main_window import MainWindow
from tracker.ui.tray import TrayController


@pytest.fixture
def tray(qtbot, ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrayController]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")  # alerts go to the tray
    ctx.settings.set("general.timezone", "UTC")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = TrayController(window)
    controller.timer.stop()  # the test ticks by hand
    yield controller
    window.stop()


def test_the_tick_asks_the_read_thread_and_draws_what_comes_back(qtbot, tray: TrayController) -> None:
    tray.icon.setToolTip("before")
    tray.check()
    assert tray.window.reads.pending("tray")  # asked, not read here
    assert tray.icon.toolTip() == "before"
    with qtbot.waitSignal(tray.ticked, timeout=30_000):
        pass
    assert tray.icon.toolTip() == "Tokenworth — today\n0 tokens · $0.00\n0 active days this week"
    assert tray.checks == 1
