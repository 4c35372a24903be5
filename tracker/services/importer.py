"""Incremental import of every enabled source into the store.

Each source's files are found by the registry's roots and parts (``sources.discovery``) and
read by their part's reader kind: appended JSONL from a cursor, whole documents when they
changed, other tools' databases read-only when they or their ``-wal`` changed. Files are
read in worker processes when there is enough to read to pay for them; each worker writes
a batch's rows to a staging file, which the calling thread — the single database writer —
merges. A big file is read and stored in bounded chunks, so memory stays flat.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tracker.core.reading import AnyCursor, Cursor, DocumentCursor, ReadResult, SqliteCursor
from tracker.services.import_workers import (
    StagedRead,
    WorkItem,
    init_worker,
    make_scratch,
    read_batch,
    scratch_root,
)
from tracker.sources.discovery import discover
from tracker.sources.document import read_document
from tracker.sources.jsonl import READ_LIMIT, before_hash, read_incremental
from tracker.sources.registry import SOURCES
from tracker.sources.spec import DocumentReader, JsonlReader, Kind, Part, SourceSpec, SqliteReader, spec_roots
from tracker.sources.sqlite_db import read_sqlite, wal_unchanged
from tracker.store.import_state import FileIdentity, StoredFiles, identify
from tracker.store.rollup import last_event_id, touched_since
from tracker.store.staging import pack
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
    # What the new rows cover, so views redraw only if affected: UTC days (a view compares
    # them to its local days with a day's margin either side) and source ids.
    days_touched: frozenset[date] = frozenset()
    sources_touched: frozenset[str] = frozenset()

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
    part: Part
    path: Path
    identity: FileIdentity
    cursor: AnyCursor
    restarted: bool

    @property
    def pending_bytes(self) -> int:
        if isinstance(self.cursor, Cursor):
            return max(self.identity.size - self.cursor.offset, 0)
        return self.identity.size

    def item(self) -> WorkItem:
        return WorkItem(self.source, self.part, self.path, self.cursor)


def source_roots(spec: SourceSpec, home: Path, env: Mapping[str, str], config: SourceConfig) -> list[Path]:
    """Every folder ``spec`` reads here: its roots, then the user's extra folders."""
    return spec_roots(spec, home, env, list(config.extra_paths.get(spec.id, ())))


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
    sources: Mapping[str, SourceSpec] = SOURCES,
    scratch: Path | None = None,
) -> ImportSummary:
    """Read what is new in every enabled source and store it.

    ``mp_context`` picks how worker processes start ("forkserver" in a program that runs
    other threads, such as the GUI); the platform default otherwise. ``scratch`` is where
    workers stage their batches (default: ``scratch`` beside the store).
    """
    summary = ImportSummary()
    stored = StoredFiles(conn)
    before = last_event_id(conn)
    jobs: list[_Job] = []
    with ImportWriter(conn) as writer:
        for name, spec in sources.items():
            if config.is_enabled(name):
                stats = summary.sources.setdefault(name, SourceImport(name))
                roots = source_roots(spec, home, env, config)
                jobs.extend(_plan_source(stored, writer, spec, roots, stats))
        total = sum(j.pending_bytes for j in jobs)
        n = workers if workers is not None else (os.cpu_count() or 1)
        done = 0
        if n <= 1 or len(jobs) < 2 or total < parallel_min_bytes:
            for job in jobs:
                done += _import_serial(writer, job, summary.sources[job.source])
                if progress is not None:
                    progress(done, total)
        else:
            folder = make_scratch(scratch or scratch_root(conn))
            try:
                for ready in _read_parallel(jobs, total, n, folder, mp_context):
                    stages: list[tuple[Path, list[StagedFile]]] = []
                    for batch, segments in ready:
                        for stage, reads in segments:
                            files = []
                            for r in reads:
                                job = batch[r.index]
                                _count(summary.sources[job.source], r.result, first=r.first)
                                if stage is None:  # the worker failed: nothing was staged
                                    writer.error(str(job.path), job.source, r.result.error or "could not be read")
                                files.append(_staged_file(job, r))
                            if stage is not None:
                                stages.append((stage, files))
                        done += sum(j.pending_bytes for j in batch)
                    if stages:
                        writer.add_staged(stages)
                        for stage, _ in stages:
                            stage.unlink(missing_ok=True)
                    if progress is not None:
                        progress(done, total)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    summary.days_touched, summary.sources_touched = touched_since(conn, before)
    return summary


def _staged_file(job: _Job, r: StagedRead) -> StagedFile:
    return StagedFile(str(job.path), job.source, job.identity, r.result, job.restarted and r.first, job.part.name)


def _import_serial(writer: ImportWriter, job: _Job, stats: SourceImport) -> int:
    """Read and store one file in this process, a bounded chunk at a time."""
    cursor, first = job.cursor, True
    while True:
        result = pack(read_file(job.item(), cursor))
        _count(stats, result, first=first)
        if result.error:
            writer.error(str(job.path), job.source, result.error)
            break
        stored = writer.add(
            str(job.path), job.source, job.identity, result, restarted=job.restarted and first, part=job.part.name
        )
        if not stored or not result.more:
            break  # a chunk that could not be stored: its cursor stays, nothing after it is read
        cursor, first = result.cursor, False
    return job.pending_bytes


def read_file(item: WorkItem, cursor: AnyCursor) -> ReadResult:
    """Read one file with its part's reader kind (in a worker or here); whatever the
    reader does, a failure is an error of this file, never of the import."""
    reader: Any = item.part.reader
    try:
        kind = item.part.kind
        if kind is Kind.JSONL:
            r = cast(JsonlReader, reader)
            start = cursor if isinstance(cursor, Cursor) else Cursor()
            return read_incremental(item.path, start, r.parse_line, r.needles, r.line_format, limit=READ_LIMIT)
        if kind is Kind.DOCUMENT:
            return read_document(item.path, cast(DocumentReader, reader))
        start_db = cursor if isinstance(cursor, SqliteCursor) else SqliteCursor()
        return read_sqlite(item.path, start_db, cast(SqliteReader, reader))
    except Exception as exc:
        return ReadResult(cursor=cursor, error=f"{item.path}: could not be read ({type(exc).__name__}: {exc})")


def _read_staged(item: WorkItem, cursor: AnyCursor) -> ReadResult:
    return pack(read_file(item, cursor))


def _count(stats: SourceImport, result: ReadResult, *, first: bool) -> None:
    stats.files_read += first
    stats.new_lines += result.lines_read
    stats.events_read += result.event_count
    stats.skipped += result.skipped_count
    if result.error:
        stats.errors.append(result.error)


def _plan_source(
    stored: StoredFiles, writer: ImportWriter, spec: SourceSpec, roots: list[Path], stats: SourceImport
) -> list[_Job]:
    """Stat every file of one source; keep those with something new to read."""
    jobs: list[_Job] = []
    unchanged = stored.unchanged
    reported: set[str] = set()  # every path found: the errors of others are gone
    for found in discover(spec, roots):
        stats.files_seen += found.part is not None
        path, st, part = found.path, found.st, found.part
        reported.add(str(path))
        if found.error is not None or st is None or part is None:
            message = found.error or f"{path}: cannot read"
            stats.errors.append(message)
            writer.error(str(path), spec.id, message)
            continue
        if unchanged(str(path), st) and (part.kind is not Kind.SQLITE or _db_unchanged(stored, path)):
            continue  # the warm path: one stat, nothing read
        try:
            job = _plan(stored, spec, part, path, st)
        except OSError as exc:
            message = f"{path}: cannot read ({exc.strerror or exc})"
            stats.errors.append(message)
            writer.error(str(path), spec.id, message)
            continue
        if job is not None:
            jobs.append(job)
    writer.forget_errors(spec.id, reported)
    return jobs


def _db_unchanged(stored: StoredFiles, path: Path) -> bool:
    previous = stored.get(str(path))
    return previous is not None and isinstance(previous.cursor, SqliteCursor) and wal_unchanged(path, previous.cursor)


def _plan(stored: StoredFiles, spec: SourceSpec, part: Part, path: Path, st: os.stat_result) -> _Job | None:
    """Decide how to read ``path``: from where we stopped, or from the start."""
    previous = stored.get(str(path))
    same_file = previous is not None and (previous.identity.device, previous.identity.inode) == (st.st_dev, st.st_ino)
    same_part = previous is not None and previous.part in ("", part.name)
    if part.kind is Kind.DOCUMENT:  # read whole whenever it changed; its records' keys dedup
        return _Job(spec.id, part, path, identify(path, st), DocumentCursor(), restarted=True)
    if part.kind is Kind.SQLITE:
        if previous is not None and same_file and same_part and isinstance(previous.cursor, SqliteCursor):
            return _Job(spec.id, part, path, identify(path, st), previous.cursor, restarted=False)
        return _Job(spec.id, part, path, identify(path, st), SqliteCursor(), restarted=previous is not None)
    if previous is not None and same_file and same_part and isinstance(previous.cursor, Cursor):
        old, cursor = previous.identity, previous.cursor
        if st.st_size == old.size and st.st_mtime_ns == old.mtime_ns:
            return None  # unchanged: the warm path reads nothing
        same_head = st.st_size >= cursor.offset and identify(path, st, old.head_len).head_hash == old.head_hash
        if same_head and (not cursor.before_hash or _before_matches(path, cursor)):
            return _Job(spec.id, part, path, identify(path, st), cursor, restarted=False)
    # New, replaced, rewritten or shrunk: read it all again; dedup keys prevent double counting.
    reader = cast(JsonlReader, part.reader)
    start = Cursor(context=reader.start_context(path))
    return _Job(spec.id, part, path, identify(path, st), start, restarted=previous is not None)


def _before_matches(path: Path, cursor: Cursor) -> bool:
    """The bytes just before the cursor are those read last time: the file was appended
    to, not rewritten in place behind an unchanged head."""
    with path.open("rb") as f:
        return before_hash(f, cursor.offset) == cursor.before_hash


Batch = tuple[list[_Job], list[tuple[Path | None, list[StagedRead]]]]  # jobs, their staging files


def _read_parallel(
    jobs: list[_Job], total_bytes: int, n: int, folder: Path, mp_context: str | None = None
) -> Iterator[list[Batch]]:
    """Read every job in worker processes a batch of files at a time, each batch staged in
    files for the writer. Yields the batches read since the last time (several when the
    writer is the slower)."""
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
    with ProcessPoolExecutor(
        max_workers=n, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
    ) as pool:
        running: dict[Future[list[tuple[Path, list[StagedRead]]]], list[_Job]] = {}
        while True:
            while len(running) < 2 * n and (item := next(todo, None)) is not None:
                i, batch = item
                running[pool.submit(read_batch, [j.item() for j in batch], folder, f"batch-{i}", _read_staged)] = batch
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            ready: list[Batch] = []
            for fut in done:
                batch = running.pop(fut)
                segments: list[tuple[Path | None, list[StagedRead]]]
                try:
                    segments = list(fut.result())
                except Exception as exc:
                    message = f"could not be read by a worker ({type(exc).__name__}: {exc})"
                    segments = [(None, [StagedRead(k, _failed(j, message), True) for k, j in enumerate(batch)])]
                ready.append((batch, segments))
            yield ready


def _failed(job: _Job, message: str) -> ReadResult:
    return ReadResult(cursor=job.cursor, error=f"{job.path}: {message}")


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
