"""Background failures reach the log with their traceback and the user sees a message; the app
goes on. And Help ▸ About says where the log is."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from tests.conftest import install_fixture_logs
from tracker.analytics.alert_rules import Alert
from tracker.core.logs import setup_logging, version
from tracker.services import notifications
from tracker.services.context import Context
from tracker.ui.error_report import ErrorReporter
from tracker.ui.main_window import MainWindow
from tracker.ui.tray import TrayController


@pytest.fixture
def reporter(qapp, ctx: Context):
    log_path = setup_logging(ctx.paths)
    reporter = ErrorReporter(log_path)
    reporter.install()
    yield reporter
    reporter.uninstall()
    if reporter.box is not None:
        reporter.box.close()


class Worker(QObject):
    go = Signal()

    @Slot()
    def fail(self) -> None:
        raise ValueError("failed in a worker slot")


def test_exceptions_in_slots_and_threads_are_logged_and_shown(qtbot, reporter: ErrorReporter, ctx: Context, caplog):
    thread = QThread()
    worker = Worker()
    worker.moveToThread(thread)
    sender = Worker()
    sender.go.connect(worker.fail)
    thread.start()

    def gui_slot() -> None:
        raise KeyError("failed in a GUI slot")

    with caplog.at_level(logging.ERROR, logger="tracker"):
        QTimer.singleShot(0, gui_slot)
        qtbot.waitUntil(lambda: reporter.count == 1, timeout=5_000)
        sender.go.emit()
        qtbot.waitUntil(lambda: reporter.count == 2, timeout=5_000)
        python_thread = threading.Thread(target=lambda: 1 / 0, name="helper")
        python_thread.start()
        python_thread.join()
        qtbot.waitUntil(lambda: reporter.count == 3, timeout=5_000)
    thread.quit()
    thread.wait(5_000)

    assert reporter.box is not None and reporter.box.isVisible() and not reporter.box.isModal()
    assert "(3 so far)" in reporter.box.text() and "ZeroDivisionError: division by zero" in reporter.box.text()
    assert str(ctx.paths.log) in reporter.box.informativeText()
    logged = ctx.paths.log.read_text()
    for what in ("KeyError: 'failed in a GUI slot'", "ValueError: failed in a worker slot", "ZeroDivisionError"):
        assert what in logged
    assert logged.count("Traceback (most recent call last)") == 3
    assert "on thread helper" in logged


def test_a_failed_write_is_logged_with_its_traceback(qtbot, ctx: Context, caplog) -> None:
    setup_logging(ctx.paths)
    window = MainWindow(ctx)
    qtbot.addWidget(window)

    def broken_change(store) -> None:
        store.conn.execute("INSERT INTO no_such_table VALUES (1)")

    with caplog.at_level(logging.ERROR, logger="tracker"):
        window.importer.write.emit(broken_change)
        qtbot.waitUntil(lambda: "Could not save" in window.status.text(), timeout=10_000)
    assert window.status.text() == (
        f"Could not save the change: OperationalError: no such table: no_such_table (details in {ctx.paths.log})"
    )
    logged = ctx.paths.log.read_text()
    assert "a change from the window could not be written" in logged and "Traceback" in logged
    assert "in broken_change" in logged  # the traceback reaches the code that failed
    window.close()


def test_a_background_import_logs_counts_and_no_content(qtbot, ctx: Context) -> None:
    install_fixture_logs(ctx.home)  # SECRET-* markers in prompts, replies and tool output
    setup_logging(ctx.paths)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.start()
    qtbot.waitUntil(lambda: window.import_finished_count == 1, timeout=60_000)
    window.close()
    logged = ctx.paths.log.read_text()
    assert "import finished:" in logged and "usage records read" in logged
    assert "SECRET" not in logged


class FailingNotifier:
    available = True
    reason = ""

    def notify(self, alert: Alert) -> None:
        raise ConnectionError("the notification server went away")


def test_a_failing_notifier_is_logged_and_the_record_says_tray(qtbot, ctx: Context, caplog) -> None:
    setup_logging(ctx.paths)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = TrayController(window)
    controller.notifier = FailingNotifier()  # type: ignore[assignment] # a fake back-end
    alert = Alert("budget:daily_tokens:80:2026-06-01", "budget", "Ship-the-cart budget", "8,000 of 10,000")
    with caplog.at_level(logging.ERROR, logger="tracker"):
        controller.show(alert)
    assert controller.delivered == [(alert, "tray")] and not controller.notifier.available
    store = ctx.store()
    qtbot.waitUntil(lambda: len(notifications.history(store)) == 1, timeout=10_000)
    assert notifications.history(store)[0][4] == "tray"  # how it really went out
    logged = ctx.paths.log.read_text()
    assert "desktop notification failed for rule budget" in logged and "ConnectionError" in logged
    assert "Ship-the-cart" not in logged  # alert texts may name a task: never logged
    controller.timer.stop()
    window.close()


def test_about_names_the_version_data_folder_database_and_log(qtbot, ctx: Context) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    help_menu = [a for m in window.menuBar().actions() if m.text() == "&Help" for a in m.menu().actions()]
    (about,) = [a for a in help_menu if a.text() == "&About Tokenworth"]
    about.trigger()
    box = window.about_box
    assert box is not None and box.isVisible()
    assert box.text() == f"Tokenworth {version()}"
    text = box.informativeText()
    for line in (
        f"Data folder: {ctx.paths.root}",
        f"Database: {ctx.paths.database}",
        f"Log file: {Path(ctx.paths.root) / 'tokenworth.log'}",
    ):
        assert line in text.splitlines()
    box.close()
    window.close()


def test_the_tray_record_is_written_with_the_time_it_went_out(qtbot, ctx: Context) -> None:
    """Delivery first, then the record: ``fired_ms`` is the moment it was shown."""
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = TrayController(window)
    controller.notifier = FailingNotifier()  # type: ignore[assignment]
    controller.notifier.available = False  # straight to the tray
    before = int(datetime.now(UTC).timestamp() * 1000)
    controller.show(Alert("k", "summary", "t", "b"))
    store = ctx.store()
    qtbot.waitUntil(lambda: len(notifications.history(store)) == 1, timeout=10_000)
    fired, rule, _title, _body, via = notifications.history(store)[0]
    assert (rule, via) == ("summary", "tray") and fired >= before
    controller.timer.stop()
    window.close()
