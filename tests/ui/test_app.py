"""The real main window on a real X display, over generated logs in a temporary HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from tests.conftest import REPO, CliRunner, usage_json
from tests.helpers.loggen import generate
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.ui.main_window import MainWindow


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TOKENWORTH_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def recent_logs(home: Path) -> Path:
    start = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=14)
    generate(home, seed=5, days=15, sessions_per_day=3, turns=8, content_bytes=3000, start=start)
    return home


@pytest.fixture
def window(qtbot, recent_logs: Path, data_dir: Path) -> MainWindow:
    ctx = Context(DataPaths(data_dir), recent_logs, {})
    ctx.settings.set("general.timezone", "UTC")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


def test_first_run_imports_in_the_background_and_matches_the_cli(
    qtbot, window: MainWindow, cli: CliRunner, tmp_path: Path
) -> None:
    assert "Tokenworth" in window.windowTitle()
    ticks_while_importing = [0]

    def tick() -> None:  # runs on the GUI thread: it only gets here if the import leaves it free
        if window.importer.worker.busy:
            ticks_while_importing[0] += 1

    probe = QTimer(interval=20)
    probe.timeout.connect(tick)
    probe.start()
    window.start()  # shows what is stored (nothing yet) and starts the import
    # The worker's ``started`` is emitted on its thread; the GUI thread shows the progress bar a
    # moment later, so wait for what the user sees (or for an import fast enough to be over).
    qtbot.waitUntil(lambda: window.progress.isVisible() or window.import_finished_count >= 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.import_finished_count >= 1, timeout=60_000)
    probe.stop()
    # The import runs on its own thread, and the window kept running while it did (a short import
    # on loaded cores leaves room for few ticks; one shows the event loop was not blocked).
    assert window.importer.worker.thread() is not window.thread()
    assert ticks_while_importing[0] >= 1, "the window did not get to run while the import ran"
    qtbot.waitUntil(lambda: not window.reads.pending(), timeout=30_000)  # reads run on the read thread

    since, until = window.dashboard.selected_range()
    out = usage_json(cli, "daily", "--timezone", "UTC", "--since", str(since), "--until", str(until), "--no-import")
    data = window.dashboard.data
    assert data is not None and data.totals.total_tokens == out["totals"]["total_tokens"] > 0
    assert window.dashboard.cards["tokens"].detail.text().startswith(f"{out['totals']['total_tokens']:,} in")
    assert window.dashboard.cards["cost"].value.text() == f"${out['totals']['cost_usd']:,.2f}"
    assert "usage records read" in window.status.text()
    window.grab().save(str(screenshot_dir(tmp_path) / "dashboard.png"))

    window.nav.setCurrentRow(2)
    sessions = usage_json(
        cli, "session", "--timezone", "UTC", "--since", str(since), "--until", str(until), "--no-import"
    )
    qtbot.waitUntil(lambda: not window.reads.pending(), timeout=30_000)  # the table loads on the read thread
    assert window.sessions.model.rowCount() == len(sessions["rows"])
    window.grab().save(str(screenshot_dir(tmp_path) / "sessions.png"))
    window.nav.setCurrentRow(4)
    qtbot.waitUntil(lambda: "found:" in window.sources.view.toPlainText(), timeout=30_000)  # read on the read thread


def test_a_new_log_line_shows_within_five_seconds(qtbot, window: MainWindow, recent_logs: Path) -> None:
    window.start()
    qtbot.waitUntil(lambda: window.import_finished_count >= 1, timeout=60_000)
    qtbot.waitUntil(lambda: not window.reads.pending(), timeout=30_000)  # reads run on the read thread
    before = window.dashboard.data.totals.total_tokens if window.dashboard.data else 0
    log = max((recent_logs / ".claude").rglob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    line = {
        "type": "assistant",
        "sessionId": "live",
        "cwd": "/home/dev/app",
        "requestId": "req_live",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "message": {
            "id": "msg_live",
            "model": "claude-sonnet-4-5-20250929",
            "usage": {"input_tokens": 1000, "output_tokens": 234},
        },
    }
    started = time.monotonic()
    with log.open("a") as f:
        f.write(json.dumps(line) + "\n")
    qtbot.waitUntil(
        lambda: window.dashboard.data is not None and window.dashboard.data.totals.total_tokens == before + 1234,
        timeout=5_000,
    )
    assert time.monotonic() - started < 5


def test_cancel_keeps_what_was_read_and_the_next_import_completes(qtbot, window: MainWindow, cli: CliRunner) -> None:
    worker = window.importer.worker

    def cancel_at_once(done: int, total: int) -> None:
        worker.cancel()

    # Cancel from the worker's own thread at its first progress report, so the import cannot
    # finish first however fast it is. (The waits below watch the window, never a worker signal:
    # pytest-qt's signal blocker would then stop its timer from the worker thread.)
    worker.progress.connect(cancel_at_once, Qt.ConnectionType.DirectConnection)
    window.import_now()
    qtbot.waitUntil(lambda: "cancelled" in window.status.text(), timeout=60_000)
    worker.progress.disconnect(cancel_at_once)
    qtbot.waitUntil(lambda: not worker.busy, timeout=5_000)
    window.import_now()
    qtbot.waitUntil(lambda: window.import_finished_count == 1, timeout=60_000)
    full = usage_json(cli, "daily", "--timezone", "UTC")  # imports anything still missing
    again = usage_json(cli, "daily", "--timezone", "UTC", "--no-import")
    assert full["totals"] == again["totals"]
    window.import_now()
    qtbot.waitUntil(lambda: window.import_finished_count == 2, timeout=60_000)
    assert "nothing new" in window.status.text()


def test_geometry_and_page_are_restored_and_ctrl_q_quits(qtbot, window: MainWindow, data_dir: Path) -> None:
    window.resize(1100, 760)
    window.nav.setCurrentRow(2)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window.nav, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    again = MainWindow(window.ctx)
    qtbot.addWidget(again)
    assert again.nav.currentRow() == 2
    assert (again.width(), again.height()) == (1100, 760)


def test_without_a_display_the_app_says_so_in_one_line(home: Path, data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "tracker"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "no display" in proc.stderr and "tokenworth usage daily" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_idle_window_uses_no_measurable_cpu(qtbot, window: MainWindow) -> None:
    window.start()
    qtbot.waitUntil(lambda: window.import_finished_count >= 1, timeout=60_000)
    qtbot.wait(300)  # let the first redraw settle
    before = time.process_time()  # all threads of this process
    qtbot.wait(2_000)
    assert time.process_time() - before < 0.1


def test_the_real_program_opens_a_window_and_imports(
    x_display: str, recent_logs: Path, data_dir: Path, tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(recent_logs), TOKENWORTH_DATA_DIR=str(data_dir), DISPLAY=x_display, QT_QPA_PLATFORM="xcb")
    app = subprocess.Popen(
        [sys.executable, "-m", "tracker"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        events = 0
        while time.monotonic() < deadline and app.poll() is None:
            db = data_dir / "tokenworth.sqlite3"
            if db.exists():
                with sqlite3.connect(db) as conn:
                    try:
                        events = conn.execute("SELECT COUNT(*) FROM usage_rollup").fetchone()[0]
                    except sqlite3.OperationalError:
                        events = 0
                if events:
                    break
            time.sleep(0.3)
        assert app.poll() is None, app.stderr.read().decode() if app.stderr else ""
        assert events > 0
        time.sleep(1.5)  # the refresh after the import
        grabber = shutil.which("import")
        if grabber:  # ImageMagick, as .ci/run installs it: a picture of the real screen
            shot = screenshot_dir(tmp_path) / "real-app.png"
            subprocess.run([grabber, "-display", x_display, "-window", "root", str(shot)], check=True, timeout=30)
            assert shot.stat().st_size > 10_000
    finally:
        app.terminate()
        app.wait(20)
        if app.stderr:
            app.stderr.close()


def test_ctrl_n_logs_a_task_and_the_cards_count_it(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    from tracker.ui.task_dialog import QuickAddDialog

    window.start()
    qtbot.waitUntil(lambda: window.import_finished_count >= 1, timeout=60_000)
    assert window.dashboard.cards["tasks"].value.text() == "0"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QuickAddDialog)
        dialog._accept()  # an empty title is refused, the dialog stays open
        assert "needs a title" in dialog.error.text()
        dialog.title.setText("Ship the cart")
        dialog.impact.setPlainText("Customers can check out")
        dialog._accept()

    QTimer.singleShot(300, fill)
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    # The new task is shown and selected, and its confirmation outlives the import status.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tasks, timeout=5_000)
    # the list is re-read off the GUI thread: the new row is selected once it is there
    qtbot.waitUntil(lambda: window.tasks.selected() is not None, timeout=10_000)
    selected = window.tasks.selected()
    assert selected is not None and selected.title == "Ship the cart" and selected.status == "done"
    window._import_ended("12 log files checked, nothing new.")
    assert window.statusBar().currentMessage() == "Logged: Ship the cart"
    window.nav.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.dashboard.cards["tasks"].value.text() == "1", timeout=5_000)
    data = window.dashboard.data
    assert data is not None
    # A task with no linked session is an outcome with no cost: it never lowers the cost per outcome.
    assert window.dashboard.cards["per_outcome"].value.text() == "—"
    assert window.dashboard.cards["linked"].value.text() == "0%"
    assert (
        window.dashboard.cards["linked"]
        .detail.text()
        .endswith(f"${float(data.totals.cost_usd):,.2f} not linked to any outcome")
    )
