"""Screenshots of the tray: the icon in each state (64 and 22 px, light and dark panels), the
tooltip's text, and the menu with its live rows, on a small data folder with a budget set.

    ../shared/desktop-session uv run python -m bench.tray_shots [--out /tmp/tw-tray]

Under the desktop session (trayer is the tray host) it also grabs the whole screen, so the
icon is seen where a user sees it. Look at the pictures: that is the point.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path("/tmp/tw-tray")  # noqa: S108 - scratch output, never the user's data


def claude_lines(n: int, tokens: int) -> str:
    stamp = (datetime.now(UTC) - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    usage = {"input_tokens": tokens, "output_tokens": 0}
    lines = []
    for i in range(n):
        message = {"id": f"m{i}", "model": "claude-sonnet-4-5-20250929", "usage": usage}
        line = {"type": "assistant", "timestamp": stamp, "sessionId": "s", "requestId": f"r{i}", "message": message}
        lines.append(json.dumps(line) + "\n")
    return "".join(lines)


def icon_strip(out: Path) -> Path:
    """The four states side by side at 64 px and 22 px, on a light and a dark panel."""
    from PySide6.QtGui import QColor, QPainter, QPixmap

    from tracker.ui.tray_icon import BudgetUse, tray_pixmap

    states = [None, BudgetUse(3_000, 10_000, "tokens"), BudgetUse(8_500, 10_000, "tokens"),
              BudgetUse(11_000, 10_000, "tokens")]  # fmt: skip
    strip = QPixmap(4 * 80 + 4 * 30, 2 * 80)
    p = QPainter(strip)
    for row, panel in enumerate(("#f0f0f0", "#2b2b2b")):
        p.fillRect(0, row * 80, strip.width(), 80, QColor(panel))
        for i, use in enumerate(states):
            p.drawPixmap(8 + 80 * i, row * 80 + 8, tray_pixmap(use, 64))
            p.drawPixmap(4 * 80 + 4 + 30 * i, row * 80 + 29, tray_pixmap(use, 22))
    p.end()
    path = out / "tray-icons.png"
    strip.save(str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "out")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from tracker.analytics.alert_rules import Alert
    from tracker.core.paths import DataPaths
    from tracker.services import notifications
    from tracker.services.context import Context
    from tracker.services.importer import run_import
    from tracker.ui.charts import follow_palette
    from tracker.ui.main_window import MainWindow
    from tracker.ui.tray import TrayController

    app = QApplication.instance() or QApplication(["tokenworth-tray-shots"])
    follow_palette(app.palette())
    shots = [icon_strip(out)]
    home, data = ROOT / "home", ROOT / "data"
    for folder in (home, data):
        shutil.rmtree(folder, ignore_errors=True)
    log = home / ".claude" / "projects" / "shop" / "s.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(claude_lines(11, 1000))
    ctx = Context(DataPaths(data), home, {})
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("budget.daily_tokens", "10000")
    eod = Alert("eod:shot", "end_of_day", "Log what you did", "1 AI session today with no task.", "low")
    notifications.record(ctx.store(), eod, "tray", datetime.now(UTC))
    w = MainWindow(ctx)
    tray = TrayController(w)
    tray.timer.stop()
    tray.check()
    while w.reads.pending("tray"):
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    app.processEvents()
    (out / "tray-tooltip.txt").write_text(tray.icon.toolTip() + "\n")
    menu = tray._menu_ref
    menu.popup(menu.screen().geometry().center() if menu.screen() else w.pos())
    for _ in range(5):
        app.processEvents()
    path = out / "tray-menu.png"
    menu.grab().save(str(path))
    shots.append(path)
    if shutil.which("import"):
        screen = out / "tray-screen.png"
        subprocess.run(["import", "-window", "root", str(screen)], check=False)
        shots.append(screen)
    menu.close()
    tray.icon.hide()
    w.stop()
    print("\n".join(map(str, shots)), file=sys.stderr)


if __name__ == "__main__":
    main()
