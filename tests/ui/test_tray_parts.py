"""Tray pieces without the full desktop: autostart, close-to-tray, history, no D-Bus."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tracker.analytics.alert_rules import Alert
from tracker.notify.freedesktop import FreedesktopNotifier
from tracker.services import notifications
from tracker.services.autostart import apply_autostart, autostart_file
from tracker.services.context import Context
from tracker.ui.main_window import MainWindow


def test_autostart_entry_is_written_and_removed(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    path = apply_autostart(True, tmp_path, env, tmp_path / "data")
    assert path == autostart_file(tmp_path, env) == tmp_path / "cfg" / "autostart" / "tokenworth.desktop"
    text = path.read_text()
    assert "Exec=" in text and "--tray" in text and str(tmp_path / "data") in text
    assert apply_autostart(False, tmp_path, env) is None and not path.exists()
    assert apply_autostart(True, tmp_path, {}) == tmp_path / ".config" / "autostart" / "tokenworth.desktop"


def test_without_a_session_bus_alerts_fall_back_and_say_why(monkeypatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    notifier = FreedesktopNotifier()
    assert not notifier.available and "no D-Bus session" in notifier.reason


def test_closing_keeps_running_in_the_tray_and_history_page(qtbot, ctx: Context) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.tray_keeps_running = True
    window.show()
    try:
        window.close()
        assert window.isHidden() and window.importer.qthread.isRunning()  # still importing for the tray
        with ctx.store() as store:
            alert = Alert("budget:daily_tokens:80:2026-06-01", "budget", "Daily budget 80% used", "8,000 of 10,000")
            assert notifications.record(store, alert, "dbus", datetime.now(UTC))
            assert not notifications.record(store, alert, "dbus", datetime.now(UTC))  # once per key, ever
        window.nav.setCurrentRow(5)
        qtbot.waitUntil(lambda: window.alerts.table.rowCount() == 1, timeout=30_000)  # read on the read thread
        assert window.alerts.table.item(0, 1).text() == "Daily budget 80% used"
    finally:
        # Whatever failed above, the threads stop here: a window left hidden with its import thread
        # running is collected later, in another test, and a QThread destroyed running aborts the run.
        window.quitting = True
        window.close()
    assert not window.importer.qthread.isRunning()
