"""Sessions and Projects: numbers first, short model names, right-aligned numbers, widths
remembered, a totals line that follows the filter, copy/export and honest sort arrows."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QStyleOptionHeader

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.ui.table_export import arrow_for, as_csv, as_markdown, as_tsv
from tracker.ui.usage_table import SORT_ROLE, UsageTablePage

JUNE_1, JUNE_2 = date(2026, 6, 1), date(2026, 6, 2)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def _page(qtbot, ctx: Context, kind: str, state: QSettings | None = None) -> UsageTablePage:
    page = UsageTablePage(ctx, ctx.reader, kind, state)
    qtbot.addWidget(page)
    page.resize(1024, 640)
    page.show()
    page.refresh(JUNE_1, JUNE_2)
    return page


def test_numbers_come_first_and_models_last(qtbot, loaded: Context) -> None:
    sessions = _page(qtbot, loaded, "session")
    headers = sessions.model.headers
    assert headers[:6] == ["Start", "Tool", "Project", "Branch", "Total tokens", "Cost"]
    assert headers[-1] == "Models"
    projects = _page(qtbot, loaded, "project")
    assert projects.model.headers[:4] == ["Project", "Sessions", "Total tokens", "Cost"]
    assert projects.model.headers[-1] == "Models"
    # Tokens and cost are on screen at 1024 px without scrolling sideways.
    view = sessions.table
    cost = headers.index("Cost")
    assert view.columnViewportPosition(cost) + view.columnWidth(cost) <= view.viewport().width()


def test_short_model_names_with_the_full_list_in_a_tooltip(qtbot, loaded: Context) -> None:
    page = _page(qtbot, loaded, "session")
    m = page.model
    col = m.headers.index("Models")
    shown = {m.index(r, col).data() for r in range(m.rowCount())}
    assert shown == {"Sonnet 4.5 +1", "GPT-5.1 Codex Max +1"}
    claude = next(r for r in range(m.rowCount()) if m.index(r, col).data() == "Sonnet 4.5 +1")
    tip = m.index(claude, col).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[0].startswith("claude-sonnet-4-5-20250929: 33,188 tokens, $")
    assert tip.splitlines()[1].startswith("claude-opus-4-1-20250805: 15 tokens, $")
    page.filter.setText("opus-4-1")  # the filter still finds a model hidden behind "+1"
    assert page.proxy.rowCount() == 1


def test_every_number_is_right_aligned(qtbot, loaded: Context) -> None:
    for kind in ("session", "project"):
        page = _page(qtbot, loaded, kind)
        m = page.model
        for name in ("Total tokens", "Cost", "Input", "Cache read", *(["Sessions"] if kind == "project" else [])):
            c = m.headers.index(name)
            assert m.index(0, c).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT, (kind, name)
            assert m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == RIGHT
        assert m.index(0, m.headers.index("Project")).data(Qt.ItemDataRole.TextAlignmentRole) is None


def test_column_widths_and_order_are_remembered(qtbot, loaded: Context) -> None:
    path = str(loaded.paths.root / "window.ini")
    state = QSettings(path, QSettings.Format.IniFormat)
    page = _page(qtbot, loaded, "session", state)
    models = page.model.headers.index("Project")
    page.table.setColumnWidth(models, 333)
    page.table.horizontalHeader().moveSection(page.model.headers.index("Branch"), 0)
    state.sync()
    again = _page(qtbot, loaded, "session", QSettings(path, QSettings.Format.IniFormat))
    assert again.table.columnWidth(models) == 333
    assert again.table.horizontalHeader().logicalIndex(0) == again.model.headers.index("Branch")


def test_the_filter_updates_the_totals_line(qtbot, loaded: Context) -> None:
    page = _page(qtbot, loaded, "session")
    assert page.summary.text() == "2 sessions from 2026-06-01 to 2026-06-02 · 64,703 tokens · " + _cost(page, None)
    page.filter.setText("claude-code")
    assert page.summary.text() == "1 of 2 sessions match · 33,203 tokens · " + _cost(page, "claude-code")
    page.filter.setText("no such thing")
    assert page.summary.text() == "0 of 2 sessions match · 0 tokens · $0.00"
    page.filter.clear()
    assert page.summary.text().startswith("2 sessions from")


def _cost(page: UsageTablePage, source: str | None) -> str:
    from decimal import Decimal

    from tracker.ui.formatting import money

    return money(sum((r.totals.cost_usd for r in page.model.rows if source in (None, r.source)), Decimal(0)))


def test_copy_and_export(qtbot, loaded: Context, tmp_path: Path) -> None:
    page = _page(qtbot, loaded, "session")
    copied: list[str] = []
    page.copying.clipboard = copied.append
    total = page.model.headers.index("Total tokens")
    page.table.sortByColumn(total, Qt.SortOrder.DescendingOrder)
    page.copying.copy_csv()  # nothing selected: every visible row, in the shown order
    rows = list(csv.reader(io.StringIO(copied[-1])))
    assert rows[0][:6] == ["Start", "Tool", "Project", "Branch", "Total tokens", "Cost"]
    assert [r[4] for r in rows[1:]] == ["33203", "31500"]  # plain numbers, not "33,203"
    assert rows[1][-1] == "claude-sonnet-4-5-20250929, claude-opus-4-1-20250805"  # every model id
    page.table.selectRow(1)
    page.copying.copy_rows()
    lines = copied[-1].splitlines()
    assert len(lines) == 2 and lines[1].split("\t")[1] == "codex"
    page.copying.copy_markdown()
    md = copied[-1].splitlines()
    assert md[0].startswith("| Start | Tool |") and md[1].split(" | ")[4] == "---:" and len(md) == 3
    out = tmp_path / "sessions.csv"
    assert page.copying.export_to(out)
    assert out.read_text().count("\n") == 3
    assert [a.text() for a in page.copying.menu.actions()] == [
        "Open task",
        "",  # a separator
        "Copy rows",
        "Copy as CSV",
        "Copy as Markdown",
        "Export…",
    ]


def test_sort_arrows_point_the_way_the_rows_run(qtbot, loaded: Context) -> None:
    page = _page(qtbot, loaded, "session")
    header = page.table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # newest first
    first, second = (page.proxy.index(r, 0).data(SORT_ROLE) for r in range(2))
    assert first > second
    # Qt draws descending as SortUp (▲); the style turns it to ▼.
    assert header.style() is page.arrows
    up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
    assert arrow_for(up) == down and arrow_for(down) == up


def test_text_formats_escape() -> None:
    assert as_csv(["a"], [["=1+1"]]) == "a\n'=1+1\n"
    assert as_tsv(["a", "b"], [["x\ty", "z\nw"]]) == "a\tb\nx y\tz w\n"
    assert as_markdown(["a"], [["x|y"]], [False]).splitlines()[2] == "| x\\|y |"
