"""Reading in worker processes: batches of files, for the single writer.

A batch's reads go back as staging files (``read_batch``: the incremental path) or, for a
first import, as msgpack rows (``read_rows_batch``, stored by ``store.bulk``).

Workers die with the process that started them (``PR_SET_PDEATHSIG`` on Linux, and a
watchdog thread everywhere, which also covers ``forkserver``, whose workers' parent is the
server). Their staging files live in a scratch folder named for the importing process;
folders of processes that are gone are swept at the start of the next import.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tracker.core.reading import AnyCursor, Cursor, ReadResult
from tracker.sources.spec import Part
from tracker.store.db import database_file
from tracker.store.import_state import FileIdentity, with_head
from tracker.store.staging import encode_read, staged, write_stage
from tracker.store.writer import row_failure

if TYPE_CHECKING:
    from concurrent.futures import Future

SCRATCH_PREFIX = "import-"
_BATCHES = itertools.count()
STAGE_EVENTS = 250_000  # a staging file holds about this many events at most (worker memory)
OPENING_BYTES = 2 << 20  # a first import's first batches (``opening_batches``)
ROWS_LIMIT = 8 << 20  # a first import's task sends about this many bytes of rows at most (writer memory)


@dataclass(frozen=True)
class WorkItem:
    source: str
    part: Part
    path: Path
    cursor: AnyCursor
    identity: FileIdentity  # head not hashed yet (``head_hash`` empty) unless the job resumes: the reader hashes it


@dataclass(frozen=True)
class Job:
    """One file to read in this import, and how. A new or restarted file's head is hashed by
    whoever reads it, just before reading (``head_hash`` empty until then): the planner only
    stats those, so the workers start sooner and the hashing is spread over them. A file read
    on from its cursor carries the head the planner checked (a rewrite after that shows next time)."""

    source: str
    part: Part
    path: Path
    identity: FileIdentity
    cursor: AnyCursor
    restarted: bool
    resumed: bool = False  # the rest of a file a task stopped reading (memory bound)

    @property
    def pending_bytes(self) -> int:
        if isinstance(self.cursor, Cursor):
            return max(self.identity.size - self.cursor.offset, 0)
        return self.identity.size

    def item(self) -> WorkItem:
        return WorkItem(self.source, self.part, self.path, self.cursor, self.identity)


def hashed(item: WorkItem) -> FileIdentity | ReadResult:
    """The item's identity with its head hashed, or the file's error when it cannot be opened."""
    try:
        return with_head(item.path, item.identity)
    except OSError as exc:
        return ReadResult(cursor=item.cursor, error=f"{item.path}: cannot read ({exc.strerror or exc})")


@dataclass
class StagedRead:
    """One read of one file (a whole file, or one chunk of a big one) in a staging file."""

    index: int  # the item's place in its batch
    result: ReadResult
    first: bool  # the first read of this item in this import
    identity: FileIdentity | None = None  # on the first read of an item: its identity, head hashed


ReadFn = Callable[[WorkItem, AnyCursor], ReadResult]


def read_batch(items: Sequence[WorkItem], folder: Path, read: ReadFn) -> list[tuple[Path, list[StagedRead]]]:
    """In a worker: read the files (a big one in chunks), staging each bounded group of
    results in its own file; send back only what the writer needs."""
    out: list[tuple[Path, list[StagedRead]]] = []
    pending: list[StagedRead] = []
    events = 0
    tag = f"batch-{os.getpid()}-{next(_BATCHES)}"  # unique among the import's workers

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
        identity = hashed(item) if not item.identity.head_hash else item.identity
        if isinstance(identity, ReadResult):
            pending.append(StagedRead(index, identity, True))
            continue
        while True:
            result = read(item, cursor)
            pending.append(StagedRead(index, result, first, identity if first else None))
            events += len(result.events)
            if result.more or events >= STAGE_EVENTS:
                flush()  # the next chunk's cursor is only stored after this one's rows
            if not result.more or result.error:
                break  # a chunk that could not be staged: nothing after it is read
            cursor, first = result.cursor, False
    flush()
    return out


@dataclass(frozen=True)
class RowRead:
    """One read of one file for the first import: ``staging.encode_read``'s two blobs."""

    index: int  # the item's place in its batch
    first: bool  # the first read of this item by this task
    rows: bytes
    result: bytes
    identity: FileIdentity | None = None  # on the first read of an item not read before: its identity, head hashed


@dataclass(frozen=True)
class RowBatch:
    """What a first import's task read; ``rest`` when it stopped early to keep memory
    bounded: the item at that index goes on from that cursor (``started``: after reads sent
    here), the items after it were not read."""

    reads: list[RowRead]
    rest: tuple[int, AnyCursor, bool] | None = None


def read_rows_batch(items: Sequence[WorkItem], read: ReadFn) -> RowBatch:
    """In a worker: read the files (a big one in chunks) and send back their rows as msgpack,
    stopping once about ``ROWS_LIMIT`` bytes of rows are held (a task's result is held whole)."""
    limit = ROWS_LIMIT
    out: list[RowRead] = []
    held = 0
    for index, item in enumerate(items):
        if held >= limit:
            return RowBatch(out, (index, item.cursor, False))
        cursor, first = item.cursor, True
        identity = hashed(item) if not item.identity.head_hash else None
        if isinstance(identity, ReadResult):
            out.append(RowRead(index, True, *encode_read(item.source, identity)))
            continue
        while True:
            result = read(item, cursor)
            read_ = RowRead(index, first, *encode_read(item.source, result), identity if first else None)
            out.append(read_)
            held += len(read_.rows) + len(read_.result)
            if not result.more or result.error:
                break  # a chunk that could not be sent: nothing after it is read
            cursor, first = result.cursor, False
            if held >= limit:
                return RowBatch(out, (index, cursor, True))
    return RowBatch(out)


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


# ---- scheduling -----------------------------------------------------------------------------


T = TypeVar("T")
BatchFn = Callable[[list[WorkItem]], T]


def read_parallel(
    batches: Iterable[list[Job]],
    n: int,
    task: BatchFn[T],
    mp_context: str | None = None,
    more: deque[list[Job]] | None = None,
) -> Iterator[list[tuple[list[Job], T | Exception]]]:
    """Run ``task`` (picklable) on every batch of jobs in worker processes (``plan_batches``).
    Yields the batches done since the last time (several when the writer is the slower),
    each with what ``task`` returned or the exception it failed with. Batches the caller
    puts in ``more`` meanwhile (the rest of a task that stopped early) go first. The batch
    after those in flight is taken from ``batches`` before waiting on them: a stream of
    batches (a plan still being listed) is worked out while the workers read."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # only when it pays

    # Only a few batches in flight: results wait for the single writer, and memory must not
    # grow with the size of the logs.
    todo = iter(batches)
    upcoming: list[Job] | None = None

    def take() -> list[Job] | None:
        nonlocal upcoming
        if more:
            return more.popleft()
        batch, upcoming = upcoming, None
        return batch if batch is not None else next(todo, None)

    import multiprocessing

    context = multiprocessing.get_context(mp_context) if mp_context else None
    with ProcessPoolExecutor(
        max_workers=n, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
    ) as pool:
        running: dict[Future[T], list[Job]] = {}
        while True:
            while len(running) < 2 * n and (batch := take()) is not None:
                running[pool.submit(task, [j.item() for j in batch])] = batch
            if not running:
                return
            if upcoming is None:
                upcoming = next(todo, None)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            ready: list[tuple[list[Job], T | Exception]] = []
            for fut in done:
                batch = running.pop(fut)
                try:
                    ready.append((batch, fut.result()))
                except Exception as exc:
                    ready.append((batch, exc))
            yield ready


def plan_batches(jobs: list[Job], total_bytes: int, n: int) -> list[list[Job]]:
    """Batches of files for ``n`` workers. Files that are a large share of the work go first,
    so none finishes last alone; the rest in order, in batches of several files: one task per
    file costs more in messages between processes than small files take to read."""
    share = total_bytes // (4 * n)
    ordered = sorted(jobs, key=lambda j: j.pending_bytes < share)
    return [b for b in _batches(ordered, total_bytes, n) if b]


def opening_batches(jobs: list[Job], n: int) -> Iterator[list[Job]]:
    """``jobs`` in order, in batches that double from ``OPENING_BYTES``, two of each size
    (one per worker, for ``n`` = 2). The writer, the slower side of a first import, has rows
    to store as soon as the first small batch is read, not after a whole share of the plan
    (~0.2 s for 32 MB); the batches in flight still hold far more than it stores meanwhile."""
    size, made, batch, held = OPENING_BYTES, 0, [], 0
    for job in jobs:
        batch.append(job)
        held += job.pending_bytes
        if held >= size:
            yield batch
            batch, held, made = [], 0, made + 1
            if made % n == 0:
                size *= 2
    if batch:
        yield batch


def worker_failed(job: Job, exc: Exception) -> ReadResult:
    """The result of a job whose worker failed: an error of the file, its cursor kept."""
    why = f"could not be read by a worker ({type(exc).__name__}: {exc})"
    return ReadResult(cursor=job.cursor, error=f"{job.path}: {why}")


def _batches(jobs: list[Job], total_bytes: int, n: int) -> list[list[Job]]:
    """Batches that grow from small to large and shrink again at the end.

    Each batch costs the writer a merge and a commit, so most are large; the first are small
    so the writer starts early, and the last are small so it is not left with a big one after
    the workers are done.
    """
    small, large = max(total_bytes // 64, 1 << 20), max(total_bytes // (4 * n), 1 << 20)
    batches: list[list[Job]] = [[]]
    size, target, left = 0, small, total_bytes
    for job in jobs:
        if size >= target:
            batches.append([])
            target = min(large, 2 * target, max(small, left // (2 * n)))
            size = 0
        batches[-1].append(job)
        size += job.pending_bytes
        left -= job.pending_bytes
    return batches


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
