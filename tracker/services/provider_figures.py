"""The provider figures a report counts: ``store.provider``'s rows, each bucket once per scope.

Two keys synced for one scope (the same provider, address and person, or the same whole
organisation) get the same buckets under two account names; counting both would double the
figures. Of such copies the latest synced is kept. Keys of other scopes (another person, the
whole organisation beside one person, an export) are never merged: their buckets differ even
when a day's figures happen to agree.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.store.provider import ProviderRow
    from tracker.store.store import Store


def counted_rows(store: Store, since: date | None = None, until: date | None = None) -> list[ProviderRow]:
    """``store.provider.rows(since, until)`` with a bucket another key of its scope holds once."""
    rows = store.provider.rows(since, until)
    if not any(r.origin == "api" for r in rows):
        return rows  # most stores: no key synced (and the usage APIs' code stays unloaded)
    from tracker.services.api_sync import accounts

    scopes = {a.name: (a.provider, a.url, a.actor) for a in accounts(store)}
    kept: dict[tuple[object, ...], ProviderRow] = {}
    out: list[ProviderRow] = []
    for r in rows:
        scope = scopes.get(r.account) if r.origin == "api" else None
        if scope is None:
            out.append(r)
            continue
        old = kept.get((scope, r.row_key))
        if old is None or (r.imported_ms, r.account) > (old.imported_ms, old.account):
            kept[scope, r.row_key] = r
    return sorted([*out, *kept.values()], key=lambda r: (r.day, r.provider, r.model, r.account))
