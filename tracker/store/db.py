"""Opening the database: WAL, sane pragmas, migrations; and SQLite's failures as one line.

Two kinds of connection. The writer's (``connect``) migrates and waits for the write lock.
A reader's (``connect_read``) is opened ``mode=ro``: it can never start a write, never
waits on the import's lock (WAL readers do not need it), and works on a read-only or full
disk. Every failure to open or use the file becomes a ``StoreError`` naming the file, the
cause and what to do.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from tracker.core.errors import StoreError
from tracker.store.rollup import ensure_rollup
from tracker.store.schema import SCHEMA_VERSION, NewerSchemaError, migrate

if TYPE_CHECKING:
    import threading

WRITE_WAIT_S = 30  # the writer waits this long for another writer's batch to commit
READ_WAIT_MS = 2000  # a reader only ever waits on WAL recovery, which is short
REBUILD = "move it aside; 'tokenworth import' rebuilds it from the logs"


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind ``conn``'s main database (None in memory)."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    return None


def connect(path: Path) -> sqlite3.Connection:
    """Open (and migrate) the store for writing. Readers use ``connect_read``."""
    with translated(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        check_whole(path)
        # Used by one thread at a time, but not always the one that opened it (report helpers).
        conn = sqlite3.connect(path, isolation_level=None, timeout=WRITE_WAIT_S, check_same_thread=False)
        try:
            into_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn)
            ensure_indexes(conn)
            ensure_rollup(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def into_wal(conn: sqlite3.Connection, wait_s: float = WRITE_WAIT_S) -> None:
    """Switch ``conn`` to WAL, waiting for another connection that is doing the same.

    On a new (rollback-journal) file the switch reads page 1 and then asks for the write lock
    inside that read; when another connection holds the write lock, SQLite returns "locked" at
    once instead of calling the busy handler (waiting could deadlock it). Two processes, or the
    app's import thread and a command, opening a new store together meet exactly that; the
    switch is retried from scratch, outside any read, until ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(0.01)


# The first import drops the secondary indexes of ``events`` and leaves them to build, with the
# pending rollup, after its report (``store.bulk``): maintaining them row by row costs more
# than one sorted build, and the first report reads every event anyway. The next writer's
# ``connect`` (or the app's next import) builds them. Readers are exact without them, only
# slower (``queries.tool_cost_usage`` then reads every event). Each is its migration's
# statement, so the schema reads the same however it was built.
TIME_INDEX = "CREATE INDEX IF NOT EXISTS events_ts ON events(ts_ms)"
TOOL_COST_INDEX = (
    "CREATE INDEX IF NOT EXISTS events_tool_cost ON events(ts_ms) "
    "WHERE (tool_cost_micro IS NOT NULL OR subscription = 1)"
)
BULK_INDEXES = {"events_ts": TIME_INDEX, "events_tool_cost": TOOL_COST_INDEX}
# The keys' uniqueness (migration 15). A first import drops it only while it is the only writer
# since the store was empty (it keeps the keys unique in memory then); every other writer of
# ``events`` makes sure of it first (``ensure_unique_keys``): its upserts need it.
KEYS_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS events_dedup ON events(dedup_key)"
PENDING_INDEXES = {**BULK_INDEXES, "events_dedup": KEYS_INDEX}
_PRESENT = (
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ("  # noqa: S608 - constants only
    + ", ".join(f"'{name}'" for name in PENDING_INDEXES)
    + ")"
)
_KEYS_PRESENT = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_dedup')"
# Copies of a key beyond its largest (the first stored of equal ones), as the upsert would have
# kept: only a store written without the index by a bug could hold any.
_SMALLER_COPIES = """DELETE FROM events WHERE id IN (SELECT id FROM (
    SELECT id, row_number() OVER (PARTITION BY dedup_key ORDER BY total_tokens DESC, id) AS nth FROM events)
    WHERE nth > 1)"""


def indexes_pending(conn: sqlite3.Connection) -> bool:
    """Whether a first import left indexes of ``events`` to build (one lookup)."""
    return bool(conn.execute(_PRESENT).fetchone()[0] < len(PENDING_INDEXES))


def ensure_indexes(conn: sqlite3.Connection) -> None:
    """Build the indexes a first import left pending (one lookup otherwise), in one transaction."""
    if indexes_pending(conn):
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            ensure_unique_keys(conn)
            for statement in BULK_INDEXES.values():
                conn.execute(statement)


def unique_keys(conn: sqlite3.Connection) -> bool:
    """Whether ``events_dedup`` is there (one lookup)."""
    return bool(conn.execute(_KEYS_PRESENT).fetchone()[0])


def ensure_unique_keys(conn: sqlite3.Connection) -> None:
    """Build ``events_dedup`` if a first import left it pending, inside the caller's write
    transaction (one lookup otherwise). Copies of a key it cannot index are resolved as the
    upsert would have (the largest stays), so the store is exact either way."""
    if unique_keys(conn):
        return
    try:
        conn.execute(KEYS_INDEX)
    except sqlite3.IntegrityError:
        conn.execute(_SMALLER_COPIES)  # their buckets are marked by the delete trigger
        conn.execute(KEYS_INDEX)


def checkpoint_aside(conn: sqlite3.Connection) -> threading.Thread | None:
    """Copy ``conn``'s WAL into the database file on a thread with a connection of its own,
    while this one goes on (a checkpoint mostly waits on the disk's flushes: after a first
    import's last commit, ~0.1 s the report can use). Readers and writers go on meanwhile (a
    passive checkpoint takes no lock they wait on); one that fails leaves the WAL to the next
    checkpoint, as a crash would. The thread is returned for tests to wait on; the process
    waits for it before it exits."""
    file = database_file(conn)
    if file is None:
        return None
    import threading

    def run() -> None:
        with contextlib.suppress(sqlite3.Error, OSError):
            # mode=rw: a database removed meanwhile is not made again, empty.
            aside = sqlite3.connect(f"file:{quote(str(file))}?mode=rw", uri=True, isolation_level=None)
            try:
                aside.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                aside.close()

    thread = threading.Thread(target=run, name="wal-checkpoint")
    thread.start()
    return thread


def connect_read(path: Path) -> sqlite3.Connection:
    """A read-only connection. A missing or outdated database is created or upgraded first
    by a writer's connection (the one time a read needs to write)."""
    with translated(path):
        if not path.exists():
            connect(path).close()
        check_whole(path)
        conn = _open_ro(path)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except BaseException:
            conn.close()
            raise
        if version > SCHEMA_VERSION:
            conn.close()
            raise NewerSchemaError(version)
        if version < SCHEMA_VERSION:
            conn.close()
            try:
                connect(path).close()  # upgrade once, then read as usual
            except StoreError as exc:
                cause = root_cause(exc.__cause__ or exc)
                raise StoreError(
                    f"{path} is from an older Tokenworth and must be upgraded once, which needs it "
                    f"writable ({cause}); copy the data folder somewhere writable, or update it where it is"
                ) from exc
            conn = _open_ro(path)
    return conn


def check_whole(path: Path, *, tries: int = 5) -> None:
    """Refuse a database file shorter than its header says (cut off by a full disk or a bad
    copy) before any query meets a missing page. Costs one 100-byte read.

    A checkpoint of a live WAL database writes page 1 (with the new size) before the pages
    that grow the file, so another process can see it short for a moment: that is retried."""
    for attempt in range(tries):
        short = _short_by(path)
        if short is None:
            return
        if attempt + 1 < tries and path.with_name(path.name + "-wal").exists():
            time.sleep(0.05)
            continue
        size, want = short
        raise StoreError(f"{path} is damaged (truncated: {size:,} of {want:,} bytes); {REBUILD}")


def _short_by(path: Path) -> tuple[int, int] | None:
    """(file size, size its header says) when the file is shorter; None when it is whole."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if not head:
        return None  # an empty file is a new database
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise StoreError(f"{path} is damaged (file is not a database); {REBUILD}")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96]  # else the page count is not maintained (old writers)
    if header_valid and size < pages * page_size:
        return size, pages * page_size
    return None


def _open_ro(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path))}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not (path.parent / f"{path.name}-shm").exists():
        # Nobody can write here, so nothing can change under us: SQLite may skip the
        # shared-memory index it could not create.
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {READ_WAIT_MS}")
    conn.execute("PRAGMA query_only = 1")
    return conn


@contextlib.contextmanager
def translated(path: Path) -> Iterator[None]:
    """Turn SQLite's and the file system's failures into one ``StoreError`` line."""
    try:
        yield
    except StoreError:
        raise
    except NewerSchemaError as exc:
        raise StoreError(
            f"{path} was written by a newer Tokenworth (schema {exc.version}; this one knows "
            f"{SCHEMA_VERSION}): update Tokenworth, or {REBUILD}"
        ) from exc
    except (sqlite3.Error, OSError) as exc:
        raise store_error(path, exc) from exc


def store_error(path: Path, exc: BaseException) -> StoreError:
    """The message for a failure, from its real cause (a failed ROLLBACK hides the first one)."""
    cause = root_cause(exc)
    text = str(cause).lower()
    code = getattr(cause, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "disk is full" in text or "no space" in text:
        return StoreError(f"the disk holding {path} is full; free some space and try again")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text or "permission" in text:
        return StoreError(
            f"{path} cannot be written (read-only disk or folder); reading commands still work, "
            "e.g. 'tokenworth usage --no-import'"
        )
    if code == sqlite3.SQLITE_BUSY or "locked" in text:
        return StoreError(f"{path} is busy: another program holds its write lock; try again when it finishes")
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or "not a database" in text or "malformed" in text:
        return StoreError(f"{path} is damaged ({cause}); {REBUILD}")
    if isinstance(cause, OSError) or code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return StoreError(f"cannot open {path} ({cause}); check that its folder exists and is readable")
    return StoreError(f"{path}: {cause}; if this persists, {REBUILD}")


def root_cause(exc: BaseException) -> BaseException:
    """The first SQLite error in the chain: 'cannot rollback' only says a ROLLBACK came too late."""
    seen = exc
    while "cannot rollback" in str(seen) and seen.__context__ is not None:
        seen = seen.__context__
    return seen
