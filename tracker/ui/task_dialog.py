"""Quick add (Ctrl+N): log a piece of work in a few keystrokes."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tracker.core.tasks import CATEGORIES, NewTask


class QuickAddDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Log a task")
        self.title = QLineEdit()
        self.title.setPlaceholderText("What did you get done?")
        self.completed = QCheckBox("Completed now")
        self.completed.setChecked(True)
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
        form.addRow("Category", self.category)
        form.addRow("Impact", self.impact)
        form.addRow("Hours saved", self.hours)
        form.addRow("Link", self.link)
        form.addRow(self.error)
        form.addRow(buttons)
        self.task: NewTask | None = None

    def value(self) -> NewTask:
        hours = Decimal(str(round(self.hours.value(), 1)))
        return NewTask(
            title=self.title.text(),
            done=self.completed.isChecked(),
            category=self.category.currentText(),
            impact=self.impact.text(),
            hours_saved=hours if hours else None,
            links=(self.link.text().strip(),) if self.link.text().strip() else (),
        )

    def _accept(self) -> None:
        task = self.value()
        problems = task.problems()
        if problems:
            self.error.setText("; ".join(problems).capitalize() + ".")
            return
        self.task = task
        self.accept()
