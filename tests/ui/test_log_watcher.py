"""The log watcher watches every part's folders and recent files, whatever their pattern."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.services.sources_status import WatchFolder
from tracker.ui.log_watcher import LogWatcher


def test_watches_folders_below_and_recent_files_of_every_pattern(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs, dbs = tmp_path / "docs" / "task-1", tmp_path / "dbs"
    docs.mkdir(parents=True)
    dbs.mkdir()
    (docs / "ui_messages.json").write_text("[]")
    (docs / "notes.txt").write_text("not usage")
    db = sqlite3.connect(dbs / "tool.db")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE t (x)")
    watcher = LogWatcher()
    watcher.watch(
        [
            WatchFolder(tmp_path / "docs", ("*.json",)),
            WatchFolder(dbs, ("*.db",)),
            WatchFolder(dbs, ("*.db",)),  # overlapping targets: watched once
            WatchFolder(tmp_path / "missing", ("*.jsonl",)),
        ]
    )
    files = set(watcher.watcher.files())
    assert str(docs / "ui_messages.json") in files and str(dbs / "tool.db") in files
    assert str(dbs / "tool.db-wal") in files and str(docs / "notes.txt") not in files
    assert {str(tmp_path / "docs"), str(docs), str(dbs)} <= set(watcher.watcher.directories())
    db.close()
