"""One task dialog: log a task (Ctrl+N, also work done on an earlier day) or edit one, with the
same fields, its status and completion time, and the sessions linked to it."""

from __future__ import annotations

import time
from collections.abc import Sequence
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
    QListWidget,
    QPlainTextEdit,
    QWidget,
)

from tracker.core.tasks import CATEGORIES, NewTask
from tracker.core.timezones import get_zone, local_zone_name
from tracker.services.tasks import TaskRow
from tracker.store.tasks import TaskEdit
from tracker.ui.i18n import tr

STATUSES = ("Done", "Open")  # the default, as `tokenworth task add`: work is logged once it is done
IMPACT_EXAMPLE = (
    "Why it mattered, for whoever reads the report. For example: “Checkout no longer times out "
    "at peak; the support tickets about it stopped.”"
)


class TaskDialog(QDialog):
    """``timezone``: the zone the completion date and time are read in (the app's setting).

    Without ``task`` it logs a new one (``self.task`` after Save); with ``task`` it edits that one
    (``self.edit``, and ``self.completion`` when the status or completion time changed).
    ``sessions`` are the linked sessions' one-line descriptions, shown when editing; ``notes``
    the task's stored notes (a TaskRow does not carry them), so saving keeps them.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        timezone: str | None = None,
        task: TaskRow | None = None,
        sessions: Sequence[str] = (),
        title: str = "",
        notes: str = "",
    ) -> None:
        super().__init__(parent)
        self.original = task
        self.setWindowTitle(tr("Edit task") if task else tr("Log a task"))
        self.zone = get_zone(timezone or local_zone_name())
        self.title = QLineEdit(task.title if task else title)
        self.title.setPlaceholderText(tr("What did you get done?"))
        self.title.selectAll()
        self.status = QComboBox()
        self.status.addItems(STATUSES)
        self.status.setAccessibleName(tr("Status"))
        if task is not None and task.status != "done":
            self.status.setCurrentText("Open")
        done_ms = task.completed_ms if task and task.completed_ms else int(time.time() * 1000)
        then = datetime.fromtimestamp(done_ms / 1000, self.zone)
        self.done_at = QDateTimeEdit(QDateTime(QDate(then.year, then.month, then.day), QTime(then.hour, then.minute)))
        self.done_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.done_at.setCalendarPopup(True)
        self.done_at.setToolTip(tr("When it was done: log on Friday what you finished on Tuesday"))
        self.status.currentTextChanged.connect(lambda s: self.done_at.setEnabled(s == "Done"))
        self.done_at.setEnabled(self.status.currentText() == "Done")
        self.category = QComboBox()
        self.category.addItems(CATEGORIES)
        self.category.setCurrentText(task.category if task else "feature")
        self.impact = QPlainTextEdit(task.impact if task else "")
        self.impact.setPlaceholderText(tr(IMPACT_EXAMPLE))
        self.impact.setTabChangesFocus(True)
        self.impact.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 1000)
        self.hours.setDecimals(1)
        self.hours.setSuffix(" h")
        self.hours.setValue(float(task.hours_saved or 0) if task else 0.0)
        self.link = QLineEdit(", ".join(task.links) if task else "")
        self.link.setPlaceholderText(tr("Ticket or pull request URLs, comma-separated (optional)"))
        self.notes = QPlainTextEdit(notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.include = QCheckBox(tr("Include in reports"))
        self.include.setChecked(task.include_in_report if task else True)
        self.sessions = QListWidget()
        self.sessions.addItems(list(sessions) or [tr("No sessions linked yet (Tasks ▸ Sessions… links them).")])
        self.sessions.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(tr("Title"), self.title)
        form.addRow(tr("Status"), self.status)
        form.addRow(tr("Completed on"), self.done_at)
        form.addRow(tr("Category"), self.category)
        form.addRow(tr("Impact"), self.impact)
        form.addRow(tr("Hours saved"), self.hours)
        form.addRow(tr("Links"), self.link)
        form.addRow(tr("Notes"), self.notes)
        form.addRow("", self.include)
        if task is not None:
            form.addRow(tr("Linked sessions ({n})").format(n=len(sessions)), self.sessions)
        form.addRow(self.error)
        form.addRow(buttons)
        self.task: NewTask | None = None
        self.edit: TaskEdit | None = None
        self.completion: tuple[bool, int | None] | None = None  # (done, completed at) when changed
        self.setMinimumWidth(520)  # placeholders readable in full

    def is_done(self) -> bool:  # not done(): QDialog.accept() calls the virtual done(int)
        return self.status.currentText() == "Done"

    def links(self) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.link.text().split(",") if x.strip())

    def value(self) -> NewTask:
        hours = Decimal(str(round(self.hours.value(), 1)))
        return NewTask(
            title=self.title.text(),
            done=self.is_done(),
            category=self.category.currentText(),
            impact=self.impact.toPlainText(),
            hours_saved=hours if hours else None,
            links=self.links(),
            notes=self.notes.toPlainText(),
            done_ms=self.done_ms() if self.is_done() else None,
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
            problems.append(tr("the completion time is in the future"))
        if problems:
            self.error.setText("; ".join(problems).capitalize() + ".")
            return
        if self.original is None:
            self.task = task
        else:
            old = self.original
            self.edit = TaskEdit(
                task.title, task.category, task.impact, None if task.hours_saved is None else str(task.hours_saved),
                task.links, task.notes, self.include.isChecked(),
            )  # fmt: skip
            was_done = old.status == "done"
            if was_done != task.done or (task.done and minute(old.completed_ms) != minute(task.done_ms)):
                self.completion = (task.done, task.done_ms)
        self.accept()


def minute(ms: int | None) -> int | None:
    """The dialog edits to the minute: an unchanged time must not count as an edit."""
    return None if ms is None else ms // 60_000


QuickAddDialog = TaskDialog  # the name the tray and older callers use
