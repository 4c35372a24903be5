"""Quick add (Ctrl+N): log a piece of work in a few keystrokes, also work done on an earlier day."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tracker.core.tasks import CATEGORIES, NewTask
from tracker.core.timezones import get_zone, local_zone_name


class QuickAddDialog(QDialog):
    """``timezone``: the zone the "completed" date and time are read in (the app's setting)."""

    def __init__(self, parent: QWidget | None = None, timezone: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Log a task")
        self.zone = get_zone(timezone or local_zone_name())
        self.title = QLineEdit()
        self.title.setPlaceholderText("What did you get done?")
        self.completed = QCheckBox("Completed")
        self.completed.setChecked(True)
        now = datetime.now(self.zone)
        self.done_at = QDateTimeEdit(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))
        self.done_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.done_at.setCalendarPopup(True)
        self.done_at.setToolTip("When it was done: log Friday what you finished on Tuesday")
        self.completed.toggled.connect(self.done_at.setEnabled)
        self.category = QComboBox()
        self.category.addItems(CATEGORIES)
        self.category.setCurrentText("feature")
        self.impact = QLineEdit()
        self.impact.setPlaceholderText("Why it mattered, in one sentence")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 1000)
        self.hours.setDecimals(1)
        self.hours.setSuffix(" h")
        self.link = QLineEdit()
        self.link.setPlaceholderText("Ticket or pull request URL (optional)")
        self.error = QLabel()
        self.error.setObjectName("error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("", self.completed)
        form.addRow("Completed on", self.done_at)
        form.addRow("Category", self.category)
        form.addRow("Impact", self.impact)
        form.addRow("Hours saved", self.hours)
        form.addRow("Link", self.link)
        form.addRow(self.error)
        form.addRow(buttons)
        self.task: NewTask | None = None
        self.setMinimumWidth(480)  # placeholders readable in full

    def value(self) -> NewTask:
        hours = Decimal(str(round(self.hours.value(), 1)))
        return NewTask(
            title=self.title.text(),
            done=self.completed.isChecked(),
            category=self.category.currentText(),
            impact=self.impact.text(),
            hours_saved=hours if hours else None,
            links=(self.link.text().strip(),) if self.link.text().strip() else (),
            done_ms=self.done_ms() if self.completed.isChecked() else None,
        )

    def done_ms(self) -> int:
        """The completion time shown, in the dialog's time zone."""
        d, t = self.done_at.date(), self.done_at.time()
        when = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self.zone)
        return int(when.timestamp() * 1000)

    def _accept(self) -> None:
        task = self.value()
        problems = task.problems()
        if task.done_ms is not None and task.done_ms > time.time() * 1000 + 60_000:
            problems.append("the completion time is in the future")
        if problems:
            self.error.setText("; ".join(problems).capitalize() + ".")
            return
        self.task = task
        self.accept()
