"""Dashboard charts. Plot items are created once and updated with ``setOpts``/``setData``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from tracker.reports.charts import PALETTE, LabelAxis, TokenAxis, fixed_plot
from tracker.ui.formatting import money, tokens


def follow_palette(palette: QPalette) -> None:
    """Plots use the window's colours, so they follow the system's light or dark theme."""
    pg.setConfigOptions(
        background=palette.color(QPalette.ColorRole.Base),
        foreground=palette.color(QPalette.ColorRole.WindowText),
        antialias=True,
        exitCleanup=False,
    )


def repaint_plot(plot: pg.PlotWidget, palette: QPalette) -> None:
    """Re-colour an existing plot after the system theme changed."""
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    pen = pg.mkPen(palette.color(QPalette.ColorRole.WindowText))
    for name in ("left", "bottom", "right"):
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(pen)
        axis.setTextPen(pen)


def color_for(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


@dataclass(frozen=True)
class DaySeries:
    """Tokens per day for one tool or model, and the cost per day in total."""

    days: Sequence[date]
    stacks: dict[str, list[int]]
    cost: list[float]


class TokensPerDayChart(QWidget):
    """Tokens per day stacked by tool or model, the cost as a line on a second axis."""

    def __init__(self) -> None:
        super().__init__()
        self.readout = QLabel(" ")
        self.readout.setObjectName("chartReadout")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.axis = LabelAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis, "left": TokenAxis()})
        item = fixed_plot(self.plot, 240, 380)
        item.setLabel("left", "tokens")
        item.showAxis("right")
        item.setLabel("right", "cost (USD)")
        self.legend = item.addLegend(offset=(10, 5))
        self.cost_view = pg.ViewBox()
        self.cost_view.setZValue(10)  # the cost line in front of the bars
        item.scene().addItem(self.cost_view)
        item.getAxis("right").linkToView(self.cost_view)
        self.cost_view.setXLink(item)
        self.cost_line = pg.PlotDataItem(pen=pg.mkPen("#d62728", width=2), symbol="o", symbolSize=5)
        self.cost_view.addItem(self.cost_line)
        item.getViewBox().sigResized.connect(self._sync_views)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.series = DaySeries((), {}, [])
        item.scene().sigMouseMoved.connect(self._hover)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.readout)
        layout.addWidget(self.plot)

    def _sync_views(self) -> None:
        self.cost_view.setGeometry(self.plot.getPlotItem().getViewBox().sceneBoundingRect())

    def set_series(self, series: DaySeries) -> None:
        self.series = series
        self.axis.labels = [d.strftime("%b %d") for d in series.days]
        n = len(series.days)
        xs = list(range(n))
        width = 0.8 if n < 60 else 1.0
        base = [0] * n
        self.legend.clear()
        for name, bar in self.bars.items():
            if name not in series.stacks:
                bar.setVisible(False)
        for i, (name, values) in enumerate(series.stacks.items()):
            bar = self.bars.get(name)
            brush = pg.mkBrush(color_for(i))
            if bar is None:
                bar = pg.BarGraphItem(x=xs, height=values, y0=base, width=width, brush=brush, pen=None)
                self.plot.addItem(bar)
                self.bars[name] = bar
            else:
                bar.setOpts(x=xs, height=values, y0=list(base), width=width, brush=brush)
            bar.setVisible(True)
            self.legend.addItem(bar, name)
            base = [b + v for b, v in zip(base, values, strict=True)]
        top = max(base, default=0)
        item = self.plot.getPlotItem()
        item.setXRange(-0.6, max(n - 0.4, 0.6), padding=0)
        item.setYRange(0, top * 1.1 if top else 1, padding=0)
        self.cost_line.setData(xs, series.cost)
        top_cost = max(series.cost, default=0.0)
        self.cost_view.setYRange(0, top_cost * 1.1 if top_cost else 1, padding=0)
        self._sync_views()
        self.readout.setText("Hover a day for exact numbers." if top else "No usage in this period.")

    def readout_for(self, i: int) -> str:
        s = self.series
        parts = [f"{name} {tokens(v[i])}" for name, v in s.stacks.items() if v[i]]
        total = sum(v[i] for v in s.stacks.values())
        detail = f" ({'; '.join(parts)})" if parts else ""
        return f"{s.days[i]:%a %Y-%m-%d}: {tokens(total)} tokens{detail} · {money(s.cost[i])}"

    def _hover(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not self.series.days or not vb.sceneBoundingRect().contains(pos):
            return
        i = round(vb.mapSceneToView(pos).x())
        if 0 <= i < len(self.series.days):
            self.readout.setText(self.readout_for(i))


class HourChart(pg.PlotWidget):
    """Tokens by hour of the day."""

    def __init__(self) -> None:
        super().__init__(axisItems={"left": TokenAxis()})
        item = fixed_plot(self, 150, 220)
        item.setLabel("bottom", "hour of day")
        self.bars = pg.BarGraphItem(x=list(range(24)), height=[0] * 24, width=0.8, brush=pg.mkBrush(PALETTE[0]))
        self.addItem(self.bars)
        item.setXRange(-0.6, 23.6, padding=0)

    def set_hours(self, values: Sequence[int]) -> None:
        self.bars.setOpts(height=list(values))
        top = max(values, default=0)
        self.getPlotItem().setYRange(0, top * 1.1 if top else 1, padding=0)


class ShareBars(QWidget):
    """Horizontal bars: each name's share of the whole, with its tokens and cost."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.rows: list[tuple[str, int, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_rows(self, rows: Sequence[tuple[str, int, float]]) -> None:
        self.rows = sorted(rows, key=lambda r: -r[1])
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt
        line = self.fontMetrics().height() + 8
        return QSize(320, line * (len(self.rows) + 1) + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        line = fm.height() + 8
        text = self.palette().color(QPalette.ColorRole.WindowText)
        p.setPen(text)
        bold = p.font()
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QPointF(4, fm.ascent() + 2), self.title)
        p.setFont(self.font())
        total = sum(r[1] for r in self.rows) or 1
        label_w = min(max((fm.horizontalAdvance(r[0]) for r in self.rows), default=0) + 12, self.width() // 2)
        value_w = fm.horizontalAdvance("100.0%  999,999,999,999  $99,999.99") + 8
        bar_w = max(self.width() - label_w - value_w - 8, 20)
        for i, (name, n, cost) in enumerate(self.rows):
            y = line * (i + 1) + 4
            p.setPen(text)
            p.drawText(
                QRectF(4, y, label_w - 8, line),
                Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(name, Qt.TextElideMode.ElideMiddle, label_w - 8),
            )
            p.fillRect(QRectF(label_w, y + 3, bar_w * n / total, line - 6), color_for(i))
            p.drawText(
                QRectF(label_w + bar_w + 6, y, value_w, line),
                Qt.AlignmentFlag.AlignVCenter,
                f"{100 * n / total:5.1f}%  {tokens(n)}  {money(cost)}",
            )
        p.end()


class CalendarHeatmap(QWidget):
    """The last 365 days as weeks of squares; click a day to narrow the dashboard to it."""

    day_clicked = Signal(object)  # date

    CELL = 13

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[date, int] = {}
        self.today = date.today()
        self.selected: date | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(self.CELL * 7 + 24)
        self.setToolTip("")

    def set_values(self, values: dict[date, int], today: date, selected: date | None = None) -> None:
        self.values, self.today, self.selected = values, today, selected
        self.update()

    def _first(self) -> date:
        start = self.today - timedelta(days=364)
        return start - timedelta(days=start.weekday())  # weeks start on Monday

    def _cell(self, day: date) -> QRectF:
        offset = (day - self._first()).days
        return QRectF(30 + (offset // 7) * self.CELL, 16 + (offset % 7) * self.CELL, self.CELL - 2, self.CELL - 2)

    def day_at(self, x: float, y: float) -> date | None:
        col, row = int((x - 30) // self.CELL), int((y - 16) // self.CELL)
        if x < 30 or y < 16 or not 0 <= row < 7:
            return None
        day = self._first() + timedelta(days=col * 7 + row)
        return day if self.today - timedelta(days=364) <= day <= self.today else None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt
        return QSize(30 + 54 * self.CELL, 16 + 7 * self.CELL + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt
        p = QPainter(self)
        pal = self.palette()
        empty = pal.color(QPalette.ColorRole.AlternateBase)
        high = QColor(PALETTE[2])
        top = math.log1p(max(self.values.values(), default=0)) or 1.0
        p.setPen(pal.color(QPalette.ColorRole.WindowText))
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            p.drawText(QPointF(0, 16 + row * self.CELL + self.CELL - 3), name)
        day = self.today - timedelta(days=364)
        last_month = None
        while day <= self.today:
            rect = self._cell(day)
            if day.month != last_month and day.day <= 7:
                p.drawText(QPointF(rect.x(), 12), day.strftime("%b"))
                last_month = day.month
            n = self.values.get(day, 0)
            color = QColor(empty)
            if n:
                color = QColor(high)
                color.setAlphaF(0.25 + 0.75 * math.log1p(n) / top)
            p.fillRect(rect, color)
            if day == self.selected:
                p.drawRect(rect)
            day += timedelta(days=1)
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt
        day = self.day_at(event.position().x(), event.position().y())
        if day is None:
            QToolTip.hideText()
            return
        QToolTip.showText(
            event.globalPosition().toPoint(), f"{day:%a %Y-%m-%d}: {tokens(self.values.get(day, 0))} tokens"
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None:
            self.day_clicked.emit(day)
