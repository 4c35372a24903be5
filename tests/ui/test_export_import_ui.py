"""File ▸ Import usage export…, the drop target and View ▸ Bill vs logs on the real window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tracker.services.context import Context
from tracker.ui.main_window import MainWindow

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"


def test_import_runs_on_the_writer_thread_and_says_what_it_found(qtbot, ctx: Context) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.exports.imported, timeout=30_000) as got:
        win.exports.start([FIXTURES / "cursor-2026.csv", FIXTURES / "unknown.csv"])
    result = got.args[0]
    assert [f.events_new for f in result.files] == [4, 0]
    assert win.exports.box is not None
    assert win.exports.box.text() == "Imported 1 of 2 file(s). 1 not a format Tokenworth knows."
    assert "1 failed the Total Tokens check: line 6" in win.exports.box.informativeText()
    assert win.status.text() == win.exports.box.text()
    win.exports.box.close()
    with ctx.reader() as store:
        assert store.conn.execute("SELECT COUNT(*) FROM events WHERE source = 'cursor'").fetchone()[0] == 4
    win.stop()


def test_dropping_files_on_the_window_imports_them(qtbot, ctx: Context) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(FIXTURES / "anthropic-usage.csv"))])
    at, copy, none = win.rect().center(), Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
    enter = QDragEnterEvent(at, copy, mime, none, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()  # the window takes local files
    drop = QDropEvent(QPointF(at), copy, mime, none, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(win.exports.imported, timeout=30_000) as got:
        QApplication.sendEvent(win, drop)
    assert got.args[0].files[0].provider_new == 4
    win.exports.box.close()  # type: ignore[union-attr] # shown by the import
    view = {a.text(): a for a in win.menuBar().actions()[1].menu().actions()}
    view["&Bill vs logs"].trigger()
    dialog = win.bill_vs_logs
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=30_000)
    assert dialog.table.rowCount() == 3
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[:6] == ["2026-11-30", "anthropic", "claude-haiku-4-5", "5,800", "0", "+5,800"]
    assert "anthropic ↔ Claude models" in dialog.header.text()
    dialog.close()
    win.stop()


def test_an_unknown_usage_file_is_imported_through_a_field_mapping(qtbot, ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "agent.csv"
    path.write_text("when,model,prompt_tokens,completion_tokens\n2026-11-30T10:00:00Z,gpt-4.1,1000,20\n")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.exports.imported, timeout=30_000):
        win.exports.start([path])
    box = win.exports.box
    assert box is not None
    (button,) = [b for b in box.buttons() if b.text() == "Map its fields…"]
    button.click()
    dialog = win.exports.mapping_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5_000)
    assert dialog.fields["input_tokens"].currentText() == "prompt_tokens"  # guessed
    dialog.fields["timestamp"].setCurrentText("when")
    dialog.source.setText("acme-agent")
    with qtbot.waitSignal(win.exports.imported, timeout=30_000) as got:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    (f,) = got.args[0].files
    assert (f.format, f.events_new) == ("mapped usage (this file → acme-agent)", 1)
    with ctx.reader() as store:
        assert store.conn.execute("SELECT total_tokens FROM events WHERE source = 'acme-agent'").fetchone()[0] == 1020
    win.exports.box.close()  # type: ignore[union-attr] # shown by the import
    win.stop()
