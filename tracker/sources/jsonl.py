"""Incremental reading of append-only JSONL logs.

Only appended bytes are read. A line is consumed once its newline is written; an
unterminated last line is consumed only when it is a complete JSON value (some writers
never add the final newline), otherwise it is left for the next read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import Cursor, ReadResult
from tracker.sources.base import LineParser

CHUNK = 4 << 20


def iter_lines(path: Path, cursor: Cursor) -> Iterator[tuple[bytes, int, int, bool]]:
    """Yield ``(line, line_no, end_offset, terminated)`` from ``cursor.offset`` on."""
    line_no = cursor.line_no
    offset = cursor.offset
    with path.open("rb") as f:
        f.seek(offset)
        tail = b""
        skip_newline = cursor.pending_newline
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            if skip_newline:
                skip_newline = False
                if chunk.startswith(b"\n"):
                    chunk = chunk[1:]
                    offset += 1
            buf = tail + chunk if tail else chunk
            start = 0
            while True:
                nl = buf.find(b"\n", start)
                if nl < 0:
                    break
                line_no += 1
                offset += nl + 1 - start
                yield buf[start:nl], line_no, offset, True
                start = nl + 1
            tail = buf[start:]
        if tail:
            yield tail, line_no + 1, offset + len(tail), False


def read_incremental(path: Path, cursor: Cursor, parse_line: LineParser) -> ReadResult:
    """Read what was appended to ``path`` since ``cursor``; never raises for bad content."""
    context: dict[str, Any] = dict(cursor.context)
    result = ReadResult(cursor=cursor)
    new = Cursor(cursor.offset, cursor.line_no, cursor.pending_newline, context)
    try:
        for line, line_no, end, terminated in iter_lines(path, cursor):
            if not terminated:
                if not _is_complete_json(line):
                    break  # half-written: wait for the writer to finish it
                new.pending_newline = True
            else:
                new.pending_newline = False
            new.offset, new.line_no = end, line_no
            result.lines_read += 1
            stripped = line.strip()
            if stripped:
                parse_line(stripped, line_no, context, result)
    except OSError as exc:
        result.error = f"cannot read {path}: {exc.strerror or exc}"
    result.cursor = new
    return result


def _is_complete_json(line: bytes) -> bool:
    try:
        msgspec.json.decode(line)
    except msgspec.DecodeError:
        return False
    return True
