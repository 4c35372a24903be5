"""Uncaught exceptions anywhere in the app are logged with their traceback and shown, not fatal.

PySide6 hands an exception raised in a slot to ``sys.excepthook`` on whichever thread ran the
slot (the import worker's too); Python threads go to ``threading.excepthook``. Both hooks log,
then ask the GUI thread (by a queued signal) to show one non-modal message.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from tracker.ui.i18n import tr

log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    """Lives on the GUI thread; ``install`` replaces the two hooks, ``uninstall`` restores them."""

    occurred = Signal(str)  # one line for the user

    def __init__(self, log_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.count = 0
        self.box: QMessageBox | None = None
        self.parent_widget: QWidget | None = None  # set once the main window exists
        self._previous = (sys.excepthook, threading.excepthook)
        # Queued even on the GUI thread: a slot that just failed is no place to open a window.
        self.occurred.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.sys_hook
        threading.excepthook = self.thread_hook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def sys_hook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:  # fmt: skip
        if issubclass(kind, KeyboardInterrupt):
            self._previous[0](kind, exc, tb)
            return
        self.report(kind, exc, tb, threading.current_thread().name)

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self.report(args.exc_type, args.exc_value, args.exc_traceback, args.thread.name if args.thread else "?")

    def report(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None, thread: str) -> None:
        log.error("uncaught %s on thread %s", kind.__name__, thread, exc_info=(kind, exc, tb))
        self.occurred.emit(f"{kind.__name__}: {exc}")

    @Slot(str)
    def _show(self, what: str) -> None:
        self.count += 1
        where = (
            tr("The details are in the log file:\n{path}").format(path=self.log_path)
            if self.log_path
            else tr("No log file was written.")
        )
        so_far = tr(" ({n} so far)").format(n=self.count) if self.count > 1 else ""
        if self.box is None:
            self.box = QMessageBox(self.parent_widget)
            self.box.setIcon(QMessageBox.Icon.Warning)
            self.box.setWindowTitle(tr("Tokenworth: something went wrong"))
            self.box.setWindowModality(Qt.WindowModality.NonModal)
            self.box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.box.setText(
            tr("Something went wrong{so_far}; Tokenworth keeps running.").format(so_far=so_far) + f"\n\n{what}"
        )
        self.box.setInformativeText(where + "\n" + tr("Please attach it to a bug report."))
        self.box.show()  # not exec(): the app goes on, and a second error only updates this box
