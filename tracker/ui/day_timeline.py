"""A day's sessions on a 00-24 time axis (ActivityWatch's timeline): one lane per tool (more
when its sessions overlap), bars coloured by tool and labelled with their linked task.

Read, not explored: no zoom, and the wheel scrolls whatever holds it (``ReadOnlyPlot``). The
bars are built on the read thread (``services.day_timeline``); this only draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import cast

import pyqtgraph as pg
from PySide6.QtCore import QDate, QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tracker.core.timezones import get_zone
from tracker.reports.charts import PALETTE, ReadOnlyPlot, fixed_plot
from tracker.services.context import Context
from tracker.services.day_timeline import DayTimeline, TimelineBar, build_day_timeline
from tracker.services.device_scope import DeviceChoice
from tracker.sources.registry import SOURCES
from tracker.store.store import Store
from tracker.ui.charts import ElidedLabel, repaint_plot
from tracker.ui.device_filter import ALL, on_device
from tracker.ui.formatting import money, plural, tokens, tool_name
from tracker.ui.i18n import tr
from tracker.ui.read_worker import InlineReads, Reads, ReadSide

LANE_PX = 30
HINT = "Solid: linked to a task; pale: not linked. Hover a session for its task and numbers."
ORDER = list(SOURCES)  # lanes and colours in the registry's order: a tool keeps its colour every day


def tool_color(source: str) -> QColor:
    """The colour of a tool, the same on every day."""
    i = ORDER.index(source) if source in ORDER else len(ORDER) + sum(map(ord, source))
    return QColor(PALETTE[i % len(PALETTE)])


def bar_fill(bar: TimelineBar) -> QColor:
    """The tool's colour: solid when the session is linked to a task, pale when it is not."""
    color = tool_color(bar.source)
    if not bar.tasks:
        color.setAlphaF(0.4)
    return color


def bar_label(bar: TimelineBar) -> str:
    """What a bar says of its task: its title ("+1" for more), or that it has none."""
    if not bar.tasks:
        return tr("not linked")
    return bar.tasks[0] + (f" +{len(bar.tasks) - 1}" if len(bar.tasks) > 1 else "")


def bar_text(bar: TimelineBar, timezone: str) -> str:
    """The read-out and tooltip of a bar."""
    tz = get_zone(timezone)
    start, end = (datetime.fromtimestamp(ms / 1000, UTC).astimezone(tz) for ms in (bar.first_ms, bar.last_ms))
    minutes = max(0, (bar.last_ms - bar.first_ms) // 60_000)
    span = f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
    where = bar.project or tr("no folder")
    if bar.branch:
        where += f" ({bar.branch})"
    task = tr("Task: {titles}").format(titles=" + ".join(bar.tasks)) if bar.tasks else tr("not linked to a task")
    return (
        f"{tool_name(bar.source)} · {start:%H:%M}–{end:%H:%M} ({span}) · {where} · "
        f"{plural(bar.tokens, tr('token'))} · {money(bar.cost_usd)} · {task}"
    )


class LaneAxis(pg.AxisItem):
    """The tool's name beside its first lane (further lanes of a tool stay unnamed)."""

    def __init__(self) -> None:
        super().__init__("left")
        self.lanes: list[str] = []

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803 - Qt
        return [(1.0, [float(i) for i in range(len(self.lanes))])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802 - Qt
        out = []
        for v in values:
            i = round(v)
            first = 0 <= i < len(self.lanes) and (i == 0 or self.lanes[i - 1] != self.lanes[i])
            out.append(tool_name(self.lanes[i]) if first else "")
        return out


class DayTimelineView(QWidget):
    """The day picker (◀ date ▶), the day's totals and the timeline."""

    open_task = Signal(int)  # a bar with a task was double-clicked
    open_sessions = Signal(object)  # "Sessions of this day" (a date)
    loaded = Signal()  # a day is on screen

    def __init__(self, ctx: Context, read: Callable[[], Store], reads: Reads | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.reads: Reads = reads or InlineReads(ReadSide(read))
        self.timeline: DayTimeline | None = None
        self.loads = 0
        self.device_scope: DeviceChoice = ALL  # whose sessions: the dashboard's Device choice
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd yyyy-MM-dd")
        self.date.setAccessibleName(tr("Day"))
        self.date.dateChanged.connect(lambda _: self._load())
        self.earlier, self.later = QPushButton("◀"), QPushButton("▶")
        for button, step, what in ((self.earlier, -1, tr("Previous day")), (self.later, 1, tr("Next day"))):
            button.setFixedWidth(28)
            button.setToolTip(what)
            button.setAccessibleName(what)
            button.clicked.connect(lambda _=False, s=step: self.show_day(self.day() + timedelta(days=s)))
        self.summary = QLabel()
        self.sessions = QPushButton(tr("Sessions of this day"))
        self.sessions.clicked.connect(lambda: self.open_sessions.emit(self.day()))
        top = QHBoxLayout()
        top.addWidget(self.earlier)
        top.addWidget(self.date)
        top.addWidget(self.later)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(self.sessions)
        self.readout = ElidedLabel(tr(HINT))
        self.lane_axis = LaneAxis()
        hours = pg.AxisItem("bottom")
        hours.setTicks([[(float(h), f"{h:02d}:00") for h in range(0, 25, 3)], [(float(h), "") for h in range(25)]])
        self.plot = ReadOnlyPlot(axisItems={"bottom": hours, "left": self.lane_axis})
        self.item = fixed_plot(self.plot, 120, 16 * LANE_PX)
        self.item.showGrid(x=True, y=False, alpha=0.25)
        self.item.getViewBox().invertY(True)  # the first lane on top
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7, pen=None)
        self.plot.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        self.item.getViewBox().sigResized.connect(self._fit_labels)
        self.item.scene().sigMouseMoved.connect(self._hover)
        self.item.scene().sigMouseClicked.connect(self._clicked)
        self.empty = QLabel(tr("No AI sessions on this day."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.readout)
        layout.addWidget(self.plot)
        layout.addWidget(self.empty)
        layout.addStretch(1)

    def day(self) -> date:
        return cast(date, self.date.date().toPython())

    def show_day(self, day: date) -> None:
        with QSignalBlocker(self.date):
            self.date.setDate(QDate(day.year, day.month, day.day))
        self._load()

    def _load(self) -> None:
        day, tz, overrides = self.day(), self.ctx.timezone(), self.ctx.price_overrides()
        device = self.device_scope.device
        self.loads += 1
        self.summary.setText(tr("Loading…"))
        self.reads.run_read(
            "day-timeline", lambda side: build_day_timeline(side.store, tz, day, overrides, ORDER, device), self._show,
            self.summary.setText,
        )  # fmt: skip

    # ---- drawing ---------------------------------------------------------------------------
    def _show(self, t: DayTimeline) -> None:
        self.timeline = None  # until its labels are made (a resize meanwhile fits nothing)
        n = len(t.bars)
        self.summary.setText(
            tr("{day}: {sessions} · {tokens} tokens · {cost} · times in {zone}").format(
                day=f"{t.day:%A %d %B %Y}" + on_device(self.device_scope),
                sessions=plural(n, tr("session")),
                tokens=tokens(t.tokens),
                cost=money(t.cost_usd),
                zone=t.timezone,
            )
        )
        self.lane_axis.lanes = list(t.lanes)
        # No per-bar pens for no bars: pyqtgraph fails on an empty ``pens`` list.
        pens = [pg.mkPen(tool_color(b.source)) for b in t.bars] if t.bars else None
        self.bars.setOpts(
            x0=[b.start_h for b in t.bars], width=[b.end_h - b.start_h for b in t.bars],
            y=[float(b.lane) for b in t.bars], height=0.7,
            brushes=[pg.mkBrush(bar_fill(b)) for b in t.bars] if t.bars else None, pens=pens,
        )  # fmt: skip
        for label in self.labels:
            self.plot.removeItem(label)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.labels = []
        for b in t.bars:
            label = pg.TextItem(bar_label(b), color=text, anchor=(0, 0.5))
            label.setPos(b.start_h, b.lane)
            self.plot.addItem(label)
            self.labels.append(label)
        self.timeline = t
        lanes = max(len(t.lanes), 1)
        self.plot.setFixedHeight(min(16, lanes) * LANE_PX + 50)
        self.item.setXRange(-0.25, t.hours + 0.25, padding=0)  # room for the 00:00 and 24:00 ticks
        self.item.setYRange(-0.5, lanes - 0.5, padding=0)
        self.plot.setVisible(bool(n))
        self.empty.setVisible(not n)
        self.readout.setText(tr(HINT) if n else " ")
        self._fit_labels()
        self.loaded.emit()

    def _fit_labels(self) -> None:
        """A task's name inside its bar where it fits; the tooltip says it always."""
        if self.timeline is None:
            return
        vb = self.item.getViewBox()
        px_per_hour = vb.width() / (self.timeline.hours or 24)
        fm = QFontMetrics(self.font())
        for b, label in zip(self.timeline.bars, self.labels, strict=True):
            label.setVisible((b.end_h - b.start_h) * px_per_hour >= fm.horizontalAdvance(bar_label(b)) + 12)

    def recolor(self, palette: QPalette) -> None:
        repaint_plot(self.plot, palette)
        for label in self.labels:
            label.setColor(palette.color(QPalette.ColorRole.WindowText))

    # ---- pointing --------------------------------------------------------------------------
    def bar_at(self, pos: QPointF) -> TimelineBar | None:
        """The bar under the scene position ``pos``."""
        vb = self.item.getViewBox()
        if self.timeline is None or not vb.sceneBoundingRect().contains(pos):
            return None
        at = vb.mapSceneToView(pos)
        for b in self.timeline.bars:
            if b.start_h <= at.x() <= b.end_h and abs(at.y() - b.lane) <= 0.35:
                return b
        return None

    def _hover(self, pos: QPointF) -> None:
        bar = self.bar_at(pos)
        if bar is None or self.timeline is None:
            return
        text = bar_text(bar, self.timeline.timezone)
        self.readout.setText(text)
        QToolTip.showText(self.plot.mapToGlobal(self.plot.mapFromScene(pos)), text.replace(" · ", "\n"), self.plot)

    def _clicked(self, event: object) -> None:
        bar = self.bar_at(event.scenePos())  # type: ignore[attr-defined] # a MouseClickEvent
        if bar is not None and bar.task_ids and event.double():  # type: ignore[attr-defined]
            self.open_task.emit(bar.task_ids[0])


class DayTimelineDialog(QDialog):
    """The timeline in its own window (non-modal: the dashboard behind stays usable)."""

    def __init__(self, view: DayTimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Day timeline — Tokenworth"))
        self.view = view
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        view.loaded.connect(self._fit_now)
        self.resize(1000, 380)

    def fit(self) -> None:
        """As tall as the day's lanes need (no empty half window under two lanes)."""
        self._fit_now()

    def _fit_now(self) -> None:
        self.resize(max(self.width(), 1000), self.sizeHint().height())
