"""Drill-down through the real window: a click (or Enter) on the dashboard shows the Sessions
page narrowed to what was clicked, behind a removable chip, with totals that follow; a
session opens its linked task. Real store, real logs, the real read thread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt

from tests.conftest import install_fixture_logs
from tests.services.day_logs import CLAUDE, CODEX_ID, DAY, write_day
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.ui.formatting import money
from tracker.ui.main_window import PAGES, MainWindow

SHOP, API, LATE = CLAUDE
JUNE_1 = date(2026, 6, 1)


@pytest.fixture
def window(qtbot, home: Path, data_dir: Path) -> MainWindow:
    install_fixture_logs(home)  # 1-2 June: a Claude Code and a Codex session
    write_day(home)  # 3 June: three Claude Code sessions and a Codex one
    ctx = Context(DataPaths(data_dir), home, {})
    ctx.settings.set("general.timezone", "UTC")
    store = ctx.store()
    run_import(store.conn, home=home, env={}, config=ctx.source_config())
    with store.conn as conn:
        conn.execute("INSERT INTO tasks (title, status, created_ms) VALUES ('Rate limiting', 'open', 0)")
    task_id = store.conn.execute("SELECT id FROM tasks").fetchone()[0]
    store.links.set_manual("claude-code", API, task_id, linked=True)
    store.close()
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    show_period(qtbot, win, JUNE_1, DAY)
    return win


def settle(qtbot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: not win.reads.pending(), timeout=30_000)


def show_period(qtbot, win: MainWindow, since: date, until: date) -> None:
    d = win.dashboard
    d.period.setCurrentText("Custom")
    d.since.setDate(QDate(since.year, since.month, since.day))
    d.until.setDate(QDate(until.year, until.month, until.day))
    settle(qtbot, win)


def click_bar(qtbot, win: MainWindow, i: int) -> None:
    """A real mouse click on bar ``i`` of the dashboard's chart (at the foot of the bar)."""
    plot = win.dashboard.chart.plot
    vb = plot.getPlotItem().getViewBox()
    at = plot.mapFromScene(vb.mapViewToScene(QPointF(i, vb.viewRange()[1][1] * 0.02)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    settle(qtbot, win)


def rows(win: MainWindow) -> list[tuple[str, str, int]]:
    page = win.sessions
    return sorted((r.source, r.session_id, r.totals.total_tokens) for r in page.model.rows)


def test_a_day_bar_shows_that_days_sessions_and_the_chip_removes_it(qtbot, window: MainWindow) -> None:
    d = window.dashboard
    day_row = d.slot_usage.rows[2]  # 3 June
    click_bar(qtbot, window, 2)
    assert window.stack.currentWidget() is window.sessions
    page = window.sessions
    assert page.chip.isVisible() and page.chip.text() == "Day: 2026-06-03  ✕"
    assert sorted(s for _, s, _ in rows(window)) == sorted([SHOP, API, LATE, CODEX_ID])
    assert sum(t for _, _, t in rows(window)) == day_row.totals.total_tokens == 330 + 770 + 550 + 31500
    assert page.summary.text() == f"4 sessions · 33,150 tokens · {money(day_row.totals.cost_usd)}"
    page.filter.setText("Codex")  # the filter box narrows within the drill, and the totals follow
    assert page.summary.text().startswith("1 of 4 sessions match · 31,500 tokens")
    page.filter.clear()
    page.chip.click()
    settle(qtbot, window)
    assert not page.chip.isVisible()
    assert len(page.model.rows) == 6  # 64,703 tokens on 1-2 June, 33,150 on 3 June
    total = sum((r.totals.cost_usd for r in page.model.rows), Decimal(0))
    assert page.summary.text() == f"6 sessions from 2026-06-01 to 2026-06-03 · 97,853 tokens · {money(total)}"


def test_an_hour_bar_counts_only_that_hour(qtbot, window: MainWindow) -> None:
    show_period(qtbot, window, DAY, DAY)  # one day: drawn by the hour
    assert len(window.dashboard.chart.series.slots) == 24
    click_bar(qtbot, window, 10)
    page = window.sessions
    assert page.chip.text() == "Hour: 2026-06-03 10:00–11:00  ✕"
    # "shop" asked at 10:30 (220 tokens), "api" at 10:00 (330), Codex at 10:00:09; "api" at 11:00 is not in it.
    assert sorted((s, t) for _, s, t in rows(window)) == sorted([(SHOP, 220), (API, 330), (CODEX_ID, 31500)])
    assert page.summary.text().startswith("3 sessions · 32,050 tokens · ")


def test_a_model_by_keyboard_and_a_tool_by_mouse(qtbot, window: MainWindow) -> None:
    d = window.dashboard
    bars = d.by_model
    opus = [r[0] for r in bars.rows].index("Opus 4.1")
    bars.setFocus()
    for _ in range(opus + 1):
        qtbot.keyClick(bars, Qt.Key.Key_Down)
    qtbot.keyClick(bars, Qt.Key.Key_Return)
    settle(qtbot, window)
    page = window.sessions
    assert page.chip.text() == "Model: Opus 4.1  ✕"
    assert [(src, t) for src, _, t in rows(window)] == [("claude-code", 15)]  # only its part of the session
    assert page.summary.text().startswith("1 session · 15 tokens · ")
    window.nav.setCurrentRow(PAGES.index("Dashboard"))
    settle(qtbot, window)
    tools = d.by_tool
    codex = [r[0] for r in tools.rows].index("Codex CLI")
    line = tools.fontMetrics().height() + 8
    qtbot.mouseClick(tools, Qt.MouseButton.LeftButton, pos=QPoint(20, line * (codex + 1) + 4 + line // 2))
    settle(qtbot, window)
    assert page.chip.text() == "Tool: Codex CLI  ✕"
    assert [(src, t) for src, _, t in rows(window)] == [("codex", 31500), ("codex", 31500)]
    assert page.summary.text().startswith("2 sessions · 63,000 tokens · ")


def test_a_calendar_day_then_its_sessions_or_its_timeline(qtbot, window: MainWindow) -> None:
    d = window.dashboard
    d.heatmap.setFocus()
    d.heatmap.cursor_day = DAY
    qtbot.keyClick(d.heatmap, Qt.Key.Key_Return)  # as a click on the day does
    settle(qtbot, window)
    assert d.day_filter == DAY and d.open_day_button.isVisible() and d.day_sessions.isVisible()
    d.day_sessions.click()
    settle(qtbot, window)
    assert window.sessions.chip.text() == "Day: 2026-06-03  ✕" and len(window.sessions.model.rows) == 4
    window.nav.setCurrentRow(PAGES.index("Dashboard"))
    d.open_day_button.click()
    settle(qtbot, window)
    assert window.day_window is not None and window.day_window.isVisible()
    view = window.day_window.view
    assert view.day() == DAY and len(view.timeline.bars) == 4
    # A link written meanwhile shows on the open timeline.
    task_id = next(t for b in view.timeline.bars for t in b.task_ids)
    window.importer.write.emit(lambda store: store.links.set_manual("claude-code", SHOP, task_id, linked=True))
    qtbot.waitUntil(lambda: next(b for b in view.timeline.bars if b.session_id == SHOP).tasks == ("Rate limiting",))


def test_a_session_opens_its_task_and_a_project_its_sessions(qtbot, window: MainWindow) -> None:
    click_bar(qtbot, window, 2)
    page = window.sessions
    api = next(r for r in range(page.proxy.rowCount()) if page.row_at(page.proxy.index(r, 0)).session_id == API)
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(api, 0))
    assert page.proxy.index(api, page.model.headers.index("Task")).data() == "Rate limiting"  # in the list too
    assert "Task: Rate limiting" in page.detail.toPlainText()
    page._menu_shown(None)
    assert page.open_action.isEnabled() and page.open_action.text() == "Open task"
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    settle(qtbot, window)
    tasks = window.tasks
    assert window.stack.currentWidget() is tasks
    assert tasks.selected() is not None and tasks.selected().title == "Rate limiting"
    # A session with no task says so and opens nothing.
    window.nav.setCurrentRow(PAGES.index("Sessions"))
    shop = next(r for r in range(page.proxy.rowCount()) if page.row_at(page.proxy.index(r, 0)).session_id == SHOP)
    page.table.setCurrentIndex(page.proxy.index(shop, 0))
    assert "not linked" in page.detail.toPlainText()
    page._menu_shown(None)
    assert not page.open_action.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is page
    # Projects: Enter on a project shows its sessions.
    window.nav.setCurrentRow(PAGES.index("Projects"))
    settle(qtbot, window)
    projects = window.projects
    row = next(
        r
        for r in range(projects.proxy.rowCount())
        if projects.row_at(projects.proxy.index(r, 0)).period == "/home/dev/api"
    )
    projects.table.setFocus()
    projects.table.setCurrentIndex(projects.proxy.index(row, 0))
    qtbot.keyClick(projects.table, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.stack.currentWidget() is page
    assert page.chip.text() == "Project: /home/dev/api  ✕"
    assert [(s, t) for _, s, t in rows(window)] == [(API, 770)]
    # Another period drops the drill-down.
    show_period(qtbot, window, JUNE_1, JUNE_1)
    window.nav.setCurrentRow(PAGES.index("Sessions"))
    settle(qtbot, window)
    assert not page.chip.isVisible() and len(page.model.rows) == 2


def test_the_chart_by_keyboard(qtbot, window: MainWindow) -> None:
    chart = window.dashboard.chart
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Left)  # from the right end: the last bar, 3 June
    assert chart.marker.isVisible() and chart.marker.value() == 2
    assert chart.readout.text().startswith("Wed 2026-06-03: 33,150 tokens")
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.sessions.chip.text() == "Day: 2026-06-03  ✕" and len(window.sessions.model.rows) == 4
