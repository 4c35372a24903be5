"""The import lock names its holder, also when asked in the moment between the holder
taking the lock and writing its pid (seen under load in test_processes)."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from tracker.store.import_lock import ImportLock, ImportRunningError, _try_lock


def _hold(path: str, locked: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event) -> None:
    """Take the lock on an empty file, then write the pid a little later, as a holder between
    ``_try_lock`` and its ``os.write`` would."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    assert _try_lock(fd)
    os.ftruncate(fd, 0)
    locked.set()
    time.sleep(0.05)
    os.write(fd, f"{os.getpid()}\n".encode())
    done.wait(10)
    os.close(fd)


def test_a_second_importer_is_told_the_holders_pid_even_before_it_is_written(tmp_path: Path) -> None:
    database = tmp_path / "tokenworth.sqlite3"
    lock = ImportLock(database)
    ctx = multiprocessing.get_context("fork")
    locked, done = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(lock.path), locked, done))
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(ImportRunningError) as caught:
            lock.acquire()
        assert caught.value.pid == holder.pid
        assert f"(pid {holder.pid})" in str(caught.value)
    finally:
        done.set()
        holder.join(10)
    assert lock.acquire() is lock  # released with its holder
    lock.release()
