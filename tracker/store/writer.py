"""Writing import results. One writer at a time.

Results are written in batches: each batch is one transaction holding the files' new
records, their cursors and the rollup update, so a crash never leaves a cursor ahead of the
events it covers, and the store is not committed file by file (commits dominate otherwise).
A file (or staged batch of files) whose rows cannot be stored gets an error and keeps its old
cursor, and the rest of the batch goes on: rows of it that were stored are real rows of the
file (reading it again finds them stored already), and the rollup of a staged batch that
failed half-way is rebuilt from the events. No savepoint is needed (one would cost a
sub-journal of every page the batch touches).

Events are inserted when their key is new; the batch's new rows are then added to the
rollup in one grouped statement. A key already stored (a resumed session's copy, a file read
again) is a clash: its row is replaced only by a larger copy, and its bucket is rebuilt.
A batch that a worker staged (``staging``) is merged the same way, by SQLite statements.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Self

from tracker.core.reading import ReadResult
from tracker.core.records import UsageEvent
from tracker.store.db import ensure_unique_keys
from tracker.store.import_state import FileIdentity, encode_cursor
from tracker.store.rollup import BUCKET_MS, add_rollup_rows, finish_batch, last_event_id
from tracker.store.staging import (
    EVENT_COLUMNS,
    EVENT_PLACEHOLDERS,
    EventRow,
    event_rows,
    keep_largest,
    rate_limit_row,
)

# Column names and placeholders are constants (noqa S608 below).
_INSERT_EVENT = f"INSERT OR IGNORE INTO main.events ({EVENT_COLUMNS}) VALUES ({EVENT_PLACEHOLDERS})"  # noqa: S608

# The copy with the most tokens wins: a streamed reply's last snapshot is complete.
_ON_LARGER = """
ON CONFLICT(dedup_key) DO UPDATE SET
    session_id = excluded.session_id, project = excluded.project,
    git_branch = excluded.git_branch, model = excluded.model, ts_ms = excluded.ts_ms,
    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
    cache_write_5m_tokens = excluded.cache_write_5m_tokens,
    cache_write_1h_tokens = excluded.cache_write_1h_tokens,
    cache_read_tokens = excluded.cache_read_tokens,
    reasoning_tokens = excluded.reasoning_tokens, total_tokens = excluded.total_tokens,
    prompt_class = excluded.prompt_class, tool_cost_micro = excluded.tool_cost_micro,
    subscription = excluded.subscription
WHERE excluded.total_tokens > events.total_tokens
"""
INSERT_EVENT = f"INSERT INTO main.events ({EVENT_COLUMNS}) VALUES ({EVENT_PLACEHOLDERS})"  # noqa: S608
UPSERT_EVENT = f"INSERT INTO main.events ({EVENT_COLUMNS}) VALUES ({EVENT_PLACEHOLDERS}) {_ON_LARGER}"  # noqa: S608

_SESSION_CONFLICT = """
ON CONFLICT(source, session_id) DO UPDATE SET
    project = CASE WHEN excluded.project != '' THEN excluded.project ELSE sessions.project END,
    git_branch = CASE WHEN excluded.git_branch != '' THEN excluded.git_branch
                      ELSE sessions.git_branch END
"""
UPSERT_SESSION = f"INSERT INTO sessions VALUES (?, ?, ?, ?) {_SESSION_CONFLICT}"  # noqa: S608
INSERT_RATE_LIMIT = "INSERT OR IGNORE INTO rate_limits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_MOVE_SESSION = """UPDATE events SET session_id = ?, project = ?, git_branch = ?
    WHERE dedup_key = ? AND source = ? AND ts_ms = ? AND total_tokens = ? AND session_id != ?"""


class StagedFile(NamedTuple):
    """One file's result in a staging file, with what the writer needs to store its state."""

    path: str
    source: str
    identity: FileIdentity
    result: ReadResult
    restarted: bool
    part: str = ""


_UPSERT_FILE = """
INSERT INTO files (path, source, device, inode, size, mtime_ns, head_len, head_hash,
    cursor, events, skipped, last_import_ms, error, part)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
ON CONFLICT(path) DO UPDATE SET source = excluded.source,
    device = excluded.device, inode = excluded.inode, size = excluded.size,
    mtime_ns = excluded.mtime_ns, head_len = excluded.head_len,
    head_hash = excluded.head_hash, cursor = excluded.cursor,
    events = CASE WHEN ? THEN 0 ELSE files.events END + excluded.events,
    skipped = CASE WHEN ? THEN 0 ELSE files.skipped END + excluded.skipped,
    last_import_ms = excluded.last_import_ms, error = NULL, part = excluded.part
"""

# Failures of the store itself, not of one file's rows: the import must stop on these.
_STORE_FAILURES = frozenset(
    {"SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CORRUPT",
     "SQLITE_NOTADB", "SQLITE_CANTOPEN", "SQLITE_NOMEM", "SQLITE_INTERRUPT"}
)  # fmt: skip


def row_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is about the rows being stored (contained to their file), not the store."""
    if isinstance(exc, OverflowError | ValueError | TypeError):
        return True
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        return not any(name.startswith(f) for f in _STORE_FAILURES)
    return False


class ImportWriter:
    """Collects per-file results and commits them in batches of about ``batch_events``."""

    def __init__(self, conn: sqlite3.Connection, batch_events: int = 50_000) -> None:
        self.conn = conn
        self.batch_events = batch_events
        self._pending = 0
        self._after = 0  # events with a larger id were stored by this batch
        self._open = False
        self.failed: set[str] = set()  # files whose rows could not be stored in this import

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        elif self._open:
            self.conn.execute("ROLLBACK")
            self._open = False

    def _begin(self) -> None:
        if not self._open:
            self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB keeps the indexes in memory
            self.conn.execute("BEGIN IMMEDIATE")
            self._after = last_event_id(self.conn)
            self._open = True
            self._keys_ready()

    def _keys_ready(self) -> None:
        """Before any row: the upserts need the keys' index, which a first import (finished
        or not, maybe in another process) may have left to build."""
        ensure_unique_keys(self.conn)

    def commit(self) -> None:
        if self._open:
            finish_batch(self.conn, self._after)
            self.conn.execute("COMMIT")
            self._open = False
        self._pending = 0

    def move_sessions(self, events: Sequence[UsageEvent]) -> int:
        """Rows stored before with these events' keys, time and tokens but another session (an
        older Tokenworth named it otherwise: Cursor's own-key requests) move to the session they
        are read with now, in this batch (their buckets are rebuilt with it). How many moved.
        The upsert alone leaves them: it replaces a row only with a larger copy."""
        self._begin()
        moved = 0
        for r in event_rows(keep_largest(events)):  # the copy ``add`` kept of a key read twice
            cur = self.conn.execute(_MOVE_SESSION, (r.session_id, r.project, r.git_branch, r.dedup_key, r.source,
                                                    r.ts_ms, r.total_tokens, r.session_id))  # fmt: skip
            if cur.rowcount:
                moved += 1
                self.conn.execute("INSERT OR IGNORE INTO rollup_dirty VALUES (?)", (r.ts_ms // BUCKET_MS,))
        return moved

    def add(
        self,
        path: str,
        source: str,
        identity: FileIdentity,
        result: ReadResult,
        *,
        restarted: bool,
        part: str = "",
    ) -> bool:
        """Store one file's new records and its cursor (committed with the batch). False when
        its rows could not be stored: the file then has an error and keeps its old cursor."""
        self._begin()
        conn = self.conn
        try:
            rows = event_rows(result.events)
            before = last_event_id(conn)
            if conn.executemany(_INSERT_EVENT, rows).rowcount < len(rows):
                self._clashes(rows, before)
            conn.executemany(
                UPSERT_SESSION,
                [(source, s.session_id, s.project, s.git_branch) for s in result.sessions.values()],
            )
            conn.executemany(INSERT_RATE_LIMIT, [rate_limit_row(r) for r in result.rate_limits])
            self._file_state(path, source, identity, result, len(rows), restarted=restarted, part=part)
        except Exception as exc:
            if not row_failure(exc):
                raise
            self._unstored(path, source, f"{type(exc).__name__}: {exc}")
            return False
        self._commit_if_full()
        return True

    def add_staged(self, stages: Sequence[tuple[Path, Sequence[StagedFile]]]) -> None:
        """Merge batches workers wrote to staging files (see ``staging``), with each file's
        state, in one transaction; a batch that cannot be merged is rolled back alone and its
        files get an error (their cursors stay, so they are read again next time).

        Several batches share one commit: a commit writes every page the transaction
        touched, and each batch touches pages all over the indexes.
        """
        self.commit()  # ATTACH cannot run inside a transaction
        conn = self.conn
        names: list[str] = []
        try:
            for stage, _ in stages:
                name = f"stage{len(names)}"
                conn.execute(f"ATTACH DATABASE ? AS {name}", (str(stage),))
                names.append(name)
            self._begin()
            for name, (_, files) in zip(names, stages, strict=True):
                if any(f.path in self.failed for f in files):
                    # A later chunk of a file whose earlier chunk failed: storing it would
                    # move the cursor past rows never stored. Read again next time.
                    self._failed_stage(files, "an earlier part of this file could not be stored")
                    continue
                try:
                    self._merge(name, files)
                except Exception as exc:
                    if not row_failure(exc):
                        raise
                    # Whatever of it was merged, its rollup is rebuilt from the events.
                    dirty = f"INSERT OR IGNORE INTO rollup_dirty SELECT DISTINCT ts_ms / {BUCKET_MS} FROM {name}.events"  # noqa: S608 - constants only
                    conn.execute(dirty)
                    self._failed_stage(files, f"{type(exc).__name__}: {exc}")
            self._after = last_event_id(conn)  # the staged rows are in the rollup already
            self.commit()
        except BaseException:
            if self._open:
                conn.execute("ROLLBACK")
                self._open = False
            raise
        finally:
            for name in names:
                conn.execute(f"DETACH DATABASE {name}")

    def _commit_if_full(self) -> None:
        if self._pending >= self.batch_events:
            self.commit()

    def _unstored(self, path: str, source: str, why: str) -> None:
        """A file whose rows could not be stored: it gets an error and keeps its old cursor."""
        self.failed.add(path)
        self.error(path, source, f"{path}: could not be stored ({why})")

    def _failed_stage(self, files: Sequence[StagedFile], why: str) -> None:
        for f in files:
            self._unstored(f.path, f.source, why)

    def _merge(self, stage: str, files: Sequence[StagedFile]) -> None:
        conn = self.conn
        before = last_event_id(conn)
        added = conn.execute(f"INSERT OR IGNORE INTO main.events ({EVENT_COLUMNS}) SELECT * FROM {stage}.events")  # noqa: S608
        add_rollup_rows(conn, stage)
        if added.rowcount < conn.execute(f"SELECT COUNT(*) FROM {stage}.events").fetchone()[0]:  # noqa: S608
            self._staged_clashes(stage, before)
        conn.execute(
            f"""INSERT INTO main.sessions SELECT * FROM {stage}.sessions WHERE true ORDER BY rowid
                {_SESSION_CONFLICT}"""  # noqa: S608 - constants only
        )
        conn.execute(f"INSERT OR IGNORE INTO main.rate_limits SELECT * FROM {stage}.rate_limits")  # noqa: S608
        for f in files:
            if f.result.error:
                self.error(f.path, f.source, f.result.error)
            else:
                self._file_state(
                    f.path, f.source, f.identity, f.result, f.result.event_count, restarted=f.restarted, part=f.part
                )

    def _file_state(
        self,
        path: str,
        source: str,
        identity: FileIdentity,
        result: ReadResult,
        events: int,
        *,
        restarted: bool,
        part: str,
    ) -> None:
        conn = self.conn
        if restarted:
            conn.execute("DELETE FROM skipped_lines WHERE path = ?", (path,))
            conn.execute("DELETE FROM ignored_lines WHERE path = ?", (path,))
        if result.skipped:  # most files have none: no statement to run
            conn.executemany(
                "INSERT OR REPLACE INTO skipped_lines VALUES (?, ?, ?)",
                [(path, s.line_no, s.reason) for s in result.skipped],
            )
        if result.ignored:
            conn.executemany(
                """INSERT INTO ignored_lines VALUES (?, ?, ?)
                   ON CONFLICT(path, what) DO UPDATE SET count = count + excluded.count""",
                [(path, what, n) for what, n in result.ignored.items()],
            )
        conn.execute(
            _UPSERT_FILE,
            (
                path, source, identity.device, identity.inode, identity.size, identity.mtime_ns,
                identity.head_len, identity.head_hash, encode_cursor(result.cursor),
                events, result.skipped_count, int(time.time() * 1000), part, restarted, restarted,
            ),
        )  # fmt: skip
        self._pending += events + 1

    def _clashes(self, rows: list[EventRow], before: int) -> None:
        """Rows whose key was stored already: keep the larger copy, rebuild its bucket."""
        conn = self.conn
        new = {k for (k,) in conn.execute("SELECT dedup_key FROM events WHERE id > ?", (before,))}
        for row in rows:
            if row.dedup_key not in new and conn.execute(UPSERT_EVENT, row).rowcount:
                # The old bucket, when the copy moved, is marked by a trigger.
                conn.execute("INSERT OR IGNORE INTO rollup_dirty VALUES (?)", (row.ts_ms // BUCKET_MS,))

    def _staged_clashes(self, stage: str, before: int) -> None:
        """Staged rows whose key was stored already: the staged rollup counted them, so their
        buckets are rebuilt; the larger copy is kept."""
        conn = self.conn
        conn.execute(
            f"""CREATE TEMP TABLE clash AS SELECT * FROM {stage}.events
               WHERE dedup_key NOT IN (SELECT dedup_key FROM main.events WHERE id > ?)""",  # noqa: S608
            (before,),
        )
        conn.execute(f"INSERT OR IGNORE INTO rollup_dirty SELECT DISTINCT ts_ms / {BUCKET_MS} FROM temp.clash")  # noqa: S608
        conn.execute(f"INSERT INTO main.events ({EVENT_COLUMNS}) SELECT * FROM temp.clash WHERE true {_ON_LARGER}")  # noqa: S608
        conn.execute("DROP TABLE temp.clash")

    def error(self, path: str, source: str, message: str) -> None:
        """Remember that a file (or folder) could not be read or stored, keeping whatever
        state it had."""
        known = self.conn.execute("SELECT error FROM files WHERE path = ?", (path,)).fetchone()
        if known is not None and known[0] == message:
            return  # already recorded; a lasting problem costs no write on every run
        self._begin()
        now_ms = int(time.time() * 1000)
        updated = self.conn.execute(
            "UPDATE files SET error = ?, last_import_ms = ? WHERE path = ?", (message, now_ms, path)
        ).rowcount
        if not updated:
            self.conn.execute(
                """INSERT INTO files (path, source, device, inode, size, mtime_ns, head_len,
                       head_hash, cursor, last_import_ms, error)
                   VALUES (?, ?, 0, 0, 0, 0, 0, '', X'', ?, ?)""",
                (path, source, now_ms, message),
            )

    def forget_errors(self, source: str, keep: set[str]) -> None:
        """Drop the error-only entries (never read: a folder, a broken link) of ``source``
        whose path was not found again (``keep``): the problem is gone."""
        stale = [
            p
            for (p,) in self.conn.execute(
                "SELECT path FROM files WHERE source = ? AND cursor = X'' AND error IS NOT NULL", (source,)
            )
            if p not in keep
        ]
        if stale:
            self._begin()
            self.conn.executemany("DELETE FROM files WHERE path = ? AND cursor = X''", [(p,) for p in stale])
