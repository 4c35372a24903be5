"""Composition root of the desktop app: builds the services and hands them to the UI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tracker.core.paths import resolve_data_paths


def has_display() -> bool:
    """Whether a GUI can open here (Linux needs an X or Wayland display)."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in (
        "offscreen",
        "minimal",
        "vnc",
        "eglfs",
        "linuxfb",
    ):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(data_dir: str | None = None, argv: list[str] | None = None) -> int:
    if not has_display():
        print(
            "tokenworth: no display to open the app on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "use the CLI instead, e.g. 'tokenworth usage daily' (see 'tokenworth --help').",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtWidgets import QApplication

    from tracker.services.context import Context
    from tracker.ui.charts import follow_palette
    from tracker.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Tokenworth")
    app.setOrganizationName("Tokenworth")
    QApplication.setDesktopFileName("tokenworth")
    follow_palette(QApplication.palette())
    ctx = Context(resolve_data_paths(data_dir), Path.home(), dict(os.environ))
    window = MainWindow(ctx)
    window.show()
    window.start()
    return int(app.exec())
