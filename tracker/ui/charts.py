"""Dashboard charts. Plot items are created once and updated with ``setOpts``/``setData``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.buckets import Slot, tick_step
from tracker.reports.charts import (
    PALETTE,
    LabelAxis,
    MoneyAxis,
    ReadOnlyPlot,
    TokenAxis,
    cost_pen,
    fit_legend,
    fixed_plot,
    legend_above,
    read_only_view,
)
from tracker.ui.calendar_heatmap import CalendarHeatmap
from tracker.ui.formatting import model_name, money, plural, tokens, tool_name
from tracker.ui.i18n import tr

__all__ = [
    "CalendarHeatmap",
    "ChartSeries",
    "ElidedLabel",
    "EmptyState",
    "HourChart",
    "ShareBars",
    "TokensPerDayChart",
    "follow_palette",
    "repaint_plot",
]


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
    text = palette.color(QPalette.ColorRole.WindowText)
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    pen = pg.mkPen(text)
    item = plot.getPlotItem()
    for name in ("left", "bottom", "right"):
        axis = item.getAxis(name)
        axis.setPen(pen)
        axis.setTextPen(pen)
    if item.legend is not None:
        item.legend.setLabelTextColor(text)


def label_of(name: str, by_model: bool | None = None) -> str:
    """A legend or read-out name: "Sonnet 4.5" for a model id, "Claude Code" for a tool id
    (``by_model`` says which it is; None: a tool's id if the registry knows it)."""
    if by_model is None:
        tool = tool_name(name)
        return tool if tool != name else model_name(name)
    return model_name(name) if by_model else tool_name(name)


def color_for(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


class ElidedLabel(QLabel):
    """One line that never asks for more width: longer text is elided, the whole of it is the
    tooltip. A hover read-out in a plain QLabel widened the whole dashboard."""

    def __init__(self, text: str = "", keep: int = 0) -> None:
        # ``keep``: this many characters are never cut (a card's "$0.00" must not read "$0.…")
        self.keep = keep
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Minimum if keep else QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 4)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt
        super().setText(text)
        if self.keep:  # the kept part of the new text may be wider: a hard minimum the layout obeys
            self.setMinimumWidth(self.fontMetrics().horizontalAdvance(text[: self.keep]) + 2)
        self._tip()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # a card's big number: one line of its font
            self.setFixedHeight(self.fontMetrics().height() + 4)
            if self.keep:
                self.setMinimumWidth(self.fontMetrics().horizontalAdvance(self.text()[: self.keep]) + 2)
            self._tip()

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.width()

    def _tip(self) -> None:
        """The whole text as the tooltip, while it is cut short."""
        self.setToolTip(self.text() if self.elided() else "")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt
        super().resizeEvent(event)
        self._tip()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt
        kept = self.fontMetrics().horizontalAdvance(self.text()[: self.keep]) + 2 if self.keep else 0
        return QSize(kept, self.fontMetrics().height() + 4)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt
        return self.minimumSizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        p.end()


class EmptyState(QFrame):
    """What to do next, in place of a chart with nothing to draw."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("emptyState")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons = QHBoxLayout()
        self._buttons: list[QPushButton] = []
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.message)
        box.addLayout(self.buttons)
        box.addStretch(1)

    def set_message(self, html: str, actions: Sequence[tuple[str, Callable[[], object]]] = ()) -> None:
        self.message.setText(html)
        if [t for t, _ in actions] == self.button_texts():
            return  # the same buttons: a redraw must not stack copies
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._buttons = []
        self.buttons.addStretch(1)
        for text, slot in actions:
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons.addWidget(b)
            self._buttons.append(b)
        self.buttons.addStretch(1)

    def button_texts(self) -> list[str]:
        return [b.text() for b in self._buttons]

    def click(self, text: str) -> None:
        next(b for b in self._buttons if b.text() == text).click()


@dataclass(frozen=True)
class ChartSeries:
    """Tokens per slot (hour, day or week) for each tool or model, and the cost per slot."""

    slots: Sequence[Slot]
    stacks: dict[str, list[int]]
    cost: list[float]
    by_model: bool | None = None  # the stacks' names are model ids (else tool ids; None: either)

    def label(self, name: str) -> str:
        """The display name of a stack ("Amp", "Gemini CLI", "Sonnet 4.5"); the id is its tooltip."""
        return label_of(name, self.by_model)

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.stacks.values())


def slot_at(plot: pg.PlotWidget, pos: QPointF, count: int) -> int | None:
    """The bar (slot index) under the scene position ``pos`` of ``plot``, if any."""
    vb = plot.getPlotItem().getViewBox()
    if not count or not vb.sceneBoundingRect().contains(pos):
        return None
    i = round(vb.mapSceneToView(pos).x())
    return i if 0 <= i < count else None


def name_legend(legend: pg.LegendItem, tip: str) -> None:
    """The raw id (``claude-code``, ``claude-sonnet-4-5-20250929``) as the tooltip of the
    legend entry just added: the legend itself says the display name."""
    sample, label = legend.items[-1]
    sample.setToolTip(tip)
    label.setToolTip(tip)


class TokensPerDayChart(QWidget):
    """Tokens per slot stacked by tool or model, the cost as a dashed line on a second axis;
    an ``EmptyState`` instead when there is nothing to draw. A click on a bar says which
    (``slot_clicked``): the dashboard shows that slot's sessions."""

    slot_clicked = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.readout = ElidedLabel(" ")
        self.readout.setObjectName("chartReadout")
        self.axis = LabelAxis()
        self.plot = ReadOnlyPlot(axisItems={"bottom": self.axis, "left": TokenAxis(), "right": MoneyAxis()})
        item = fixed_plot(self.plot, 240, 380)
        item.setLabel("left", tr("tokens"))
        item.showAxis("right")
        item.setLabel("right", tr("cost ($)"))
        self.legend = legend_above(item)
        self.cost_view = read_only_view(pg.ViewBox())
        self.cost_view.setZValue(10)  # the cost line in front of the bars
        item.scene().addItem(self.cost_view)
        item.getAxis("right").linkToView(self.cost_view)
        self.cost_view.setXLink(item)
        self.cost_line = pg.PlotDataItem(pen=cost_pen(pg.getConfigOption("foreground")), symbol="o", symbolSize=4)
        self.cost_view.addItem(self.cost_line)
        item.getViewBox().sigResized.connect(self._sync_views)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.series = ChartSeries((), {}, [])
        item.scene().sigMouseMoved.connect(self._hover)
        item.scene().sigMouseClicked.connect(self._clicked)
        self.plot.setToolTip(tr("Click a bar to see its sessions"))
        # The keyboard's bar: ← → move it, Enter shows its sessions (a line marks it while focused).
        self.key_bar = -1
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(PALETTE[3], width=2))
        self.marker.setVisible(False)
        self.plot.addItem(self.marker, ignoreBounds=True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(tr("Tokens and cost chart: arrow keys pick a bar, Enter shows its sessions"))
        self.empty = EmptyState()
        self.empty.setMinimumHeight(240)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.readout)
        layout.addWidget(self.stack)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt
        super().resizeEvent(event)
        fit_legend(self.legend, event.size().width() - 120)

    def _sync_views(self) -> None:
        self.cost_view.setGeometry(self.plot.getPlotItem().getViewBox().sceneBoundingRect())

    def recolor(self, palette: QPalette) -> None:
        repaint_plot(self.plot, palette)
        color = palette.color(QPalette.ColorRole.WindowText)
        self.cost_line.setPen(cost_pen(color))
        self.cost_line.setSymbolBrush(color)
        self.cost_line.setSymbolPen(color)

    @property
    def showing_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def set_series(self, series: ChartSeries) -> None:
        self.series = series
        self.key_bar = -1  # another period: the keyboard starts again from an end
        self.marker.setVisible(False)
        self.axis.labels = [s.label for s in series.slots]
        n = len(series.slots)
        self.axis.step = tick_step(series.slots)
        xs = list(range(n))
        width = 0.8 if n < 60 else 0.95
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
            self.legend.addItem(bar, series.label(name))
            name_legend(self.legend, name)
            base = [b + v for b, v in zip(base, values, strict=True)]
        if series.stacks:
            self.legend.addItem(self.cost_line, tr("cost ($, right axis)"))
        fit_legend(self.legend, self.plot.width() - 120)
        top = max(base, default=0)
        item = self.plot.getPlotItem()
        item.setXRange(-0.6, max(n - 0.4, 0.6), padding=0)
        item.setYRange(0, top * 1.1 if top else 1, padding=0)
        self.cost_line.setData(xs, series.cost)
        top_cost = max(series.cost, default=0.0)
        self.cost_view.setYRange(0, top_cost * 1.1 if top_cost else 1, padding=0)
        self._sync_views()
        hint = tr("Hover a bar for exact numbers.")
        if series.slots:
            first = series.slots[0]
            hint = (
                tr("Hover an hour for exact numbers.")
                if first.hour is not None
                else tr("Hover a day for exact numbers.")
                if first.first == first.last
                else tr("Hover a week for exact numbers.")
            )
        self.readout.setText(hint if top else tr("No usage in this period."))
        self.stack.setCurrentWidget(self.plot if top else self.empty)

    def readout_for(self, i: int) -> str:
        s = self.series
        parts = [f"{s.label(name)} {tokens(v[i])}" for name, v in s.stacks.items() if v[i]]
        total = sum(v[i] for v in s.stacks.values())
        detail = f" ({'; '.join(parts)})" if parts else ""
        return f"{s.slots[i].long_label}: {plural(total, tr('token'))}{detail} · {money(s.cost[i])}"

    def _hover(self, pos: QPointF) -> None:
        i = slot_at(self.plot, pos, len(self.series.slots))
        if i is not None:
            self.readout.setText(self.readout_for(i) + tr(" · click for its sessions"))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt
        n = len(self.series.slots)
        key = event.key()
        if n and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = 1 if key == Qt.Key.Key_Right else -1
            self.key_bar = (n - 1 if step < 0 else 0) if self.key_bar < 0 else max(0, min(n - 1, self.key_bar + step))
            self.marker.setValue(self.key_bar)
            self.marker.setVisible(True)
            self.readout.setText(self.readout_for(self.key_bar) + tr(" · Enter for its sessions"))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and 0 <= self.key_bar < n:
            self.slot_clicked.emit(self.key_bar)
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt
        self.marker.setVisible(False)
        super().focusOutEvent(event)

    def _clicked(self, event: object) -> None:
        i = slot_at(self.plot, event.scenePos(), len(self.series.slots))  # type: ignore[attr-defined] # a MouseClickEvent
        if i is not None and any(v[i] for v in self.series.stacks.values()):
            self.slot_clicked.emit(i)


class HourChart(ReadOnlyPlot):
    """Tokens by hour of the day."""

    def __init__(self) -> None:
        super().__init__(axisItems={"left": TokenAxis(), "bottom": LabelAxis()})
        item = fixed_plot(self, 150, 220)
        item.setLabel("bottom", tr("hour of day"))
        axis = item.getAxis("bottom")
        axis.labels = [f"{h:02d}" for h in range(24)]
        self.bars = pg.BarGraphItem(
            x=list(range(24)), height=[0] * 24, width=0.8, brush=pg.mkBrush(PALETTE[0]), pen=None
        )
        self.addItem(self.bars)
        item.setXRange(-0.6, 23.6, padding=0)

    def set_hours(self, values: Sequence[int]) -> None:
        self.bars.setOpts(height=list(values))
        top = max(values, default=0)
        self.getPlotItem().setYRange(0, top * 1.1 if top else 1, padding=0)


class ShareBars(QWidget):
    """Horizontal bars: each name's share of the whole, with its tokens and cost. A row is
    clicked (or chosen with the arrow keys and Enter) to see what it holds: ``row_clicked``
    gives its key."""

    row_clicked = Signal(object)

    def __init__(self, title: str, empty_text: str = "") -> None:
        super().__init__()
        empty_text = empty_text or tr("Nothing in this period.")
        self.title = title
        self.empty_text = empty_text
        self.rows: list[tuple[str, int, float]] = []
        self.keys: list[object] = []  # what each row stands for (model ids, a tool id, a task id)
        self.tips: list[str] = []  # each row's tooltip (the raw ids behind a display name)
        self.current = -1  # the row the keyboard is on
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(title)

    def set_rows(
        self, rows: Sequence[tuple[str, int, float]], keys: Sequence[object] = (), tips: Sequence[str] = ()
    ) -> None:
        order = sorted(range(len(rows)), key=lambda i: -rows[i][1])
        self.rows = [rows[i] for i in order]
        self.keys = [keys[i] for i in order] if keys else []
        self.tips = [tips[i] for i in order] if tips else []
        self.current = min(self.current, len(self.rows) - 1)
        self.setCursor(Qt.CursorShape.PointingHandCursor if self.keys else Qt.CursorShape.ArrowCursor)
        self.updateGeometry()
        self.update()

    def _line(self) -> int:
        return self.fontMetrics().height() + 8

    def row_at(self, y: float) -> int | None:
        i = int((y - 4) // self._line()) - 1
        return i if 0 <= i < len(self.rows) else None

    def activate(self, i: int) -> None:
        if 0 <= i < len(self.keys):
            self.row_clicked.emit(self.keys[i])

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt
        i = self.row_at(event.position().y())
        if i is not None and event.button() == Qt.MouseButton.LeftButton:
            self.current = i
            self.update()
            self.activate(i)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.rows:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = max(0, min(len(self.rows) - 1, self.current + step))
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current >= 0:
            self.activate(self.current)
        else:
            super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            i = self.row_at(event.pos().y())
            tip = self.tips[i] if i is not None and i < len(self.tips) else self.toolTip()
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt
        return QSize(320, self._line() * (max(len(self.rows), 1) + 1) + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        line = self._line()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        p.setPen(text)
        bold = p.font()
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QPointF(4, fm.ascent() + 2), self.title)
        p.setFont(self.font())
        if not self.rows:
            p.drawText(QPointF(4, line + fm.ascent() + 4), self.empty_text)
        total = sum(r[1] for r in self.rows) or 1
        label_w = min(max((fm.horizontalAdvance(r[0]) for r in self.rows), default=0) + 12, self.width() // 2)
        value_w = fm.horizontalAdvance("100.0%  999,999,999,999  $99,999.99") + 8
        bar_w = max(self.width() - label_w - value_w - 8, 20)
        for i, (name, n, cost) in enumerate(self.rows):
            y = line * (i + 1) + 4
            if i == self.current and self.hasFocus():  # the keyboard's row
                p.fillRect(QRectF(0, y, self.width(), line), self.palette().color(QPalette.ColorRole.AlternateBase))
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
