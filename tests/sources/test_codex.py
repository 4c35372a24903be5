"""Codex rollouts: cumulative totals become per-request deltas with no double counting."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES
from tracker.core.reading import Cursor
from tracker.sources.codex import READER as SOURCE
from tracker.sources.jsonl import read_incremental

SAMPLE = next((FIXTURES / "codex").glob("*.jsonl"))
SID = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"


def read(path: Path, cursor: Cursor | None = None):
    """Read with whole blocks decoded at once, checked against reading line by line."""
    cursor = cursor or Cursor(context=SOURCE.start_context(path))
    fast = read_incremental(path, cursor, SOURCE.parse_line, SOURCE.needles, SOURCE.line_format)
    assert fast == read_incremental(path, cursor, SOURCE.parse_line, SOURCE.needles)
    return fast


def test_deltas_split_cached_input_and_keep_reasoning_inside_output() -> None:
    r = read(SAMPLE)
    assert r.skipped_count == 0
    got = [(e.model, e.input_tokens, e.cache_read_tokens, e.output_tokens, e.reasoning_tokens) for e in r.events]
    assert got == [("gpt-5-codex", 4000, 8000, 900, 300), ("gpt-5.1-codex-max", 6000, 12000, 600, 400)]
    assert sum(e.total_tokens for e in r.events) == 31500  # the last cumulative total_tokens
    assert {e.session_id for e in r.events} == {SID}
    assert {e.project for e in r.events} == {"/home/dev/shop"}
    assert {e.git_branch for e in r.events} == {"feature/cart"}


def test_rate_limit_snapshots_are_kept() -> None:
    r = read(SAMPLE)
    assert len(r.rate_limits) == 2
    first, second = r.rate_limits
    assert first.primary is not None and first.primary.used_percent == 12.5
    assert first.primary.resets_at_ms == 1780315200000
    assert second.secondary is not None and second.secondary.window_minutes == 10080
    assert second.primary is not None and second.primary.resets_at_ms == second.ts_ms + 3600 * 1000


def test_reading_in_two_steps_carries_totals_and_model(tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    f = tmp_path / SAMPLE.name
    f.write_bytes(b"".join(lines[:6]))
    first = read(f)
    f.write_bytes(b"".join(lines))
    second = read(f, first.cursor)
    assert [e.dedup_key for e in first.events + second.events] == [e.dedup_key for e in read(SAMPLE).events]
    assert second.events[0].input_tokens == 6000


def test_counter_restart_counts_the_new_total(tmp_path: Path) -> None:
    def tc(total: int, cached: int, out: int) -> str:
        usage = {
            "input_tokens": total,
            "cached_input_tokens": cached,
            "output_tokens": out,
            "reasoning_output_tokens": 0,
            "total_tokens": total + out,
        }
        return json.dumps(
            {
                "timestamp": "2026-06-01T10:00:00Z",
                "type": "event_msg",
                "payload": {"type": "token_count", "info": {"total_token_usage": usage}},
            }
        )

    f = tmp_path / "rollout-x.jsonl"
    f.write_text("\n".join([tc(100, 0, 10), tc(150, 50, 20), tc(40, 0, 5)]) + "\n")
    r = read(f)
    assert [(e.input_tokens, e.cache_read_tokens, e.output_tokens) for e in r.events] == [
        (100, 0, 10),
        (0, 50, 10),
        (40, 0, 5),
    ]
    assert {e.model for e in r.events} == {"unknown"}


def test_session_id_comes_from_the_file_name_until_meta_says_otherwise(tmp_path: Path) -> None:
    assert SOURCE.start_context(SAMPLE)["session"] == SID
