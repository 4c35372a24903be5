"""A year of days as weeks of squares, shaded by quartile (GitHub-style), ending at the
selected period's last day; click a day to narrow the dashboard to it, double-click to open
its timeline. The arrow keys move a cursor over the days; Enter picks the day under it."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QLocale, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tracker.analytics.intensity import LEVELS, level, quartile_cuts
from tracker.reports.charts import PALETTE
from tracker.ui.formatting import locale, plural, week_start
from tracker.ui.i18n import tr

LEFT, TOP, RIGHT = 32, 16, 4
DAYS = 365


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way to ``b`` (opaque, so levels read the same on any background)."""
    pairs = ((a.redF(), b.redF()), (a.greenF(), b.greenF()), (a.blueF(), b.blueF()))
    return QColor.fromRgbF(*(x + (y - x) * t for x, y in pairs))


class CalendarHeatmap(QWidget):
    """The 365 days ending ``last``; the widget's width decides the square size."""

    day_clicked = Signal(object)  # date
    day_opened = Signal(object)  # date: a double-click (its timeline)

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[date, int] = {}
        self.last = date.today()
        self.selected: date | None = None
        self.cuts: list[float] = []
        self.cursor_day: date | None = None  # the keyboard's day
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(tr("Calendar of the year: arrow keys move, Enter shows the day"))
        self.setMouseTracking(True)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setToolTip("")

    def set_values(self, values: dict[date, int], last: date, selected: date | None = None) -> None:
        """``values``: tokens per day; ``last``: the right-most day (the period's end)."""
        self.values, self.last, self.selected = values, last, selected
        self.cuts = quartile_cuts(n for d, n in values.items() if self.first_day <= d <= last)
        self.updateGeometry()
        self.update()

    # ---- geometry --------------------------------------------------------------------------
    @property
    def first_day(self) -> date:
        return self.last - timedelta(days=DAYS - 1)

    def _first(self) -> date:
        return week_start(self.first_day)  # a column is the locale's week (Sunday first in en-US)

    def row_of(self, day: date) -> int:
        """The row ``day`` is drawn in: 0 for the locale's first day of the week."""
        return (day - self._first()).days % 7

    def weekday_labels(self) -> list[tuple[int, str]]:
        """Monday, Wednesday and Friday named in their rows, wherever the locale's week starts."""
        first = self._first()
        out = []
        for weekday in (0, 2, 4):  # Python's Monday, Wednesday, Friday
            row = (weekday - first.weekday()) % 7
            out.append((row, locale().dayName(weekday + 1, QLocale.FormatType.ShortFormat)))
        return out

    def weeks(self) -> int:
        return (self.last - self._first()).days // 7 + 1

    def cell_size(self, width: int | None = None) -> int:
        w = self.width() if width is None else width
        return max(9, min(26, (w - LEFT - RIGHT) // self.weeks()))

    def _legend_height(self) -> int:
        return self.fontMetrics().height() + 8

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt
        return TOP + 7 * self.cell_size(width) + self._legend_height()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt
        return True

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt
        width = LEFT + RIGHT + 54 * 13
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt
        width = LEFT + RIGHT + 54 * 9
        return QSize(width, self.heightForWidth(width))

    def _cell(self, day: date) -> QRectF:
        c = self.cell_size()
        gap = max(2, c // 7)
        offset = (day - self._first()).days
        return QRectF(LEFT + (offset // 7) * c, TOP + (offset % 7) * c, c - gap, c - gap)

    def day_at(self, x: float, y: float) -> date | None:
        c = self.cell_size()
        col, row = int((x - LEFT) // c), int((y - TOP) // c)
        if x < LEFT or y < TOP or not 0 <= row < 7:
            return None
        day = self._first() + timedelta(days=col * 7 + row)
        return day if self.first_day <= day <= self.last else None

    # ---- drawing ---------------------------------------------------------------------------
    def level_colors(self) -> list[QColor]:
        """No usage, then four steps to full green."""
        pal = self.palette()
        # "No usage" a shade off the background, so the empty squares still read as a calendar.
        empty = mix(pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.WindowText), 0.1)
        high = QColor(PALETTE[2])
        return [empty] + [mix(empty, high, t) for t in (0.3, 0.55, 0.8, 1.0)]

    def level_of(self, day: date) -> int:
        return level(self.values.get(day, 0), self.cuts)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt
        p = QPainter(self)
        pal = self.palette()
        colors = self.level_colors()
        text = pal.color(QPalette.ColorRole.WindowText)
        p.setPen(text)
        c = self.cell_size()
        for row, name in self.weekday_labels():
            p.drawText(QRectF(0, TOP + row * c, LEFT - 4, c), int(Qt.AlignmentFlag.AlignVCenter), name)
        last_label_col = -3
        day = self.first_day
        while day <= self.last:
            rect = self._cell(day)
            col = int((rect.x() - LEFT) // c)
            if day.day == 1 and col - last_label_col >= 3:  # a month's name over the week holding its 1st
                month = locale().standaloneMonthName(day.month, QLocale.FormatType.ShortFormat)
                p.drawText(QPointF(rect.x(), TOP - 4), month)
                last_label_col = col
            p.fillRect(rect, colors[self.level_of(day)])
            if day == self.selected or (day == self.cursor_day and self.hasFocus()):
                p.drawRect(rect)
            day += timedelta(days=1)
        # The legend: "Less ▢▢▢▢▢ More", right-aligned under the grid.
        fm = self.fontMetrics()
        y = TOP + 7 * c + 4
        size = min(c - 2, fm.height() - 2)
        more, less = tr("More"), tr("Less")
        more_w = fm.horizontalAdvance(more)
        x = LEFT + self.weeks() * c - more_w
        p.drawText(QRectF(x, y, more_w, fm.height()), int(Qt.AlignmentFlag.AlignVCenter), more)
        for color in reversed(colors):
            x -= size + 3
            p.fillRect(QRectF(x, y + (fm.height() - size) / 2, size, size), color)
        less_w = fm.horizontalAdvance(less + " ")
        p.drawText(QRectF(x - less_w, y, less_w, fm.height()), int(Qt.AlignmentFlag.AlignVCenter), less)
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt
        day = self.day_at(event.position().x(), event.position().y())
        if day is None:
            QToolTip.hideText()
            return
        QToolTip.showText(
            event.globalPosition().toPoint(), f"{day:%a %Y-%m-%d}: {plural(self.values.get(day, 0), tr('token'))}"
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None:
            self.cursor_day = day
            self.day_clicked.emit(day)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt
        day = self.day_at(event.position().x(), event.position().y())
        if day is not None:
            self.day_opened.emit(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt
        moves = {Qt.Key.Key_Left: -7, Qt.Key.Key_Right: 7, Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        key = Qt.Key(event.key())
        day = self.cursor_day or self.selected or self.last
        if key in moves:
            self.cursor_day = min(self.last, max(self.first_day, day + timedelta(days=moves[key])))
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.cursor_day = day
            self.day_clicked.emit(day)
        else:
            super().keyPressEvent(event)


__all__ = ["LEVELS", "CalendarHeatmap"]
