"""The first-run welcome: shown once, says what is read and where, and its steps act."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.ui.main_window import MainWindow


def test_welcome_once_with_what_is_read_and_three_steps(qtbot, ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.import_finished_count >= 1, timeout=60_000)  # then the welcome
    qtbot.waitUntil(lambda: window.welcome is not None, timeout=30_000)  # its folders read off the GUI thread
    welcome = window.welcome
    assert welcome is not None and welcome.isVisible()
    text = " ".join(label.text() for label in welcome.findChildren(QLabel))
    assert "<b>Claude Code</b> — ~/.claude/projects</li>" in text
    assert "Also looked for, not found: OpenClaw, " in text
    assert "Never prompts, replies or code" in text and "active day" in text and "linked" in text
    assert [b.text() for b in welcome.buttons.values()] == ["Log your first task…", "Import tickets…", "Set a budget…"]
    seen: list[str] = []

    def close_settings() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.tabs.tabText(dialog.tabs.currentIndex()))  # type: ignore[union-attr]
        dialog.reject()  # type: ignore[union-attr]

    QTimer.singleShot(200, close_settings)
    welcome.buttons["budget"].click()
    assert seen == ["Budgets"] and not welcome.isVisible()
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    again.start()
    qtbot.waitUntil(lambda: again.import_finished_count >= 1 and not again.reads.pending(), timeout=60_000)
    assert again.welcome is None  # shown once
    again.close()
