"""The Qt binding and pyqtgraph must not corrupt Python's reference counts.

PySide6 6.12 loses a reference to ``True`` on each pyqtgraph range change; after a few
hundred redraws the interpreter aborts. This guards the version pin in pyproject.toml.
"""

from __future__ import annotations

import sys


def test_range_changes_keep_refcounts(qtbot) -> None:
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    item = plot.getPlotItem()
    before = sys.getrefcount(True)
    for i in range(2000):
        item.setXRange(0, 1 + i % 3, padding=0)
        item.setYRange(0, 1 + i % 5, padding=0)
    assert sys.getrefcount(True) > before - 100
