"""The export dialog: live preview drawn by the PDF code, options remembered."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor

from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import import_git
from tracker.ui.export_dialog import ExportDialog


def recent_work(ctx: Context, home: Path) -> GitRepo:
    now = datetime.now(UTC).replace(microsecond=0)
    repo = GitRepo(home / "src" / "secret-shop")
    w = LogWriter(home, seed=5, content_bytes=40)
    for d in (12, 9, 5):
        day = now - timedelta(days=d)
        w.claude_session(day - timedelta(hours=2), project=str(repo.path), turns=3)
        repo.commit(f"feat: step {d}", day.strftime("%Y-%m-%dT%H:%M:%SZ"))
    conn = ctx.connect()
    run_import(conn, home=home, env={}, config=ctx.source_config())
    import_git(ctx, ctx.store())
    return repo


def test_preview_options_save_and_remember(qtbot, ctx: Context, home: Path, tmp_path: Path) -> None:
    recent_work(ctx, home)
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    dialog = ExportDialog(ctx, ctx.reader, state)
    qtbot.addWidget(dialog)
    labels = [dialog.period.itemText(i) for i in range(dialog.period.count())]
    assert labels == ["Last week", "Last month", "Last quarter", "This week", "This month", "Last 30 days", "Custom"]
    dialog.period.setCurrentText("Last 30 days")
    dialog.refresh()
    assert dialog.report is not None and dialog.report.tasks_completed == 3
    assert len(dialog.pages) >= 2
    first = dialog.pages[0].toImage()
    inked = sum(first.pixelColor(x, y) != QColor("white") for x in range(0, first.width(), 7)
                for y in range(0, first.height(), 7))  # fmt: skip
    assert inked > 300  # text and the chart were drawn (daily bars for 30 days: thinner than weekly ones)
    dialog.redact.setChecked(True)
    dialog.refresh()
    assert all(t.title.startswith("Feature task #") for t in dialog.report.tasks)
    out = dialog.save(tmp_path / "r.pdf")
    assert out is not None
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                                                        text=True, check=True).stdout)  # fmt: skip
    assert dialog.report.period_label in text and "secret-shop" not in text
    dialog.format.setCurrentText("JSON")
    saved = dialog.save(tmp_path / "r.json")
    assert saved is not None and json.loads(saved.read_text())["totals"]["tasks_completed"] == 3
    again = ExportDialog(ctx, ctx.reader, state)
    qtbot.addWidget(again)
    assert again.redact.isChecked() and again.period.currentText() == "Last 30 days"
    assert again.period_name() == "last-30-days" and state.value("report/period") == "last-30-days"
    assert again.format.currentText() == "JSON"


def test_opens_on_the_period_the_dashboard_shows(qtbot, ctx: Context, tmp_path: Path) -> None:
    from datetime import date

    from tracker.services.report import named_period

    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    shown = (date(2025, 9, 15), date(2025, 10, 31))  # a custom range on the dashboard
    dialog = ExportDialog(ctx, ctx.reader, state, shown=shown)
    qtbot.addWidget(dialog)
    assert dialog.period.currentText() == "Custom"
    assert dialog.report is not None and (dialog.report.options.since, dialog.report.options.until) == shown
    today = dialog.today()
    thirty = named_period("last-30-days", today)
    named = ExportDialog(ctx, ctx.reader, state, shown=thirty)
    qtbot.addWidget(named)
    assert named.period.currentText() == "Last 30 days" and not named.since.isEnabled()
    named.period.setCurrentText("Last week")
    named.options()  # the disabled fields show the days the period resolves to
    week = named_period("last-week", today)
    assert (named.since.date().toPython(), named.until.date().toPython()) == week
