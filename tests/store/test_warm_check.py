"""The warm start's store check (``store.warm_check``) names the store's own markers."""

from __future__ import annotations


def test_the_store_markers_it_reads_are_the_stores() -> None:
    from tracker.store import otlp_events, warm_check
    from tracker.store.meta import GENERATION, ROLLUP_PENDING

    assert f"key = '{ROLLUP_PENDING.name}'" in warm_check.BLOCKED
    assert f"key = '{GENERATION.name}'" in warm_check.CACHED
    assert otlp_events._WAITING.removeprefix("SELECT EXISTS ").replace("0)", "0") in warm_check.BLOCKED
