"""The first-run welcome: shown once, says what is read and where, and its steps act."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.ui.main_window import PAGES, MainWindow


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
    window.show_welcome()  # Help ▸ Welcome: its "Sources page" link opens the page
    qtbot.waitUntil(lambda: window.welcome is not welcome and window.welcome is not None, timeout=30_000)
    (label,) = [x for x in window.welcome.findChildren(QLabel) if "What is read" in x.text()]
    label.linkActivated.emit("sources")
    assert window.nav.currentRow() == PAGES.index("Sources") and not window.welcome.isVisible()
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    again.start()
    qtbot.waitUntil(lambda: again.import_finished_count >= 1 and not again.reads.pending(), timeout=60_000)
    assert again.welcome is None  # shown once
    again.close()


def test_with_no_logs_the_welcome_names_the_tools_and_links_the_sources_page(qtbot, ctx: Context, home: Path) -> None:
    from tracker.services.sources_status import folder_statuses
    from tracker.ui.welcome import WelcomeDialog

    dialog = WelcomeDialog(folder_statuses(ctx), home)
    qtbot.addWidget(dialog)
    dialog.show()
    (label,) = [x for x in dialog.findChildren(QLabel) if "What is read" in x.text()]
    text = label.text()
    assert "No logs found yet of Claude Code, Codex CLI, " in text and " or Amp; " in text
    assert "Also looked for" not in text  # nothing was found: not "also"
    assert '<a href="sources">the Sources page</a>' in text
    with qtbot.waitSignal(dialog.show_sources):
        label.linkActivated.emit("sources")
    assert not dialog.isVisible()  # closed first, so the page is not behind it
