"""``store.alerts``: every alert shown (once per key, across restarts) and the pause."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tracker.store.changes import Changes
from tracker.store.meta import NOTIFY_PAUSED_UNTIL

if TYPE_CHECKING:
    from tracker.store.store import Store

HistoryRow = tuple[int, str, str, str, str]  # fired_ms, rule, title, body, delivered via


class AlertStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def fired(self) -> set[str]:
        """Keys of the alerts already shown."""
        return {str(k) for (k,) in self._store.conn.execute("SELECT key FROM notifications")}

    def paused_until(self) -> datetime | None:
        return self._store.meta.get(NOTIFY_PAUSED_UNTIL)

    def history(self, limit: int = 200) -> list[HistoryRow]:
        return self._store.conn.execute(
            "SELECT fired_ms, rule, title, body, delivered_via FROM notifications ORDER BY fired_ms DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def record(self, key: str, rule: str, title: str, body: str, fired_ms: int, via: str) -> Changes:
        """Remember an alert as shown; nothing changes when it already was (another process got there first)."""
        with self._store.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notifications VALUES (?, ?, ?, ?, ?, ?)", (key, rule, title, body, fired_ms, via)
            )
        return Changes(alerts=cur.rowcount)

    def pause(self, until: datetime) -> Changes:
        with self._store.transaction():
            self._store.meta.put(NOTIFY_PAUSED_UNTIL, until)
        return Changes(alerts=1)
