"""The task journal in the app, over real git tasks and sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import import_git
from tracker.services.work_summary import build_work_summary
from tracker.store.store import Store
from tracker.ui.review_dialog import NEW, ReviewDialog
from tracker.ui.tasks_page import TasksPage

JUNE = (date(2026, 6, 1), date(2026, 6, 30))


@pytest.fixture
def work(ctx: Context, home: Path) -> Context:
    repo = GitRepo(home / "src" / "shop")
    repo.commit("feat: cart", "2026-06-01T11:00:00Z")
    repo.commit("fix: totals", "2026-06-02T11:00:00Z")
    w = LogWriter(home, seed=9, content_bytes=40)
    w.claude_session(datetime(2026, 6, 1, 9, tzinfo=UTC), project=str(repo.path), turns=3)
    w.codex_session(datetime(2026, 6, 10, 9, tzinfo=UTC), project="/home/dev/notes", turns=2)
    conn = ctx.connect()
    run_import(conn, home=home, env={}, config=ctx.source_config())
    import_git(ctx, ctx.store())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def direct_writer(ctx: Context) -> Callable[[Callable[[Store], object]], None]:
    store = ctx.store()
    return lambda change: change(store)  # the app sends these to its writer thread


def test_journal_lists_edits_completes_deletes_and_undoes(qtbot, work: Context, monkeypatch) -> None:
    page = TasksPage(work, work.reader, direct_writer(work))
    qtbot.addWidget(page)
    page.refresh(*JUNE)
    assert page.model.rowCount() == 2
    titles = {page.model.rows[i].title for i in range(2)}
    assert titles == {"feat: cart", "fix: totals"}
    cart = next(t for t in page.model.rows if t.title == "feat: cart")
    assert cart.tokens > 0 and len(cart.sessions) == 1
    page.search.setText("totals")
    assert page.proxy.rowCount() == 1
    page.table.selectRow(0)
    page.delete_selected()
    page.refresh(*JUNE)
    assert {t.title for t in page.model.rows} == {"feat: cart"}
    assert not page.undo.isHidden()
    page.undo_delete()
    page.search.clear()
    page.refresh(*JUNE)
    assert {t.title for t in page.model.rows} == {"feat: cart", "fix: totals"}
    page.scope.setCurrentText("Open tasks")
    assert page.model.rowCount() == 0


def test_end_of_day_review_links_or_creates(qtbot, work: Context) -> None:
    store = work.store()
    conn = store.conn
    summary = build_work_summary(store, "UTC", date(2026, 6, 10), date(2026, 6, 10), {}, orphans_limit=None)
    assert [o.source for o in summary.orphans] == ["codex"]
    dialog = ReviewDialog(summary.orphans, [], None)
    qtbot.addWidget(dialog)
    dialog.choices[0].setCurrentText(NEW)
    assert dialog.change(store) == 1
    after = build_work_summary(store, "UTC", date(2026, 6, 10), date(2026, 6, 10), {}, orphans_limit=None)
    # Linked to a task (no longer an orphan); that task was not completed on 10 June, so the
    # session's spend is not linked spend of that day's outcomes (analytics.value_figures).
    assert after.orphans == [] and {s for s, _, _, _ in store.links.active()} >= {"codex"}
    assert conn.execute("SELECT title FROM tasks WHERE title = 'Work in notes'").fetchone()


def test_csv_mapping_dialog_previews_and_remembers(qtbot, ctx: Context) -> None:
    from tests.conftest import FIXTURES
    from tracker.ui.import_dialog import CsvMappingDialog

    path = FIXTURES / "trackers" / "custom-utf16.csv"
    dialog = CsvMappingDialog(path, ctx.settings)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()  # no title column chosen yet
    dialog.fields["title"].setCurrentText("Name")
    dialog.fields["completed_at"].setCurrentText("Finished")
    dialog.fields["external_id"].setCurrentText("Key")
    assert ok.isEnabled()
    assert dialog.preview.rowCount() == 2
    assert dialog.preview.item(0, 0).text() == "Quarterly report"
    assert dialog.preview.item(0, 2).text() == "2026-06-06"
    assert "row 4: no title" in dialog.problems.text()
    dialog.name.setText("sheet")
    dialog._accept()
    from tracker.core.settings_schema import CSV_MAPPINGS

    assert ctx.settings.value(CSV_MAPPINGS)["sheet"] == {
        "title": "Name",
        "completed_at": "Finished",
        "external_id": "Key",
    }
    again = CsvMappingDialog(path, ctx.settings)
    qtbot.addWidget(again)
    again.saved.setCurrentText("sheet")
    assert again.mapping() == {"title": "Name", "completed_at": "Finished", "external_id": "Key"}


def test_tracker_exports_import_from_the_journal(qtbot, work: Context) -> None:
    from tests.conftest import FIXTURES
    from tracker.ui.tasks_page import TasksImported

    store = work.store()

    def write(change: Callable[[Store], object]) -> None:  # as the window hands the result back
        result = change(store)
        if isinstance(result, TasksImported):
            page.imported(result)

    page = TasksPage(work, work.reader, write)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.status, timeout=5_000) as said:
        page.import_file(FIXTURES / "trackers" / "linear.csv")
    assert said.args == ["linear.csv: 2 new tasks, 0 updated."]
    page.scope.setCurrentText("All tasks")
    assert {"Speed up search", "Write onboarding docs"} <= {t.title for t in page.model.rows}


def test_link_and_unlink_sessions_by_hand(qtbot, work: Context) -> None:
    from PySide6.QtCore import Qt

    from tracker.ui.link_dialog import LinkSessionsDialog

    page = TasksPage(work, work.reader, direct_writer(work))
    qtbot.addWidget(page)
    page.refresh(*JUNE)
    # The session on main served the next task completed there: the cart, not the next day's fix.
    totals = next(t for t in page.model.rows if t.title == "feat: cart")
    from tracker.services.usage import UsageQuery, build_usage_report

    report = build_usage_report(work.reader(), UsageQuery("session", "UTC", *JUNE), {})
    sessions = [(r, report.session_info.get((r.source, r.session_id), ("", ""))[0]) for r in report.rows]
    dialog = LinkSessionsDialog(totals, sessions)
    qtbot.addWidget(dialog)
    codex = next(i for i, key in enumerate(dialog.keys) if key[0] == "codex")
    claude = next(i for i, key in enumerate(dialog.keys) if key[0] == "claude-code")
    assert dialog.list.item(claude).checkState() == Qt.CheckState.Checked  # linked automatically
    dialog.list.item(claude).setCheckState(Qt.CheckState.Unchecked)
    dialog.list.item(codex).setCheckState(Qt.CheckState.Checked)
    assert dialog.change(work.store()) == 2
    # An automatic relink (as after every import) keeps the user's choice.
    from tracker.work.linking import auto_link

    auto_link(work.store())
    page.refresh(*JUNE)
    again = next(t for t in page.model.rows if t.title == "feat: cart")
    assert [s for s, _ in again.sessions] == ["codex"]


def test_edit_dialog_keeps_the_report_flag(qtbot, work: Context) -> None:
    from tracker.ui.task_dialog import TaskDialog

    conn = work.connect()
    conn.execute("UPDATE tasks SET include_in_report = 0 WHERE title = 'fix: totals'")
    page = TasksPage(work, work.reader, direct_writer(work))
    qtbot.addWidget(page)
    page.refresh(*JUNE)
    task = next(t for t in page.model.rows if t.title == "fix: totals")
    dialog = TaskDialog(None, "UTC", task)
    qtbot.addWidget(dialog)
    assert not dialog.include.isChecked()
    dialog.impact.setPlainText("Totals are right again")
    dialog.hours.setValue(1.5)
    dialog._accept()
    assert dialog.edit is not None
    Store(conn).tasks.update(task.id, dialog.edit)
    row = conn.execute("SELECT impact, hours_saved, include_in_report FROM tasks WHERE id = ?", (task.id,)).fetchone()
    assert row == ("Totals are right again", "1.5", 0)
