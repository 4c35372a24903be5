"""The review dialog, the export dialog and deleting a task read on the read thread: the GUI
thread opens no store connection and reads through none while they run."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.helpers.loggen import LogWriter
from tracker.core.tasks import NewTask
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import list_tasks
from tracker.store.store import Store
from tracker.ui.export_dialog import ExportDialog
from tracker.ui.main_window import PAGES, MainWindow
from tracker.ui.review_dialog import NEW

GuiTouches = list[str]


@pytest.fixture
def window(qtbot, ctx: Context, home: Path) -> Iterator[MainWindow]:
    ctx.settings.set("general.timezone", "UTC")
    LogWriter(home, seed=3, content_bytes=40).claude_session(
        datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30), project="/home/dev/shop", turns=2
    )
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.store().tasks.add(NewTask("feat: cart", done=False, project="/home/dev/shop"), int(time.time() * 1000))
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: not w.reads.pending(), timeout=30_000)
    yield w
    w.stop()


@pytest.fixture
def probe(ctx: Context, window: MainWindow) -> Store:
    """The test's own look at the store, opened before the GUI thread is watched."""
    return ctx.reader()


@pytest.fixture
def gui_touches(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> GuiTouches:
    """Each store connection opened, and each read through the window's own, on the GUI thread."""
    touches: GuiTouches = []
    real_connect, real_read = sqlite3.connect, window.read

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        if threading.current_thread() is threading.main_thread():
            touches.append(f"connect {args[0]}")
        return real_connect(*args, **kwargs)  # type: ignore[arg-type] # sqlite3's own arguments

    def read() -> Store:
        touches.append("window.read()")
        return real_read()

    monkeypatch.setattr(sqlite3, "connect", connect)
    for holder in (window, window.tasks, window.dashboard, window.sessions, window.projects):
        monkeypatch.setattr(holder, "read", read)
    return touches


def until(qtbot, check: Callable[[], object]) -> None:
    qtbot.waitUntil(lambda: bool(check()), timeout=30_000)


def test_the_review_reads_on_the_read_thread(qtbot, window: MainWindow, probe: Store, gui_touches: GuiTouches) -> None:
    window.review_today()
    assert window.review is None  # asked, not read here
    until(qtbot, lambda: window.review is not None and window.review.isVisible())
    review = window.review
    assert review is not None and len(review.orphans) == 1 and review.tasks[0].title == "feat: cart"
    review.choices[0].setCurrentText(NEW)
    review.titles[0].setText("Checkout")
    review.accept()  # the choices go to the writer as plain data
    titles = lambda: sorted(t.title for t in list_tasks(probe, "UTC", {}))  # noqa: E731 - a probe
    until(qtbot, lambda: titles() == ["Checkout", "feat: cart"])
    until(qtbot, lambda: not window.reads.pending())
    assert gui_touches == []


def test_the_export_preview_is_built_on_the_read_thread(
    qtbot, window: MainWindow, gui_touches: GuiTouches, tmp_path: Path
) -> None:
    state = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    dialog = ExportDialog(window.ctx, window.read, state, window, window.dashboard.selected_range(), window.reads)
    qtbot.addWidget(dialog)
    assert dialog.report is None and not dialog.export.isEnabled()  # asked, not read here
    until(qtbot, lambda: dialog.report is not None)
    assert dialog.pages and dialog.export.isEnabled() and dialog.report.totals.total_tokens > 0
    dialog.period.setCurrentText("Last 30 days")
    dialog.refresh()
    until(qtbot, lambda: not window.reads.pending("export"))
    assert dialog.save(tmp_path / "r.json") == tmp_path / "r.json"
    assert gui_touches == []


def test_deleting_a_task_reads_its_undo_copy_on_the_read_thread(
    qtbot, window: MainWindow, gui_touches: GuiTouches
) -> None:
    window.nav.setCurrentRow(PAGES.index("Tasks"))
    page = window.tasks
    page.scope.setCurrentText("Open tasks")
    until(qtbot, lambda: not window.reads.pending() and page.model.rowCount() == 1)
    page.table.selectRow(0)
    page.delete_selected()
    until(qtbot, lambda: not page.undo.isHidden())
    assert page._deleted is not None
    page.undo_delete()
    until(qtbot, lambda: not window.reads.pending() and page.model.rowCount() == 1)
    assert gui_touches == []


def test_switching_to_an_empty_period_reads_on_the_read_thread(
    qtbot, window: MainWindow, gui_touches: GuiTouches
) -> None:
    page = window.dashboard
    page.show_range(date(2020, 1, 1), date(2020, 1, 7))  # long before the stored usage
    until(qtbot, lambda: not window.reads.pending() and page.chart.showing_empty)
    message = page.chart.empty.message.text()
    assert "No usage from 01 Jan to 07 Jan 2020." in message
    assert "Your latest usage is on" in message  # the latest usage was read with the redraw
    assert page.chart.empty.button_texts()[0].startswith("Show ")
    page.stack_by.setCurrentText("by model")  # redrawn from what was read: no read here either
    assert page.chart.showing_empty and page.chart.empty.message.text() == message
    assert gui_touches == []


def test_all_time_spans_the_stored_days_read_on_the_read_thread(
    qtbot, window: MainWindow, gui_touches: GuiTouches
) -> None:
    page = window.dashboard
    page.period.setCurrentText("All time")
    until(qtbot, lambda: not window.reads.pending() and page.data is not None)
    first = (datetime.now(UTC) - timedelta(minutes=30)).date()  # the one session's day (UTC)
    assert page.selected_range() == (first, page.today())
    assert page.data.since == first and page.data.totals.events > 0
    page.earlier.click()  # ◀ and the other pages ask for the range again: no read here either
    until(qtbot, lambda: not window.reads.pending())
    assert gui_touches == []


def test_the_welcome_looks_for_the_folders_on_the_read_thread(
    qtbot, window: MainWindow, gui_touches: GuiTouches, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services import sources_status

    threads: list[bool] = []  # whether each look for a tool's folders ran on the GUI thread
    real_roots = sources_status.source_roots

    def roots(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return real_roots(*args, **kwargs)  # type: ignore[arg-type] # its own arguments

    monkeypatch.setattr(sources_status, "source_roots", roots)
    window.show_welcome()
    assert window.welcome is None  # asked, not looked for here
    until(qtbot, lambda: window.welcome is not None and window.welcome.isVisible())
    assert threads and not any(threads)
    assert gui_touches == []
    window.welcome.close()
