"""``store.prices``: resolved model prices per installed catalog, so a warm report needs no
pricing library. Filled best effort: a report never waits for, or fails on, this write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tracker.store import meta

if TYPE_CHECKING:
    from tracker.store.store import Store


class PriceCache:
    """What ``pricing.catalog.build_price_book`` asks for (its ``PriceCache`` protocol)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def rates(self, catalog: str) -> dict[str, bytes]:
        rows = self._store.conn.execute("SELECT model, rates FROM price_cache WHERE catalog = ?", (catalog,))
        return {str(m): bytes(r) for m, r in rows}

    def has_catalog(self, catalog: str) -> bool:
        row = self._store.conn.execute("SELECT EXISTS (SELECT 1 FROM price_cache WHERE catalog = ?)", (catalog,))
        return bool(row.fetchone()[0])

    def save_rates(self, catalog: str, rates: Mapping[str, bytes]) -> None:
        with self._store.best_effort() as conn:
            if conn is not None:
                conn.executemany(
                    "INSERT OR REPLACE INTO price_cache VALUES (?, ?, ?)", [(catalog, m, r) for m, r in rates.items()]
                )

    def catalog_name(self, catalog: str) -> str | None:
        return self._store.meta.get(meta.catalog_name(catalog))

    def save_catalog_name(self, catalog: str, name: str) -> None:
        with self._store.best_effort() as conn:
            if conn is not None:
                self._store.meta.put(meta.catalog_name(catalog), name)
