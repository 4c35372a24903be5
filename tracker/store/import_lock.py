"""One import at a time: a lock file beside the database, holding the importer's pid.

SQLite's own write lock makes a second importer wait (up to 30 s) and then fail with
``database is locked``; this lock lets it say at once who is importing. The operating
system releases it when its process dies, even by ``kill -9``, so it is never stale.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType

from tracker.core.errors import StoreError


class ImportRunningError(StoreError):
    """Another process holds the import lock."""

    def __init__(self, pid: int | None) -> None:
        who = f" (pid {pid})" if pid else ""
        super().__init__(f"another Tokenworth import is running{who}; try again when it finishes")
        self.pid = pid


class ImportLock:
    """Held for as long as an import (or another bulk write) runs."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".import-lock")
        self._fd: int | None = None

    def acquire(self) -> ImportLock:
        if self._fd is not None:
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"cannot write beside {self.path.parent} ({exc.strerror}); is the disk read-only?"
            ) from exc
        if not _try_lock(fd):
            os.close(fd)
            raise ImportRunningError(_holder_pid(self.path))
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops the lock
            self._fd = None

    def __enter__(self) -> ImportLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _holder_pid(path: Path) -> int | None:
    """The holder's pid; it writes it just after taking the lock, so an empty file is
    read again for a moment (a loser can look in between)."""
    for _ in range(20):
        pid = _read_pid(path)
        if pid is not None:
            return pid
        time.sleep(0.01)
    return None


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return int(text) if text.isdigit() else None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
