"""The notification history: every alert shown, when, and how it was delivered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tracker.services import notifications
from tracker.store.store import Store
from tracker.ui.formatting import time_text
from tracker.ui.i18n import tr
from tracker.ui.read_worker import InlineReads, Reads, ReadSide


class AlertsPage(QWidget):
    def __init__(self, read: Callable[[], Store], reads: Reads | None = None) -> None:
        super().__init__()
        self.read = read
        self.reads: Reads = reads if reads is not None else InlineReads(ReadSide(read))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("When"), tr("Alert"), tr("Details"), tr("Delivered")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.empty = QLabel(tr("No alerts yet. Budgets, targets and limits are set in Settings."))
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        """The history is read on the read thread and drawn when it comes back."""
        self.reads.run_read("alerts", lambda side: notifications.history(side.store), self._show)

    def _show(self, rows: list[tuple[int, str, str, str, str]]) -> None:
        self.empty.setVisible(not rows)
        self.table.setRowCount(len(rows))
        for i, (fired_ms, _rule, title, body, via) in enumerate(rows):
            when = time_text(datetime.fromtimestamp(fired_ms / 1000, UTC).astimezone())
            how = tr("notification") if via == "dbus" else tr("tray message")
            for j, text in enumerate((when, title, body, how)):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
