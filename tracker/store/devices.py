"""``store.devices``: a person's other machines, whose usage arrives in bundles.

This data folder's own id is made once (a random UUID in ``meta``) and written into every
bundle it exports; a session imported from a bundle is marked with its device, so views can
tell machines apart and an export carries this machine's usage only (never what it imported,
which would travel back and forth).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from tracker.store.db import ensure_unique_keys
from tracker.store.meta import DEVICE_ID
from tracker.store.rollup import BUCKET_MS, finish_batch, last_event_id
from tracker.store.staging import EventRow
from tracker.store.writer import _INSERT_EVENT, UPSERT_EVENT, UPSERT_SESSION

if TYPE_CHECKING:
    from tracker.store.store import Store

# Every events column a bundle carries, in this order (the id and the prompt class are the
# store's own; the prompt class follows from the token counts).
BUNDLE_COLUMNS = (
    "source", "dedup_key", "session_id", "project", "git_branch", "model", "ts_ms", "input_tokens",
    "output_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens", "cache_read_tokens", "reasoning_tokens",
    "tool_cost_micro", "subscription",
)  # fmt: skip
_SELECTED = ", ".join(f"e.{c}" for c in BUNDLE_COLUMNS)
_OWN = (
    "FROM events e LEFT JOIN session_devices d ON d.source = e.source AND d.session_id = e.session_id "
    "WHERE d.device_id IS NULL"
)
_OWN_EVENTS = f"SELECT {_SELECTED} {_OWN} ORDER BY e.id"


class Device(NamedTuple):
    device_id: str
    name: str
    last_bundle_ms: int
    sessions: int


class DeviceStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def this_device(self) -> str:
        """This data folder's device id, made (and kept) the first time it is asked for."""
        known = self._store.meta.get(DEVICE_ID)
        if known:
            return known
        with self._store.transaction():
            known = self._store.meta.get(DEVICE_ID)  # another process may have made it meanwhile
            if not known:
                known = str(uuid.uuid4())
                self._store.meta.put(DEVICE_ID, known)
        return known

    def own_count(self) -> int:
        return int(self._store.conn.execute(f"SELECT count(*) {_OWN}").fetchone()[0])

    def own_events(self) -> Iterator[tuple[object, ...]]:
        """Every event of this machine (not imported from a bundle), as ``BUNDLE_COLUMNS``."""
        yield from self._store.conn.execute(_OWN_EVENTS)

    def merge(self, device_id: str, name: str, bundle_ms: int, rows: Sequence[EventRow]) -> int:
        """Store a bundle's events as an import stores a log's: a key already stored keeps its
        larger copy (so a bundle imported twice, or two overlapping bundles, count once; so does
        a session both machines read from a shared folder). Their sessions are marked as the
        device's. Returns how many events were new. One transaction: all of it or none."""
        with self._store.transaction() as conn:
            ensure_unique_keys(conn)  # the upsert needs it; a first import may have left it to build
            before = last_event_id(conn)
            conn.executemany(_INSERT_EVENT, rows)
            new = {k for (k,) in conn.execute("SELECT dedup_key FROM events WHERE id > ?", (before,))}
            for row in rows:
                if row.dedup_key not in new and conn.execute(UPSERT_EVENT, row).rowcount:
                    conn.execute("INSERT OR IGNORE INTO rollup_dirty VALUES (?)", (row.ts_ms // BUCKET_MS,))
            sessions = {(r.source, r.session_id): (r.project, r.git_branch) for r in rows}
            conn.executemany(UPSERT_SESSION, [(s, sid, p, b) for (s, sid), (p, b) in sessions.items()])
            conn.execute(
                "INSERT INTO devices VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, "
                "last_bundle_ms = max(last_bundle_ms, excluded.last_bundle_ms)",
                (device_id, name, bundle_ms),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO session_devices VALUES (?, ?, ?)", [(s, sid, device_id) for s, sid in sessions]
            )
            finish_batch(conn, before)
        return len(new)

    def devices(self) -> list[Device]:
        """The other machines seen, with how many of their sessions are stored."""
        cur = self._store.conn.execute(
            "SELECT d.device_id, d.name, d.last_bundle_ms, count(s.session_id) FROM devices d "
            "LEFT JOIN session_devices s ON s.device_id = d.device_id GROUP BY d.device_id ORDER BY d.name"
        )
        return [Device(*r) for r in cur]

    def sessions_of(self, device_id: str | None) -> set[tuple[str, str]]:
        """(source, session id) of a device's sessions; ``None``: every session from another machine."""
        if device_id is None:
            cur = self._store.conn.execute("SELECT source, session_id FROM session_devices")
        else:
            cur = self._store.conn.execute(
                "SELECT source, session_id FROM session_devices WHERE device_id = ?", (device_id,)
            )
        return {(str(a), str(b)) for a, b in cur}
