"""The notification history: every alert shown and when; a row acts (double-click or Enter):
a budget, spike or limit alert opens its day on the dashboard, an end-of-day or pace alert
logs a task."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tracker.services import notifications
from tracker.store.store import Store
from tracker.ui.formatting import time_text
from tracker.ui.i18n import tr
from tracker.ui.read_worker import InlineReads, Reads, ReadSide

LOG_TASK_RULES = ("end_of_day", "pace")  # what these ask for is a task; the others point at a day


class AlertsPage(QWidget):
    open_day = Signal(object)  # the alert's local day: the dashboard shows it
    log_task = Signal()

    def __init__(self, read: Callable[[], Store], reads: Reads | None = None) -> None:
        super().__init__()
        self.read = read
        self.reads: Reads = reads if reads is not None else InlineReads(ReadSide(read))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("When"), tr("Alert"), tr("Details")])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemActivated.connect(lambda item: self.act(item.row()))
        self.empty = QLabel(tr("No alerts yet. Budgets, targets and limits are set in Settings."))
        hint = QLabel(tr("Double-click an alert to open its day, or to log a task for an end-of-day reminder."))
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        self.rows: list[tuple[str, date]] = []  # each row's rule and local day

    def refresh(self) -> None:
        """The history is read on the read thread and drawn when it comes back."""
        self.reads.run_read("alerts", lambda side: notifications.history(side.store), self._show)

    def _show(self, rows: list[tuple[int, str, str, str, str]]) -> None:
        self.empty.setVisible(not rows)
        self.table.setRowCount(len(rows))
        self.rows = []
        for i, (fired_ms, rule, title, body, via) in enumerate(rows):
            fired = datetime.fromtimestamp(fired_ms / 1000, UTC).astimezone()
            self.rows.append((rule, fired.date()))
            how = tr("Shown as a desktop notification") if via == "dbus" else tr("Shown as a tray message")
            for j, text in enumerate((time_text(fired), title, body)):
                item = QTableWidgetItem(text)
                item.setToolTip(how)  # how it went out: a detail, not a column
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)

    def act(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        rule, day = self.rows[row]
        if rule in LOG_TASK_RULES:
            self.log_task.emit()
        else:
            self.open_day.emit(day)
