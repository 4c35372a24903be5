"""Charts drawn the same way in the app and in the PDF report (as vectors there)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]


class TokenAxis(pg.AxisItem):
    """A token axis in k/M/B rather than scientific notation."""

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803 - Qt
        # Tokens are whole: ticks at 0.2 steps (an empty or tiny chart) would all read "0".
        levels = [(spacing, values) for spacing, values in super().tickValues(minVal, maxVal, size) if spacing >= 1]
        if levels:
            return levels
        return [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        return [short_tokens(int(v)) for v in values]


def fixed_plot(plot: pg.PlotWidget, min_height: int, max_height: int) -> pg.PlotItem:
    """A chart that is read, not explored: no panning or zooming, no buttons."""
    plot.setMinimumHeight(min_height)
    plot.setMaximumHeight(max_height)
    item = plot.getPlotItem()
    item.setMouseEnabled(x=False, y=False)
    item.hideButtons()
    return item


def short_tokens(n: int) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


class LabelAxis(pg.AxisItem):
    def __init__(self) -> None:
        super().__init__("bottom")
        self.labels: Sequence[str] = ()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        out = []
        for v in values:
            i = round(v)
            out.append(self.labels[i] if 0 <= i < len(self.labels) and abs(v - i) < 1e-6 else "")
        return out


class WeeklyWorkChart(QWidget):
    """Tokens per week as bars, tasks completed per week as a line on the right axis."""

    def __init__(self) -> None:
        super().__init__()
        self.axis = LabelAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis, "left": TokenAxis()})
        item = fixed_plot(self.plot, 200, 300)
        item.setLabel("left", "tokens")
        item.showAxis("right")
        item.setLabel("right", "tasks done")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(PALETTE[0]))
        self.plot.addItem(self.bars)
        self.task_view = pg.ViewBox()
        self.task_view.setZValue(10)
        item.scene().addItem(self.task_view)
        item.getAxis("right").linkToView(self.task_view)
        self.task_view.setXLink(item)
        self.line = pg.PlotDataItem(pen=pg.mkPen(PALETTE[1], width=2), symbol="o", symbolSize=7,
                                    symbolBrush=PALETTE[1])  # fmt: skip
        self.task_view.addItem(self.line)
        item.getViewBox().sigResized.connect(lambda: self.task_view.setGeometry(item.getViewBox().sceneBoundingRect()))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.plot)

    def set_weeks(self, weeks: Sequence[tuple[str, int, int]]) -> None:
        self.axis.labels = [w for w, _, _ in weeks]
        xs = list(range(len(weeks)))
        self.bars.setOpts(x=xs, height=[t for _, t, _ in weeks], width=0.7)
        self.line.setData(xs, [n for _, _, n in weeks])
        item = self.plot.getPlotItem()
        item.setXRange(-0.6, max(len(weeks) - 0.4, 0.6), padding=0)
        item.setYRange(0, max((t for _, t, _ in weeks), default=0) * 1.1 or 1, padding=0)
        self.task_view.setYRange(0, max((n for _, _, n in weeks), default=0) * 1.2 or 1, padding=0)
