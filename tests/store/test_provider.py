"""store.provider: a provider's buckets replace their earlier copy and never add up twice."""

from __future__ import annotations

from datetime import date

from tracker.store.provider import ProviderRow, SyncState, bucket_key
from tracker.store.store import Store


def row(day: str, model: str, output: int, *, cost: int | None = 1_000, workspace: str = "Default") -> ProviderRow:
    return ProviderRow(
        provider="anthropic", account="console", origin="export",
        row_key=bucket_key(day, model, workspace), day=day, ts_ms=None, model=model, unit="tokens",
        input_tokens=10, cache_creation_tokens=2, cache_read_tokens=3, output_tokens=output, reasoning_tokens=0,
        requests=0, cost_micro=cost, detail=workspace, imported_ms=1,
    )  # fmt: skip


def test_a_later_copy_of_a_bucket_replaces_it(tmp_path):
    with Store.open(tmp_path / "db.sqlite") as store:
        assert store.provider.upsert([row("2026-11-01", "claude-sonnet-4-5", 5), row("2026-11-02", "x", 1)]) == (2, 0)
        # the same export again, the first day now complete: one replaced, one new workspace
        again = [row("2026-11-01", "claude-sonnet-4-5", 50), row("2026-11-01", "claude-sonnet-4-5", 7, workspace="B")]
        assert store.provider.upsert(again) == (1, 1)
        rows = store.provider.rows(date(2026, 11, 1), date(2026, 11, 1))
        assert sorted((r.detail, r.output_tokens, r.total_tokens) for r in rows) == [("B", 7, 22), ("Default", 50, 65)]
        assert [r.day for r in store.provider.rows()] == ["2026-11-01", "2026-11-01", "2026-11-02"]
        assert store.provider.rows(provider="openai") == []


def test_sync_state_round_trips_and_goes_with_its_account(tmp_path):
    with Store.open(tmp_path / "db.sqlite") as store:
        store.provider.upsert([row("2026-11-01", "m", 1)])
        state = SyncState("console", "anthropic", "2026-11-02T00:00:00Z", 5, None)
        store.provider.save_sync_state(state)
        assert store.provider.sync_state("console") == state
        store.provider.delete_account("anthropic", "console")
        assert store.provider.sync_state("console") is None
        assert store.provider.rows() == []
