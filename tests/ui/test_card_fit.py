"""No card text is clipped at 1440x900 or 1024x640: every label's text fits its width (a
wrapped one: each word fits and the label is as tall as its lines need), measured with the
label's own font metrics, in the real window with real data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QScrollArea

from tests.conftest import install_fixture_logs
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.ui.charts import ElidedLabel
from tracker.ui.main_window import MainWindow


def clipped(label: QLabel) -> str | None:
    """Why ``label``'s text does not fit, or None when it does."""
    text = label.text()
    if not text.strip() or not label.isVisible():
        return None
    fm = label.fontMetrics()
    width = label.contentsRect().width()
    if isinstance(label, ElidedLabel) and label.elided():  # cut short on purpose: whole in the tooltip
        return None if label.toolTip() == text else f"{text!r} is elided without its tooltip"
    if not label.wordWrap():
        need = fm.horizontalAdvance(text)
        return None if need <= width else f"{text!r} needs {need} px, has {width}"
    widest = max(text.split(), key=fm.horizontalAdvance)
    if fm.horizontalAdvance(widest) > width:
        return f"{widest!r} of {text!r} is wider than {width} px"
    if label.height() < label.heightForWidth(label.width()):
        return f"{text!r} needs {label.heightForWidth(label.width())} px of height, has {label.height()}"
    return None


@pytest.fixture
def window(qtbot, home: Path, data_dir: Path) -> MainWindow:
    install_fixture_logs(home)
    ctx = Context(DataPaths(data_dir), home, {})
    ctx.settings.set("general.timezone", "UTC")
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.dashboard.show_range(date(2026, 6, 1), date(2026, 6, 2))
    qtbot.waitUntil(lambda: not win.reads.pending(), timeout=30_000)
    return win


@pytest.mark.parametrize("size", [(1440, 900), (1024, 640)])
def test_no_card_text_is_clipped(qtbot, window: MainWindow, size: tuple[int, int]) -> None:
    cards = window.dashboard.cards
    # The longest lines real periods give (a team's month), on top of what this data shows.
    cards["cost"].show_value("$12,345,678,901.23", "1,234,567 tokens unpriced")  # elided at 1024 px
    cards["linked"].show_value("100%", "$12,345.67 of $12,345.67; $12,345.67 not linked to any outcome")
    cards["tokens"].show_value("1,234.6M", "1,234,567,890 in 12,345,678 requests")
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    qtbot.wait(50)  # the layout settles
    problems = {
        f"{key}: {why}"
        for key, card in cards.items()
        for label in card.findChildren(QLabel)
        if (why := clipped(label)) is not None
    }
    assert not problems, problems
    if size[0] == 1024:
        assert cards["cost"].value.toolTip() == "$12,345,678,901.23"
    scroll = window.dashboard.findChild(QScrollArea)
    assert not scroll.horizontalScrollBar().isVisible()  # the page scrolls down, never sideways


@pytest.mark.parametrize("width", [1024, 1280])
def test_a_short_headline_is_never_cut(qtbot, home: Path, data_dir: Path, width: int) -> None:
    """An empty store at a middling width: long second lines must not squeeze "$0.00" to "$0.…"."""
    win = MainWindow(Context(DataPaths(data_dir), home, {}))
    qtbot.addWidget(win)
    win.show()
    cards = win.dashboard.cards
    cards["linked"].show_value("0%", "$0.00 of $0.00; $0.00 not linked to any outcome")
    cards["per_outcome"].show_value("—", "No completed task has linked sessions yet.")
    win.resize(width, 700)
    qtbot.waitUntil(lambda: win.width() == width)
    qtbot.wait(50)
    for key, card in cards.items():
        assert not card.value.elided(), f"{key}: {card.value.text()!r} cut at {card.value.width()} px"
