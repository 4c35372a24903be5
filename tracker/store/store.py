"""The one front door to the database: a ``Store`` with named parts that own every SQL statement.

``store.usage`` (report queries and the report cache), ``store.tasks``, ``store.links``,
``store.alerts``, ``store.prices`` (the price cache), ``store.meta`` (typed keys),
``store.files`` (import status), ``store.provider`` (what providers report: bills, usage
APIs) and ``store.devices`` (other machines, whose usage comes in bundles). Services receive
a Store, never a bare connection.

A Store opened with ``Store.open_read`` can only read (``mode=ro``): it never waits on the
import's write lock and works on a read-only or full disk. Caches a reader would like to
fill (prices, rendered reports) are written best effort: skipped, never waited for.
Mutations return ``Changes``: what they changed, so views refresh only what is affected.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from tracker.core.errors import StoreError
from tracker.store.alerts import AlertStore
from tracker.store.changes import Changes
from tracker.store.db import connect, connect_read, store_error, translated
from tracker.store.devices import DeviceStore
from tracker.store.files import FileStatus
from tracker.store.import_lock import ImportLock
from tracker.store.links import LinkStore
from tracker.store.meta import Meta
from tracker.store.prices import PriceCache
from tracker.store.provider import ProviderStore
from tracker.store.tasks import TaskStore
from tracker.store.usage import UsageStore

BEST_EFFORT_FAILURES = ("locked", "busy", "readonly", "read-only", "full", "disk i/o")


class Store:
    """One connection and the parts that read and write through it."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, *, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path or Path(conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:")
        self.read_only = read_only
        self._lock: ImportLock | None = None
        self.usage = UsageStore(self)
        self.tasks = TaskStore(self)
        self.links = LinkStore(self)
        self.alerts = AlertStore(self)
        self.prices = PriceCache(self)
        self.meta = Meta(self)
        self.files = FileStatus(self)
        self.provider = ProviderStore(self)
        self.devices = DeviceStore(self)

    @classmethod
    def open(cls, path: Path, *, import_lock: bool = False) -> Store:
        """Read and write (migrating first when needed). With ``import_lock``, other imports
        are kept out until ``close`` (and told this process's pid), checked before anything
        waits on SQLite's write lock."""
        lock = ImportLock(path).acquire() if import_lock else None
        try:
            store = cls(connect(path), path)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        store._lock = lock
        return store

    @classmethod
    def open_read(cls, path: Path) -> Store:
        """Read only: never takes the write lock, works on a read-only or full disk."""
        return cls(connect_read(path), path, read_only=True)

    @classmethod
    def of(cls, conn: Store | sqlite3.Connection) -> Store:
        """A Store for a bare connection (call sites of the import path still hold one)."""
        return conn if isinstance(conn, Store) else cls(conn)

    def write_connection(self) -> sqlite3.Connection:
        """The connection to hand to ``run_import`` (which writes through its own writer)."""
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only")
        return self.conn

    def guard(self) -> contextlib.AbstractContextManager[None]:
        """Around work that writes through ``write_connection`` (the import): SQLite's failures
        leave as one ``StoreError`` line naming the real cause."""
        return translated(self.path)

    def close(self) -> None:
        self.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it or none; failures as ``StoreError``."""
        conn = self.write_connection()
        with translated(self.path):
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def best_effort(self) -> Iterator[sqlite3.Connection | None]:
        """A cache write that must never wait or fail a read: skipped (``None``) on a
        read-only store or when the write lock is taken, abandoned when the disk is full."""
        if self.read_only:
            yield None
            return
        conn = self.conn
        (old,) = conn.execute("PRAGMA busy_timeout").fetchone()
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                self._skip_or_raise(exc)
                yield None
                return
            try:
                yield conn
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._skip_or_raise(exc)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(old)}")

    def _skip_or_raise(self, exc: sqlite3.OperationalError) -> None:
        if not any(w in str(exc).lower() for w in BEST_EFFORT_FAILURES):
            raise store_error(self.path, exc) from exc


__all__ = ["Changes", "Store"]
