"""Reading in worker processes: batches of files, staged for the single writer.

Workers die with the process that started them (``PR_SET_PDEATHSIG`` on Linux, and a
watchdog thread everywhere, which also covers ``forkserver``, whose workers' parent is the
server). Their staging files live in a scratch folder named for the importing process;
folders of processes that are gone are swept at the start of the next import.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.core.reading import AnyCursor, ReadResult
from tracker.sources.spec import Part
from tracker.store.db import database_file
from tracker.store.staging import staged, write_stage
from tracker.store.writer import row_failure

SCRATCH_PREFIX = "import-"
STAGE_EVENTS = 250_000  # a staging file holds about this many events at most (worker memory)


@dataclass(frozen=True)
class WorkItem:
    source: str
    part: Part
    path: Path
    cursor: AnyCursor


@dataclass
class StagedRead:
    """One read of one file (a whole file, or one chunk of a big one) in a staging file."""

    index: int  # the item's place in its batch
    result: ReadResult
    first: bool  # the first read of this item in this import


ReadFn = Callable[[WorkItem, AnyCursor], ReadResult]


def read_batch(items: Sequence[WorkItem], folder: Path, tag: str, read: ReadFn) -> list[tuple[Path, list[StagedRead]]]:
    """In a worker: read the files (a big one in chunks), staging each bounded group of
    results in its own file; send back only what the writer needs."""
    out: list[tuple[Path, list[StagedRead]]] = []
    pending: list[StagedRead] = []
    events = 0

    def flush() -> None:
        nonlocal pending, events
        if pending:
            stage = folder / f"{tag}-{len(out)}.sqlite3"
            _stage(stage, [(items[s.index].source, s.result) for s in pending])
            for s in pending:
                staged(s.result)
            out.append((stage, pending))
        pending, events = [], 0

    for index, item in enumerate(items):
        cursor, first = item.cursor, True
        while True:
            result = read(item, cursor)
            pending.append(StagedRead(index, result, first))
            events += len(result.events)
            if result.more or events >= STAGE_EVENTS:
                flush()  # the next chunk's cursor is only stored after this one's rows
            if not result.more or result.error:
                break  # a chunk that could not be staged: nothing after it is read
            cursor, first = result.cursor, False
    flush()
    return out


def _stage(stage: Path, results: list[tuple[str, ReadResult]]) -> None:
    """Write ``results`` to ``stage``; a file whose rows SQLite cannot hold is an error of
    that file alone (its cursor is then not advanced)."""
    try:
        write_stage(stage, results)
        return
    except Exception as exc:
        if not row_failure(exc):
            raise
        stage.unlink(missing_ok=True)
    probe = stage.with_suffix(".probe")
    for source, result in results:
        try:
            write_stage(probe, [(source, result)])
        except Exception as exc:
            if not row_failure(exc):
                raise
            result.error = f"could not be stored ({type(exc).__name__}: {exc})"
            result.events, result.rate_limits, result.sessions = [], [], {}
        finally:
            probe.unlink(missing_ok=True)
    write_stage(stage, results)


# ---- workers die with their parent -----------------------------------------------------------


def init_worker(parent: int) -> None:
    """Pool initializer: exit when the importing process ``parent`` is gone."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() == parent:
            return  # the kernel signals us when it dies (the check closes the race)
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()


def _watch(parent: int, every: float = 0.5) -> None:
    while process_alive(parent):
        time.sleep(every)
    os._exit(1)  # nothing of ours to clean up: the writer never saw this batch


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process not yet reaped by its own parent is a zombie: gone for us
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


# ---- scratch -------------------------------------------------------------------------------------


def scratch_root(conn: sqlite3.Connection) -> Path:
    """The scratch folder beside the store (``DataPaths.scratch``); the temp dir for a
    store that is not a file."""
    file = database_file(conn)
    return file.parent / "scratch" if file else Path(tempfile.gettempdir()) / "tokenworth-scratch"


def make_scratch(root: Path) -> Path:
    """A fresh scratch folder for this process, after sweeping those of dead processes."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep_scratch(root)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=root))


def sweep_scratch(root: Path) -> None:
    for entry in root.glob(f"{SCRATCH_PREFIX}*"):
        pid = entry.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or process_alive(int(pid))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
