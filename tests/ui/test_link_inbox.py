"""The link inbox over real imported logs: one click links, a task is made from sessions,
"not work" moves spend from the unlinked figure to its own, titles are shown, never stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.conftest import install_fixture_logs
from tracker.core.tasks import NewTask
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.link_inbox import build_inbox, session_titles
from tracker.services.tasks import TaskRow, list_tasks, not_work_spend
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.services.work_summary import build_work_summary
from tracker.store.store import Store
from tracker.ui.link_dialog import LinkSessionsDialog
from tracker.ui.link_inbox import LinkInboxDialog
from tracker.ui.review_dialog import ReviewDialog
from tracker.ui.work_charts import WorkSection

JUNE = (date(2026, 6, 1), date(2026, 6, 30))
CLAUDE = ("claude-code", "5f1c2f8e-0000-4000-8000-000000000001")
NOW_MS = 1_782_000_000_000  # July 2026: after every fixture session


@pytest.fixture
def logs(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def direct_writer(ctx: Context) -> Callable[[Callable[[Store], object]], None]:
    store = ctx.store()
    return lambda change: change(store)  # the app sends these to its writer thread


def open_inbox(qtbot, ctx: Context, only=None) -> LinkInboxDialog:
    dialog = LinkInboxDialog(ctx, ctx.reader, direct_writer(ctx), JUNE, only)
    qtbot.addWidget(dialog)
    return dialog


def session_item(dialog: LinkInboxDialog, key: tuple[str, str]):
    for n in range(dialog.tree.topLevelItemCount()):
        group = dialog.tree.topLevelItem(n)
        for c in range(group.childCount()):
            if group.child(c).data(0, Qt.ItemDataRole.UserRole) == key:
                return group.child(c)
    return None


def test_a_suggestion_is_accepted_in_one_click(qtbot, logs: Context) -> None:
    store = logs.store()
    task_id = store.tasks.add(NewTask("Cart checkout", done=False, project="/home/dev/shop"), NOW_MS)
    dialog = open_inbox(qtbot, logs)
    item = session_item(dialog, CLAUDE)
    button = dialog.tree.itemWidget(item, 3)
    assert isinstance(button, QPushButton)
    assert button.text() == f"Link to #{task_id} Cart checkout · 35%"  # an open task in the session's folder
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert (CLAUDE[0], CLAUDE[1], task_id, 1.0, 1, 0) in store.links.states()  # a manual link
    assert session_item(dialog, CLAUDE) is None  # out of the inbox at once


def test_the_keyboard_accepts_the_selected_suggestion(qtbot, logs: Context) -> None:
    task_id = logs.store().tasks.add(NewTask("Cart checkout", done=False, project="/home/dev/shop"), NOW_MS)
    dialog = open_inbox(qtbot, logs)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)  # shortcuts fire in the active window
    dialog.tree.setCurrentItem(session_item(dialog, CLAUDE))
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert (CLAUDE[0], CLAUDE[1], task_id, 1.0) in [(s, i, t, w) for s, i, t, w in logs.store().links.active()]


def test_a_new_task_is_made_from_the_sessions_of_a_group(qtbot, logs: Context) -> None:
    dialog = open_inbox(qtbot, logs)
    before = build_inbox(logs, logs.reader(), *JUNE, NOW_MS)
    first = dialog.tree.topLevelItem(0)
    group = before.groups[0]
    dialog.tree.setCurrentItem(first)  # a group stands for all its sessions
    dialog.new_task("Shop cart")
    tasks = [t for t in list_tasks(logs.reader(), "UTC", {}) if t.title == "Shop cart"]
    assert len(tasks) == 1 and tasks[0].status == "done"
    assert sorted(tasks[0].sessions) == sorted(s.key for s in group.sessions)
    assert tasks[0].tokens == group.tokens
    assert tasks[0].completed_ms == max(s.last_ms for s in group.sessions)  # counts on the day of the work
    after = build_inbox(logs, logs.reader(), *JUNE, NOW_MS)
    assert after.unlinked_tokens == before.unlinked_tokens - group.tokens


def test_not_work_leaves_the_unlinked_figure_for_its_own(qtbot, logs: Context) -> None:
    dialog = open_inbox(qtbot, logs)
    unlinked = dialog.inbox.unlinked_tokens
    item = session_item(dialog, CLAUDE)
    tokens = dialog.sessions[CLAUDE].tokens
    cost = dialog.sessions[CLAUDE].cost_usd
    assert tokens > 0 and dialog.inbox.not_work_tokens == 0
    assert "Marked not work:</b> 0 sessions" in dialog.figures.text()
    dialog.tree.setCurrentItem(item)
    qtbot.mouseClick(dialog.not_work_button, Qt.MouseButton.LeftButton)
    assert dialog.inbox.unlinked_tokens == unlinked - tokens  # the unlinked figure drops
    assert dialog.inbox.not_work_tokens == tokens  # the not-work figure rises by as much
    assert "Marked not work:</b> 1 session ·" in dialog.figures.text()
    spend = not_work_spend(logs.reader(), "UTC", {}, *JUNE)
    assert (spend.sessions, spend.tokens, spend.cost_usd) == (1, tokens, cost)
    summary = build_work_summary(logs.reader(), "UTC", *JUNE, {}, orphans_limit=None)
    assert CLAUDE not in {(o.source, o.session_id) for o in summary.orphans}
    # Undone from the "Marked not work" group: back in the inbox.
    dialog.tree.setCurrentItem(session_item(dialog, CLAUDE))
    dialog.back_to_inbox()
    assert dialog.inbox.unlinked_tokens == unlinked and dialog.inbox.not_work_tokens == 0
    assert not_work_spend(logs.reader(), "UTC", {}, *JUNE).tokens == 0


def test_a_link_wins_over_not_work(logs: Context) -> None:
    store = logs.store()
    store.links.set_not_work([CLAUDE], NOW_MS)
    task_id = store.tasks.add(NewTask("Cart"), NOW_MS)
    store.links.set_manual(*CLAUDE, task_id, linked=True)
    assert not_work_spend(store, "UTC", {}, *JUNE).tokens == 0
    inbox = build_inbox(logs, store, *JUNE, NOW_MS)
    assert CLAUDE not in {s.key for s in [*inbox.sessions, *inbox.not_work]}


def test_the_title_is_read_from_the_log_and_never_stored(qtbot, logs: Context, data_dir: Path) -> None:
    dialog = open_inbox(qtbot, logs, only=[CLAUDE])
    item = session_item(dialog, CLAUDE)
    assert "Cart feature" in item.text(0)  # the fixture's summary line
    assert dialog.tree.topLevelItemCount() == 1  # filtered to the one session
    dialog.tree.setCurrentItem(item)
    dialog.not_work_selected()  # a write, so the database is touched after the title was shown
    dialog.close()
    conn = sqlite3.connect(data_dir / "tokenworth.sqlite3")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.startswith("tokenworth.sqlite3") for p in files)
    assert [p.name for p in files if b"Cart feature" in p.read_bytes()] == []


def test_the_setting_turns_titles_off(qtbot, logs: Context) -> None:
    logs.settings.set("privacy.show_session_titles", "off")
    item = session_item(open_inbox(qtbot, logs), CLAUDE)
    assert "Cart feature" not in item.text(0) and "5f1c2f8e" in item.text(0)


def test_groups_are_by_day_project_and_branch(logs: Context) -> None:
    inbox = build_inbox(logs, logs.reader(), *JUNE, NOW_MS)
    keys = [(g.day, g.project, g.branch) for g in inbox.groups]
    assert keys == sorted(keys, key=lambda k: (-k[0].toordinal(), k[1], k[2]))
    assert all(g.sessions for g in inbox.groups)
    assert inbox.unlinked_cost == sum((g.cost_usd for g in inbox.groups), Decimal(0))


def test_the_picker_shows_branch_full_path_and_title(qtbot, logs: Context) -> None:
    store = logs.reader()
    report = build_usage_report(store, UsageQuery("session", "UTC", *JUNE), {})
    info = report.session_info
    rows = [(r, info[(r.source, r.session_id)][0]) for r in report.rows]
    keys = [(r.source, r.session_id) for r, _ in rows]
    task = TaskRow(1, "Cart", "done", 0, "manual", None, "feature", "", None, [], "", "")
    dialog = LinkSessionsDialog(task, rows, None, {}, {k: info[k][1] for k in keys}, session_titles(logs, store, keys))
    qtbot.addWidget(dialog)
    text = dialog.list.item(dialog.keys.index(CLAUDE)).text()
    assert " · claude-code · /home/dev/shop · main · " in text and "“Cart feature”" in text
    dialog.search.setText("“cart feature”")  # the title, not the codex session on feature/cart
    assert [dialog.list.item(i).isHidden() for i in range(dialog.list.count())].count(False) == 1


def test_heavy_sessions_with_no_task_open_the_inbox_filtered(qtbot, logs: Context) -> None:
    section = WorkSection()
    qtbot.addWidget(section)
    summary = build_work_summary(logs.reader(), "UTC", *JUNE, {})
    section.set_summary(summary)
    assert "<a href='inbox'>" in section.orphans.text()
    with qtbot.waitSignal(section.open_inbox) as opened:
        section.orphans.linkActivated.emit("inbox")
    assert opened.args[0] == frozenset((o.source, o.session_id) for o in summary.orphans)
    review = ReviewDialog(summary.orphans, [], None)
    qtbot.addWidget(review)
    with qtbot.waitSignal(review.open_inbox) as opened:
        qtbot.mouseClick(review.inbox_button, Qt.MouseButton.LeftButton)
    dialog = open_inbox(qtbot, logs, only=opened.args[0])
    assert {s.key for s in dialog.inbox.sessions} == opened.args[0]
