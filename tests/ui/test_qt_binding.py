"""The Qt binding and pyqtgraph must not corrupt Python's reference counts.

PySide6 6.12 drops a reference to ``True`` on every signal emission (``emit`` returns it
borrowed); pyqtgraph emits several per range change, so after a few hundred redraws Python 3.11
aborts ("deallocating True"). This guards the version pin in pyproject.toml.

Two checks: the reference count itself, which only moves where ``True`` is mortal (below 3.12;
from 3.12 on it is immortal and the count is a constant), and the real symptom — a process doing
many redraws must exit cleanly — which runs on every Python.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

REDRAWS = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(["redraws"])
import pyqtgraph as pg
plot = pg.PlotWidget()  # kept referenced: its view box lives as long as it does
item = plot.getPlotItem()
for i in range(5000):  # ~50,000 emissions: far past True's reference count on 3.11
    item.setXRange(0, 1 + i % 3, padding=0)
    item.setYRange(0, 1 + i % 5, padding=0)
print("done")
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from 3.12: its count cannot move")
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


def test_many_redraws_do_not_abort_the_interpreter() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", REDRAWS],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert (proc.returncode, proc.stdout.strip()) == (0, "done"), proc.stderr[-2000:]
