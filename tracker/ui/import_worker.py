"""The single database writer of the app: imports run on one long-lived worker thread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tracker.services.bundles import sync_into
from tracker.services.context import Context
from tracker.services.importer import ImportSummary, run_import
from tracker.services.tasks import import_git
from tracker.store.store import Store

log = logging.getLogger(__name__)


class ImportCancelledError(Exception):
    """Raised inside the import to stop it; the open batch is rolled back."""


class ImportWorker(QObject):
    """Runs imports when asked; reports by signals and never touches widgets."""

    started = Signal()
    progress = Signal(int, int)  # bytes done, bytes to read
    finished = Signal(object)  # ImportSummary
    cancelled = Signal()
    failed = Signal(str)  # the import failed (details in the log)
    write_failed = Signal(str)  # a change sent with ``write`` failed (details in the log)
    written = Signal(object)  # the result of a write run with ``write``

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self._ctx = ctx
        self._store: Store | None = None
        self._cancel = False
        self.busy = False

    def cancel(self) -> None:
        self._cancel = True  # read by the worker thread at the next file

    @Slot()
    def run(self) -> None:
        if self.busy:
            return
        self.busy = True
        self._cancel = False
        self.started.emit()
        try:
            if self._store is None:
                self._store = self._ctx.store()  # opened on, and used only by, this thread
            with self._ctx.import_lock(), self._store.guard():  # a CLI import running: a clear message
                summary = run_import(
                    self._store.write_connection(),
                    home=self._ctx.home,
                    env=self._ctx.env,
                    config=self._ctx.source_config(),
                    progress=self._progress,
                    mp_context="forkserver",  # never fork a process that runs Qt threads
                )
                repos = import_git(self._ctx, self._store)  # new commits become tasks; links follow
                sync_into(self._ctx, self._store, summary)  # the shared bundle folders, both ways
            if any(r.tasks_new or r.tasks_updated for r in repos):
                summary.tasks_changed = True
        except ImportCancelledError:
            log.info("import cancelled")
            self.cancelled.emit()
        except Exception as exc:
            log.exception("background import failed")
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            read = sum(s.events_read for s in summary.sources.values())
            log.info("import finished: %d usage records read, %d lines skipped", read, summary.skipped)
            self.finished.emit(summary)
        finally:
            self.busy = False

    @Slot(object)
    def write(self, change: Callable[[Store], object]) -> None:
        """Run a small change (a logged task) here, so the store keeps a single writer."""
        try:
            if self._store is None:
                self._store = self._ctx.store()
            self.written.emit(change(self._store))
        except Exception as exc:
            log.exception("a change from the window could not be written")
            self.write_failed.emit(f"{type(exc).__name__}: {exc}")

    def _progress(self, done: int, total: int) -> None:
        if self._cancel:
            raise ImportCancelledError
        self.progress.emit(done, total)


class ImportThread(QObject):
    """Owns the worker and its thread; ``request`` queues an import on it."""

    request = Signal()
    write = Signal(object)  # a callable taking the writer's Store

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.qthread = QThread()
        self.qthread.setObjectName("tokenworth-import")
        self.worker = ImportWorker(ctx)
        self.worker.moveToThread(self.qthread)
        self.request.connect(self.worker.run)
        self.write.connect(self.worker.write)
        self.qthread.start()

    def stop(self) -> None:
        self.worker.cancel()
        self.qthread.quit()
        self.qthread.wait(30_000)


__all__ = ["ImportSummary", "ImportThread", "ImportWorker"]
