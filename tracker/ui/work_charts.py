"""The dashboard's work section: tokens set against tasks."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from tracker.analytics.value_figures import summary_line
from tracker.reports.charts import PALETTE, LabelAxis, TokenAxis, WeeklyWorkChart, fixed_plot
from tracker.services.work_summary import WorkSummary
from tracker.ui.charts import ShareBars
from tracker.ui.formatting import money, tokens


class CostPerTaskChart(pg.PlotWidget):
    def __init__(self) -> None:
        self.axis = LabelAxis()
        super().__init__(axisItems={"bottom": self.axis})
        item = fixed_plot(self, 160, 240)
        item.setLabel("left", "USD per outcome")
        self.line = pg.PlotDataItem(pen=pg.mkPen(PALETTE[3], width=2), symbol="o", symbolSize=6, connect="finite")
        self.addItem(self.line)

    def set_points(self, points: Sequence[tuple[str, float | None]]) -> None:
        self.axis.labels = [w for w, _ in points]
        ys = [math.nan if v is None else v for _, v in points]
        finite = [y for y in ys if not math.isnan(y)]
        if finite:
            self.line.setData(list(range(len(points))), ys)
        else:
            self.line.setData([], [])  # no week has a task yet (all-NaN data upsets the plot)
        self.getPlotItem().setXRange(-0.5, max(len(points) - 0.5, 0.5), padding=0)
        self.getPlotItem().setYRange(0, max(finite, default=0) * 1.2 or 1, padding=0)


class TaskScatter(QWidget):
    """Each task: tokens spent against hours saved. Hover a dot for the task."""

    def __init__(self) -> None:
        super().__init__()
        self.readout = QLabel("Hover a task.")
        self.plot = pg.PlotWidget(axisItems={"bottom": TokenAxis("bottom")})
        item = fixed_plot(self.plot, 200, 300)
        item.setLabel("bottom", "tokens")
        item.setLabel("left", "hours saved")
        self.dots = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(PALETTE[2]), hoverable=True)
        self.dots.sigHovered.connect(self._hovered)
        self.plot.addItem(self.dots)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.readout, 0, 0)
        grid.addWidget(self.plot, 1, 0)

    def set_tasks(self, points: Sequence[tuple[str, int, float]]) -> None:
        self.dots.setData([{"pos": (t, h), "data": f"{title}: {tokens(t)} tokens, {h:g} h saved"}
                           for title, t, h in points])  # fmt: skip
        self.readout.setText("Hover a task." if points else "No completed task has tokens or hours saved yet.")

    def _hovered(self, _item: object, points: Sequence[object], _event: object) -> None:
        if len(points):
            self.readout.setText(str(points[0].data()))  # type: ignore[attr-defined] # a SpotItem


class WorkSection(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.weekly = WeeklyWorkChart()
        self.cost_per_task = CostPerTaskChart()
        self.scatter = TaskScatter()
        self.top = ShareBars("Top tasks by spend")
        self.orphans = QLabel()
        self.orphans.setWordWrap(True)
        self.orphans.setTextFormat(Qt.TextFormat.RichText)
        grid = QGridLayout(self)
        grid.addWidget(self.headline, 0, 0, 1, 2)
        grid.addWidget(QLabel("<b>Tokens and tasks per week</b>"), 1, 0)
        grid.addWidget(QLabel("<b>Cost per outcome</b>"), 1, 1)
        grid.addWidget(self.weekly, 2, 0)
        grid.addWidget(self.cost_per_task, 2, 1)
        grid.addWidget(QLabel("<b>Tokens against hours saved</b>"), 3, 0)
        grid.addWidget(self.top, 4, 1)
        grid.addWidget(self.scatter, 4, 0)
        grid.addWidget(QLabel("<b>Heavy sessions with no task</b>"), 5, 0, 1, 2)
        grid.addWidget(self.orphans, 6, 0, 1, 2)

    def set_summary(self, s: WorkSummary) -> None:
        done = s.done
        self.headline.setText(f"{summary_line(s.figures)} · {s.hours_saved:g} hours saved (your estimates)")
        self.weekly.set_weeks([(w, t, n) for w, t, n, _ in s.weeks])
        self.cost_per_task.set_points([(w, float(c) if c is not None else None) for w, c in s.cost_per_task_by_week()])
        self.scatter.set_tasks(
            [(t.title, t.tokens, float(t.hours_saved or 0)) for t in done if t.tokens or t.hours_saved]
        )
        self.top.set_rows([(t.title, t.tokens, float(t.cost_usd)) for t in s.top_by_spend() if t.tokens])
        self.orphans.setText(
            "<br>".join(
                f"{o.source} · {o.project or '—'} · {tokens(o.tokens)} tokens · {money(o.cost_usd)}" for o in s.orphans
            )
            or "Every session in this period is linked to a task."
        )
