"""Claude Code transcripts parsed from a real-format sample."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

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


_odd_count = st.one_of(
    st.none(), st.integers(-5, 10**10 + 5), st.sampled_from([10**10, 10**10 + 1, -1, 0]), st.booleans(),
    st.floats(allow_nan=True), st.sampled_from([3.0, 2.5, "7"]),
)  # fmt: skip


@given(creation=_odd_count, one_hour=_odd_count)
def test_cache_write_split_equals_the_token_count_rule(creation: object, one_hour: object) -> None:
    """The 5-minute/1-hour split (its inlined int checks) is what ``token_count`` says."""
    from tracker.core.reading import Cursor, ReadResult
    from tracker.sources import claude_code as cc
    from tracker.sources.normalize import token_count

    usage = cc._Usage(1, 2, creation, 3, cc._CacheCreation(None, one_hour))  # type: ignore[arg-type]  # odd values on purpose
    rec = cc._Line("assistant", "2026-06-01T10:00:00Z", "s", "/p", "b", "r", cc._Message("m", "claude-x", usage))
    result = ReadResult(cursor=Cursor())
    cc._handle(rec, 1, {"fallback_session": "f", "fallback_project": "p"}, result)
    whole = token_count(creation)
    hour = min(token_count(one_hour) or 0, whole) if whole is not None else 0
    five = whole - hour if whole is not None else token_count(creation)
    if five is None:
        assert not result.events and result.skipped_count == 1
    else:
        (event,) = result.events
        assert (event.cache_write_5m_tokens, event.cache_write_1h_tokens) == (five, hour)
