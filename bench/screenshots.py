"""Screenshots of every page with realistic data, light and dark, at 1440x900 and 1024x640.

    ../shared/desktop-session uv run python -m bench.screenshots            # or xvfb-run -a …
    uv run python -m bench.screenshots --out /tmp/tw-shots --days 60

Generates logs with ``tests/helpers/loggen.py`` (ending today, so the default period has
data), imports them into a scratch data folder, then grabs each window (``QWidget.grab``, the
pixels Qt painted) to ``OUT/<size>-<theme>-<name>.png``. A second, empty data folder shows
the first-launch empty states. Look at the pictures: that is the point.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path("/tmp/tw-shots")  # noqa: S108 - scratch output, never the user's data
SIZES = ((1440, 900), (1024, 640))


def make_home(home: Path, days: int) -> None:
    from tests.helpers.loggen import generate

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    generate(home, seed=7, days=days, sessions_per_day=4, turns=8, content_bytes=200, start=start)


def dark_palette() -> object:
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#323232",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#3a3a3a",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        # as dark desktop themes (and Qt's own dark Fusion) set them: links and hints readable
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.LinkVisited: "#c58af9",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    return p


def shoot(data: Path, home: Path, out: Path, theme: str, empty: bool) -> list[Path]:
    from datetime import date

    from PySide6.QtCore import QDate, QEventLoop, QPointF
    from PySide6.QtWidgets import QApplication, QScrollArea

    from tracker.core.paths import DataPaths
    from tracker.services.context import Context
    from tracker.ui.charts import follow_palette
    from tracker.ui.main_window import PAGES, MainWindow

    app = QApplication.instance() or QApplication(["tokenworth-shots"])
    app.setStyle("Fusion")
    palette = dark_palette() if theme == "dark" else app.style().standardPalette()
    app.setPalette(palette)  # type: ignore[arg-type] # a QPalette
    follow_palette(app.palette())
    ctx = Context(DataPaths(data), home, {})
    shots: list[Path] = []
    for width, height in SIZES:
        w = MainWindow(ctx)
        w.resize(width, height)
        w.show()
        w.refresh_current()
        app.processEvents()

        def grab(name: str, w: MainWindow = w, width: int = width, height: int = height) -> None:
            while w.reads.pending():  # reads run on the read thread: shoot what they drew
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            app.processEvents()
            kind = "empty-" if empty and not name.startswith("empty") else ""
            path = out / f"{width}x{height}-{theme}-{kind}{name}.png"
            w.grab().save(str(path))
            shots.append(path)

        d = w.dashboard
        scroll = d.findChild(QScrollArea)
        grab("empty-dashboard" if empty else "dashboard")
        if not empty:
            vb = d.chart.plot.getPlotItem().getViewBox()
            d.stack_by.setCurrentText("by model")
            d.chart._hover(vb.mapViewToScene(QPointF(len(d.chart.series.slots) - 3, 1)))
            grab("dashboard-hover-by-model")
            d.stack_by.setCurrentText("by tool")
        scroll.ensureWidgetVisible(d.heatmap)
        grab("empty-dashboard-calendar" if empty else "dashboard-calendar")
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
        grab("empty-dashboard-work" if empty else "dashboard-work")
        scroll.verticalScrollBar().setValue(0)
        if not empty:
            today = d.today()
            spans = (("two-days-hourly", today - timedelta(days=1)), ("quarter-weekly", today - timedelta(days=89)))
            for name, first in spans:
                d.period.setCurrentText("Custom")
                d.since.setDate(QDate(first.year, first.month, first.day))
                d.until.setDate(QDate(today.year, today.month, today.day))
                grab(f"dashboard-{name}")
            d.period.setCurrentText("Custom")
            old = date(today.year - 1, 1, 1)
            d.since.setDate(QDate(old.year, 1, 1))
            d.until.setDate(QDate(old.year, 1, 10))
            grab("dashboard-empty-period")
            d.period.setCurrentText("Last 30 days")
            shots.extend(drill_downs(w, grab, out, f"{width}x{height}-{theme}"))
        for i, page in enumerate(PAGES[1:], start=1):
            w.nav.setCurrentRow(i)
            if page == "Sessions" and not empty:
                grab("sessions")
                w.sessions.filter.setText("codex")
                grab("sessions-filtered")
                w.sessions.filter.clear()
            else:
                grab(page.lower())
        w.nav.setCurrentRow(0)
        if not empty:
            shots.extend(dialogs(w, out, f"{width}x{height}-{theme}"))
        w.close()
        w.deleteLater()
        app.processEvents()
    return shots


def drill_downs(w: object, grab: Callable[[str], None], out: Path, prefix: str) -> list[Path]:
    """A calendar day picked (its buttons), the Sessions page behind a bar, a model and that
    day (the chips), and the day's timeline window."""
    from PySide6.QtWidgets import QApplication, QScrollArea

    from tracker.ui.main_window import PAGES, MainWindow

    assert isinstance(w, MainWindow)
    app = QApplication.instance()
    d = w.dashboard
    busy = d.data.days if d.data is not None else []
    day = max((day for day, row in busy if row is not None and row.totals.events), default=d.today())
    scroll = d.findChild(QScrollArea)
    d.heatmap.day_clicked.emit(day)
    scroll.ensureWidgetVisible(d.heatmap)
    grab("dashboard-day-picked")
    scroll.verticalScrollBar().setValue(0)
    d.day_sessions.click()
    grab("sessions-drilled-day")
    w.nav.setCurrentRow(PAGES.index("Dashboard"))
    d._clear_day()
    grab("dashboard")  # the same again: waits for the redraw
    if d.by_model.keys:
        d.by_model.activate(0)
        grab("sessions-drilled-model")
    w.sessions.clear_drill()
    w.nav.setCurrentRow(PAGES.index("Dashboard"))
    w.open_day(day)
    window = w.day_window
    assert window is not None
    grab("dashboard")
    for _ in range(3):
        app.processEvents()  # type: ignore[union-attr] # the app exists
    path = out / f"{prefix}-day-timeline.png"
    window.grab().save(str(path))
    window.close()
    return [path]


def dialogs(w: object, out: Path, prefix: str) -> list[Path]:
    """The welcome, the task dialog (new and edit), the help pages and the tray menu."""
    from PySide6.QtWidgets import QApplication, QWidget

    from tracker.services.tasks import list_tasks
    from tracker.ui.help_page import keyboard_shortcuts, what_counts
    from tracker.ui.main_window import MainWindow
    from tracker.ui.task_dialog import TaskDialog
    from tracker.ui.tray import TrayController

    assert isinstance(w, MainWindow)
    app = QApplication.instance()
    paths: list[Path] = []

    def save(widget: QWidget, name: str) -> None:
        widget.show()
        widget.adjustSize()
        for _ in range(3):
            app.processEvents()  # type: ignore[union-attr] # the app exists
        path = out / f"{prefix}-{name}.png"
        widget.grab().save(str(path))
        paths.append(path)
        widget.close()

    w.show_welcome()  # the folders are looked for on the read thread; it opens then
    while w.welcome is None:
        app.processEvents()  # type: ignore[union-attr] # the app exists
    save(w.welcome, "welcome")
    tz = w.ctx.timezone()
    save(TaskDialog(w, tz), "task-new")
    tasks = list_tasks(w.read(), tz, {})
    if tasks:
        t = max(tasks, key=lambda t: len(t.sessions))
        save(TaskDialog(w, tz, t, [f"{s} · {i}" for s, i in t.sessions]), "task-edit")
    save(what_counts(w), "help-what-counts")
    save(keyboard_shortcuts(w.shortcut_rows, w), "help-shortcuts")
    tray = TrayController(w)
    tray.timer.stop()
    tray.check()  # the rows come from the tick's reads
    while w.reads.pending("tray"):
        app.processEvents()  # type: ignore[union-attr] # the app exists
    tray.refresh_rows()
    menu = tray._menu_ref
    menu.popup(w.mapToGlobal(w.rect().center()))
    save(menu, "tray-menu")
    tray.icon.hide()
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=ROOT, help="scratch folder for the logs and data")
    ap.add_argument("--out", type=Path, help="default: ROOT/out")
    ap.add_argument("--days", type=int, default=60)
    args = ap.parse_args()
    from tracker.services.context import Context
    from tracker.services.importer import run_import

    root: Path = args.root
    args.out = args.out or root / "out"
    args.out.mkdir(parents=True, exist_ok=True)
    home, data = root / "home", root / "data"
    empty_home, empty_data = root / "empty-home", root / "empty-data"
    make_home(home, args.days)
    for folder in (data, empty_data):
        shutil.rmtree(folder, ignore_errors=True)
    empty_home.mkdir(parents=True, exist_ok=True)
    from tracker.core.paths import DataPaths

    ctx = Context(DataPaths(data), home, {})
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    Context(DataPaths(empty_data), empty_home, {}).connect().close()
    shots = []
    for theme in ("light", "dark"):
        shots += shoot(data, home, args.out, theme, empty=False)
        shots += shoot(empty_data, empty_home, args.out, theme, empty=True)
    print(f"{len(shots)} screenshots in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
