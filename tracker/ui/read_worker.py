"""Reads off the GUI thread: report builds and table loads run on one long-lived read
thread with its own read-only store; results come back to the GUI thread by a queued
signal (Anki's ``QueryOp``, Picard's ``run_task(func, next_func)``).

Each read has a key ("dashboard", "sessions", …): a newer read of the same key makes an
older one stale, so it is skipped if it has not started and its result dropped if it has.
A failure is logged with its traceback and handed to ``on_error`` (or the ``failed`` signal).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tracker.store.store import Store

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[str], None]


class ReadSide:
    """What a read runs against: a read-only store (and helpers for reports spread over
    the cores), opened lazily on the thread that uses them."""

    def __init__(self, open_store: Callable[[], Store], open_helpers: Callable[[], list[Store]] = list) -> None:
        self._open_store, self._open_helpers = open_store, open_helpers
        self._store: Store | None = None
        self._helpers: list[Store] | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self._open_store()
        return self._store

    def helpers(self) -> list[Store]:
        if self._helpers is None:
            self._helpers = self._open_helpers()
        return self._helpers


ReadFn = Callable[[ReadSide], Any]


def _message(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class InlineReads:
    """Runs each read at once on the calling thread: the synchronous double for a page
    tested alone (Picard's ``FakeThreadPool``), and the default of a page built without a
    read thread."""

    def __init__(self, side: ReadSide) -> None:
        self.side = side

    def run_read(self, key: str, fn: ReadFn, on_done: OnDone, on_error: OnError | None = None) -> None:
        try:
            result = fn(self.side)
        except Exception as exc:
            log.exception("reading for %s failed", key)
            if on_error is not None:
                on_error(_message(exc))
            return
        on_done(result)

    def pending(self, key: str | None = None) -> bool:
        return False


class _ReadWorker(QObject):
    """Lives on the read thread; runs reads in order and never touches widgets."""

    done = Signal(int, object)  # request id, result
    failed = Signal(int, str)  # request id, message (traceback in the log)
    skipped = Signal(int)  # request id: a newer read of its key came first

    def __init__(self, side: ReadSide, latest: dict[str, int]) -> None:
        super().__init__()
        self.side = side
        self._latest = latest  # written by the GUI thread; a dict read is atomic under the GIL

    @Slot(int, str, object)
    def run(self, rid: int, key: str, fn: ReadFn) -> None:
        if self._latest.get(key, rid) != rid:
            self.skipped.emit(rid)  # stale before it started: not worth reading
            return
        try:
            result = fn(self.side)
        except Exception as exc:
            log.exception("reading for %s failed", key)
            self.failed.emit(rid, _message(exc))
            return
        self.done.emit(rid, result)


class ReadThread(QObject):
    """Owned by the GUI thread: ``run_read`` queues a read; ``on_done`` runs here."""

    request = Signal(int, str, object)
    failed = Signal(str)  # a read without its own ``on_error`` failed
    finished = Signal(str)  # key: a current result was delivered (tests, the benchmark)

    def __init__(self, side: ReadSide) -> None:
        super().__init__()
        self._latest: dict[str, int] = {}
        self._pending: dict[int, tuple[str, OnDone, OnError | None]] = {}
        self._next = 0
        self.dropped = 0  # stale results not delivered (tests)
        self.qthread = QThread()
        self.qthread.setObjectName("tokenworth-read")
        self.worker = _ReadWorker(side, self._latest)
        self.worker.moveToThread(self.qthread)
        self.request.connect(self.worker.run)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.skipped.connect(self._skipped)
        self.qthread.start()

    def run_read(self, key: str, fn: ReadFn, on_done: OnDone, on_error: OnError | None = None) -> None:
        self._next += 1
        rid = self._next
        self._latest[key] = rid
        self._pending[rid] = (key, on_done, on_error)
        self.request.emit(rid, key, fn)

    def pending(self, key: str | None = None) -> bool:
        """Whether a read (of ``key``) is still on its way."""
        return any(key is None or k == key for k, _, _ in self._pending.values())

    def _current(self, rid: int) -> tuple[str, OnDone, OnError | None] | None:
        entry = self._pending.pop(rid, None)
        if entry is None or self._latest.get(entry[0]) != rid:
            self.dropped += 1
            return None
        return entry

    @Slot(int, object)
    def _done(self, rid: int, result: object) -> None:
        entry = self._current(rid)
        if entry is None:
            return
        key, on_done, on_error = entry
        try:
            on_done(result)
        except Exception as exc:  # a drawing bug: logged and said, the app goes on
            log.exception("showing what was read for %s failed", key)
            (on_error or self.failed.emit)(_message(exc))
        self.finished.emit(key)

    @Slot(int, str)
    def _failed(self, rid: int, message: str) -> None:
        entry = self._current(rid)
        if entry is not None:
            (entry[2] or self.failed.emit)(message)

    @Slot(int)
    def _skipped(self, rid: int) -> None:
        self._pending.pop(rid, None)
        self.dropped += 1

    def stop(self) -> None:
        self.qthread.quit()
        self.qthread.wait(30_000)


Reads = InlineReads | ReadThread
