"""The quick-add dialog logs work done on an earlier day, in the app's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime

from tracker.ui.task_dialog import QuickAddDialog


def test_a_completion_date_and_time_in_the_apps_zone(qtbot) -> None:
    dialog = QuickAddDialog(None, "Europe/Berlin")
    qtbot.addWidget(dialog)
    dialog.title.setText("Invoices")
    dialog.done_at.setDateTime(QDateTime(QDate(2026, 6, 2), QTime(16, 30)))
    dialog._accept()
    assert dialog.task is not None and dialog.task.done
    assert dialog.task.done_ms == int(datetime(2026, 6, 2, 16, 30, tzinfo=ZoneInfo("Europe/Berlin")).timestamp() * 1000)


def test_a_future_completion_is_refused_and_open_tasks_have_none(qtbot) -> None:
    dialog = QuickAddDialog(None, "UTC")
    qtbot.addWidget(dialog)
    dialog.title.setText("Later")
    dialog.done_at.setDateTime(QDateTime(QDate(2099, 1, 1), QTime(9, 0)))
    dialog._accept()
    assert dialog.task is None and "future" in dialog.error.text()
    dialog.completed.setChecked(False)
    assert not dialog.done_at.isEnabled()
    dialog._accept()
    assert dialog.task is not None and dialog.task.done_ms is None and not dialog.task.done
