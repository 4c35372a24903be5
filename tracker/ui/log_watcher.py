"""Notices new log lines: file-system notifications with a debounce, and a slow poll."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from fnmatch import translate
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from tracker.services.sources_status import WatchFolder

RECENT_SECONDS = 2 * 86400  # files touched in the last two days are watched for appends
MAX_FILES = 2000  # stay well inside the default inotify watch limit


class LogWatcher(QObject):
    """Emits ``changed`` (at most once per debounce) when a log folder or active file changes.

    Idle, it costs nothing but a poll every ``poll_ms`` (a fallback for file systems that
    send no notifications); the import it triggers is a few stats when nothing is new.
    """

    changed = Signal()

    def __init__(self, debounce_ms: int = 700, poll_ms: int = 60_000) -> None:
        super().__init__()
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._touched)
        self.watcher.fileChanged.connect(self._touched)
        self.debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self.debounce.timeout.connect(self.changed)
        self.poll = QTimer(self, interval=poll_ms)
        self.poll.timeout.connect(self.changed)
        self.roots: list[Path] = []

    def watch(self, targets: Iterable[WatchFolder]) -> None:
        """(Re)build the watch list: every folder under the targets and their recently used
        files (those matching a target's patterns: JSONL, documents, databases and ``-wal``)."""
        wanted = [t for t in targets if t.path.is_dir()]
        self.roots = [t.path for t in wanted]
        old = self.watcher.directories() + self.watcher.files()
        if old:
            self.watcher.removePaths(old)
        folders: list[str] = []
        recent: list[tuple[float, str]] = []
        horizon = time.time() - RECENT_SECONDS
        for target in wanted:
            # A database's writes land in its -wal file first.
            match = re.compile("|".join(translate(p) + "|" + translate(p + "-wal") for p in target.patterns)).match
            for folder, _dirs, names in os.walk(target.path):
                folders.append(folder)
                for name in names:
                    if match(name):
                        path = os.path.join(folder, name)
                        try:
                            mtime = os.stat(path).st_mtime
                        except OSError:
                            continue
                        if mtime >= horizon:
                            recent.append((mtime, path))
        folders = list(dict.fromkeys(folders))  # overlapping targets: each folder once
        recent = list(dict.fromkeys(recent))
        recent.sort(reverse=True)
        paths = folders[:MAX_FILES] + [p for _, p in recent[: max(MAX_FILES - len(folders), 0)]]
        if paths:
            self.watcher.addPaths(paths)
        self.poll.start()

    def _touched(self, _path: str) -> None:
        self.debounce.start()
