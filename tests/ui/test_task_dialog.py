"""One task dialog for logging and editing: status, completion time, multi-line impact, sessions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime

from tracker.core.tasks import NewTask
from tracker.services.context import Context
from tracker.services.tasks import list_tasks
from tracker.ui.task_dialog import IMPACT_EXAMPLE, TaskDialog


def test_a_completion_date_and_time_in_the_apps_zone(qtbot) -> None:
    dialog = TaskDialog(None, "Europe/Berlin")
    qtbot.addWidget(dialog)
    assert dialog.minimumWidth() >= 480 and dialog.status.currentText() == "Done"
    assert "For example" in dialog.impact.placeholderText() == IMPACT_EXAMPLE
    dialog.title.setText("Invoices")
    dialog.impact.setPlainText("Finance closes the month a day earlier.\nNo more manual CSV fixes.")
    dialog.done_at.setDateTime(QDateTime(QDate(2026, 6, 2), QTime(16, 30)))
    dialog._accept()
    assert dialog.task is not None and dialog.task.done
    assert dialog.task.impact.count("\n") == 1
    assert dialog.task.done_ms == int(datetime(2026, 6, 2, 16, 30, tzinfo=ZoneInfo("Europe/Berlin")).timestamp() * 1000)


def test_a_future_completion_is_refused_and_open_tasks_have_none(qtbot) -> None:
    dialog = TaskDialog(None, "UTC")
    qtbot.addWidget(dialog)
    dialog.title.setText("Later")
    dialog.done_at.setDateTime(QDateTime(QDate(2099, 1, 1), QTime(9, 0)))
    dialog._accept()
    assert dialog.task is None and "future" in dialog.error.text()
    dialog.status.setCurrentText("Open")
    assert not dialog.done_at.isEnabled()
    dialog._accept()
    assert dialog.task is not None and dialog.task.done_ms is None and not dialog.task.done


def test_editing_reopens_redates_and_keeps_the_notes(qtbot, ctx: Context, home: Path) -> None:
    store = ctx.store()
    done_ms = int(datetime(2026, 6, 2, 9, 0, tzinfo=ZoneInfo("UTC")).timestamp() * 1000)
    task_id = store.tasks.add(NewTask("Fix totals", notes="see T-9", done_ms=done_ms), done_ms)
    (task,) = list_tasks(ctx.reader(), "UTC", {})
    dialog = TaskDialog(None, "UTC", task, ["Claude Code · s-1"], notes=store.tasks.notes(task_id))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit task" and dialog.sessions.item(0).text() == "Claude Code · s-1"
    assert dialog.done_at.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-06-02 09:00"
    dialog._accept()
    assert dialog.completion is None  # nothing about the completion changed
    dialog.done_at.setDateTime(QDateTime(QDate(2026, 6, 1), QTime(17, 15)))
    dialog._accept()
    assert dialog.completion == (True, done_ms - 15 * 3600_000 - 45 * 60_000)
    dialog.status.setCurrentText("Open")
    dialog._accept()
    assert dialog.completion == (False, None) and dialog.edit is not None
    store.tasks.set_completion(task_id, *dialog.completion)
    store.tasks.update(task_id, dialog.edit)
    (after,) = list_tasks(ctx.reader(), "UTC", {})
    assert (after.status, after.completed_ms, store.tasks.notes(task_id)) == ("open", None, "see T-9")


def test_a_new_task_from_a_session_asks_for_its_title(qtbot, ctx: Context) -> None:
    from decimal import Decimal

    from tracker.services.work_summary import Orphan
    from tracker.ui.review_dialog import NEW, ReviewDialog

    dialog = ReviewDialog([Orphan("codex", "s-1", "/home/dev/scratch", 1200, Decimal("0.5"), None)], [])
    qtbot.addWidget(dialog)
    dialog.show()
    (title,) = dialog.titles
    assert not title.isVisible()
    dialog.choices[0].setCurrentText(NEW)
    assert title.isVisible() and title.text() == "Work in scratch" and title.selectedText() == "Work in scratch"
    title.clear()
    dialog._accept()
    assert dialog.result() == 0  # refused: no title
    title.setText("Spike the invoice export")
    dialog._accept()
    store = ctx.store()
    assert dialog.change(store) == 1
    assert [t.title for t in list_tasks(ctx.reader(), "UTC", {})] == ["Spike the invoice export"]
