"""Cycles holding Qt objects are collected on the GUI thread, by the guard's timer."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QWidget

from tracker.ui.gc_guard import YOUNG_MS


def test_cycles_are_collected_on_the_gui_thread(qtbot, qapp) -> None:
    assert not gc.isenabled()  # the qapp fixture installs the guard, as the app does
    seen: list[str] = []

    class Holder:
        def __del__(self) -> None:
            seen.append(threading.current_thread().name)

    widget = QWidget()
    holder = Holder()
    holder.widget, holder.me = widget, holder  # type: ignore[attr-defined] # a cycle with a widget in it
    alive = weakref.ref(holder)
    del widget, holder
    # Allocate on another thread: with automatic collection on, this is where it would run.
    worker = threading.Thread(target=lambda: [[object()] for _ in range(200_000)], name="worker")
    worker.start()
    worker.join()
    assert alive() is not None
    qtbot.waitUntil(lambda: alive() is None, timeout=3 * YOUNG_MS)
    assert seen == [threading.main_thread().name]
