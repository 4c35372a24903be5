"""``store.provider``: what a provider itself reports (console exports, usage APIs).

These figures sit beside the local logs and are never added to them: a Claude Code session
run on an API key appears both in its log and in the Anthropic Console's bill. Reconciliation
sets one against the other. Each row is the provider's own bucket (a day and model, often per
workspace or key); a later copy of the same bucket replaces the earlier one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from tracker.core.provider_rows import ProviderRow, bucket_key
from tracker.store.changes import Changes
from tracker.store.rollup import bump_generation

if TYPE_CHECKING:
    from tracker.store.store import Store


__all__ = ["ProviderRow", "ProviderStore", "SyncState", "bucket_key"]


class SyncState(NamedTuple):
    account: str
    provider: str
    cursor: str
    synced_ms: int
    error: str | None


_COLUMNS = ", ".join(ProviderRow._fields)
_PLACES = ", ".join("?" * len(ProviderRow._fields))
_REPLACE = ", ".join(f"{c} = excluded.{c}" for c in ProviderRow._fields[4:])
# Column names come from ProviderRow's fields, never from input.
_ON_CONFLICT = "ON CONFLICT (provider, account, row_key) DO UPDATE SET"
_UPSERT = f"INSERT INTO provider_usage ({_COLUMNS}) VALUES ({_PLACES}) {_ON_CONFLICT} {_REPLACE}"  # noqa: S608 - constants
_SELECT = f"SELECT {_COLUMNS} FROM provider_usage WHERE day >= ? AND day <= ?"  # noqa: S608 - names from constants


class ProviderStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def upsert(self, rows: Sequence[ProviderRow]) -> tuple[int, int]:
        """Store ``rows`` in one transaction: (new buckets, buckets replaced by a later copy)."""
        if not rows:
            return (0, 0)
        with self._store.transaction() as conn:
            (before,) = conn.execute("SELECT count(*) FROM provider_usage").fetchone()
            conn.executemany(_UPSERT, rows)
            (after,) = conn.execute("SELECT count(*) FROM provider_usage").fetchone()
            bump_generation(conn)  # rendered reports mention these figures: they are stale now
        added = int(after) - int(before)
        return (added, len(rows) - added)

    def rows(
        self, since: date | None = None, until: date | None = None, provider: str | None = None
    ) -> list[ProviderRow]:
        """Stored buckets whose day is within ``since``..``until`` (inclusive), by day and model."""
        sql = _SELECT
        args: list[object] = [since.isoformat() if since else "", until.isoformat() if until else "9999-12-31"]
        if provider is not None:
            sql += " AND provider = ?"
            args.append(provider)
        cur = self._store.conn.execute(sql + " ORDER BY day, provider, model, account", args)
        return [ProviderRow._make((*r[:3], bytes(r[3]), *r[4:])) for r in cur]

    def delete_account(self, provider: str, account: str) -> Changes:
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM provider_usage WHERE provider = ? AND account = ?", (provider, account))
            conn.execute("DELETE FROM sync_state WHERE account = ?", (account,))
        return Changes()

    def sync_state(self, account: str) -> SyncState | None:
        row = self._store.conn.execute(
            "SELECT account, provider, cursor, synced_ms, error FROM sync_state WHERE account = ?", (account,)
        ).fetchone()
        return SyncState(*row) if row else None

    def all_sync_states(self) -> list[SyncState]:
        cur = self._store.conn.execute("SELECT account, provider, cursor, synced_ms, error FROM sync_state")
        return [SyncState(*r) for r in cur]

    def save_sync_state(self, state: SyncState) -> None:
        with self._store.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?, ?)", state)
