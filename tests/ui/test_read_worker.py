"""Reads run on the read thread: the GUI thread stays free, stale results are dropped,
failures are logged and said, and only the views a change affects read again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QTimer

from tests.conftest import install_fixture_logs
from tracker.core.tasks import NewTask
from tracker.services.context import Context
from tracker.services.importer import ImportSummary, SourceConfig, run_import
from tracker.store.changes import Changes
from tracker.ui.dashboard_page import DashboardPage
from tracker.ui.main_window import PAGES, MainWindow
from tracker.ui.read_worker import ReadSide, ReadThread

JUNE_1, JUNE_2 = date(2026, 6, 1), date(2026, 6, 2)


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


@pytest.fixture
def reads(qapp, loaded: Context) -> Iterator[ReadThread]:
    thread = ReadThread(ReadSide(loaded.reader))
    yield thread
    thread.stop()


def test_a_slow_read_never_blocks_the_gui_thread(qtbot, reads: ReadThread) -> None:
    release = threading.Event()
    beats = [0]
    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(lambda: beats.__setitem__(0, beats[0] + 1))
    heartbeat.start()
    got: list[int] = []

    def slow(side: ReadSide) -> int:
        release.wait(30)  # a read that takes as long as the test wants
        return side.store.usage.time_span() is not None and 7

    reads.run_read("slow", slow, got.append)
    qtbot.waitUntil(lambda: beats[0] >= 5, timeout=10_000)  # the event loop keeps turning
    assert got == [] and reads.pending("slow")
    release.set()
    qtbot.waitUntil(lambda: got == [7], timeout=10_000)
    heartbeat.stop()
    assert not reads.pending()


def test_a_stale_result_is_dropped_and_a_queued_one_never_runs(qtbot, reads: ReadThread) -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    got: list[str] = []

    def first(_side: ReadSide) -> str:
        ran.append("first")
        started.set()
        release.wait(30)
        return "first"

    def named(name: str) -> Callable[[ReadSide], str]:
        def read(_side: ReadSide) -> str:
            ran.append(name)
            return name

        return read

    reads.run_read("dashboard", first, got.append)
    assert started.wait(10)
    reads.run_read("dashboard", named("second"), got.append)  # queued behind ``first``
    reads.run_read("dashboard", named("third"), got.append)  # makes ``second`` stale before it runs
    reads.run_read("tasks", named("other key"), got.append)  # another key is never stale by these
    release.set()
    qtbot.waitUntil(lambda: not reads.pending(), timeout=10_000)
    assert got == ["third", "other key"]
    assert ran == ["first", "third", "other key"]
    assert reads.dropped == 2


def test_a_failed_read_is_logged_and_said(qtbot, reads: ReadThread, caplog: pytest.LogCaptureFixture) -> None:
    def broken(_side: ReadSide) -> None:
        raise ValueError("the report could not be built")

    errors: list[str] = []
    with caplog.at_level(logging.ERROR, "tracker.ui.read_worker"):
        reads.run_read("dashboard", broken, lambda _: None, errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
        with qtbot.waitSignal(reads.failed, timeout=10_000) as said:
            reads.run_read("tasks", broken, lambda _: None)  # no on_error: the ``failed`` signal
    assert errors == ["ValueError: the report could not be built"]
    assert said.args == ["ValueError: the report could not be built"]
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 2 and "the report could not be built" in str(logged[0].exc_info[1])


def test_the_dashboard_shows_loading_then_the_data(qtbot, loaded: Context, reads: ReadThread) -> None:
    page = DashboardPage(loaded, loaded.reader, reads)
    qtbot.addWidget(page)
    page.show()
    page.period.setCurrentText("Custom")  # three redraws asked at once: only the last is drawn
    page.since.setDate(QDate(2026, 6, 1))
    page.until.setDate(QDate(2026, 6, 2))
    assert page.loading.isVisible()
    assert page.cards["tokens"].detail.text() == ""  # nothing drawn before the read is back
    qtbot.waitUntil(lambda: not reads.pending(), timeout=30_000)
    assert not page.loading.isVisible()
    assert page.data is not None and (page.data.since, page.data.until) == (JUNE_1, JUNE_2)
    assert page.cards["tokens"].detail.text() == "64,703 in 5 requests"


def test_an_imports_days_decide_what_the_dashboard_redraws(qtbot, loaded: Context) -> None:
    page = DashboardPage(loaded, loaded.reader)  # reads inline: each decision is seen at once
    qtbot.addWidget(page)
    page.refresh()
    today = page.today()
    since, _ = page.selected_range()  # the last 30 days: empty, the placeholder offers 1-2 June
    assert page.chart.showing_empty and page.empty is not None and page.empty.latest is not None
    assert page.refresh_for(frozenset({JUNE_1 - timedelta(days=10)})) == "calendar"  # in the year map only
    assert page.refresh_for(frozenset({today})) == "all"
    assert page.refresh_for(frozenset({today - timedelta(days=800)})) == "none"
    assert page.refresh_for(frozenset({since - timedelta(days=1)})) == "all"  # a zone away from the period
    # Later than the latest usage the placeholder names (outside the period): it is redrawn.
    assert page.refresh_for(frozenset({since - timedelta(days=10)})) == "all"


def test_a_first_import_outside_the_period_replaces_the_no_logs_placeholder(qtbot, ctx: Context, home: Path) -> None:
    page = DashboardPage(ctx, ctx.reader)  # reads inline
    qtbot.addWidget(page)
    page.refresh()
    assert page.empty is not None and page.empty.latest is None  # nothing stored: "No AI tool logs found yet"
    install_fixture_logs(home)  # June's usage, months before the period shown
    with ctx.store() as store:
        summary = run_import(store.write_connection(), home=home, env={}, config=SourceConfig())
    assert page.refresh_for(summary.days_touched) == "all"
    assert page.empty is not None and page.empty.latest is not None  # now it offers the latest usage
    assert "No AI tool logs found" not in page.chart.empty.message.text()


@pytest.fixture
def window(qtbot, loaded: Context) -> Iterator[MainWindow]:
    win = MainWindow(loaded)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.stop()


def show_page(qtbot, window: MainWindow, name: str) -> None:
    window.nav.setCurrentRow(PAGES.index(name))
    qtbot.waitUntil(lambda: not window.reads.pending(), timeout=30_000)


def test_a_task_write_does_not_reload_the_usage_tables(qtbot, window: MainWindow) -> None:
    show_page(qtbot, window, "Sessions")
    sessions, projects, tasks = window.sessions.loads, window.projects.loads, window.tasks.loads
    assert sessions >= 1
    task = NewTask(title="Checkout fix")
    window.importer.write.emit(lambda store: Changes(tasks=frozenset({store.tasks.add(task, int(time.time() * 1000))})))
    qtbot.waitUntil(lambda: window.tasks in window._stale, timeout=10_000)
    assert window.sessions.loads == sessions  # the task changed no usage
    show_page(qtbot, window, "Projects")
    show_page(qtbot, window, "Sessions")  # same period, nothing changed: drawn as it was
    assert window.sessions.loads == sessions
    show_page(qtbot, window, "Tasks")
    assert window.tasks.loads == tasks + 1
    assert [t.title for t in window.tasks.model.rows] == ["Checkout fix"]
    assert window.projects.loads == projects + 1  # its first load


def test_an_import_redraws_the_tables_whose_period_it_touched(qtbot, window: MainWindow) -> None:
    show_page(qtbot, window, "Sessions")
    since, until = window.sessions.range
    loads = window.sessions.loads
    window.refresh_current(changes=ImportSummary(days_touched=frozenset({since - timedelta(days=400)})))
    assert window.sessions.loads == loads and window.sessions not in window._stale
    window.refresh_current(changes=ImportSummary(days_touched=frozenset({until}), sources_touched=frozenset({"codex"})))
    assert window.sessions.loads == loads + 1
    assert {window.dashboard, window.tasks} <= window._stale  # the others read when shown


def test_a_task_file_import_is_reported_back_on_the_gui_thread(qtbot, window: MainWindow) -> None:
    from tests.conftest import FIXTURES

    show_page(qtbot, window, "Tasks")
    loads = window.tasks.loads
    window.tasks.import_file(FIXTURES / "trackers" / "linear.csv")  # written on the writer's thread
    qtbot.waitUntil(lambda: window.status.text() == "linear.csv: 2 new tasks, 0 updated.", timeout=10_000)
    qtbot.waitUntil(lambda: not window.reads.pending(), timeout=10_000)
    assert window.tasks.loads == loads + 1  # the page in view read its tasks again, once
