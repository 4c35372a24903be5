"""The Device selector through the real window: a desk's store with a laptop's bundle merged in
(exported and imported the real way), the real read thread. Each device's dashboard, sessions,
drill-down, day timeline and report show exactly that machine's own usage; the choice survives
a restart; a store of one machine never shows the selector."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSettings

from tests.helpers.two_devices import Own, machine, two_devices
from tracker.services.bundles import export_bundle
from tracker.services.context import Context
from tracker.services.report import ReportOptions, build_report
from tracker.ui.device_filter import LISTED_ROLE, NOT_FILTERED
from tracker.ui.export_dialog import ExportDialog
from tracker.ui.formatting import money, tokens
from tracker.ui.main_window import PAGES, MainWindow

NOV_19, NOV_22 = date(2026, 11, 19), date(2026, 11, 22)


def settle(qtbot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: not win.reads.pending(), timeout=60_000)


def show_days(qtbot, win: MainWindow, since: date, until: date) -> None:
    d = win.dashboard
    d.period.setCurrentText("Custom")
    d.since.setDate(QDate(since.year, since.month, since.day))
    d.until.setDate(QDate(until.year, until.month, until.day))
    settle(qtbot, win)


def open_window(qtbot, ctx: Context) -> MainWindow:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    win.nav.setCurrentRow(PAGES.index("Dashboard"))  # the page of the last session may be another
    show_days(qtbot, win, NOV_19, NOV_22)
    return win


def pick(qtbot, win: MainWindow, device: str | None) -> None:
    win.dashboard.device_filter.pick(device)
    settle(qtbot, win)
    assert win.dashboard.device() == device


def dashboard_shows(win: MainWindow, own: Own) -> None:
    d = win.dashboard
    assert d.data is not None
    assert d.data.totals.total_tokens == own.tokens
    assert d.data.cost == own.cost
    assert d.cards["tokens"].detail.text().startswith(tokens(own.tokens))
    assert d.cards["cost"].value.text() == money(own.cost)
    assert sum(t.total_tokens for row in d.slot_usage.rows if row for t in row.sources.values()) == own.tokens
    assert sum(d.data.hours) == own.tokens
    assert sum(t.total_tokens for t in d.data.by_source.values()) == own.tokens


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Context, Own, Own, str]:
    return two_devices(tmp_path)


def test_each_device_shows_exactly_its_own_usage(qtbot, desk, tmp_path: Path) -> None:
    ctx, laptop, own, laptop_id = desk
    win = open_window(qtbot, ctx)
    d = win.dashboard
    f = d.device_filter
    assert f.isVisible()
    labels = [f.combo.itemData(i, LISTED_ROLE) for i in range(f.combo.count())]
    assert f.combo.currentText() == "All devices"
    assert labels[:2] == ["All devices", "This machine (desk)"]
    assert labels[2].startswith("laptop (last bundle 20") and len(labels) == 3
    both = Own(laptop.tokens + own.tokens, laptop.cost + own.cost, laptop.sessions | own.sessions)
    dashboard_shows(win, both)
    assert d.limits.toolTip() == ""
    assert d.sources_line.text().endswith(" · Also the usage of laptop, from bundles.")

    pick(qtbot, win, laptop_id)
    assert f.combo.currentText() == "laptop"
    dashboard_shows(win, laptop)
    assert d.sources_line.text().startswith("Showing laptop only: its usage comes from the bundles it wrote")
    assert d.limits.toolTip() == NOT_FILTERED
    assert sum(d._calendar[1].values()) == laptop.tokens  # the year's calendar: the laptop's days

    # Sessions page: the laptop's sessions, their totals, and the summary says whose.
    win.nav.setCurrentRow(PAGES.index("Sessions"))
    settle(qtbot, win)
    page = win.sessions
    assert {(r.source, r.session_id) for r in page.model.rows} == laptop.sessions
    assert sum(r.totals.total_tokens for r in page.model.rows) == laptop.tokens
    assert page.summary.text() == (
        f"2 sessions from {NOV_19} to {NOV_22} on laptop · {tokens(laptop.tokens)} tokens · {money(laptop.cost)}"
    )
    assert page.copying.name == "tokenworth-sessions-laptop"
    win.nav.setCurrentRow(PAGES.index("Projects"))
    settle(qtbot, win)
    projects = win.projects
    assert [(r.period, r.totals.total_tokens) for r in projects.model.rows] == [("/home/me/shop", laptop.tokens)]
    assert projects.model.sessions_per_project == {"/home/me/shop": 2}
    # Tasks: the person's on every machine; the summary says whose spend it counts.
    win.nav.setCurrentRow(PAGES.index("Tasks"))
    settle(qtbot, win)
    assert win.tasks.summary.text().endswith(" on laptop")

    # A drill-down from the dashboard keeps to the device, and its chip says so.
    win.nav.setCurrentRow(PAGES.index("Dashboard"))
    d._tool_drill(("claude-code",))
    settle(qtbot, win)
    assert page.chip.text() == "Tool: Claude Code · laptop  ✕"
    assert {(r.source, r.session_id) for r in page.model.rows} == {s for s in laptop.sessions if s[0] == "claude-code"}

    # The day timeline of the desk's day, on the laptop: nothing; on this machine: the desk's two.
    win.open_day(date(2026, 11, 21))
    settle(qtbot, win)
    view = win.day_window.view
    assert view.timeline is not None and view.timeline.bars == []
    assert " on laptop" in view.summary.text()
    pick(qtbot, win, "")
    settle(qtbot, win)
    assert {(b.source, b.session_id) for b in view.timeline.bars} == own.sessions
    win.day_window.close()
    dashboard_shows(win, own)
    assert d.sources_line.text().startswith("Showing this machine (desk) only.")

    # The report: one device's, or all (the file says which).
    with ctx.reader() as store:
        for device, expected in ((laptop_id, laptop), ("", own), (None, both)):
            options = ReportOptions(NOV_19, NOV_22, "UTC", device=device, device_name="laptop" if device else "")
            report = build_report(ctx, store, options)
            assert report.totals.total_tokens == expected.tokens and report.totals.cost_usd == expected.cost

    # The export dialog opens on the dashboard's device and builds that device's report.
    f.pick(laptop_id)
    settle(qtbot, win)
    dialog = ExportDialog(ctx, win.read, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), win,
                          (NOV_19, NOV_22), win.reads, f.choices, f.scope())  # fmt: skip
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.report.options.device == laptop_id
    assert dialog.report.totals.total_tokens == laptop.tokens
    assert "(laptop only)" in dialog.status.text()
    dialog.format.setCurrentText("JSON")
    saved = dialog.save(tmp_path / "laptop.json")
    body = json.loads(saved.read_text())
    assert body["device"] == {"id": laptop_id, "name": "laptop"}
    assert body["totals"]["total_tokens"] == laptop.tokens
    dialog.device.setCurrentIndex(0)  # All devices
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.options.device is None, timeout=60_000)
    assert dialog.report.totals.total_tokens == both.tokens
    dialog.close()

    # The choice outlives the window (kept beside the period in the window's UI state).
    win.close()
    again = open_window(qtbot, ctx)
    assert again.dashboard.device() == laptop_id
    dashboard_shows(again, laptop)
    again.close()


def test_one_machine_never_sees_the_selector(qtbot, tmp_path: Path) -> None:
    ctx, own = machine(tmp_path / "solo", 7, 20, "/home/me/solo", "solo")
    # A device saved by an earlier version of the store that is no longer known: all devices.
    QSettings(str(ctx.paths.root / "window.ini"), QSettings.Format.IniFormat).setValue("dashboard/device", "gone")
    win = open_window(qtbot, ctx)
    settle(qtbot, win)
    d = win.dashboard
    assert not d.device_filter.isVisible() and d.device() is None
    dashboard_shows(win, own)
    assert not d.sources_line.text().startswith("Showing")
    win.close()


def test_the_selector_appears_when_a_synced_bundle_brings_another_machine(qtbot, tmp_path: Path) -> None:
    laptop, on_laptop = machine(tmp_path / "laptop", 3, 20, "/home/me/shop", "laptop")
    desk, on_desk = machine(tmp_path / "desk", 5, 21, "/home/me/api", "desk")
    shared = tmp_path / "Sync"
    shared.mkdir()
    desk.settings.set("sources.bundle_folders", str(shared))
    win = open_window(qtbot, desk)
    assert not win.dashboard.device_filter.isVisible()
    show_days(qtbot, win, date(2026, 11, 23), date(2026, 11, 26))  # the bundle's day is not shown
    with laptop.store() as store:  # the laptop's bundle arrives in the synced folder
        export_bundle(store, shared / "laptop.twbundle", "laptop")
    done = win.import_finished_count
    win.import_now()
    qtbot.waitUntil(lambda: win.import_finished_count > done, timeout=60_000)
    settle(qtbot, win)
    f = win.dashboard.device_filter
    assert f.isVisible() and f.combo.count() == 3
    show_days(qtbot, win, NOV_19, NOV_22)
    dashboard_shows(win, Own(on_laptop.tokens + on_desk.tokens, on_laptop.cost + on_desk.cost, frozenset()))
    pick(qtbot, win, "")
    dashboard_shows(win, on_desk)
    win.close()
