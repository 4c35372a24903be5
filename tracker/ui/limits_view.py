"""Limit windows as bars with reset countdowns (CodexBar-style), for the dashboard and the tray."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from tracker.services.limits import LimitWindow, resets_in
from tracker.ui.i18n import tr

TICK_MS = 60_000  # the countdowns move by the minute; no read, only text


def row_text(w: LimitWindow, now_ms: int) -> str:
    """One line for the tray menu: ``Codex 5-hour window: 42% used · resets in 2 h 13 min``."""
    return f"{w.label}: {w.detail} · {resets_in(w.resets_ms, now_ms)}"


LEVEL_STYLE = {  # the tray ring's colours: nearly spent, spent
    "high": "QProgressBar { text-align: center; } QProgressBar::chunk { background: #f28e2b; }",
    "full": "QProgressBar { text-align: center; } QProgressBar::chunk { background: #e15759; }",
}


def level(w: LimitWindow) -> str:
    p = w.bar_percent
    return "full" if p >= 100 else "high" if p >= 80 else "ok"


class LimitsView(QWidget):
    """One bar per open window; hidden while there is none."""

    def __init__(self) -> None:
        super().__init__()
        self.windows: list[LimitWindow] = []
        self.bars: list[tuple[QLabel, QProgressBar, QLabel]] = []
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(QLabel(tr("<b>Limits</b> — how much of each plan window is spent")))
        outer.addLayout(self.grid)
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(lambda: self._countdowns(int(time.time() * 1000)))
        self.setVisible(False)

    def set_windows(self, windows: Sequence[LimitWindow], now_ms: int) -> None:
        self.windows = list(windows)
        while len(self.bars) < len(self.windows):
            row = len(self.bars)
            label, bar, countdown = QLabel(), QProgressBar(), QLabel()
            bar.setRange(0, 100)
            bar.setTextVisible(True)
            bar.setMaximumHeight(self.fontMetrics().height() + 6)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(bar, row, 1)
            self.grid.addWidget(countdown, row, 2)
            self.bars.append((label, bar, countdown))
        for i, (label, bar, countdown) in enumerate(self.bars):
            shown = i < len(self.windows)
            for widget in (label, bar, countdown):
                widget.setVisible(shown)
            if shown:
                w = self.windows[i]
                label.setText(w.label)
                bar.setValue(w.bar_percent)
                bar.setProperty("level", level(w))
                bar.setStyleSheet(LEVEL_STYLE.get(level(w), ""))
                bar.setFormat(w.detail)
                bar.setAccessibleName(f"{w.label}: {w.detail}")
        self._countdowns(now_ms)
        self.setVisible(bool(self.windows))
        if self.windows:
            self.timer.start()
        else:
            self.timer.stop()

    def _countdowns(self, now_ms: int) -> None:
        for w, (_, _, countdown) in zip(self.windows, self.bars, strict=False):
            countdown.setText(resets_in(w.resets_ms, now_ms))

    def countdown_texts(self) -> list[str]:
        return [c.text() for (_, _, c), _ in zip(self.bars, self.windows, strict=False)]
