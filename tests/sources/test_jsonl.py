"""Incremental line reading: only complete lines, exact offsets and line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.core.reading import Cursor, ReadResult
from tracker.sources.jsonl import read_incremental


@pytest.fixture(params=["python", "native"])
def selector(request: pytest.FixtureRequest) -> Any:
    """The block pre-filter: the pure-Python reference, then the native module."""
    from tracker.sources.line_select import select_lines_py

    if request.param == "python":
        return select_lines_py
    return request.getfixturevalue("native_module").select_lines


def collect(line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    context.setdefault("seen", []).append((line_no, line.decode()))


def test_reads_complete_lines_and_leaves_half_written_tail(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"n":1}\n{"n":2}\n{"n":')
    r = read_incremental(f, Cursor(), collect)
    assert r.cursor.context["seen"] == [(1, '{"n":1}'), (2, '{"n":2}')]
    assert r.cursor.offset == len(b'{"n":1}\n{"n":2}\n')
    with f.open("ab") as out:
        out.write(b'3}\n{"n":4}\n')
    r2 = read_incremental(f, Cursor(r.cursor.offset, r.cursor.line_no, False, {}), collect)
    assert r2.cursor.context["seen"] == [(3, '{"n":3}'), (4, '{"n":4}')]
    assert r2.cursor.offset == f.stat().st_size


def test_complete_unterminated_line_is_consumed_once(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"n":1}\n{"n":2}')
    r = read_incremental(f, Cursor(), collect)
    assert [n for n, _ in r.cursor.context["seen"]] == [1, 2]
    assert r.cursor.pending_newline
    with f.open("ab") as out:
        out.write(b'\n{"n":3}\n')
    r2 = read_incremental(f, Cursor(r.cursor.offset, r.cursor.line_no, r.cursor.pending_newline, {}), collect)
    assert r2.cursor.context["seen"] == [(3, '{"n":3}')]


def test_blank_lines_are_counted_but_not_parsed(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'\n  \n{"n":1}\r\n')
    r = read_incremental(f, Cursor(), collect)
    assert r.cursor.context["seen"] == [(3, '{"n":1}')]


def test_unreadable_file_reports_an_error(tmp_path: Path) -> None:
    r = read_incremental(tmp_path / "missing.jsonl", Cursor(), collect)
    assert r.error is not None and "missing.jsonl" in r.error
    assert r.cursor.offset == 0


LINE_POOL = [
    b'{"type":"assistant","timestamp":"2026-06-01T10:00:00Z","sessionId":"s","requestId":"r1",'
    b'"message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":5,"output_tokens":7}}}',
    b'{"type":"assistant","timestamp":"2026-06-01T10:00:01Z","sessionId":"s","requestId":"r2",'
    b'"message":{"id":"m2","model":"claude-opus-4-1","content":[{"type":"text","text":"x\\n\\"y\\""}],'
    b'"usage":{"input_tokens":1,"cache_read_input_tokens":90,"output_tokens":2}}}',
    b'{"type":"user","message":{"role":"user","content":"a long prompt with \\"usage\\" in it"}}',
    b'{"type":"summary","summary":"done","leafUuid":"u"}',
    b'{"type":"future-kind","usage":{"input_tokens":3}}',
    b'{"type":"future-kind","note":"no needle"}',
    b'{"note":"no type at all"}',
    b'{"type":"assistant","message":{"id":"m3","usage":"lots"}}',  # wrong shape, with the needle
    b'{"type":"user","message":"a string, not an object"}',  # wrong shape, no needle
    b'{"type":"assistant","message":{"id":',  # truncated
    b"\x00\xff garbage",
    b"",
    b"   ",
    b'{"type":"summary"} {"type":"summary"}',  # two values on one line
    b'{"type":"assistant","timestamp":"soon","message":{"id":"m4","usage":{}}}',
    # an escaped key: msgspec reads it as "usage", but the line holds no needle, so neither
    # path counts it (before the block pre-filter, the block path did)
    b'{"type":"assistant","timestamp":"2026-06-01T10:00:02Z","message":{"id":"m5","\\u0075sage":{"input_tokens":9}}}',
    b'{"type":"user","timestamp":5,"message":{"id":6}}',  # wrong types, no needle
    b'{"type":"user","note":"not JSON\xff}',  # invalid, no needle
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.integers(0, len(LINE_POOL) - 1), max_size=40),
    chunk=st.integers(16, 400),
    crlf=st.booleans(),
)
def test_block_decoding_reports_exactly_what_line_by_line_reading_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, selector: Any, picks: list[int], chunk: int, crlf: bool
) -> None:
    """Whatever the lines and wherever the reads split them, decoding blocks of lines at once
    (their lines picked in Python or natively) gives the same events, skips, ignored lines,
    line numbers and cursor as line by line."""
    from tracker.sources import jsonl
    from tracker.sources.claude_code import READER as SOURCE

    monkeypatch.setattr(jsonl, "CHUNK", chunk)
    monkeypatch.setattr(jsonl, "select_lines", selector)
    f = tmp_path / "mix.jsonl"
    f.write_bytes(b"".join(LINE_POOL[i] + (b"\r\n" if crlf else b"\n") for i in picks))
    cursor = Cursor(context=SOURCE.start_context(f))
    fast = read_incremental(f, cursor, SOURCE.parse_line, SOURCE.needles, SOURCE.line_format)
    slow = read_incremental(f, cursor, SOURCE.parse_line, SOURCE.needles)
    assert fast == slow


CODEX_POOL = [
    b'{"timestamp":"2026-06-01T10:00:00Z","type":"session_meta","payload":{"id":"s1","cwd":"/p","git":{"branch":"b"}}}',
    b'{"timestamp":"2026-06-01T10:00:00Z","type":"turn_context","payload":{"model":"gpt-5","cwd":"/q"}}',
    b'{"timestamp":"2026-06-01T10:00:01Z","type":"event_msg","payload":{"type":"token_count","info":'
    b'{"total_token_usage":{"input_tokens":100,"cached_input_tokens":40,"output_tokens":9}}}}',
    b'{"timestamp":"2026-06-01T10:00:02Z","type":"event_msg","payload":{"type":"token_count","info":'
    b'{"total_token_usage":{"input_tokens":250,"cached_input_tokens":90,"output_tokens":20}},'
    b'"rate_limits":{"primary":{"used_percent":12.5,"window_minutes":300,"resets_in_seconds":60}}}}',
    b'{"timestamp":"2026-06-01T10:00:03Z","type":"response_item","payload":{"type":"message","content":"x"}}',
    b'{"timestamp":"2026-06-01T10:00:03Z","type":"response_item","payload":{"type":"message","content":"token_count"}}',
    b'{"timestamp":"2026-06-01T10:00:04Z","type":"\\u0074urn_context","payload":{"model":"escaped"}}',
    b'{"timestamp":"2026-06-01T10:00:05Z","type":"future","payload":{"note":"session_meta"}}',
    b'{"timestamp":"2026-06-01T10:00:05Z","type":"future","payload":{}}',
    b'{"timestamp":7,"type":"event_msg","payload":{"type":"token_count","info":null}}',
    b'{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":"x"}}}}',
    b'{"type":"response_item","payload":"not an object"}',
    b"{not json}",
    b"",
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.integers(0, len(CODEX_POOL) - 1), max_size=30),
    chunk=st.integers(16, 600),
    crlf=st.booleans(),
)
def test_codex_blocks_report_exactly_what_line_by_line_reading_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, selector: Any, picks: list[int], chunk: int, crlf: bool
) -> None:
    """Codex state lines (session_meta, turn_context) hold a needle, so they still reach the
    handler when only needle lines are decoded: contexts, limits and usage as line by line."""
    from tracker.sources import jsonl
    from tracker.sources.codex import READER as SOURCE

    monkeypatch.setattr(jsonl, "CHUNK", chunk)
    monkeypatch.setattr(jsonl, "select_lines", selector)
    f = tmp_path / "rollout-2026-06-01T10-00-00-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
    f.write_bytes(b"".join(CODEX_POOL[i] + (b"\r\n" if crlf else b"\n") for i in picks))
    cursor = Cursor(context=SOURCE.start_context(f))
    fast = read_incremental(f, cursor, SOURCE.parse_line, SOURCE.needles, SOURCE.line_format)
    slow = read_incremental(f, cursor, SOURCE.parse_line, SOURCE.needles)
    assert fast == slow


def test_a_block_with_a_bad_line_is_read_line_by_line(tmp_path: Path) -> None:
    from tracker.sources import jsonl
    from tracker.sources.claude_code import READER as SOURCE

    calls: list[int] = []
    real = jsonl._scan

    def spy(*args: Any) -> tuple[int, int]:
        calls.append(1)
        return real(*args)

    f = tmp_path / "a.jsonl"
    f.write_bytes(LINE_POOL[0] + b"\n" + LINE_POOL[3] + b"\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonl, "_scan", spy)
        good = read_incremental(
            f, Cursor(context=SOURCE.start_context(f)), SOURCE.parse_line, SOURCE.needles, SOURCE.line_format
        )
        assert not calls and len(good.events) == 1  # decoded as one block
        f.write_bytes(LINE_POOL[0] + b"\n" + LINE_POOL[9] + b"\n")
        bad = read_incremental(
            f, Cursor(context=SOURCE.start_context(f)), SOURCE.parse_line, SOURCE.needles, SOURCE.line_format
        )
        assert calls and len(bad.events) == 1 and [s.line_no for s in bad.skipped] == [2]


def test_a_read_limit_splits_a_big_file_into_chunks_that_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat: a read stops after ``limit`` bytes (rounded up to a whole block
    read) at a line end, and reading on from its cursor gives exactly what one read does."""
    from tracker.sources import jsonl

    monkeypatch.setattr(jsonl, "CHUNK", 333)
    f = tmp_path / "big.jsonl"
    f.write_bytes(b"".join(b'{"n":%d}\n' % i for i in range(3000)) + b'{"n":"tail"}')
    whole = read_incremental(f, Cursor(), collect)
    cursor, seen, reads = Cursor(), [], 0
    while True:
        r = read_incremental(f, cursor, collect, limit=1000)
        seen += r.cursor.context.pop("seen", [])
        cursor, reads = r.cursor, reads + 1
        if not r.more:
            break
    assert seen == whole.cursor.context["seen"] and len(seen) == 3001
    assert (cursor.offset, cursor.line_no, cursor.pending_newline) == (
        whole.cursor.offset,
        whole.cursor.line_no,
        whole.cursor.pending_newline,
    )
    assert reads > 20
