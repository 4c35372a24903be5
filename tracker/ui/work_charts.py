"""The dashboard's work section: tokens set against tasks."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import date, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from tracker.analytics.buckets import tick_step, week_label
from tracker.analytics.value_figures import summary_line
from tracker.reports.charts import (
    PALETTE,
    LabelAxis,
    MoneyAxis,
    ReadOnlyPlot,
    TokenAxis,
    WeeklyWorkChart,
    fixed_plot,
)
from tracker.services.chart_series import SlotUsage, done_by_slot
from tracker.services.work_summary import WorkSummary
from tracker.ui.charts import ElidedLabel, ShareBars, slot_at
from tracker.ui.formatting import money, tokens, tool_name
from tracker.ui.i18n import tr


class CostPerTaskChart(ReadOnlyPlot):
    def __init__(self) -> None:
        self.axis = LabelAxis()
        super().__init__(axisItems={"bottom": self.axis, "left": MoneyAxis("left")})
        item = fixed_plot(self, 160, 240)
        item.setLabel("left", tr("$ per outcome"))
        self.line = pg.PlotDataItem(pen=pg.mkPen(PALETTE[3], width=2), symbol="o", symbolSize=6, connect="finite")
        self.addItem(self.line)

    def set_points(self, points: Sequence[tuple[str, float | None]]) -> None:
        self.axis.labels = [iso_week_label(w) for w, _ in points]
        ys = [math.nan if v is None else v for _, v in points]
        finite = [y for y in ys if not math.isnan(y)]
        if finite:
            self.line.setData(list(range(len(points))), ys)
        else:
            self.line.setData([], [])  # no week has a task yet (all-NaN data upsets the plot)
        self.getPlotItem().setXRange(-0.5, max(len(points) - 0.5, 0.5), padding=0)
        self.getPlotItem().setYRange(0, max(finite, default=0) * 1.2 or 1, padding=0)
        self.setVisible(bool(finite))  # no empty axes: the section says what to do instead


def iso_week_label(label: str) -> str:
    """``2026-W45`` as ``2-8 Nov`` (with an en dash); other labels unchanged."""
    try:
        year, week = label.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return label
    return week_label(monday, monday + timedelta(days=6))


class TaskScatter(QWidget):
    """Each task: tokens spent against hours saved. Hover a dot for the task."""

    def __init__(self) -> None:
        super().__init__()
        self.readout = ElidedLabel(tr("Hover a task."))
        hours = pg.AxisItem("left")
        hours.enableAutoSIPrefix(False)  # "hours saved (x0.001)" helps nobody
        self.plot = ReadOnlyPlot(axisItems={"bottom": TokenAxis("bottom"), "left": hours})
        item = fixed_plot(self.plot, 200, 300)
        item.setLabel("bottom", tr("tokens"))
        item.setLabel("left", tr("hours saved"))
        self.dots = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(PALETTE[2]), hoverable=True)
        self.dots.sigHovered.connect(self._hovered)
        self.plot.addItem(self.dots)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.readout, 0, 0)
        grid.addWidget(self.plot, 1, 0)

    def set_tasks(self, points: Sequence[tuple[str, int, float]]) -> None:
        line = tr("{title}: {tokens} tokens, {hours} h saved")
        self.dots.setData([{"pos": (t, h), "data": line.format(title=title, tokens=tokens(t), hours=f"{h:g}")}
                           for title, t, h in points])  # fmt: skip
        with_hours = [p for p in points if p[2]]
        self.plot.setVisible(bool(with_hours))
        if with_hours:
            top = max(h for _, _, h in with_hours)
            self.plot.getPlotItem().setYRange(0, top * 1.15, padding=0)
            self.plot.getPlotItem().setXRange(0, max(t for _, t, _ in points) * 1.1 or 1, padding=0)
        self.readout.setText(
            tr("Hover a task.")
            if with_hours
            else tr("Add “hours saved” to completed tasks (Tasks ▸ Edit) to see what the tokens bought.")
        )

    def _hovered(self, _item: object, points: Sequence[object], _event: object) -> None:
        if len(points):
            self.readout.setText(str(points[0].data()))  # type: ignore[attr-defined] # a SpotItem


class WorkSection(QWidget):
    open_inbox = Signal(object)  # the (source, session id) keys of the listed sessions with no task
    slot_clicked = Signal(int)  # a bar of the tokens-and-tasks chart (the main chart's slots)
    open_task = Signal(int)  # a row of "Top tasks by spend"

    def __init__(self) -> None:
        super().__init__()
        self._orphan_keys: frozenset[tuple[str, str]] = frozenset()
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.weekly = WeeklyWorkChart()
        self._slots = 0  # how many slots the chart shows (0: weeks of its own, not clickable)
        self.weekly.plot.scene().sigMouseClicked.connect(self._clicked)
        self.cost_per_task = CostPerTaskChart()
        self.scatter = TaskScatter()
        self.top = ShareBars(tr("Top tasks by spend"), tr("No task has linked usage yet."))
        self.top.row_clicked.connect(lambda task_id: self.open_task.emit(int(task_id)))
        self.orphans = QLabel()
        self.orphans.setWordWrap(True)
        self.orphans.setTextFormat(Qt.TextFormat.RichText)
        self.orphans.linkActivated.connect(lambda _: self.open_inbox.emit(self._orphan_keys))
        grid = QGridLayout(self)
        grid.addWidget(self.headline, 0, 0, 1, 2)
        self.weekly_title = QLabel(tr("<b>Tokens and tasks done per {bucket}</b>").format(bucket=tr("week")))
        grid.addWidget(self.weekly_title, 1, 0)
        grid.addWidget(QLabel(tr("<b>Cost per outcome</b>")), 1, 1)
        grid.addWidget(self.weekly, 2, 0)
        self.no_cost_per_task = QLabel(tr("Log a completed task to see what each one cost, week by week."))
        self.no_cost_per_task.setWordWrap(True)
        self.no_cost_per_task.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.cost_per_task, 2, 1)
        grid.addWidget(self.no_cost_per_task, 2, 1)
        grid.addWidget(QLabel(tr("<b>Tokens against hours saved</b>")), 3, 0)
        grid.addWidget(self.top, 4, 1)
        grid.addWidget(self.scatter, 4, 0)
        grid.addWidget(QLabel(tr("<b>Heavy sessions with no task</b>")), 5, 0, 1, 2)
        grid.addWidget(self.orphans, 6, 0, 1, 2)

    def set_summary(self, s: WorkSummary, usage: SlotUsage | None = None, timezone: str = "UTC") -> None:
        """``usage``: the period cut into slots as the main chart is (else the summary's weeks)."""
        done = s.done
        saved = tr("{hours} hours saved (your estimates)").format(hours=f"{s.hours_saved:g}")
        self.headline.setText(f"{summary_line(s.figures)} · {saved}")
        self._slots = 0 if usage is None else len(usage.slots)
        if usage is None:
            self.weekly.set_weeks([(w, t, n) for w, t, n, _ in s.weeks])
        else:
            done_ms = [t.completed_ms for t in done]
            done_per_slot = done_by_slot(usage.slots, done_ms, timezone)
            labels = [x.label for x in usage.slots]
            self.weekly.set_slots(labels, usage.tokens(), done_per_slot, tick_step(usage.slots))
            self.weekly_title.setText(tr("<b>Tokens and tasks done per {bucket}</b>").format(bucket=tr(usage.bucket)))
        self.cost_per_task.set_points([(w, float(c) if c is not None else None) for w, c in s.cost_per_task_by_week()])
        self.no_cost_per_task.setVisible(self.cost_per_task.isHidden())
        self.scatter.set_tasks(
            [(t.title, t.tokens, float(t.hours_saved or 0)) for t in done if t.tokens or t.hours_saved]
        )
        top = [t for t in s.top_by_spend() if t.tokens]
        self.top.set_rows([(t.title, t.tokens, float(t.cost_usd)) for t in top], [t.id for t in top],
                          [t.title + "\n" + tr("Click to open it in Tasks") for t in top])  # fmt: skip
        self._orphan_keys = frozenset((o.source, o.session_id) for o in s.orphans)
        rows = [
            f"<a href='inbox'>{html.escape(tool_name(o.source))} · {html.escape(o.project or '—')}</a> · "
            + tr("{tokens} tokens · {cost}").format(tokens=tokens(o.tokens), cost=money(o.cost_usd))
            for o in s.orphans
        ]
        link = "<br><a href='inbox'>{}</a>".format(tr("Link these in the inbox…")) if rows else ""
        self.orphans.setText(
            "<br>".join(rows) + link
            or (
                tr("Every session in this period is linked to a task or marked not work.")
                if s.total_tokens
                else tr("No AI sessions in this period.")
            )
        )

    def _clicked(self, event: object) -> None:
        i = slot_at(self.weekly.plot, event.scenePos(), self._slots)  # type: ignore[attr-defined] # a MouseClickEvent
        if i is not None:
            self.slot_clicked.emit(i)
