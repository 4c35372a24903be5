"""Incremental line reading: only complete lines, exact offsets and line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.core.reading import Cursor, ReadResult
from tracker.sources.jsonl import read_incremental


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
