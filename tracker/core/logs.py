"""The log file: background failures with their tracebacks, for a user to attach to a bug report.

Each composition root (the CLI's ``run``, the app's ``main``) calls ``setup_logging`` once. Modules
log through ``logging.getLogger(__name__)``, so every logger is named under ``tracker.``.

What is logged: what happened, counts, file paths and tracebacks. Never prompts, replies, task
titles, alert texts, keys or other content — pass those to a logger nowhere.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from tracker.core.errors import StoreError
from tracker.core.paths import DataPaths

ROOT = "tracker"
MAX_BYTES = 1_000_000
BACKUPS = 3
PRIVATE_FILE = 0o600
HANDLER_NAME = "tokenworth-log"  # marks the one handler setup_logging owns
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"


def _open_private(path: str) -> int:
    """The log file for appending, private (0600), never through a symlink planted in its place."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)  # an older file made before this version may be 0644
    return fd


def _rotating(path: Path, max_bytes: int) -> logging.Handler:
    """A handler that rotates at ``max_bytes``; every file it creates is private."""
    import logging.handlers  # here: it loads socket, pickle and queue, and most runs log nothing

    class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        def _open(self) -> io.TextIOWrapper:
            fd = _open_private(self.baseFilename)
            return io.TextIOWrapper(os.fdopen(fd, "ab"), encoding=self.encoding or "utf-8", errors=self.errors)

    return PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=BACKUPS, encoding="utf-8")


class _FirstRecordOpens(logging.Handler):
    """The rotating file handler, made when the first record comes."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        super().__init__()
        self._where = (path, max_bytes)
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            self._file = _rotating(*self._where)
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def version() -> str:
    """The installed version, for the log's first line and the About box."""
    from importlib import metadata  # here, not above: a CLI run that logs nothing never needs it

    try:
        return metadata.version("tokenworth")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def setup_logging(paths: DataPaths, level: int = logging.INFO, max_bytes: int = MAX_BYTES) -> Path | None:
    """Send ``tracker.*`` records to ``paths.log``; returns that path, or None when the file
    cannot be written (a read-only or missing data folder): then warnings go to stderr.

    Calling it again (another data folder, in tests) replaces the handler it installed before.
    """
    logger = logging.getLogger(ROOT)
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
        logger.removeHandler(old)
        old.close()
    handler: logging.Handler
    try:
        paths.ensure()
        os.close(_open_private(str(paths.log)))  # refused now, not at the first record: a link, no room
        handler = _FirstRecordOpens(paths.log, max_bytes)
        where: Path | None = paths.log
    except (OSError, StoreError):  # ensure() names an unusable folder as a StoreError
        handler = logging.StreamHandler()  # stderr: the failure is still seen somewhere
        handler.setLevel(logging.WARNING)
        where = None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.set_name(HANDLER_NAME)
    logger.addHandler(handler)
    logger.setLevel(level)
    return where
