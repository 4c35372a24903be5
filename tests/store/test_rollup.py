"""The quarter-hour rollup answers exactly what the raw events would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.loggen import generate
from tracker.core.records import PROMPT_THRESHOLDS
from tracker.core.timezones import get_zone, offset_segments
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.store.queries import UsageFilter, _grouped, grouped_usage, time_span

TIERS = {"claude-sonnet-4-5-20250929": (200_000,), "claude-opus-4-1-20250805": (128_000, 200_000)}


def both(ctx: Context, zone: str, group_by: str, f: UsageFilter = UsageFilter()) -> tuple[list, list]:  # noqa: B008
    conn = ctx.connect()
    span = time_span(conn)
    assert span is not None
    offsets = offset_segments(get_zone(zone), *span)
    fast = _grouped(conn, f, group_by, offsets, TIERS, rollup=True)  # type: ignore[arg-type]
    slow = _grouped(conn, f, group_by, offsets, TIERS, rollup=False)  # type: ignore[arg-type]
    key = lambda r: (str(r.key), r.source, r.model, r.tier)  # noqa: E731
    return sorted(fast, key=key), sorted(slow, key=key)


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    generate(home, days=6, sessions_per_day=3, turns=8, content_bytes=40)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    return ctx


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"])
@pytest.mark.parametrize("group_by", ["day", "hour", "session", "project"])
def test_rollup_equals_raw_events(loaded: Context, zone: str, group_by: str) -> None:
    fast, slow = both(loaded, zone, group_by)
    assert fast == slow
    assert any(r.tier for r in fast), "the corpus should contain long-context requests"


def test_filters_on_the_rollup_match_raw_events(loaded: Context) -> None:
    conn = loaded.connect()
    start = 1774569600000  # 2026-03-27T00:00Z, a quarter-hour boundary
    f = UsageFilter(start_ms=start, end_ms=start + 2 * 86_400_000, source="claude-code", project="/home/dev/app")
    fast, slow = both(loaded, "UTC", "day", f)
    assert fast == slow and fast
    odd = UsageFilter(start_ms=start + 1)  # off the quarter hour: answered from the events
    rows = grouped_usage(conn, odd, "day", offsets=[(2**62, 0)], thresholds={})
    assert (
        sum(r.events for r in rows)
        == conn.execute("SELECT COUNT(*) FROM events WHERE ts_ms > ?", (start,)).fetchone()[0]
    )


def test_a_replaced_snapshot_that_moves_buckets_keeps_the_rollup_exact(ctx: Context, home: Path) -> None:
    folder = home / ".claude" / "projects" / "p"
    folder.mkdir(parents=True)

    def line(ts: str, out: int) -> str:
        return json.dumps(
            {
                "type": "assistant",
                "timestamp": ts,
                "requestId": "r",
                "sessionId": "s",
                "message": {
                    "id": "m",
                    "model": "claude-sonnet-4-5-20250929",
                    "usage": {"input_tokens": 5, "output_tokens": out},
                },
            }
        )

    (folder / "a.jsonl").write_text(line("2026-06-01T10:14:59Z", 3) + "\n")
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    (folder / "b.jsonl").write_text(line("2026-06-01T10:15:01Z", 300) + "\n")  # final snapshot, next bucket
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    conn = ctx.connect()
    assert conn.execute("SELECT bucket, output_tokens FROM usage_rollup").fetchall() == [(1780308900000 // 900000, 300)]


def test_thresholds_list_covers_the_price_catalog() -> None:
    """Every long-context threshold in genai-prices is one the rollup can answer."""
    from genai_prices import data_snapshot
    from genai_prices.types import ModelPrice, TieredPrices

    found: set[int] = set()
    for provider in data_snapshot.get_snapshot().providers:
        for model in provider.models:
            prices = model.prices if isinstance(model.prices, list) else [model.prices]
            for p in prices:
                mp = p if isinstance(p, ModelPrice) else p.prices
                for value in mp.__dict__.values():
                    if isinstance(value, TieredPrices):
                        found.update(t.start for t in value.tiers)
    assert found, "the catalog has tiered prices"
    assert found <= set(PROMPT_THRESHOLDS), sorted(found - set(PROMPT_THRESHOLDS))
    assert list(PROMPT_THRESHOLDS) == sorted(PROMPT_THRESHOLDS)
