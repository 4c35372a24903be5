"""Prices from genai-prices: tiers by whole prompt, 1-hour cache writes, unknown models, overrides."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.pricing.catalog import build_price_book
from tracker.pricing.rates import TokenSums, cost
from tracker.store.db import connect
from tracker.store.store import Store

SONNET = "claude-sonnet-4-5-20250929"


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "db.sqlite3")


def test_long_context_tier_is_chosen_by_the_whole_prompt(conn: sqlite3.Connection) -> None:
    rates = build_price_book(Store(conn).prices, [SONNET], {}).get(SONNET)
    assert rates is not None
    assert rates.thresholds == (200_000,)
    # 10 fresh input + 150k cache read + 60k cache write: over 200k only as a whole prompt.
    assert rates.tier_for(10 + 150_000 + 60_000) == 1
    assert rates.tier_for(200_000) == 0
    sums = TokenSums(input=10, output=1000, cache_read=150_000, cache_write_5m=60_000)
    # Tier prices then apply to every token of the request, output included.
    expected = (10 * Decimal(6) + 1000 * Decimal("22.5") + 150_000 * Decimal("0.6") + 60_000 * Decimal("7.5")) / 10**6
    assert cost(rates, 1, sums) == expected
    assert cost(rates, 0, sums) < expected


def test_one_hour_cache_writes_cost_more_than_five_minute_ones(conn: sqlite3.Connection) -> None:
    rates = build_price_book(Store(conn).prices, [SONNET], {}).get(SONNET)
    assert rates is not None
    five = cost(rates, 0, TokenSums(cache_write_5m=1_000_000))
    hour = cost(rates, 0, TokenSums(cache_write_1h=1_000_000))
    assert (five, hour) == (Decimal("3.75"), Decimal(6))


def test_unknown_models_are_unpriced_not_free(conn: sqlite3.Connection) -> None:
    book = build_price_book(Store(conn).prices, ["acme-coder-9000", "<synthetic>"], {})
    assert book.get("acme-coder-9000") is None
    assert book.unpriced == {"acme-coder-9000", "<synthetic>"}


def test_overrides_replace_catalog_rates_and_can_price_unknown_models(conn: sqlite3.Connection) -> None:
    overrides = {SONNET: {"input": "2.4", "output": "12"}, "acme-coder-9000": {"input": "1", "output": "2"}}
    book = build_price_book(Store(conn).prices, [SONNET, "acme-coder-9000", "acme-other"], overrides)
    sonnet = book.get(SONNET)
    assert sonnet is not None and sonnet.priced_as.startswith("override")
    assert cost(sonnet, 0, TokenSums(input=1_000_000, output=1_000_000)) == Decimal("14.4")
    # Rates the override does not name keep the catalog's base price.
    assert cost(sonnet, 0, TokenSums(cache_read=1_000_000)) == Decimal("0.3")
    acme = book.get("acme-coder-9000")
    assert acme is not None and cost(acme, 0, TokenSums(input=10**6, output=10**6)) == Decimal(3)
    assert book.unpriced == {"acme-other"}


def test_override_by_catalog_id_applies_to_dated_model_names(conn: sqlite3.Connection) -> None:
    book = build_price_book(Store(conn).prices, [SONNET], {"claude-sonnet-4-5": {"output": "10"}})
    rates = book.get(SONNET)
    assert rates is not None and cost(rates, 0, TokenSums(output=10**6)) == Decimal(10)


def test_resolved_rates_are_cached_in_the_store(conn: sqlite3.Connection) -> None:
    build_price_book(Store(conn).prices, [SONNET, "acme-coder-9000"], {})
    rows = dict(conn.execute("SELECT model, catalog FROM price_cache").fetchall())
    assert set(rows) == {SONNET, "acme-coder-9000"}
    again = build_price_book(Store(conn).prices, [SONNET, "acme-coder-9000"], {})
    assert again.get(SONNET) == build_price_book(Store(conn).prices, [SONNET], {}).get(SONNET)
    assert again.unpriced == {"acme-coder-9000"}


def test_a_new_data_folder_reuses_resolved_rates_without_loading_the_catalog(tmp_path: Path) -> None:
    """The user-level cache answers a first report in a new data folder: no genai-prices import."""
    script = (
        "import sys; from pathlib import Path; from tracker.store.store import Store;"
        "from tracker.pricing.catalog import build_price_book;"
        f"b = build_price_book(Store.open(Path(sys.argv[1])).prices, [{SONNET!r}, 'acme-coder-9000'], {{}});"
        "print(sorted(b.rates), sorted(b.unpriced), 'genai_prices' in sys.modules)"
    )
    env = {**os.environ, "TOKENWORTH_CACHE_DIR": str(tmp_path / "cache")}

    def run(db: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / db)], env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    first = run("a.sqlite3")
    assert first == f"[{SONNET!r}] ['acme-coder-9000'] True"
    assert run("b.sqlite3") == f"[{SONNET!r}] ['acme-coder-9000'] False"
    (next((tmp_path / "cache").glob("prices-*"))).write_bytes(b"\x00garbage")
    assert run("c.sqlite3") == first  # a damaged cache is only a slower report


def test_catalog_key_names_the_installed_price_data_without_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import version

    from tracker.pricing.catalog import catalog_key

    assert catalog_key() == f"genai-prices:{version('genai-prices')}"
    (tmp_path / "genai_prices-9.8.7.dist-info").mkdir()  # found first on sys.path, as importlib.metadata would
    monkeypatch.syspath_prepend(str(tmp_path))
    assert catalog_key() == "genai-prices:9.8.7"


def test_the_catalog_name_is_the_installed_version_without_importlib_metadata() -> None:
    """A store that has not named the catalog yet (a first report) takes the version
    ``catalog_key`` read; the metadata gives the same, and a key without one still asks it."""
    from importlib.metadata import version

    from tracker.pricing.catalog import catalog_key, catalog_name

    class Names:
        def __init__(self) -> None:
            self.saved: dict[str, str] = {}

        def catalog_name(self, catalog: str) -> str | None:
            return self.saved.get(catalog)

        def save_catalog_name(self, catalog: str, name: str) -> None:
            self.saved[catalog] = name

    names = Names()
    assert catalog_name(names, catalog_key()) == f"genai-prices {version('genai-prices')}"  # type: ignore[arg-type]
    assert catalog_name(names, "genai-prices:9.8.7") == "genai-prices 9.8.7"  # type: ignore[arg-type]
    assert names.saved == {
        catalog_key(): f"genai-prices {version('genai-prices')}",
        "genai-prices:9.8.7": "genai-prices 9.8.7",
    }
    assert catalog_name(names, "other") == f"genai-prices {version('genai-prices')}"  # type: ignore[arg-type]
