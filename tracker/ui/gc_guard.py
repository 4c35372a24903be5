"""Garbage collection only on the GUI thread.

Python's cycle collector runs in whichever thread happens to allocate; if that is the import
worker and the garbage holds Qt widgets, Qt aborts the process. So automatic collection is off
while the app runs, and a timer collects on the GUI thread instead (the approach Anki takes).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

YOUNG_MS = 1_000  # young objects: cheap, often
FULL_EVERY = 60  # ticks between full collections


class GcGuard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self.ticks = 0
        self.timer = QTimer(self, interval=YOUNG_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> None:
        self.ticks += 1
        gc.collect(2 if self.ticks % FULL_EVERY == 0 else 0)

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()
