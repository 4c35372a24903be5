"""A database the app cannot open: a dialog that names it, says why and what to do — never an abort."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.conftest import REPO, install_fixture_logs
from tracker.core.logs import setup_logging
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.store.schema import SCHEMA_VERSION
from tracker.ui.main_window import MainWindow
from tracker.ui.store_error_dialog import MOVE_ASIDE, StoreErrorDialog, move_aside, open_store

GARBAGE = bytes(range(256)) * 64  # 16 KiB that no SQLite header starts with


def garbage_db(db: Path) -> None:
    db.write_bytes(GARBAGE)


def newer_db(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")


def truncated_db(db: Path) -> None:
    """A database cut to a third, as a full disk or a half-finished copy leaves it."""
    with sqlite3.connect(db) as conn:
        for i in range(300):  # a schema long enough to span the cut
            conn.execute(f"CREATE TABLE t{i} (a INTEGER, b TEXT, c_{'x' * 100} TEXT)")
    conn.close()
    with db.open("r+b") as f:
        f.truncate(db.stat().st_size // 3)


# What the cause must say (lower case), whatever the store's exact wording.
CASES = {
    "garbage": (garbage_db, ("not a database",)),
    "newer": (newer_db, ("99", "newer", f"knows {SCHEMA_VERSION}")),
    "truncated": (truncated_db, ("damaged", "truncated")),
}


def broken_ctx(case: str, home: Path, data_dir: Path) -> Context:
    install_fixture_logs(home)
    paths = DataPaths(data_dir).ensure()
    CASES[case][0](paths.database)
    ctx = Context(paths, home, {})
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def answer_dialog(seen: list[str], choice: str) -> None:
    """Read the modal dialog once it is up, then press ``choice``."""

    def press() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, StoreErrorDialog):
            QTimer.singleShot(50, press)
            return
        seen.append(f"{dialog.windowTitle()}\n{dialog.text()}\n{dialog.informativeText()}")
        button = dialog.move_button if choice == "move" else dialog.quit_button
        assert button.text() == (MOVE_ASIDE if choice == "move" else "Quit")
        button.click()

    QTimer.singleShot(0, press)


@pytest.mark.parametrize("case", list(CASES))
def test_move_aside_leaves_a_working_app_on_a_fresh_database(
    qtbot, case: str, home: Path, data_dir: Path, caplog
) -> None:
    ctx = broken_ctx(case, home, data_dir)
    log_path = setup_logging(ctx.paths)
    assert log_path == ctx.paths.database.parent / "tokenworth.log"
    before = ctx.paths.database.read_bytes()
    seen: list[str] = []
    answer_dialog(seen, "move")
    with caplog.at_level(logging.ERROR, logger="tracker"):
        assert open_store(ctx, log_path)

    (text,) = seen
    assert str(ctx.paths.database) in text  # the file
    assert all(word in text.lower() for word in CASES[case][1])  # the cause, in one sentence
    assert str(log_path) in text  # where the details are
    assert "reads the logs again" in text  # what moving it aside does
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        f"cannot open the database {ctx.paths.database}"
    ]
    logged = log_path.read_text()
    assert "Traceback" in logged and all(word in logged.lower() for word in CASES[case][1])

    (kept,) = ctx.paths.root.glob("tokenworth.sqlite3.broken-*Z")  # with its -wal and -shm, if any
    if case != "newer":
        assert kept.read_bytes() == before  # nothing of the old file is lost
    else:
        with sqlite3.connect(kept) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.import_finished_count == 1, timeout=60_000)
    stored = window.read().conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert stored > 0 and f"{stored:,} usage records read" in window.status.text()
    window.close()


def test_quit_changes_nothing(qtbot, home: Path, data_dir: Path, caplog) -> None:
    ctx = broken_ctx("garbage", home, data_dir)
    seen: list[str] = []
    answer_dialog(seen, "quit")
    with caplog.at_level(logging.ERROR, logger="tracker"):
        assert not open_store(ctx, None)
    assert len(seen) == 1 and "No log file could be written." in seen[0]
    assert ctx.paths.database.read_bytes() == GARBAGE
    assert list(ctx.paths.root.glob("*.broken-*")) == []


def test_move_aside_takes_the_wal_along_and_never_overwrites(tmp_path: Path) -> None:
    db = tmp_path / "tokenworth.sqlite3"
    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
    for round_ in ("first", "second"):
        db.write_text(round_)
        (tmp_path / "tokenworth.sqlite3-wal").write_text(f"{round_} wal")
        moved = move_aside(db, now)
        assert not db.exists() and not (tmp_path / "tokenworth.sqlite3-wal").exists()
        assert moved.read_text() == round_
        assert moved.with_name(moved.name + "-wal").read_text() == f"{round_} wal"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "tokenworth.sqlite3.broken-20260601T120000Z",
        "tokenworth.sqlite3.broken-20260601T120000Z-2",
        "tokenworth.sqlite3.broken-20260601T120000Z-2-wal",
        "tokenworth.sqlite3.broken-20260601T120000Z-wal",
    ]


def window_names(display: str) -> str:
    return subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display], capture_output=True, text=True, timeout=30
    ).stdout


def test_the_real_program_shows_the_dialog_instead_of_aborting(x_display: str, home: Path, data_dir: Path) -> None:
    if not os.path.exists("/usr/bin/xwininfo"):
        pytest.skip("xwininfo (x11-utils) not installed")
    DataPaths(data_dir).ensure()
    garbage_db(DataPaths(data_dir).database)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), DISPLAY=x_display, QT_QPA_PLATFORM="xcb")
    app = subprocess.Popen(
        [sys.executable, "-m", "tracker"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.poll() is None:
            if "Tokenworth cannot open its database" in window_names(x_display):
                break
            time.sleep(0.3)
        assert app.poll() is None, app.stderr.read().decode() if app.stderr else ""
        assert "Tokenworth cannot open its database" in window_names(x_display)
        log = (data_dir / "tokenworth.log").read_text()
        assert "cannot open the database" in log and "Traceback" in log
    finally:
        app.terminate()
        app.wait(20)
        if app.stderr:
            app.stderr.close()
