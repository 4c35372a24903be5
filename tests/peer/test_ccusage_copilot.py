"""GitHub Copilot CLI against ccusage 20.0.24 (``ccusage copilot daily --json --offline``).

ccusage reads only Copilot's OpenTelemetry file export (``~/.copilot/otel/*.jsonl`` and
``COPILOT_OTEL_FILE_EXPORTER_PATH``), never ``session-store.db`` (research/peer-ccusage-20.md):
on a home whose Copilot usage is only in the store it reports nothing, while we read every
call. The test asserts both, so ccusage learning the store (or us losing it) shows up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.gen_copilot import Call, add_calls, add_session, create
from tests.helpers.reading import all_events, dedup, read_home
from tracker.sources import copilot


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


def test_a_store_only_home_is_empty_for_ccusage_and_exact_here(peer: Path, tmp_path: Path) -> None:
    store = tmp_path / ".copilot" / "session-store.db"
    create(store)
    add_session(store, "s-1", "/home/dev/api", "main", "2026-11-30T10:00:00Z")
    add_calls(
        store,
        [
            Call("s-1", "claude-sonnet-4.5", "claude-sonnet-4.5", 21343, 100, 18000, 2974, 0, "2026-11-30 10:00:09"),
            Call("s-1", "auto", "gpt-5.1", 5000, 800, 4000, 0, 300, "2026-12-01T09:30:00Z"),
        ],
    )
    (tmp_path / ".copilot" / "otel").mkdir()  # the folder ccusage reads exists, with no export in it
    ours = dedup(all_events(read_home(copilot.SPEC, tmp_path)))
    assert sorted(
        (e.input_tokens, e.output_tokens, e.cache_read_tokens, e.cache_creation_tokens) for e in ours.values()
    ) == [
        (369, 100, 18000, 2974),
        (1000, 800, 4000, 0),
    ]
    doc = json.loads(run_ccusage(peer, tmp_path, "copilot", "daily", "--json", "--offline", "--timezone", "UTC"))
    assert doc["daily"] == []
    assert doc["totals"]["totalTokens"] == 0
