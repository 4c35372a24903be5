"""Widgets show exactly the service's numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.ui.dashboard_page import DashboardPage
from tracker.ui.formatting import money
from tracker.ui.settings_dialog import SettingsDialog
from tracker.ui.usage_table import SORT_ROLE, UsageTablePage

JUNE_1, JUNE_2 = date(2026, 6, 1), date(2026, 6, 2)


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def test_sessions_table_shows_the_report(qtbot, loaded: Context) -> None:
    page = UsageTablePage(loaded, loaded.reader, "session")
    qtbot.addWidget(page)
    page.refresh(JUNE_1, JUNE_2)
    report = build_usage_report(loaded.reader(), UsageQuery("session", "UTC", JUNE_1, JUNE_2), {})
    model = page.model
    assert model.rowCount() == len(report.rows) == 2
    total_col = model.headers.index("Total tokens")
    shown = sorted(int(model.index(r, total_col).data(SORT_ROLE)) for r in range(model.rowCount()))
    assert shown == sorted(r.totals.total_tokens for r in report.rows) == [31500, 33203]
    tool, branch = model.headers.index("Tool"), model.headers.index("Branch")
    assert {model.index(r, tool).data() for r in range(2)} == {"Claude Code", "Codex CLI"}  # display names
    assert {model.index(r, tool).data(Qt.ItemDataRole.ToolTipRole) for r in range(2)} == {"claude-code", "codex"}
    assert {model.index(r, branch).data() for r in range(2)} == {"feature/cart", "main"}
    page.filter.setText("gpt-5.1")
    assert page.proxy.rowCount() == 1
    page.filter.clear()
    page.table.sortByColumn(total_col, Qt.SortOrder.AscendingOrder)
    assert page.proxy.index(0, total_col).data() == "31,500"
    page.table.selectRow(1)
    assert "claude-sonnet-4-5-20250929" in page.detail.toPlainText()
    assert "Project /home/dev/shop" in page.detail.toPlainText()


def test_projects_table(qtbot, loaded: Context) -> None:
    page = UsageTablePage(loaded, loaded.reader, "project")
    qtbot.addWidget(page)
    page.refresh(JUNE_1, JUNE_2)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 0).data() == "/home/dev/shop"
    assert page.model.index(0, 1).data() == "2"  # sessions
    assert page.model.index(0, page.model.headers.index("Total tokens")).data() == "64,703"


def test_dashboard_cards_charts_and_day_filter(qtbot, loaded: Context) -> None:
    page = DashboardPage(loaded, loaded.reader)
    qtbot.addWidget(page)
    page.period.setCurrentText("Custom")
    page.since.setDate(JUNE_1)
    page.until.setDate(JUNE_2)
    page.resize(1300, 1200)
    page.show()
    report = build_usage_report(loaded.reader(), UsageQuery("daily", "UTC", JUNE_1, JUNE_2), {})
    assert page.cards["tokens"].detail.text().startswith("64,703 in 5 requests")
    assert page.cards["cost"].value.text() == money(report.total.totals.cost_usd)
    stacks = page.chart.series.stacks
    assert {k: sum(v) for k, v in stacks.items()} == {"claude-code": 33203, "codex": 31500}
    assert len(page.chart.series.slots) == 48  # a two-day period is drawn by the hour
    assert page.chart.readout_for(9).startswith("Mon 2026-06-01 09:00–10:00: ")
    assert page.chart_title.text() == "<b>Tokens and cost per hour</b>"
    page.stack_by.setCurrentText("by model")
    assert set(page.chart.series.stacks) == set(report.total.models)
    assert sum(page.hours.bars.opts["height"]) == 64703
    # Clicking June 2 on the heat map narrows everything to that day.
    heat = page.heatmap
    heat.set_values(heat.values, date(2026, 6, 30), None)
    cell = heat._cell(JUNE_2).center()
    heat.day_clicked.emit(heat.day_at(cell.x(), cell.y()))
    assert page.day_filter == JUNE_2
    assert page.cards["tokens"].detail.text().startswith("15 in 1 requests")
    page.clear_filter.click()
    assert page.day_filter is None


def test_settings_dialog_is_built_from_the_schema_and_validates(qtbot, ctx: Context) -> None:
    from decimal import Decimal

    from tracker.core import settings_schema as schema

    dialog = SettingsDialog(ctx.settings, str(ctx.paths.root))
    qtbot.addWidget(dialog)
    assert set(dialog.editors) == {s.name for s in ctx.settings.declarations}
    assert {"sources.claude-code.enabled", "sources.codex.extra_paths"} <= set(dialog.editors)  # from the registry
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == [
        "General", "Sources", "Prices", "Budgets", "Targets", "Notifications", "Work", "Reports", "Privacy",
        "OpenTelemetry", "App",
    ]  # fmt: skip
    _, day = dialog.editors["notify.weekly_report_day"]
    assert (day.minimum(), day.maximum()) == (0, 6)  # type: ignore[attr-defined] # a QSpinBox
    _, tz = dialog.editors["general.timezone"]
    tz.setCurrentText("Europe/Berlin")  # type: ignore[attr-defined]
    _, overrides = dialog.editors["pricing.overrides"]
    overrides.setPlainText('{"acme": {"inptu": 1}}')  # type: ignore[attr-defined]
    dialog.save()
    assert "unknown rate 'inptu'" in dialog.error.text()
    assert ctx.settings.value(schema.TIMEZONE) == ""  # nothing saved while invalid
    overrides.setPlainText('{"acme": {"input": 1, "output": 2}}')  # type: ignore[attr-defined]
    _, budget = dialog.editors["budget.daily_tokens"]
    budget.setText("500000")  # type: ignore[attr-defined] # token budgets exceed a spin box: a line
    dialog.save()
    assert ctx.settings.value(schema.TIMEZONE) == "Europe/Berlin"
    assert ctx.settings.value(schema.TOKEN_BUDGETS["daily"]) == 500000
    assert ctx.settings.value(schema.PRICE_OVERRIDES) == {"acme": {"input": Decimal(1), "output": Decimal(2)}}


def test_charts_follow_a_palette_change(qtbot, loaded: Context) -> None:
    from PySide6.QtGui import QColor, QPalette

    page = DashboardPage(loaded, loaded.reader)
    qtbot.addWidget(page)
    dark = QPalette(page.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    page.setPalette(dark)
    assert page.chart.plot.backgroundBrush().color().name() == "#1e1e1e"
    assert page.hours.getPlotItem().getAxis("left").textPen().color().name() == "#e6e6e6"
    page.refresh()
    assert page.sources_line.text().startswith("Reading Claude Code · Codex CLI · ")  # folders: in the tooltip
    assert page.sources_line.toolTip().startswith("Reading Claude Code (~/.claude/projects) · Codex CLI (~/.codex")


def test_token_axis_ticks_are_whole_tokens(qtbot) -> None:
    """An empty or tiny chart gets ticks 0 and 1, not five ticks that all read "0"."""
    from tracker.reports.charts import TokenAxis

    axis = TokenAxis()
    values = [v for _, level in axis.tickValues(0.0, 1.0, 400) for v in level]
    assert values == [0.0, 1.0]
    assert axis.tickStrings(values, 1, 1) == ["0", "1"]
    big = [v for _, level in axis.tickValues(0.0, 5e6, 400) for v in level]
    assert big and all(v == int(v) for v in big) and max(big) >= 4e6


def test_a_period_without_usage_says_so(qtbot) -> None:
    from datetime import date, timedelta

    from tracker.analytics.buckets import slots
    from tracker.ui.charts import ChartSeries, TokensPerDayChart

    chart = TokensPerDayChart()
    qtbot.addWidget(chart)
    days = slots(date(2026, 11, 1), date(2026, 11, 1) + timedelta(days=2))
    chart.set_series(ChartSeries(days, {"codex": [0, 0, 0]}, [0.0, 0.0, 0.0]))
    assert chart.readout.text() == "No usage in this period."
    assert chart.showing_empty  # a placeholder, not empty axes
    chart.set_series(ChartSeries(days, {"codex": [0, 5, 0]}, [0.0, 0.1, 0.0]))
    assert chart.readout.text().startswith("Hover a day")
    assert not chart.showing_empty


def test_settings_dialog_shows_a_damaged_file_and_does_not_write_over_it(qtbot, ctx: Context) -> None:
    from tracker.services.context import Context as Fresh

    damaged = '{"values": {"budget.daily_tokens": 5000,}}'
    ctx.paths.settings.parent.mkdir(parents=True, exist_ok=True)
    ctx.paths.settings.write_text(damaged)
    fresh = Fresh(ctx.paths, ctx.home, {})
    dialog = SettingsDialog(fresh.settings, str(ctx.paths.root))
    qtbot.addWidget(dialog)
    assert "is damaged" in dialog.error.text()
    _, autostart = dialog.editors["app.autostart"]
    autostart.setChecked(True)  # type: ignore[attr-defined]
    dialog.save()
    assert "not changing app.autostart" in dialog.error.text()
    assert dialog.result() != dialog.DialogCode.Accepted  # the dialog stays open with the reason
    assert ctx.paths.settings.read_text() == damaged
