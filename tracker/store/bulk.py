"""The first import's writer: many new rows into a store that holds few.

Used when an import brings far more than the store holds (the first one, or one after the
data folder was removed). It stores exactly what ``ImportWriter`` would, faster:
- rows arrive from the workers as msgpack (``staging.encode_read``) and are bound as they
  are, with no scratch database between;
- the largest copy of a key is decided in memory: a dict of the largest total written per
  key in this import (bounded, ``MAX_KEYS``), so a copy no larger than one already written
  never reaches SQLite; what the store held before meets an upsert with the same rule, so
  an interrupted first import is completed exactly (into a store that held no events, a
  key new to the dict takes a plain INSERT, cheaper, which falls back to the upsert);
- while it is the only writer since the store was empty, the dict alone keeps the keys
  unique: the keys' index (``events_dedup``) is dropped too (maintaining it is a third of
  storing a row) and left pending like the others. Once SQLite must decide a key (a copy
  larger than one written, a full dict, rows SQLite refused, another writer's rows) the index
  is built there and then and kept;
- the secondary indexes (time, tool's cost) are dropped while rows go in and, like the
  rollup, left pending (``rollup.mark_pending``): the first report reads every event anyway,
  so both are built in one pass later (``db.ensure_indexes``, ``rollup.build_pending``: the
  next command's ``connect``, or the app's next import), off the first run's critical path;
- it is one long transaction committed every ``batch_events`` rows, each commit holding the
  cursors of the files whose rows it holds, so memory and the WAL stay bounded and a crash
  loses no more than the rows since the last commit, which the next import reads again.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from operator import itemgetter
from types import TracebackType
from typing import TYPE_CHECKING, cast

from tracker.core.reading import ReadResult
from tracker.store.db import BULK_INDEXES, checkpoint_aside, ensure_unique_keys, unique_keys
from tracker.store.import_state import FileIdentity
from tracker.store.rollup import last_event_id, mark_pending, rollup_pending
from tracker.store.staging import EventRow, Rows
from tracker.store.writer import (
    INSERT_EVENT,
    INSERT_RATE_LIMIT,
    UPSERT_EVENT,
    UPSERT_SESSION,
    ImportWriter,
    row_failure,
)

if TYPE_CHECKING:
    import threading

_KEY, _MODEL, _TOTAL, _TS = (EventRow._fields.index(c) for c in ("dedup_key", "model", "total_tokens", "ts_ms"))
_key_of, _model_of, _total_of, _ts_of = itemgetter(_KEY), itemgetter(_MODEL), itemgetter(_TOTAL), itemgetter(_TS)
DAY_MS = 86_400_000
LAST_DAY = 253_402_300_799_999 // DAY_MS  # 9999-12-31, the last day a date holds (as ``touched_since``)

# Whether a store is "nearly empty" for an import of this many bytes: it holds fewer events
# than the import will probably bring (logs hold one usage record per ~5-15 kB).
BYTES_PER_EVENT = 16_384
BULK_BATCH_EVENTS = 200_000
# The dict holds at most this many keys (~50 MB); past it, new keys go to SQLite's upsert
# unfiltered, which decides the same way: memory stays bounded however large the logs.
MAX_KEYS = 500_000


def worth_bulk(conn: sqlite3.Connection, pending_bytes: int) -> bool:
    """Whether an import of ``pending_bytes`` should use this writer: the store holds few
    events for it, or its rollup is pending anyway."""
    if rollup_pending(conn):
        return True
    limit = pending_bytes // BYTES_PER_EVENT
    (held,) = conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM events LIMIT ?)", (limit + 1,)).fetchone()
    return bool(held <= limit)


class BulkWriter(ImportWriter):
    """``ImportWriter`` for a first import: rows as msgpack, dedup in memory, no rollup."""

    def __init__(self, conn: sqlite3.Connection, batch_events: int | None = None) -> None:
        super().__init__(conn, BULK_BATCH_EVENTS if batch_events is None else batch_events)
        self._largest: dict[bytes, int] = {}  # key -> the largest total written in this import
        self._models: set[str] = set()
        # The UTC days (as day numbers) and sources of the rows sent to SQLite: what this import
        # touched (``touched``), without a scan of every event after it.
        self._days: set[int] = set()
        self._sources: set[str] = set()
        # Whether this import is the only one to have stored events (the store held none
        # when it began): then a key new to the dict is new to the store, and its row takes
        # a plain INSERT, a quarter cheaper than the upsert. A key stored all the same
        # (another writer between two commits, a row of a refused read) fails that INSERT,
        # and the read is stored again by the upsert, which decides as always.
        self._alone: bool | None = None
        self._stored_to = 0  # the last event id when this writer last committed
        # Whether the keys' index may be dropped while alone: no longer once SQLite had to
        # decide a key (``_keys_in_sql``). ``_unindexed``: it is dropped in this transaction.
        self._may_drop_keys = True
        self._unindexed = False
        self.checkpoint: threading.Thread | None = None  # copying the last commit into the file (``__exit__``)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            super().__exit__(kind, exc, tb)
            return
        # The last commit holds most of the import's pages: they are copied from the WAL into
        # the database file aside (``db.checkpoint_aside``), not by this commit, so the report
        # after the import does not wait on the disk.
        conn = self.conn
        (auto,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            super().__exit__(kind, exc, tb)
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(auto)}")
        self.checkpoint = checkpoint_aside(conn)

    def _begin(self) -> None:
        if not self._open:
            super()._begin()
            # Each commit, not only the first: another writer may have built the rollup or
            # the index between two of them.
            mark_pending(self.conn)
            for name in BULK_INDEXES:
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")

    def _keys_ready(self) -> None:
        conn = self.conn
        if self._alone is None:
            self._alone = not conn.execute("SELECT EXISTS (SELECT 1 FROM events)").fetchone()[0]
        elif self._alone and (last_event_id(conn) != self._stored_to or (self._may_drop_keys and unique_keys(conn))):
            # Another writer stored events between two commits, or built the index it left
            # dropped to be ready to (every writer of events builds it first).
            self._alone = False
        if self._alone and self._may_drop_keys:
            conn.execute("DROP INDEX IF EXISTS events_dedup")
            self._unindexed = True
        else:
            ensure_unique_keys(conn)
            self._unindexed = False

    def _keys_in_sql(self) -> None:
        """From now on SQLite decides the keys: the index is built over the rows so far
        (unique: each was new to the dict) and kept to the end of the import."""
        ensure_unique_keys(self.conn)
        self._may_drop_keys = self._unindexed = False

    def commit(self) -> None:
        if self._open:
            if self._models:
                # What reports read to learn which prices they need (the rollup fills it otherwise).
                self.conn.executemany("INSERT OR IGNORE INTO models VALUES (?)", [(m,) for m in sorted(self._models)])
                self._models.clear()
            self._stored_to = last_event_id(self.conn)
        super().commit()

    def add_rows(
        self,
        path: str,
        source: str,
        identity: FileIdentity,
        result: ReadResult,
        rows: Rows,
        *,
        restarted: bool,
        part: str = "",
    ) -> bool:
        """Store one read's rows (``staging.decode_read``) and the file's state (committed
        with the chunk). False when its rows could not be stored: the file then has an error
        and keeps its old cursor."""
        self._begin()
        events = rows.events
        keys = list(map(_key_of, events))
        largest = self._largest
        # What to undo in the dict if SQLite refuses the rows: keys it did not hold, and
        # keys it held with a smaller total.
        new: list[bytes] = []
        raised: list[tuple[bytes, int]] = []
        all_new = len(largest) + len(keys) <= MAX_KEYS and largest.keys().isdisjoint(keys)
        if all_new:
            # The usual read: every key is new to this import (a read holds each key once).
            # Decided and recorded without a Python loop over the rows.
            largest.update(zip(keys, map(_total_of, events), strict=True))
            fresh, new = events, keys
        else:
            fresh = self._larger(events, new, raised)
        # Every row new to the dict: new to the store too while this writer is alone.
        plain = len(new) == len(fresh) and bool(self._alone)
        self._models.update(map(_model_of, fresh))
        conn = self.conn
        try:
            if self._unindexed and not plain:
                self._keys_in_sql()  # a larger copy of a key written, or a full dict: SQLite decides
            # Statements with nothing to bind are not run (a first import runs thousands).
            if fresh:
                self._store_events(fresh, plain=plain)
            if rows.sessions:
                conn.executemany(UPSERT_SESSION, rows.sessions)
            if rows.rate_limits:
                conn.executemany(INSERT_RATE_LIMIT, rows.rate_limits)
            self._file_state(path, source, identity, result, len(rows.events), restarted=restarted, part=part)
        except Exception as exc:
            if not row_failure(exc):
                raise
            for key in new:  # the upsert in SQL stays exact whatever the dict says
                largest.pop(key, None)
            largest.update(raised)
            if self._unindexed:  # rows of the read may be stored, unknown to the dict now
                self._keys_in_sql()
            self._unstored(path, source, f"{type(exc).__name__}: {exc}")
            return False
        if fresh:
            self._days.update(ts // DAY_MS for ts in map(_ts_of, fresh))
            self._sources.add(source)
        self._commit_if_full()
        return True

    def touched(self) -> tuple[frozenset[date], frozenset[str]]:
        """The UTC days and sources of the rows this writer stored (``rollup.touched_since``
        for a first import, which would read every event again). Rows an upsert left as they
        were count too: a view redraws a day more, never one less."""
        epoch = date(1970, 1, 1)
        days = frozenset(epoch + timedelta(days=d) for d in self._days if 0 <= d <= LAST_DAY)
        return days, frozenset(self._sources)

    def _store_events(self, rows: list[list[object]], *, plain: bool) -> None:
        if self._unindexed:  # no index to clash with: every key is new (``add_rows``)
            self.conn.executemany(INSERT_EVENT, rows)
            return
        if plain:
            try:
                self.conn.executemany(INSERT_EVENT, rows)
                return
            except sqlite3.IntegrityError:
                # Some key is stored already: the upsert below keeps the larger copy (rows
                # this INSERT stored meet themselves and stay). Keys decided in SQL from now on.
                self._alone = False
        self.conn.executemany(UPSERT_EVENT, rows)  # the copy with the most tokens wins

    def _larger(
        self, events: list[list[object]], new: list[bytes], raised: list[tuple[bytes, int]]
    ) -> list[list[object]]:
        """The rows larger than any copy of their key written in this import (some keys were
        seen before, or the dict is full); the keys recorded are added to ``new``, the keys
        whose total was raised to ``raised`` with the total they had."""
        largest = self._largest
        room = MAX_KEYS - len(largest)
        fresh = []
        for row in events:  # built by ``staging.largest_rows``: a bytes key, an int total
            key, total = cast(bytes, row[_KEY]), cast(int, row[_TOTAL])
            before = largest.get(key)
            if before is None or total > before:
                if before is not None:
                    raised.append((key, before))
                    largest[key] = total
                elif room > 0:
                    room -= 1
                    new.append(key)
                    largest[key] = total
                fresh.append(row)
        return fresh
