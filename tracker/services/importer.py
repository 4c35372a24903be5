"""Incremental import of every enabled source into the store.

Files are read in worker processes when there is enough to read to pay for them; each
worker writes a batch's rows to a staging file, which the calling thread — the single
database writer — merges.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.reading import Cursor, ReadResult
from tracker.sources.base import Source
from tracker.sources.jsonl import read_incremental
from tracker.sources.registry import SOURCES
from tracker.store.import_state import FileIdentity, StoredFiles, identify
from tracker.store.staging import write_stage
from tracker.store.writer import ImportWriter, StagedFile

if TYPE_CHECKING:
    from concurrent.futures import Future

PARALLEL_MIN_BYTES = 64 << 20  # below this, starting worker processes costs more than it saves

ProgressFn = Callable[[int, int], None]


@dataclass
class SourceImport:
    """What one import did for one source."""

    name: str
    files_seen: int = 0
    files_read: int = 0
    new_lines: int = 0
    events_read: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    sources: dict[str, SourceImport] = field(default_factory=dict)
    tasks_changed: bool = False  # set when the same import also brought tasks (git)

    @property
    def changed(self) -> bool:
        """Whether this import stored anything (a report made before it may be stale)."""
        return self.tasks_changed or any(s.files_read for s in self.sources.values())

    @property
    def skipped(self) -> int:
        return sum(s.skipped + len(s.errors) for s in self.sources.values())


@dataclass(frozen=True)
class SourceConfig:
    """Which sources to read and the extra folders the user added for each."""

    enabled: Mapping[str, bool] = field(default_factory=dict)
    extra_paths: Mapping[str, Sequence[Path]] = field(default_factory=dict)

    def is_enabled(self, name: str) -> bool:
        return self.enabled.get(name, True)


@dataclass(frozen=True)
class _Job:
    source: str
    path: Path
    identity: FileIdentity
    cursor: Cursor
    restarted: bool

    @property
    def pending_bytes(self) -> int:
        return max(self.identity.size - self.cursor.offset, 0)


def source_roots(source: Source, home: Path, env: Mapping[str, str], config: SourceConfig) -> list[Path]:
    return source.roots(home, env, list(config.extra_paths.get(source.name, ())))


def run_import(
    conn: sqlite3.Connection,
    *,
    home: Path,
    env: Mapping[str, str],
    config: SourceConfig,
    progress: ProgressFn | None = None,
    workers: int | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    mp_context: str | None = None,
) -> ImportSummary:
    """Read what is new in every enabled source's logs and store it.

    ``mp_context`` picks how worker processes start ("forkserver" in a program that runs
    other threads, such as the GUI); the platform default otherwise.
    """
    summary = ImportSummary()
    stored = StoredFiles(conn)
    jobs: list[_Job] = []
    with ImportWriter(conn) as writer:
        for name, source in SOURCES.items():
            if config.is_enabled(name):
                stats = summary.sources.setdefault(name, SourceImport(name))
                roots = source_roots(source, home, env, config)
                jobs.extend(_plan_source(stored, writer, name, source, roots, stats))
        total = sum(j.pending_bytes for j in jobs)
        done = 0
        for ready in _read_all(jobs, total, workers, parallel_min_bytes, mp_context):
            staged: list[tuple[Path, list[StagedFile]]] = []
            for batch, results, stage in ready:
                for job, result in zip(batch, results, strict=True):
                    _count(summary.sources[job.source], result)
                    done += job.pending_bytes
                    if stage is None and result.error:
                        writer.error(str(job.path), job.source, result.error)
                    elif stage is None:
                        writer.add(str(job.path), job.source, job.identity, result, restarted=job.restarted)
                if stage is not None:
                    pairs = zip(batch, results, strict=True)
                    staged.append((stage, [(str(j.path), j.source, j.identity, r, j.restarted) for j, r in pairs]))
            if staged:
                writer.add_staged(staged)
                for stage, _ in staged:
                    stage.unlink()
            if progress is not None:
                progress(done, total)
    return summary


def _count(stats: SourceImport, result: ReadResult) -> None:
    stats.files_read += 1
    stats.new_lines += result.lines_read
    stats.events_read += result.event_count
    stats.skipped += result.skipped_count
    if result.error:
        stats.errors.append(result.error)


def _plan_source(
    stored: StoredFiles,
    writer: ImportWriter,
    name: str,
    source: Source,
    roots: list[Path],
    stats: SourceImport,
) -> list[_Job]:
    """Stat every log file of one source; keep those with something new to read."""
    jobs: list[_Job] = []
    seen: set[tuple[int, int]] = set()
    unchanged = stored.unchanged
    for path in source.files(roots):
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, "not a regular file")
        except OSError as exc:
            stats.files_seen += 1
            _file_error(writer, stats, name, path, exc)
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            continue  # the same file reached by two roots or a link
        seen.add(key)
        stats.files_seen += 1
        if unchanged(str(path), st):
            continue  # the warm path: one stat, nothing read
        try:
            job = _plan(stored, name, source, path, st)
        except OSError as exc:
            _file_error(writer, stats, name, path, exc)
            continue
        if job is not None:
            jobs.append(job)
    return jobs


def _file_error(writer: ImportWriter, stats: SourceImport, name: str, path: Path, exc: OSError) -> None:
    message = f"{path}: cannot read ({exc.strerror or exc})"
    stats.errors.append(message)
    writer.error(str(path), name, message)


def _plan(stored: StoredFiles, name: str, source: Source, path: Path, st: os.stat_result) -> _Job | None:
    """Decide how to read ``path``: not at all, from where we stopped, or from the start."""
    old = stored.identity(str(path))
    if old is not None:
        same_file = (old.device, old.inode) == (st.st_dev, st.st_ino)
        if same_file and st.st_size == old.size and st.st_mtime_ns == old.mtime_ns:
            return None  # unchanged: the warm path reads nothing
        previous = stored.get(str(path))
        assert previous is not None
        if same_file and st.st_size >= previous.cursor.offset:
            now = identify(path, st, old.head_len)
            if now.head_hash == old.head_hash:
                return _Job(name, path, identify(path, st), previous.cursor, restarted=False)
    # New, replaced, rewritten or shrunk: read it all again; dedup keys prevent double counting.
    start = Cursor(context=source.start_context(path))
    return _Job(name, path, identify(path, st), start, restarted=old is not None)


def _read_one(source_name: str, path: Path, cursor: Cursor) -> ReadResult:
    source = SOURCES[source_name]
    return read_incremental(path, cursor, source.parse_line, source.needles, source.line_format).pack()


Batch = tuple[list[_Job], list[ReadResult], Path | None]  # jobs, results, their staging file


def _read_all(
    jobs: list[_Job], total_bytes: int, workers: int | None, min_bytes: int, mp_context: str | None = None
) -> Iterator[list[Batch]]:
    """Read every job: in this process one file at a time (no staging file), or in worker
    processes a batch of files at a time, each batch staged in a file for the writer.
    Yields the batches read since the last time (several when the writer is the slower)."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1 or len(jobs) < 2 or total_bytes < min_bytes:
        for job in jobs:
            yield [([job], [_read_one(job.source, job.path, job.cursor)], None)]
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # only when it pays

    # Files that are a large share of the work go first, so none finishes last alone; the
    # rest in order, in batches of several files: one task per file costs more in messages
    # between processes than small files take to read.
    share = total_bytes // (4 * n)
    ordered = sorted(jobs, key=lambda j: j.pending_bytes < share)
    batches = _batches(ordered, total_bytes, n)
    # Only a few batches in flight: results wait for the single writer, and memory must not
    # grow with the size of the logs.
    todo = enumerate(batches)
    import multiprocessing

    context = multiprocessing.get_context(mp_context) if mp_context else None
    with (
        tempfile.TemporaryDirectory(prefix="tokenworth-import-") as scratch,
        ProcessPoolExecutor(max_workers=n, mp_context=context) as pool,
    ):
        running: dict[Future[list[ReadResult]], tuple[list[_Job], Path]] = {}
        while True:
            while len(running) < 2 * n and (item := next(todo, None)) is not None:
                i, batch = item
                stage = Path(scratch) / f"batch-{i}.sqlite3"
                running[pool.submit(_read_batch, [(j.source, j.path, j.cursor) for j in batch], stage)] = batch, stage
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            ready: list[Batch] = []
            for fut in done:
                batch, stage = running.pop(fut)
                ready.append((batch, fut.result(), stage))
            yield ready


def _batches(jobs: list[_Job], total_bytes: int, n: int) -> list[list[_Job]]:
    """Batches that grow from small to large and shrink again at the end.

    Each batch costs the writer a merge and a commit, so most are large; the first are small
    so the writer starts early, and the last are small so it is not left with a big one after
    the workers are done.
    """
    small, large = max(total_bytes // 64, 1 << 20), max(total_bytes // (4 * n), 1 << 20)
    batches: list[list[_Job]] = [[]]
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


def _read_batch(items: list[tuple[str, Path, Cursor]], stage: Path) -> list[ReadResult]:
    """In a worker: read the files, stage their rows, send back only what the writer needs."""
    results = [_read_one(*item) for item in items]
    write_stage(stage, [(item[0], r) for item, r in zip(items, results, strict=True)])
    return [r.staged() for r in results]
