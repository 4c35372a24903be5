"""Menus, navigation and the shortcut list: the README says what the app does."""

from __future__ import annotations

import re

from tests.conftest import REPO
from tracker.services.context import Context
from tracker.ui.main_window import PAGES, MainWindow


def readme_shortcuts() -> list[tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### Keyboard shortcuts", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [tuple(cell.strip() for cell in row.strip("|").split(" | ")) for row in rows[1:]]  # type: ignore[misc] # pairs


def test_menus_navigation_and_the_readme_shortcuts(qtbot, ctx: Context) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus == ["&File", "&View", "&Help"]
    toolbar = [a.text() for a in win.toolbar.actions()]
    assert toolbar == [
        "&Import now",
        "Log a &task…",
        "&Link inbox…",
        "&Export report…",
        "&Settings…",
    ]  # Quit is not a button
    assert readme_shortcuts() == win.shortcut_rows
    keys = [k for k, _ in win.shortcut_rows]
    assert len(keys) == len(set(keys))  # no shortcut bound twice
    assert [win.nav.item(i).text() for i in range(win.nav.count())] == list(PAGES)
    assert all(not win.nav.item(i).icon().isNull() for i in range(win.nav.count()))
    view = {a.text(): a for a in win.menuBar().actions()[1].menu().actions()}
    view["Sessions"].trigger()
    assert win.stack.currentWidget() is win.sessions
    view["Dashboard"].trigger()
    help_menu = {a.text(): a for a in win.menuBar().actions()[2].menu().actions()}
    help_menu["&What counts"].trigger()
    page = win.help_dialog.text.toPlainText()  # type: ignore[union-attr] # a HelpDialog was opened
    for heading in ("What is read", "A request", "An active day", "How cache tokens are priced", 'What "linked" means'):
        assert heading in page
    assert "never stores prompts, replies or code" in page
    help_menu["&Keyboard shortcuts"].trigger()
    shown = win.help_dialog.text.toPlainText()  # type: ignore[union-attr]
    assert all(re.search(re.escape(what), shown) for _, what in win.shortcut_rows)


def test_alt_arrows_step_the_period(qtbot, ctx: Context) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    since, until = win.dashboard.selected_range()
    view = {a.text(): a for a in win.menuBar().actions()[1].menu().actions()}
    view["&Previous period"].trigger()
    earlier = win.dashboard.selected_range()
    assert earlier[1] < since and (earlier[1] - earlier[0]) == (until - since)
