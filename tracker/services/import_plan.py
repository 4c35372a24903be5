"""Planning an import: which files have something new to read, and from where.

The planner stats files and hashes the heads only of those it reads on from a cursor (a new
file's head is hashed by whoever reads it: ``Job``), and it is a stream (``plan_sources``): a
first import hands the first files found to its workers while the rest are still listed
(``importer``). What it finds wrong (a file it cannot read) is kept in ``PlanNotes`` and
written once the plan is whole, by whichever writer the import then holds.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from tracker.core.reading import Cursor, DocumentCursor, SqliteCursor
from tracker.services.import_workers import Job
from tracker.sources.discovery import discover
from tracker.sources.jsonl import before_hash
from tracker.sources.spec import JsonlReader, Kind, Part, SourceSpec
from tracker.sources.sqlite_db import wal_unchanged
from tracker.store.import_state import HEAD_BYTES, FileIdentity, StoredFiles, unhashed
from tracker.store.writer import ImportWriter


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
class PlanNotes:
    """What the planner found wrong, to store once the plan is whole (``record``)."""

    errors: list[tuple[str, str, str]] = field(default_factory=list)  # path, source, message
    found: dict[str, set[str]] = field(default_factory=dict)  # per source planned: every path found

    def record(self, writer: ImportWriter) -> None:
        """The files that could not be read get their error; error entries of paths no longer
        found go (the problem is gone)."""
        for where, source, message in self.errors:
            writer.error(where, source, message)
        for source, found in self.found.items():
            writer.forget_errors(source, found)
        self.errors, self.found = [], {}


def plan_sources(
    stored: StoredFiles, planned: Sequence[tuple[SourceSpec, list[Path], SourceImport]], notes: PlanNotes
) -> Iterator[Job]:
    """The files to read of every source (spec, its roots, its counts), source by source."""
    for spec, roots, stats in planned:
        yield from plan_source(stored, spec, roots, stats, notes)


def plan_source(
    stored: StoredFiles, spec: SourceSpec, roots: list[Path], stats: SourceImport, notes: PlanNotes
) -> Iterator[Job]:
    """Stat every file of one source; yield those with something new to read."""
    unchanged = stored.unchanged
    reported = notes.found.setdefault(spec.id, set())  # every path found: the errors of others are gone
    for found in discover(spec, roots):
        where, st, part = found.where, found.st, found.part
        stats.files_seen += part is not None
        reported.add(where)
        if found.error is not None or st is None or part is None:
            message = found.error or f"{where}: cannot read"
            stats.errors.append(message)
            notes.errors.append((where, spec.id, message))
            continue
        if unchanged(where, st) and (part.kind is not Kind.SQLITE or _db_unchanged(stored, found.path)):
            continue  # the warm path: one stat, nothing read, no Path made
        path = found.path
        try:
            job = _plan(stored, spec, part, path, st)
        except OSError as exc:
            message = f"{path}: cannot read ({exc.strerror or exc})"
            stats.errors.append(message)
            notes.errors.append((where, spec.id, message))
            continue
        if job is not None:
            yield job


def _db_unchanged(stored: StoredFiles, path: Path) -> bool:
    previous = stored.get(str(path))
    return previous is not None and isinstance(previous.cursor, SqliteCursor) and wal_unchanged(path, previous.cursor)


def _plan(stored: StoredFiles, spec: SourceSpec, part: Part, path: Path, st: os.stat_result) -> Job | None:
    """Decide how to read ``path``: from where we stopped, or from the start."""
    previous = stored.get(str(path))
    same_file = previous is not None and (previous.identity.device, previous.identity.inode) == (st.st_dev, st.st_ino)
    same_part = previous is not None and previous.part in ("", part.name)
    # Heads are hashed by whoever reads the file (``Job``): here only what decides how to read
    # it, and the head of a file read on from its cursor (``_same_head``).
    identity = unhashed(st)
    if part.kind is Kind.DOCUMENT:  # read whole whenever it changed; its records' keys dedup
        return Job(spec.id, part, path, identity, DocumentCursor(), restarted=True)
    if part.kind is Kind.SQLITE:
        if previous is not None and same_file and same_part and isinstance(previous.cursor, SqliteCursor):
            return Job(spec.id, part, path, identity, previous.cursor, restarted=False)
        return Job(spec.id, part, path, identity, SqliteCursor(), restarted=previous is not None)
    if previous is not None and same_file and same_part and isinstance(previous.cursor, Cursor):
        old, cursor = previous.identity, previous.cursor
        if st.st_size == old.size and st.st_mtime_ns == old.mtime_ns:
            return None  # unchanged: the warm path reads nothing
        resumed = _same_head(path, st, old) if st.st_size >= cursor.offset else None
        if resumed is not None and (not cursor.before_hash or _before_matches(path, cursor)):
            # The head just checked goes with the job: a file rewritten before a worker
            # reads it then fails this check next time, and is read again from the start.
            return Job(spec.id, part, path, resumed, cursor, restarted=False)
    # New, replaced, rewritten or shrunk: read it all again; dedup keys prevent double counting.
    reader = cast(JsonlReader, part.reader)
    start = Cursor(context=reader.start_context(path))
    return Job(spec.id, part, path, identity, start, restarted=previous is not None)


def _same_head(path: Path, st: os.stat_result, old: FileIdentity) -> FileIdentity | None:
    """The identity of ``path`` now, head hashed, when its first ``old.head_len`` bytes are
    those stored (one read for both); None when they differ."""
    with path.open("rb") as f:
        head = f.read(max(old.head_len, min(st.st_size, HEAD_BYTES)))
    if hashlib.sha256(head[: old.head_len]).hexdigest() != old.head_hash:
        return None
    kept = head[: min(st.st_size, HEAD_BYTES)]
    return replace(unhashed(st), head_len=len(kept), head_hash=hashlib.sha256(kept).hexdigest())


def _before_matches(path: Path, cursor: Cursor) -> bool:
    """The bytes just before the cursor are those read last time: the file was appended
    to, not rewritten in place behind an unchanged head."""
    with path.open("rb") as f:
        return before_hash(f, cursor.offset) == cursor.before_hash
