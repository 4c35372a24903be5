"""The notification history: every alert shown, when, and how it was delivered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tracker.services import notifications
from tracker.store.store import Store


class AlertsPage(QWidget):
    def __init__(self, read: Callable[[], Store]) -> None:
        super().__init__()
        self.read = read
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["When", "Alert", "Details", "Delivered"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.empty = QLabel("No alerts yet. Budgets, targets and limits are set in Settings.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        rows = notifications.history(self.read())
        self.empty.setVisible(not rows)
        self.table.setRowCount(len(rows))
        for i, (fired_ms, _rule, title, body, via) in enumerate(rows):
            when = datetime.fromtimestamp(fired_ms / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M")
            for j, text in enumerate((when, title, body, "notification" if via == "dbus" else "tray message")):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
