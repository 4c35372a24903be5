"""Composition root of the desktop app: builds the services and hands them to the UI."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.logs import setup_logging, version
from tracker.core.paths import resolve_data_paths

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication, QTimer

log = logging.getLogger(__name__)
EXIT_STORE_FAILED = 3  # the CLI's "failure, nothing changed"


def has_display() -> bool:
    """Whether a GUI can open here (Linux needs an X or Wayland display)."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(data_dir: str | None = None, argv: list[str] | None = None, *, tray: bool = False) -> int:
    if not has_display():
        print(
            "tokenworth: no display to open the app on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "use the CLI instead, e.g. 'tokenworth usage daily' (see 'tokenworth --help').",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from tracker.core.resources import app_icon_pngs
    from tracker.core.settings_schema import AUTOSTART
    from tracker.services.autostart import apply_autostart
    from tracker.services.context import Context
    from tracker.services.otlp_receiver import start_if_enabled
    from tracker.ui.charts import follow_palette
    from tracker.ui.error_report import ErrorReporter
    from tracker.ui.gc_guard import GcGuard
    from tracker.ui.i18n import install_translator
    from tracker.ui.main_window import MainWindow
    from tracker.ui.single_instance import InstanceServer, ask_running_instance
    from tracker.ui.store_error_dialog import open_store
    from tracker.ui.tray import TrayController

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    guard = GcGuard(app)  # cycles are collected on this thread only
    app.setApplicationName("Tokenworth")
    app.setOrganizationName("Tokenworth")
    QApplication.setDesktopFileName("tokenworth")
    icon = QIcon()
    for png in app_icon_pngs():  # every size, so title bars and task switchers stay sharp
        icon.addFile(str(png))
    QApplication.setWindowIcon(icon)
    translator = install_translator(app)  # kept referenced: the app uses it until it ends
    paths = resolve_data_paths(data_dir)
    log_path = setup_logging(paths)
    log.info("Tokenworth %s starting; data folder %s", version(), paths.root)
    reporter = ErrorReporter(log_path)
    reporter.install()
    qt_log = logging.getLogger("tracker.qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO}
    qInstallMessageHandler(lambda kind, _where, text: qt_log.log(levels.get(kind, logging.WARNING), "%s", text))
    if ask_running_instance(paths.root, b"tray" if tray else b"show"):
        print("tokenworth: already running; brought its window forward", file=sys.stderr)
        return 0
    instance = InstanceServer(paths.root)
    follow_palette(QApplication.palette())
    ctx = Context(paths, Path.home(), dict(os.environ))
    if not open_store(ctx, log_path):
        return EXIT_STORE_FAILED  # the user chose Quit; the log says why
    apply_autostart(ctx.settings.value(AUTOSTART), ctx.home, ctx.env,
                    paths.root if data_dir or os.environ.get("TOKENWORTH_DATA_DIR") else None)  # fmt: skip
    window = MainWindow(ctx)
    reporter.parent_widget = window
    receiver = start_if_enabled(ctx)  # the OTLP receiver when Settings turn it on; stopped below
    try:
        controller = TrayController(window)
        window.tray_keeps_running = controller.tray_available
        instance.show_requested.connect(controller.open_window)
        QApplication.setQuitOnLastWindowClosed(not controller.tray_available)
        if not tray or not controller.tray_available:
            window.show()
        window.start()
        stop_on_signals(app)
        code = int(app.exec())
        del controller, instance, translator
    finally:
        window.stop()  # never leave the import thread running: Qt aborts the process for it
        if receiver is not None:
            receiver.stop()  # what it received is written first
        reporter.uninstall()
        guard.stop()
    log.info("Tokenworth exits with %d", code)
    return code


def stop_on_signals(app: QCoreApplication) -> QTimer:
    """SIGTERM (logout, a service manager, ``kill``) and Ctrl+C quit the app the orderly way:
    the open import batch rolls back and the import thread is stopped. Python runs signal
    handlers only between bytecodes, so a timer lets it look while Qt's loop waits."""
    from PySide6.QtCore import QTimer

    def quit_app(signum: int, _frame: object) -> None:
        log.info("signal %d: quitting", signum)
        app.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, quit_app)
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(250)
    return tick
