"""Charts a first-time user does not trip on: the wheel scrolls the page, hovering never
changes the layout, axes read as money and whole counts, the legend sits above the data,
the bucket follows the span, the calendar is shaded by quartile and empty states say what to do."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from tests.conftest import install_fixture_logs
from tests.ui.xinput import wheel
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.sources.registry import SOURCES
from tracker.ui.dashboard_page import DashboardPage

JUNE_1, JUNE_2 = date(2026, 6, 1), date(2026, 6, 2)


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def _dashboard(qtbot, ctx: Context, since: date, until: date, size: tuple[int, int] = (1200, 700)) -> DashboardPage:
    page = DashboardPage(ctx, ctx.reader)
    qtbot.addWidget(page)
    page.period.setCurrentText("Custom")
    page.since.setDate(since)
    page.until.setDate(until)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_wheel_over_charts_scrolls_the_page_and_leaves_ranges(qtbot, loaded: Context) -> None:
    page = _dashboard(qtbot, loaded, JUNE_1 - timedelta(days=9), JUNE_2)
    page.raise_()
    page.activateWindow()
    scroll = page.findChild(QScrollArea)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    chart, work = page.chart, page.work.weekly
    views = [chart.plot.getPlotItem().getViewBox(), chart.cost_view]
    views += [work.plot.getPlotItem().getViewBox(), work.task_view]

    def ranges() -> list[float]:
        return [x for v in views for axis in v.viewRange() for x in axis]

    # Linked views follow their master's range after the layout settles; take the ranges then,
    # so only a wheel (which zoomed the cost axis to -9,000 USD) can move them.
    qtbot.wait(300)
    before = ranges()
    wheel(chart.plot)
    qtbot.waitUntil(lambda: bar.value() > 0)  # the page scrolled
    scroll.ensureWidgetVisible(work)
    at = bar.value()
    wheel(work.plot, down=False)  # up, over the weekly work chart
    qtbot.waitUntil(lambda: bar.value() < at)
    wheel(page.hours)
    qtbot.waitUntil(lambda: bar.value() != at)
    # No axis zoomed or panned (the cost axis went to -9,000 USD): one wheel notch zooms by ~26 %;
    # a linked view may still settle by a fraction of a percent after the page scrolled.
    spans = [x for v in views for axis in v.viewRange() for x in (axis[1] - axis[0],)]
    assert ranges() == pytest.approx(before, rel=0.01, abs=1e-6)
    assert spans == pytest.approx([b - a for a, b in zip(before[::2], before[1::2], strict=True)], rel=0.01)


def test_hovering_never_widens_the_page(qtbot, loaded: Context) -> None:
    page = _dashboard(qtbot, loaded, JUNE_1 - timedelta(days=9), JUNE_2, size=(1024, 640))
    page.stack_by.setCurrentText("by model")
    scroll = page.findChild(QScrollArea)
    QApplication.processEvents()
    width, hbar = page.chart.width(), scroll.horizontalScrollBar().maximum()
    page.chart.readout.setText("Mon 2026-06-01: " + "claude-sonnet-4-5-20250929 12,345,678; " * 40)
    vb = page.chart.plot.getPlotItem().getViewBox()
    page.chart._hover(vb.mapViewToScene(QPointF(9, 1)))  # the bar of June 1
    QApplication.processEvents()
    assert page.chart.readout.text().startswith("Mon 2026-06-01: 64,688 tokens")
    assert page.chart.width() == width
    assert scroll.horizontalScrollBar().maximum() == hbar == 0
    page.chart.readout.setText("x" * 3000)
    QApplication.processEvents()
    assert page.chart.width() == width and scroll.horizontalScrollBar().maximum() == 0
    assert page.chart.readout.toolTip() == "x" * 3000  # the whole text is one hover away


def test_axes_read_as_money_and_whole_counts(qtbot) -> None:
    from tracker.reports.charts import CountAxis, MoneyAxis, WeeklyWorkChart
    from tracker.ui.charts import TokensPerDayChart

    money = MoneyAxis()
    assert money.tickStrings([0.0, 0.05, 0.1, 0.15], 1, 0.05) == ["$0", "$0.05", "$0.10", "$0.15"]
    assert money.tickStrings([0.0, 1000.0, 1200.0], 1, 200) == ["$0", "$1k", "$1.2k"]
    counts = CountAxis("right")
    ticks = [v for _, level in counts.tickValues(0.0, 1.2, 300) for v in level]
    assert ticks == [0.0, 1.0]
    chart = TokensPerDayChart()
    qtbot.addWidget(chart)
    right = chart.plot.getPlotItem().getAxis("right")
    assert isinstance(right, MoneyAxis) and not right.autoSIPrefix  # no "cost (USD) (x0.001)"
    chart.cost_view.setYRange(0, 0.15)
    assert "x0.001" not in right.labelString() and "$" in right.labelString()
    work = WeeklyWorkChart()
    qtbot.addWidget(work)
    work.set_slots(["a", "b"], [10, 20], [1, 0])
    assert isinstance(work.plot.getPlotItem().getAxis("right"), CountAxis)


def test_legend_sits_above_the_plot_and_names_the_cost_line(qtbot, loaded: Context) -> None:
    page = _dashboard(qtbot, loaded, JUNE_1 - timedelta(days=9), JUNE_2)
    item = page.chart.plot.getPlotItem()
    legend = page.chart.legend
    names = [label.text for _, label in legend.items]
    assert names == ["Claude Code", "Codex CLI", "cost ($, right axis)"]
    QApplication.processEvents()
    assert not legend.sceneBoundingRect().intersects(item.getViewBox().sceneBoundingRect())
    assert page.chart.cost_line.opts["pen"].style() == Qt.PenStyle.DashLine
    work_legend = page.work.weekly.legend
    assert not work_legend.sceneBoundingRect().intersects(
        page.work.weekly.plot.getPlotItem().getViewBox().sceneBoundingRect()
    )


@pytest.mark.parametrize(
    ("days", "bucket", "bars"), [(1, "hour", 24), (2, "hour", 48), (12, "day", 12), (90, "week", 14)]
)
def test_the_bucket_follows_the_span(qtbot, loaded: Context, days: int, bucket: str, bars: int) -> None:
    page = _dashboard(qtbot, loaded, JUNE_2 - timedelta(days=days - 1), JUNE_2)
    assert page.chart_title.text() == f"<b>Tokens and cost per {bucket}</b>"
    assert len(page.chart.series.slots) == bars
    assert page.chart.series.total == (64_703 if days > 1 else 15)  # 2 June alone holds 15 tokens
    assert page.work.weekly_title.text() == f"<b>Tokens and tasks done per {bucket}</b>"
    assert len(page.work.weekly.axis.labels) == bars


def test_calendar_quartiles_width_and_end(qtbot, loaded: Context) -> None:
    page = _dashboard(qtbot, loaded, JUNE_1 - timedelta(days=9), JUNE_2, size=(1400, 800))
    heat = page.heatmap
    assert heat.last == JUNE_2  # ends at the period's last day, not today
    assert heat.values == {JUNE_1: 64_688, JUNE_2: 15}
    assert (heat.level_of(JUNE_1), heat.level_of(JUNE_2), heat.level_of(JUNE_1 - timedelta(days=1))) == (4, 1, 0)
    assert "The year to 02 Jun 2026" in page.calendar_title.text()
    # Full width: the squares grow with the page.
    grid_width = heat.weeks() * heat.cell_size()
    assert grid_width > 0.85 * (heat.width() - 40)
    assert heat.cell_size(800) < heat.cell_size(1400)
    colors = [c.name() for c in heat.level_colors()]
    assert len(set(colors)) == 5  # none + four levels, all distinct


def test_calendar_levels_are_quartiles(qtbot) -> None:
    from collections import Counter

    from tracker.ui.charts import CalendarHeatmap

    heat = CalendarHeatmap()
    qtbot.addWidget(heat)
    last = date(2025, 10, 30)
    values = {last - timedelta(days=i): 6_000_000 + 675_000 * i for i in range(40)}
    heat.set_values(values, last)
    counts = Counter(heat.level_of(d) for d in values)
    assert [counts[k] for k in (1, 2, 3, 4)] == [10, 10, 10, 10]
    heat.resize(1200, heat.heightForWidth(1200))
    cell = heat._cell(last).center()
    assert heat.day_at(cell.x(), cell.y()) == last


def test_empty_store_shows_next_steps_not_axes(qtbot, ctx: Context, home: Path) -> None:
    page = _dashboard(qtbot, ctx, JUNE_1, JUNE_2 + timedelta(days=5))
    assert page.chart.showing_empty
    text = page.chart.empty.message.text()
    assert "No AI tool logs found yet." in text
    assert "<li>Claude Code: ~/.config/claude/projects or ~/.claude/projects</li>" in text
    assert page.chart.empty.button_texts() == ["Add folder…", "What is read?"]
    assert page.work.orphans.text() == "No AI sessions in this period."  # not "every session is linked"
    with qtbot.waitSignal(page.show_sources):
        page.chart.empty.click("What is read?")
    folder = home / "elsewhere"
    folder.mkdir()
    with qtbot.waitSignal(page.sources_changed):
        page.empty_actions.add_folder_for("codex", str(folder))
    from tracker.core.settings_schema import source_extra_paths

    assert tuple(ctx.settings.value(source_extra_paths("codex"))) == (str(folder),)


def test_no_logs_sentence_is_grammatical(qtbot, ctx: Context) -> None:
    from tracker.core.settings_schema import source_enabled
    from tracker.services.sources_status import reading_line
    from tracker.ui.sources_page import SourcesPage

    page = SourcesPage(ctx, ctx.reader)
    qtbot.addWidget(page)
    with_folders = sum(1 for spec in SOURCES.values() if spec.roots)
    assert with_folders < len(SOURCES)  # exports and OTLP have no folder to find
    assert page.empty_message() == (
        f"no logs of the {with_folders} supported tools found yet; the Sources page shows where Tokenworth looked"
    )
    assert reading_line(ctx).startswith(f"No logs of {with_folders} supported tools")  # the dashboard's count
    for name in SOURCES:
        if name not in ("claude-code", "codex"):
            ctx.settings.put(source_enabled(name), False)
    text = page.empty_message()
    assert text == (
        "no Claude Code or Codex CLI logs found (looked in ~/.config/claude/projects, ~/.claude/projects, "
        "~/.codex/sessions and ~/.codex/archived_sessions)"
    )


def test_empty_period_with_stored_usage(qtbot, loaded: Context) -> None:
    page = _dashboard(qtbot, loaded, date(2026, 7, 1), date(2026, 7, 10))
    assert page.chart.showing_empty
    assert page.chart.empty.message.text().startswith("<b>No usage from 01 Jul to 10 Jul 2026.</b>")
    assert page.chart.empty.button_texts() == ["Show 01 Jun – 02 Jun 2026"]  # where the latest usage is


@pytest.mark.parametrize(("until", "bucket", "bars"), [(JUNE_1, "hour", 24), (JUNE_2 + timedelta(days=20), "day", 22)])
def test_the_pdf_chart_follows_the_same_bucket(qtbot, loaded: Context, until: date, bucket: str, bars: int) -> None:
    from tracker.reports.pdf import _chart
    from tracker.reports.pdf_html import head_html
    from tracker.services.report import ReportOptions, build_report

    report = build_report(loaded, loaded.reader(), ReportOptions(JUNE_1, until, "UTC"))
    assert report.chart is not None and report.chart.bucket == bucket
    chart = _chart(report, 800, 250)
    qtbot.addWidget(chart)
    assert len(chart.axis.labels) == bars
    assert sum(chart.bars.opts["height"]) == (64_688 if bucket == "hour" else 64_703)
    assert f"Tokens and tasks completed per {bucket}" in head_html(report)


def test_review_with_no_sessions_does_not_congratulate(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    from tracker.ui.review_dialog import ReviewDialog

    quiet = ReviewDialog([], [], None, had_usage=False)
    qtbot.addWidget(quiet)
    texts = [label.text() for label in quiet.findChildren(QLabel)]
    assert "No AI sessions today." in texts and not any("Nice" in t or "linked" in t for t in texts)
    busy = ReviewDialog([], [], None, had_usage=True)
    qtbot.addWidget(busy)
    assert "Every session today is linked to a task." in [label.text() for label in busy.findChildren(QLabel)]


def test_a_long_legend_wraps_instead_of_widening_the_plot(qtbot, loaded: Context) -> None:
    page = _dashboard(qtbot, loaded, JUNE_1 - timedelta(days=9), JUNE_2, size=(700, 640))
    page.stack_by.setCurrentText("by model")
    QApplication.processEvents()
    plot = page.chart.plot
    item = plot.getPlotItem()
    assert item.sceneBoundingRect().width() <= plot.viewport().width() + 1  # nothing clipped on the right
    names = [label.text for _, label in page.chart.legend.items]
    assert "Sonnet 4.5" in names and "claude-sonnet-4-5-20250929" not in names


def test_eight_long_legend_entries_fit_the_width(qtbot) -> None:
    from tracker.analytics.buckets import slots
    from tracker.ui.charts import ChartSeries, TokensPerDayChart

    chart = TokensPerDayChart()
    qtbot.addWidget(chart)
    chart.resize(800, 360)
    chart.show()
    qtbot.waitExposed(chart)
    days = slots(JUNE_1, JUNE_1 + timedelta(days=4))
    stacks = {f"a-rather-long-tool-name-{i}": [i + 1] * 5 for i in range(8)}
    chart.set_series(ChartSeries(days, stacks, [0.1] * 5))
    QApplication.processEvents()
    assert chart.legend.columnCount < 9  # wrapped onto rows
    assert chart.plot.getPlotItem().sceneBoundingRect().width() <= chart.plot.viewport().width() + 1


def test_work_section_without_tasks_says_what_to_do(qtbot, loaded: Context) -> None:
    from tracker.ui.work_charts import iso_week_label

    page = _dashboard(qtbot, loaded, JUNE_1 - timedelta(days=9), JUNE_2)
    assert page.work.cost_per_task.isHidden() and not page.work.no_cost_per_task.isHidden()
    assert page.work.scatter.plot.isHidden()
    assert page.work.scatter.readout.text().startswith("Add “hours saved” to completed tasks")
    assert iso_week_label("2025-W38") == "15–21 Sep" and iso_week_label("other") == "other"


def test_empty_state_buttons_are_not_stacked_by_redraws(qtbot) -> None:
    from PySide6.QtWidgets import QPushButton

    from tracker.ui.charts import EmptyState

    empty = EmptyState()
    qtbot.addWidget(empty)
    for _ in range(3):
        empty.set_message("x", [("Add folder…", lambda: None), ("What is read?", lambda: None)])
    assert len([b for b in empty.findChildren(QPushButton) if not b.isHidden()]) == 2
    empty.set_message("y")
    assert empty.button_texts() == [] and not [b for b in empty.findChildren(QPushButton) if not b.isHidden()]


def test_the_empty_dashboard_lists_each_tool_in_one_line(ctx: Context) -> None:
    """Fourteen tools, some looked for in fifteen editor folders: two folders each, then a count."""
    from tracker.services.sources_status import source_statuses
    from tracker.ui.empty_states import no_logs_html

    html = no_logs_html(source_statuses(ctx, ctx.reader()), ctx.home)
    assert html.count("<li>") == len(SOURCES)
    cline = next(line for line in html.split("<li>") if line.startswith("Cline:"))
    assert "more (see Sources)" in cline and cline.count("globalStorage") == 2
    assert "<li>Amp: ~/.local/share/amp</li>" in html


def test_legends_say_display_names_with_the_id_in_the_tooltip(qtbot) -> None:
    from datetime import date as day

    from tracker.analytics.buckets import Slot
    from tracker.ui.charts import ChartSeries, TokensPerDayChart

    chart = TokensPerDayChart()
    qtbot.addWidget(chart)
    days = [Slot(day(2026, 6, d), day(2026, 6, d)) for d in (1, 2)]
    chart.set_series(ChartSeries(days, {"amp": [1, 2], "gemini": [3, 0], "claude-code": [0, 4]}, [0.0, 0.0], False))
    entries = [(label.text, label.toolTip(), sample.toolTip()) for sample, label in chart.legend.items]
    assert entries[:3] == [
        ("Amp", "amp", "amp"),
        ("Gemini CLI", "gemini", "gemini"),
        ("Claude Code", "claude-code", "claude-code"),
    ]
    assert chart.readout_for(0).startswith("Mon 2026-06-01: 4 tokens (Amp 1; Gemini CLI 3)")
    chart.set_series(
        ChartSeries(days, {"claude-sonnet-4-5-20250929": [1, 1], "gemini-2.5-pro": [1, 0]}, [0.0, 0.0], True)
    )
    assert [(label.text, label.toolTip()) for _, label in chart.legend.items][:2] == [
        ("Sonnet 4.5", "claude-sonnet-4-5-20250929"),
        ("Gemini 2.5 Pro", "gemini-2.5-pro"),
    ]
