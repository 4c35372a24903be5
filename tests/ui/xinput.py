"""Real X input for widget tests (XTest on the test's Xvfb), for what Qt cannot synthesize.

Qt does not pass a synthesized wheel event on to parent widgets (QApplication::notify only
propagates spontaneous ones), so "the wheel over a chart scrolls the page" needs a wheel
event from the X server, as a mouse would send it.
"""

from __future__ import annotations

import ctypes
import os

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

_x11 = ctypes.CDLL("libX11.so.6")
_xtst = ctypes.CDLL("libXtst.so.6")
_x11.XOpenDisplay.restype = ctypes.c_void_p
_x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
_x11.XFlush.argtypes = [ctypes.c_void_p]
_x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
_x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
_xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]
_xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]

WHEEL_UP, WHEEL_DOWN = 4, 5


def wheel(widget: QWidget, down: bool = True, clicks: int = 3) -> None:
    """Move the pointer to the middle of ``widget`` and turn the wheel ``clicks`` notches."""
    display = _x11.XOpenDisplay(os.environ["DISPLAY"].encode())
    if not display:
        raise RuntimeError("cannot open the test display")
    try:
        at = widget.mapToGlobal(QPoint(widget.width() // 2, widget.height() // 2))
        _xtst.XTestFakeMotionEvent(display, -1, at.x(), at.y(), 0)
        for _ in range(clicks):
            button = WHEEL_DOWN if down else WHEEL_UP
            _xtst.XTestFakeButtonEvent(display, button, 1, 0)
            _xtst.XTestFakeButtonEvent(display, button, 0, 0)
        _x11.XSync(display, 0)
    finally:
        _x11.XCloseDisplay(display)
