"""Charts drawn the same way in the app and in the PDF report (as vectors there).

Every chart here is read, not explored: the wheel scrolls the page (never zooms an axis), axes
say "$0.05" or "1.2M" (never pyqtgraph's "x0.001"), counts tick in whole numbers, and the
legend sits above the plot, not over the bars.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QWheelEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from tracker.core.formatting import short_money, short_tokens

__all__ = [
    "PALETTE",
    "CountAxis",
    "LabelAxis",
    "MoneyAxis",
    "ReadOnlyPlot",
    "TokenAxis",
    "WeeklyWorkChart",
    "fit_legend",
    "fixed_plot",
    "legend_above",
    "read_only_view",
    "short_tokens",
]

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]


class ReadOnlyPlot(pg.PlotWidget):
    """A plot that lets the wheel through to the scroll area around it.

    pyqtgraph's views accept wheel events even with the mouse disabled, so a second (cost)
    axis zoomed while the page would not scroll. Ignoring the event here, before the scene
    sees it, hands it to the parent widgets like any other read-only widget.
    """

    def wheelEvent(self, ev: QWheelEvent) -> None:  # noqa: N802 - Qt
        ev.ignore()


def read_only_view(view: pg.ViewBox) -> pg.ViewBox:
    """No pan, zoom or context menu on ``view`` (the extra views of a two-axis chart too)."""
    view.setMouseEnabled(x=False, y=False)
    view.setMenuEnabled(False)
    return view


def _whole(levels: list[tuple[float, list[float]]], lo: float, hi: float) -> list[tuple[float, list[float]]]:
    """Only the tick levels at whole-number spacing; 0 and 1 for an empty or tiny range."""
    whole = [(spacing, values) for spacing, values in levels if spacing >= 1]
    if whole:
        return whole
    return [(1.0, [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1)])]


class TokenAxis(pg.AxisItem):
    """A token axis in k/M/B rather than scientific notation."""

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803 - Qt
        # Tokens are whole: ticks at 0.2 steps (an empty or tiny chart) would all read "0".
        return _whole(super().tickValues(minVal, maxVal, size), minVal, maxVal)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        return [short_tokens(int(v)) for v in values]


class CountAxis(TokenAxis):
    """Whole numbers (tasks done): 0, 1, 2 — never 0.5."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        return [f"{int(v):,}" for v in values]


class MoneyAxis(pg.AxisItem):
    """Dollars as people write them: $0.05, $150, $1.2k."""

    def __init__(self, orientation: str = "right") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        return [short_money(v, spacing) for v in values]


class LabelAxis(pg.AxisItem):
    """Category labels under bars at 0, 1, 2 …; only whole positions get a label."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.labels: Sequence[str] = ()
        self.step: int | None = None  # a fixed tick step (every 6 hours), else pyqtgraph's choice

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803 - Qt
        if self.step:
            return [(float(self.step), [float(i) for i in range(0, len(self.labels), self.step)])]
        return _whole(super().tickValues(minVal, maxVal, size), minVal, maxVal)[:1]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        out = []
        for v in values:
            i = round(v)
            out.append(self.labels[i] if 0 <= i < len(self.labels) and abs(v - i) < 1e-6 else "")
        return out


def fixed_plot(plot: pg.PlotWidget, min_height: int, max_height: int) -> pg.PlotItem:
    """A chart that is read, not explored: no panning or zooming, no buttons, no menu."""
    plot.setMinimumHeight(min_height)
    plot.setMaximumHeight(max_height)
    item = plot.getPlotItem()
    item.setMouseEnabled(x=False, y=False)
    item.setMenuEnabled(False)
    read_only_view(item.getViewBox())
    item.hideButtons()
    return item


def legend_above(item: pg.PlotItem, columns: int = 6) -> pg.LegendItem:
    """A one-row legend in the plot's title row: above the data, never over a bar."""
    legend = pg.LegendItem(colCount=columns, offset=None)
    item.layout.removeItem(item.titleLabel)
    item.titleLabel.setVisible(False)
    item.layout.addItem(legend, 0, 1)
    item.legend = legend  # PlotItem.addLegend() now returns this one
    return legend


def fit_legend(legend: pg.LegendItem, width: float) -> int:
    """As many legend columns as fit in ``width`` px (so a long model list wraps, never widens)."""
    font = QFont()
    font.setPointSizeF(9)  # pyqtgraph's legend label size
    fm = QFontMetricsF(font)
    names = [label.text for _, label in legend.items]
    widest = max((fm.horizontalAdvance(re.sub("<[^>]+>", "", n)) for n in names), default=0.0)
    columns = max(1, min(len(names) or 1, int(width // (widest + 20 + 25 + 10))))
    legend.setColumnCount(columns)
    return columns


def cost_pen(color: QColor | str) -> pg.QtGui.QPen:
    """The cost line: the foreground colour, dashed, so it is never mistaken for a model's bars."""
    return pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine)


class WeeklyWorkChart(QWidget):
    """Tokens per slot as bars, tasks completed per slot as a line on the right axis.

    The slots follow the period (hours, days or weeks: ``analytics.buckets``); ``set_weeks``
    is the older weekly-only entry point.
    """

    def __init__(self) -> None:
        super().__init__()
        self.axis = LabelAxis()
        self.plot = ReadOnlyPlot(axisItems={"bottom": self.axis, "left": TokenAxis(), "right": CountAxis("right")})
        item = fixed_plot(self.plot, 200, 300)
        item.setLabel("left", "tokens")
        item.showAxis("right")
        item.setLabel("right", "tasks done")
        self.legend = legend_above(item)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(PALETTE[0]), pen=None)
        self.plot.addItem(self.bars)
        self.task_view = read_only_view(pg.ViewBox())
        self.task_view.setZValue(10)
        item.scene().addItem(self.task_view)
        item.getAxis("right").linkToView(self.task_view)
        self.task_view.setXLink(item)
        self.line = pg.PlotDataItem(pen=pg.mkPen(PALETTE[1], width=2), symbol="o", symbolSize=7,
                                    symbolBrush=PALETTE[1])  # fmt: skip
        self.task_view.addItem(self.line)
        self.legend.addItem(self.bars, "tokens")
        self.legend.addItem(self.line, "tasks done (right axis)")
        item.getViewBox().sigResized.connect(lambda: self.task_view.setGeometry(item.getViewBox().sceneBoundingRect()))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.plot)

    def set_slots(
        self, labels: Sequence[str], tokens: Sequence[int], done: Sequence[int], step: int | None = None
    ) -> None:
        """``step``: label every n-th slot (``analytics.buckets.tick_step``); None: the axis decides."""
        self.axis.labels = list(labels)
        n = len(labels)
        self.axis.step = step
        xs = list(range(n))
        self.bars.setOpts(x=xs, height=list(tokens), width=0.7 if n < 60 else 0.9)
        self.line.setData(xs, list(done))
        item = self.plot.getPlotItem()
        item.setXRange(-0.6, max(n - 0.4, 0.6), padding=0)
        item.setYRange(0, max(tokens, default=0) * 1.1 or 1, padding=0)
        self.task_view.setYRange(0, max(max(done, default=0) * 1.2, 1), padding=0)

    def set_weeks(self, weeks: Sequence[tuple[str, int, int]]) -> None:
        self.set_slots([w for w, _, _ in weeks], [t for _, t, _ in weeks], [n for _, _, n in weeks])
