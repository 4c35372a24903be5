"""The ``meta`` table's keys, declared once with their types: no key string lives elsewhere.

``generation``, ``prompt_thresholds`` and ``rollup_pending`` are written by the rollup (``store/rollup.py``)
inside the import's transaction; the others through ``Store.meta``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from tracker.store.store import Store

T = TypeVar("T")


@dataclass(frozen=True)
class MetaKey(Generic[T]):
    """One key: its name in the table, and how its value is read and written."""

    name: str
    load: Callable[[str], T]
    dump: Callable[[T], str]


def _thresholds(text: str) -> tuple[int, ...]:
    return tuple(int(t) for t in json.loads(text))


GENERATION: MetaKey[int] = MetaKey("generation", int, str)  # bumped by every change of stored usage
PROMPT_THRESHOLDS: MetaKey[tuple[int, ...]] = MetaKey("prompt_thresholds", _thresholds, json.dumps)
DEVICE_ID: MetaKey[str] = MetaKey("device_id", str, str)  # this data folder's machine, in its bundles
# Set while the rollup waits to be built after a first import (``store/rollup.py``).
ROLLUP_PENDING: MetaKey[int] = MetaKey("rollup_pending", int, str)
NOTIFY_PAUSED_UNTIL: MetaKey[datetime] = MetaKey("notify_paused_until", datetime.fromisoformat, datetime.isoformat)


def catalog_name(catalog: str) -> MetaKey[str]:
    """The readable name (``genai-prices X.Y.Z``) of one installed price catalog."""
    return MetaKey(f"catalog_name:{catalog}", str, str)


class Meta:
    """Typed reads and writes of ``meta``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: MetaKey[T]) -> T | None:
        row = self._store.conn.execute("SELECT value FROM meta WHERE key = ?", (key.name,)).fetchone()
        if row is None:
            return None
        try:
            return key.load(str(row[0]))
        except ValueError:
            return None  # a damaged value reads as unset; the next write replaces it

    def put(self, key: MetaKey[T], value: T) -> None:
        """Write ``key``; inside the caller's transaction when one is open."""
        self._store.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key.name, key.dump(value)))
