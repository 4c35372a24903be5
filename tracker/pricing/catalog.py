"""Resolving a model name from a log to its rates.

genai-prices is imported only when a model is not in the price cache, so a warm report
never loads the pricing tables. Pricing computes, the store persists: the cache is passed in
(``Store.prices`` fits ``PriceCache``), so this layer needs no SQL and no store import.
Overrides (negotiated rates) come from settings and replace the catalog's rates for that
model, in every tier.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

import msgspec

from tracker.pricing import shared_cache
from tracker.pricing.rates import KINDS, ModelRates, Rates

_NOT_USAGE = frozenset({"<synthetic>", "unknown", ""})


def catalog_key() -> str:
    """Identifies the installed price data by its package version, without importing it (that
    costs ~0.4 s). Read from the package metadata, so it works where ``genai_prices/data.py`` is
    no file (a PyInstaller bundle keeps it in an archive; the spec copies the metadata).
    The ``*.dist-info`` folder's name is looked for first, on ``sys.path`` in order as
    ``importlib.metadata`` does: that module costs a report ~20-50 ms (it loads ``email``)."""
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith(_DIST_INFO[0]) and name.endswith(_DIST_INFO[1]):
                return f"{_KEY_PREFIX}{name[len(_DIST_INFO[0]) : -len(_DIST_INFO[1])]}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{_KEY_PREFIX}{version('genai-prices')}"
    except PackageNotFoundError:
        return "missing"


_KEY_PREFIX = "genai-prices:"  # then the installed version
_DIST_INFO = ("genai_prices-", ".dist-info")  # the installed metadata folder's name, normalised (PEP 427)


class PriceCache(Protocol):
    """Where resolved rates are kept between runs. Saving is best effort: it may skip."""

    def rates(self, catalog: str) -> dict[str, bytes]: ...
    def has_catalog(self, catalog: str) -> bool: ...
    def save_rates(self, catalog: str, rates: Mapping[str, bytes]) -> None: ...
    def catalog_name(self, catalog: str) -> str | None: ...
    def save_catalog_name(self, catalog: str, name: str) -> None: ...


def catalog_name(cache: PriceCache, key: str) -> str:
    """``genai-prices X.Y.Z``, remembered per installed catalog."""
    name = cache.catalog_name(key)
    if name is not None:
        return name
    if key.startswith(_KEY_PREFIX):  # ``catalog_key`` read the version: no ``importlib.metadata`` (~45 ms)
        name = f"genai-prices {key[len(_KEY_PREFIX) :]}"
    else:
        from importlib.metadata import version

        name = f"genai-prices {version('genai-prices')}"
    cache.save_catalog_name(key, name)
    return name


def catalog_missing(cache: PriceCache) -> bool:
    """True when no price has been resolved from the installed catalog yet (a first run)."""
    key = catalog_key()
    return not cache.has_catalog(key) and not shared_cache.known(key)


def load_catalog() -> None:
    """Import and load genai-prices' tables now, so a later lookup finds them ready."""
    from genai_prices import data_snapshot

    data_snapshot.get_snapshot()


@dataclass
class PriceBook:
    """Rates for the models a report needs, plus what could not be priced."""

    rates: dict[str, ModelRates] = field(default_factory=dict)
    unpriced: set[str] = field(default_factory=set)
    source: str = ""

    def get(self, model: str) -> ModelRates | None:
        return self.rates.get(model)


def build_price_book(
    cache: PriceCache,
    models: Iterable[str],
    overrides: Mapping[str, Mapping[str, Any]],
) -> PriceBook:
    """Rates for ``models``: overrides first, then the cached or looked-up catalog."""
    cat = catalog_key()
    book = PriceBook(source=f"{catalog_name(cache, cat)} (bundled price data)")
    wanted = sorted(set(models))
    cached = cache.rates(cat)
    stored_before = set(cached)
    fresh: dict[str, bytes] = {}
    shared: dict[str, bytes] | None = None
    for model in wanted:
        if model not in cached:
            if shared is None:
                shared = shared_cache.load(cat)
            if model in shared:
                cached[model] = shared[model]
            else:
                cached[model] = fresh[model] = msgspec.msgpack.encode(_lookup(model))
        base = msgspec.msgpack.decode(cached[model], type=ModelRates | None)
        rates = _apply_override(model, base, overrides)
        if rates is None:
            book.unpriced.add(model)
        else:
            book.rates[model] = rates
    stored = {m: cached[m] for m in wanted if m not in stored_before}
    if stored:
        cache.save_rates(cat, stored)
    if fresh:
        shared_cache.add(cat, fresh)
    return book


def _apply_override(
    model: str, base: ModelRates | None, overrides: Mapping[str, Mapping[str, Any]]
) -> ModelRates | None:
    over = overrides.get(model)
    if over is None and base is not None:
        over = overrides.get(base.priced_as.split("/", 1)[-1])
    if not over:
        return base
    values = {k: Decimal(str(v)) for k, v in over.items() if k in KINDS}
    if base is None:
        if "input" not in values or "output" not in values:
            return None  # an override must at least give input and output for an unknown model
        flat = Rates(
            input=values["input"],
            output=values["output"],
            cache_read=values.get("cache_read", values["input"]),
            cache_write_5m=values.get("cache_write_5m", values["input"]),
            cache_write_1h=values.get("cache_write_1h", values.get("cache_write_5m", values["input"])),
        )
        return ModelRates(model, "override", (), (flat,))
    flat = msgspec.structs.replace(base.tiers[0], **values)
    return ModelRates(model, f"override of {base.priced_as}", (), (flat,))


def _lookup(model: str) -> ModelRates | None:
    if model in _NOT_USAGE:
        return None
    from genai_prices import data_snapshot  # deferred: ~0.4 s of import and table loading
    from genai_prices.types import TieredPrices

    try:
        provider, info = data_snapshot.get_snapshot().find_provider_model(model, None, None, None)
    except LookupError:
        return None
    prices = info.get_prices(datetime.now(UTC))

    def field_of(*keys: str) -> Decimal | TieredPrices | None:
        for key in keys:
            value = getattr(prices, key, None)
            if value is not None:
                return value  # type: ignore[no-any-return] # genai-prices returns Decimal | TieredPrices
        return None

    columns = {
        "input": field_of("input_mtok"),
        "output": field_of("output_mtok"),
        "cache_read": field_of("cache_read_mtok", "input_mtok"),
        "cache_write_5m": field_of("cache_write_5m_mtok", "cache_write_mtok", "input_mtok"),
        "cache_write_1h": field_of("cache_write_1h_mtok", "cache_write_mtok", "input_mtok"),
    }
    if columns["input"] is None or columns["output"] is None:
        return None
    thresholds = sorted({t.start for v in columns.values() if isinstance(v, TieredPrices) for t in v.tiers})

    def at(value: Decimal | TieredPrices | None, prompt: int) -> Decimal:
        if value is None:
            return Decimal(0)
        if isinstance(value, TieredPrices):
            chosen = value.base
            for tier in value.tiers:
                if prompt > tier.start:
                    chosen = tier.price
            return chosen
        return value

    # One representative prompt size per tier: just past each threshold.
    probes = [0, *(t + 1 for t in thresholds)]
    tiers = tuple(Rates(**{k: at(v, p) for k, v in columns.items()}) for p in probes)
    return ModelRates(model, f"{provider.id}/{info.id}", tuple(thresholds), tiers)
