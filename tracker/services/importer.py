"""Incremental import of every enabled source into the store.

Each source's files are found by the registry's roots and parts (``sources.discovery``) and
read by their part's reader kind: appended JSONL from a cursor, whole documents when they
changed, other tools' databases read-only when they or their ``-wal`` changed. Files are
read in worker processes when there is enough to read to pay for them; each worker writes
a batch's rows to a staging file, which the calling thread — the single database writer —
merges. A big file is read and stored in bounded chunks, so memory stays flat.

A first import (a store that holds few events for what there is to read) takes a faster
path to the same stored result: workers send rows as msgpack, ``store.bulk`` writes them
with the rollup and the secondary indexes left pending; the next import (or the next
command's ``connect``) builds them. Its workers start on the first files planned while
the planner lists the rest (``import_plan``), once those alone make it a first import.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, cast

from tracker.core.reading import AnyCursor, Cursor, ReadResult, SqliteCursor
from tracker.services.import_plan import PlanNotes, plan_sources
from tracker.services.import_plan import SourceImport as SourceImport  # part of what an import returns
from tracker.services.import_workers import (
    Job,
    RowBatch,
    StagedRead,
    WorkItem,
    hashed,
    make_scratch,
    opening_batches,
    plan_batches,
    read_batch,
    read_parallel,
    read_rows_batch,
    scratch_root,
    worker_failed,
)
from tracker.sources.document import read_document
from tracker.sources.jsonl import READ_LIMIT, read_incremental
from tracker.sources.registry import SOURCES
from tracker.sources.spec import DocumentReader, JsonlReader, Kind, SourceSpec, SqliteReader, spec_roots
from tracker.sources.sqlite_db import read_sqlite
from tracker.store.bulk import BulkWriter, worth_bulk
from tracker.store.db import ensure_indexes
from tracker.store.import_state import StoredFiles
from tracker.store.otlp_events import match_new_log_events
from tracker.store.rollup import build_pending, last_event_id, rollup_pending, touched_since
from tracker.store.staging import Rows, decode_read, pack
from tracker.store.writer import ImportWriter, StagedFile

PARALLEL_MIN_BYTES = 64 << 20  # below this, starting worker processes costs more than it saves
# A first import's workers start once this much is planned: enough to keep them reading while
# the planner lists the rest (~0.1 s for 2,700 files).
EARLY_BYTES = 128 << 20

ProgressFn = Callable[[int, int], None]


@dataclass
class ImportSummary:
    sources: dict[str, SourceImport] = field(default_factory=dict)
    tasks_changed: bool = False  # set when the same import also brought tasks (git)
    # What the new rows cover, so views redraw only if affected: UTC days (a view compares
    # them to its local days with a day's margin either side) and source ids.
    days_touched: frozenset[date] = frozenset()
    sources_touched: frozenset[str] = frozenset()
    bundles_changed: bool = False  # the same import merged usage from another machine's bundle

    @property
    def changed(self) -> bool:
        """Whether this import stored anything (a report made before it may be stale)."""
        return self.tasks_changed or self.bundles_changed or any(s.files_read for s in self.sources.values())

    def add_touched(self, days: frozenset[date], sources: frozenset[str]) -> None:
        """Rows stored by the same import after the logs (bundles): views redraw for them too."""
        self.days_touched |= days
        self.sources_touched |= sources

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
    first_import: bool | None = None,
) -> ImportSummary:
    """Read what is new in every enabled source and store it.

    ``mp_context`` picks how worker processes start ("forkserver" in a program that runs
    other threads, such as the GUI); the platform default otherwise. ``scratch`` is where
    workers stage their batches (default: ``scratch`` beside the store). ``first_import``
    forces the first import's path on (or off) when the import is read in parallel; by
    default it is taken when the store holds few events for what there is to read.
    """
    summary = ImportSummary()
    stored = StoredFiles(conn)
    before = last_event_id(conn)
    notes = PlanNotes()
    planned = [
        (spec, source_roots(spec, home, env, config), summary.sources.setdefault(name, SourceImport(name)))
        for name, spec in sources.items()
        if config.is_enabled(name)
    ]
    plan = plan_sources(stored, planned, notes)
    n = workers if workers is not None else (os.cpu_count() or 1)
    bulk_writer: BulkWriter | None = None
    with ImportWriter(conn) as writer:
        jobs, first = _plan_until_first(conn, plan, n, parallel_min_bytes, first_import)
        if first:  # whatever the rest of the plan holds: read the files planned while it is listed
            with BulkWriter(conn) as bulk_writer:
                batches, total = _streamed(jobs, plan, notes, bulk_writer, n)
                _import_bulk(bulk_writer, batches, total, n, mp_context, summary, progress)
        else:
            jobs.extend(plan)
            notes.record(writer)
            bulk_writer = _import_planned(
                conn, writer, jobs, n, parallel_min_bytes, first_import, scratch, mp_context, summary, progress
            )
    match_new_log_events(conn)  # OTLP events whose calls these logs hold go (one lookup when none wait)
    # A first import's writer knows what it stored; any other is asked of its rows since ``before``.
    touched = bulk_writer.touched() if bulk_writer is not None else touched_since(conn, before)
    summary.days_touched, summary.sources_touched = touched
    return summary


def _plan_until_first(
    conn: sqlite3.Connection, plan: Iterator[Job], n: int, parallel_min_bytes: int, first_import: bool | None
) -> tuple[list[Job], bool]:
    """The jobs planned until this import is sure to be read as a first import (then True:
    the workers start on them while the rest is planned), or every job. Sure once the jobs
    planned would choose it alone: more jobs and bytes can only choose it too."""
    jobs: list[Job] = []
    if n < 2 or first_import is False:
        return jobs, False
    total, start = 0, max(parallel_min_bytes, EARLY_BYTES)
    for job in plan:
        jobs.append(job)
        total += job.pending_bytes
        if total >= start and len(jobs) >= 2:
            return jobs, bool(first_import or worth_bulk(conn, total))
    return jobs, False


def _streamed(
    jobs: list[Job], plan: Iterator[Job], notes: PlanNotes, writer: ImportWriter, n: int
) -> tuple[Iterator[list[Job]], Callable[[], int]]:
    """Batches for a plan still being listed: the jobs planned so far in batches that grow
    from small ones (``opening_batches``), then, once the workers read those, the rest planned
    and batched (``plan_batches``); and the plan's bytes (known once it is whole)."""
    bytes_planned = [sum(j.pending_bytes for j in jobs)]

    def batches() -> Iterator[list[Job]]:
        yield from opening_batches(jobs, n)
        rest = list(plan)
        notes.record(writer)
        left = sum(j.pending_bytes for j in rest)
        bytes_planned[0] += left
        yield from plan_batches(rest, left, n)

    return batches(), lambda: bytes_planned[0]


def _import_planned(
    conn: sqlite3.Connection,
    writer: ImportWriter,
    jobs: list[Job],
    n: int,
    parallel_min_bytes: int,
    first_import: bool | None,
    scratch: Path | None,
    mp_context: str | None,
    summary: ImportSummary,
    progress: ProgressFn | None,
) -> BulkWriter | None:
    """Read the planned ``jobs`` in this process, in workers that stage their rows, or as a
    first import (its writer returned), whichever pays for what there is to read."""
    total = sum(j.pending_bytes for j in jobs)
    parallel = n > 1 and len(jobs) >= 2 and total >= parallel_min_bytes
    bulk = parallel and (worth_bulk(conn, total) if first_import is None else first_import)
    if not bulk and rollup_pending(conn):  # left by a first import (finished or not)
        writer.commit()
        ensure_indexes(conn)
        build_pending(conn)  # rows from now on go in incrementally
    if bulk:
        writer.commit()
        with BulkWriter(conn) as first:
            _import_bulk(first, plan_batches(jobs, total, n), lambda: total, n, mp_context, summary, progress)
        return first
    if not parallel:
        done = 0
        for job in jobs:
            done += _import_serial(writer, job, summary.sources[job.source])
            if progress is not None:
                progress(done, total)
    else:
        _import_staged(writer, jobs, total, n, scratch or scratch_root(conn), mp_context, summary, progress)
    return None


def _import_staged(
    writer: ImportWriter,
    jobs: list[Job],
    total: int,
    n: int,
    scratch: Path,
    mp_context: str | None,
    summary: ImportSummary,
    progress: ProgressFn | None,
) -> None:
    """Read in worker processes that stage their rows in files; merge those here."""
    folder = make_scratch(scratch)
    done = 0
    try:
        task = partial(read_batch, folder=folder, read=_read_staged)
        for ready in read_parallel(plan_batches(jobs, total, n), n, task, mp_context):
            stages: list[tuple[Path, list[StagedFile]]] = []
            for batch, out in ready:
                segments: list[tuple[Path | None, list[StagedRead]]]
                if isinstance(out, Exception):
                    segments = [(None, [StagedRead(k, worker_failed(j, out), True) for k, j in enumerate(batch)])]
                else:
                    segments = list(out)
                for stage, reads in segments:
                    files = []
                    for r in reads:
                        job = batch[r.index]
                        if r.identity is not None:  # hashed by the worker: its later chunks keep it
                            job = batch[r.index] = replace(job, identity=r.identity)
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


def _import_bulk(
    writer: BulkWriter,
    batches: Iterable[list[Job]],
    total: Callable[[], int],
    n: int,
    mp_context: str | None,
    summary: ImportSummary,
    progress: ProgressFn | None,
) -> None:
    """Read in worker processes that send their rows as msgpack; store them as they come.
    ``total``: the bytes to read (of a plan that may still be listed when reading starts)."""
    done = 0
    task = partial(read_rows_batch, read=read_file)  # ``encode_read`` keeps the largest copies
    more: deque[list[Job]] = deque()  # the rest of tasks that stopped early (memory bound)
    for ready in read_parallel(batches, n, task, mp_context, more):
        for batch, out in ready:
            for job, rows, result, first in _row_reads(batch, out):
                _count(summary.sources[job.source], result, first=first)
                path = str(job.path)
                if path in writer.failed:
                    continue  # a later chunk of a file whose earlier chunk failed: read again next time
                if result.error:
                    writer.error(path, job.source, result.error)
                    continue
                writer.add_rows(
                    path, job.source, job.identity, result, rows, restarted=job.restarted and first, part=job.part.name
                )
            rest = _rest(batch, out)
            if rest:
                more.append(rest)
            done += sum(j.pending_bytes for j in batch) - sum(j.pending_bytes for j in rest)
        if progress is not None:
            progress(done, total())


def _row_reads(batch: list[Job], out: RowBatch | Exception) -> Iterator[tuple[Job, Rows, ReadResult, bool]]:
    """Each read of a task, decoded one at a time (a read's rows as Python lists take several
    times their msgpack bytes)."""
    if isinstance(out, Exception):
        for job in batch:
            yield job, Rows([], [], []), worker_failed(job, out), True
        return
    for r in out.reads:
        job = batch[r.index]
        if r.identity is not None:  # its head hashed by the worker: the rest of it (``_rest``) keeps it
            job = batch[r.index] = replace(job, identity=r.identity)
        yield (job, *decode_read(r.rows, r.result), r.first and not job.resumed)


def _rest(batch: list[Job], out: RowBatch | Exception) -> list[Job]:
    """The jobs a task left unread (it stopped early), the one it stopped in resuming where it stopped."""
    if isinstance(out, Exception) or out.rest is None:
        return []
    index, cursor, started = out.rest
    job = batch[index]
    if started:
        job = replace(job, cursor=cursor, restarted=False, resumed=True)
    return [job, *batch[index + 1 :]]


def _staged_file(job: Job, r: StagedRead) -> StagedFile:
    return StagedFile(str(job.path), job.source, job.identity, r.result, job.restarted and r.first, job.part.name)


def _import_serial(writer: ImportWriter, job: Job, stats: SourceImport) -> int:
    """Read and store one file in this process, a bounded chunk at a time."""
    if not job.identity.head_hash:
        identity = hashed(job.item())
        if isinstance(identity, ReadResult):
            _count(stats, identity, first=False)  # as when the planner could not open it
            writer.error(str(job.path), job.source, identity.error or "cannot read")
            return job.pending_bytes
        job = replace(job, identity=identity)
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
