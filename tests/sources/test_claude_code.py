"""Claude Code transcripts parsed from a real-format sample."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tracker.core.reading import Cursor
from tracker.sources.claude_code import READER as SOURCE
from tracker.sources.jsonl import read_incremental

SAMPLE = FIXTURES / "claude-code" / "session.jsonl"


def read(path: Path):
    """Read with whole blocks decoded at once, checked against reading line by line."""
    cursor = Cursor(context=SOURCE.start_context(path))
    fast = read_incremental(path, cursor, SOURCE.parse_line, SOURCE.needles, SOURCE.line_format)
    assert fast == read_incremental(path, cursor, SOURCE.parse_line, SOURCE.needles)
    return fast


def test_usage_lines_become_events_with_all_token_kinds() -> None:
    r = read(SAMPLE)
    keys = [e.dedup_key for e in r.events]
    # The streamed reply wrote msg_01A twice; both copies are yielded, the store keeps one.
    assert keys == ["cc:msg_01A:req_01A", "cc:msg_01A:req_01A", "cc:msg_01B:req_01B", "cc:msg_01C:req_01C"]
    final = r.events[1]
    assert (final.input_tokens, final.output_tokens, final.cache_read_tokens) == (3, 420, 15000)
    assert (final.cache_write_5m_tokens, final.cache_write_1h_tokens) == (200, 1000)
    assert final.project == "/home/dev/shop" and final.git_branch == "feature/cart"
    assert final.session_id == "5f1c2f8e-0000-4000-8000-000000000001"
    no_breakdown = r.events[2]
    assert (no_breakdown.cache_write_5m_tokens, no_breakdown.cache_write_1h_tokens) == (300, 0)


def test_timestamps_become_utc_milliseconds() -> None:
    r = read(SAMPLE)
    assert r.events[2].ts_ms == 1780358399500  # 2026-06-01T23:59:59.500Z
    assert r.events[3].ts_ms == 1780380000000  # 08:00+02:00 is 06:00Z


def test_synthetic_idless_and_unknown_lines_are_not_usage() -> None:
    r = read(SAMPLE)
    assert r.skipped_count == 0
    assert r.ignored == {
        "synthetic message (no model call)": 1,
        "assistant line without message.id": 1,
        "unknown event type 'future-event-kind'": 1,
    }


def test_corrupt_lines_are_skipped_with_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    good = SAMPLE.read_bytes().splitlines(keepends=True)
    f.write_bytes(
        good[0]
        + b'{"type":"assistant","message":{"id":\n'
        + b"\x00\xff\xfe garbage\n"
        + good[2]
        + b'{"type":"assistant","timestamp":"yesterday","requestId":"r","message":{"id":"m","usage":{}}}\n'
        + b'{"type":"assistant","timestamp":"2026-06-01T00:00:00Z","message":{"id":"m2","usage":{"input_tokens":-5}}}\n'
        + b'{"type":"assistant","message":{"id":"m3","usage":"lots"}}\n'
    )
    r = read(f)
    assert [e.dedup_key for e in r.events] == ["cc:msg_01A:req_01A"]
    assert r.skipped_count == 5
    assert [(s.line_no, s.reason.split(" (")[0].split(":")[0]) for s in r.skipped] == [
        (2, "not valid JSON"),
        (3, "not valid JSON"),
        (5, "unreadable timestamp 'yesterday'"),
        (6, "token count that is not a whole number from 0 to 10^10"),
        (7, "unexpected shape"),
    ]


def test_never_keeps_content() -> None:
    r = read(SAMPLE)
    dumped = repr(r.events) + repr(r.sessions)
    assert "SECRET" not in dumped
