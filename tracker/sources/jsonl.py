"""Incremental reading of append-only JSONL logs.

Only appended bytes are read. A line is consumed once its newline is written; an
unterminated last line is consumed only when it is a complete JSON value (some writers
never add the final newline), otherwise it is left for the next read.

Speed: a source names the byte strings (``needles``) that any line it cares about must
contain. Other lines — most of the bytes, since prompts and replies are large — are only
checked for the shape of a JSON object and never decoded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from tracker.core.reading import Cursor, ReadResult
from tracker.sources.base import LineParser

CHUNK = 8 << 20
_OPEN, _CLOSE, _CR, _SPACE = ord("{"), ord("}"), ord("\r"), ord(" ")
CORRUPT = "not valid JSON (corrupt or truncated line)"


def read_incremental(path: Path, cursor: Cursor, parse_line: LineParser, needles: Sequence[bytes] = ()) -> ReadResult:
    """Read what was appended to ``path`` since ``cursor``; never raises for bad content.

    With no ``needles`` every line goes to ``parse_line``.
    """
    context: dict[str, Any] = dict(cursor.context)
    result = ReadResult(cursor=cursor)
    pattern = re.compile(b"|".join(re.escape(n) for n in needles)) if needles else None
    offset, line_no, pending = cursor.offset, cursor.line_no, cursor.pending_newline
    try:
        with path.open("rb") as f:
            f.seek(offset)
            carry = b""
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                if pending:
                    pending = False
                    if chunk[:1] == b"\n":
                        chunk = chunk[1:]
                        offset += 1
                buf = carry + chunk if carry else chunk
                consumed, line_no = _scan(buf, line_no, pattern, parse_line, context, result)
                offset += consumed
                carry = buf[consumed:]
            tail = carry.strip()
            if tail and _is_complete_json(tail):
                line_no += 1
                result.lines_read += 1
                offset += len(carry)
                pending = True
                if not needles or any(n in tail for n in needles):
                    parse_line(tail, line_no, context, result)
    except OSError as exc:
        result.error = f"cannot read {path}: {exc.strerror or exc}"
    result.cursor = Cursor(offset, line_no, pending, context)
    return result


def _scan(
    buf: bytes,
    line_no: int,
    pattern: re.Pattern[bytes] | None,
    parse_line: LineParser,
    context: dict[str, Any],
    result: ReadResult,
) -> tuple[int, int]:
    """Handle every complete line in ``buf``; return bytes consumed and the last line number."""
    find = buf.find
    search = pattern.search if pattern is not None else None
    start = 0
    lines = 0
    while True:
        nl = find(b"\n", start)
        if nl < 0:
            break
        line_no += 1
        lines += 1
        end = nl
        while end > start and buf[end - 1] in (_CR, _SPACE):
            end -= 1
        if end > start:
            if search is None or search(buf, start, end) is not None:
                parse_line(buf[start:end].strip(), line_no, context, result)
            elif buf[start] != _OPEN or buf[end - 1] != _CLOSE:
                result.skip(line_no, CORRUPT)
        start = nl + 1
    result.lines_read += lines
    return start, line_no


T = TypeVar("T", bound=msgspec.Struct)


def decode_line(
    decoder: msgspec.json.Decoder[T], line: bytes, line_no: int, result: ReadResult, known: frozenset[str]
) -> T | None:
    """Decode one line; bad JSON, a wrong shape or an event type not in ``known`` is
    counted on ``result`` and gives None. The decoded type must have a ``type`` field."""
    try:
        rec = decoder.decode(line)
    except msgspec.ValidationError as exc:
        result.skip(line_no, f"unexpected shape: {exc}")
        return None
    except msgspec.DecodeError:
        result.skip(line_no, CORRUPT)
        return None
    kind = getattr(rec, "type", None) or "?"
    if kind not in known:
        result.ignore(f"unknown event type {kind!r}")
        return None
    return rec


def _is_complete_json(line: bytes) -> bool:
    try:
        msgspec.json.decode(line)
    except msgspec.DecodeError:
        return False
    return True
