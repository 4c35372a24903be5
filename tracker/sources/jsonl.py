"""Incremental reading of append-only JSONL logs.

Only appended bytes are read. A line is consumed once its newline is written; an
unterminated last line is consumed only when it is a complete JSON value (some writers
never add the final newline), otherwise it is left for the next read.

Speed: a source names the byte strings (``needles``) that any line it cares about must
contain; other lines are only checked for the shape of a JSON object, never decoded. A
source with a ``LineFormat`` has the needle lines of each block of complete lines decoded
in one call (``line_select`` picks them, natively when it can; msgspec skips the large
prompt and reply text of every field it does not need). A block with a line that is not
an object line, or a needle line that is not a well-formed record of the format, is read
again line by line, so what is reported about it is the same either way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Generic, Protocol, TypeVar

import msgspec

from tracker.core.reading import Cursor, ReadResult
from tracker.sources.line_select import select_lines

CHUNK = 4 << 20
# One read stops after about this much of a file, so memory stays flat however big the file
# is; the importer stores what was read and reads on from the cursor.
READ_LIMIT = 64 << 20
BEFORE_BYTES = 4096  # hashed just before the cursor, to notice a file rewritten in place
_OPEN, _CLOSE, _CR, _SPACE = ord("{"), ord("}"), ord("\r"), ord(" ")
CORRUPT = "not valid JSON (corrupt or truncated line)"
FAILED = "could not be read ({})"
# A handler's key in ``context`` for what it keeps during one read only: never stored in the cursor.
READ_SCRATCH = "~read"
# What a handler may raise on a record too odd for it: that line is skipped, nothing else.
ODD_RECORD = (TypeError, ValueError, AttributeError, KeyError, OverflowError, RecursionError)


class LineParser(Protocol):
    """Turns one complete JSONL line into records on ``result``; state lives in ``context``."""

    def __call__(self, line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None: ...


class Record(msgspec.Struct, gc=False):
    """Base of a source's decoded line types. A decoded line holds only what JSON holds, so it
    is never part of a reference cycle: untracked by the garbage collector, its many small
    instances cost no collections (a tenth of the decode time of a large log)."""


R = TypeVar("R", bound=msgspec.Struct)  # with a ``type: str | None`` field


class BlockReader(Protocol):
    """Reads the needle lines of a block itself (a source's native fast path), ``picked`` as
    ``select_lines`` gives them; returns the block's line count, or None to have it decoded as usual."""

    def __call__(
        self,
        buf: bytes,
        end: int,
        line_no: int,
        count: int,
        picked: list[int] | None,
        context: dict[str, Any],
        result: ReadResult,
    ) -> int | None: ...


@dataclass(frozen=True)
class LineFormat(Generic[R]):
    """A source's lines as records: how to decode them, which ``type``s it knows, and what to
    do with a record of a known type (nothing, for records that carry no usage)."""

    decoder: msgspec.json.Decoder[R]
    known: frozenset[str]
    handle: Callable[[R, int, dict[str, Any], ReadResult], None]
    # Tried on a line the typed decoder rejects: the same record with optional fields of any
    # type, turned by ``coerce`` into a typed record (a mistyped string field becomes absent;
    # numbers pass as they are, for the range checks), so one odd field does not lose the line
    # and the handler of the common, typed case checks no types.
    lenient: msgspec.json.Decoder[Any] | None = None
    coerce: Callable[[Any], R] | None = None
    # Reads a block instead of ``decoder`` and ``handle`` when set (and picklable, for workers);
    # what it reports must be what they report.
    block: BlockReader | None = None

    def parse_line(self, needles: Sequence[bytes]) -> LineParser:
        """The line-by-line parser for lines that contain one of ``needles``."""

        def parse(line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
            rec = decode_line(self.decoder, line, line_no, result, self.known, self.lenient, self.coerce)
            if rec is not None:
                _handle_one(self.handle, rec, line_no, context, result)

        return parse

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes receive parts by pickling; a msgspec decoder does not pickle, its type does.
        lenient = None if self.lenient is None else self.lenient.type
        return (_line_format, (self.decoder.type, self.known, self.handle, lenient, self.coerce, self.block))


def _line_format(
    kind: Any, known: frozenset[str], handle: Callable[..., None], lenient: Any, coerce: Any, block: Any = None
) -> LineFormat[Any]:
    loose = None if lenient is None else msgspec.json.Decoder(lenient)
    return LineFormat(msgspec.json.Decoder(kind), known, handle, loose, coerce, block)


def _handle_one(
    handle: Callable[[Any, int, dict[str, Any], ReadResult], None],
    rec: Any,
    line_no: int,
    context: dict[str, Any],
    result: ReadResult,
) -> None:
    """A record whose fields are too odd for its handler is that line's problem only."""
    try:
        handle(rec, line_no, context, result)
    except ODD_RECORD as exc:
        result.skip(line_no, FAILED.format(type(exc).__name__))


def before_hash(f: IO[bytes], offset: int) -> str:
    """SHA-256 of the (up to ``BEFORE_BYTES``) bytes of ``f`` just before ``offset``."""
    start = max(offset - BEFORE_BYTES, 0)
    f.seek(start)
    return hashlib.sha256(f.read(offset - start)).hexdigest()


def read_incremental(
    path: Path,
    cursor: Cursor,
    parse_line: LineParser,
    needles: Sequence[bytes] = (),
    line_format: LineFormat[Any] | None = None,
    limit: int | None = None,
) -> ReadResult:
    """Read what was appended to ``path`` since ``cursor``; never raises for bad content.

    With no ``needles`` every line goes to ``parse_line``. With a ``line_format`` (whose
    line-by-line parser must be ``parse_line``) whole blocks are decoded at once. With a
    ``limit``, reading stops (``result.more``) once about that many bytes were consumed.
    """
    context: dict[str, Any] = dict(cursor.context)
    result = ReadResult(cursor=cursor)
    pattern = re.compile(b"|".join(re.escape(n) for n in needles)) if needles else None
    offset, line_no, pending = cursor.offset, cursor.line_no, cursor.pending_newline
    stop = offset + limit if limit is not None else None
    tail_hash = cursor.before_hash
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
                consumed = buf.rfind(b"\n") + 1
                lines = _decode_block(buf, consumed, line_no, line_format, needles, context, result)
                if lines:
                    line_no += lines
                else:
                    consumed, line_no = _scan(buf, line_no, pattern, parse_line, context, result)
                offset += consumed
                carry = buf[consumed:]
                if stop is not None and offset >= stop:
                    result.more = True
                    break
            tail = b"" if result.more else carry.strip()
            if tail and _is_complete_json(tail):
                line_no += 1
                result.lines_read += 1
                offset += len(carry)
                pending = True
                if not needles or any(n in tail for n in needles):
                    parse_line(tail, line_no, context, result)
            if offset != cursor.offset:
                tail_hash = before_hash(f, offset)
    except OSError as exc:
        result.error = f"cannot read {path}: {exc.strerror or exc}"
        result.more = False
    context.pop(READ_SCRATCH, None)
    result.cursor = Cursor(offset, line_no, pending, context, tail_hash)
    return result


def _decode_block(
    buf: bytes,
    end: int,
    line_no: int,
    line_format: LineFormat[Any] | None,
    needles: Sequence[bytes],
    context: dict[str, Any],
    result: ReadResult,
) -> int:
    """Handle the complete lines ``buf[:end]`` as one block; return how many there were, or 0
    when the block must be read line by line (nothing has been handled then).

    Only the lines holding a needle are decoded (as line by line): a line without one
    carries nothing the source uses, and is not reported even when it is not valid JSON.
    """
    if not end or line_format is None:
        return 0
    selection = select_lines(buf, end, tuple(needles))
    if selection is None:
        return 0
    count, picked, joined = selection
    if line_format.block is not None:
        done = line_format.block(buf, end, line_no, count, picked, context, result)
        if done is not None:
            return done
    try:
        records = line_format.decoder.decode_lines(memoryview(buf)[:end] if joined is None else joined)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeDecodeError):
        return 0  # deep nesting and invalid UTF-8 included: line by line, it is that line's problem only
    if len(records) != (count if picked is None else len(picked)):
        return 0  # a line holding two values: line numbers would be off
    handle, known = line_format.handle, line_format.known
    first = line_no + 1
    for j, rec in enumerate(records):
        i = first + (j if picked is None else picked[j])
        kind = rec.type
        if kind in known:
            try:  # free unless it raises (zero-cost exceptions): no wrapper call per record
                handle(rec, i, context, result)
            except ODD_RECORD as exc:
                result.skip(i, FAILED.format(type(exc).__name__))
        else:
            result.ignore(f"unknown event type {kind or '?'!r}")
    result.lines_read += count
    return count


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
    decoder: msgspec.json.Decoder[T],
    line: bytes,
    line_no: int,
    result: ReadResult,
    known: frozenset[str],
    lenient: msgspec.json.Decoder[Any] | None = None,
    coerce: Callable[[Any], T] | None = None,
) -> T | None:
    """Decode one line; bad JSON, a wrong shape or an event type not in ``known`` is
    counted on ``result`` and gives None. The decoded type must have a ``type`` field.
    A line of the wrong shape for ``decoder`` is tried with ``lenient`` too."""
    try:
        rec = decoder.decode(line)
    except msgspec.ValidationError as exc:
        try:
            if lenient is None:
                raise
            rec = lenient.decode(line)
            if coerce is not None:
                rec = coerce(rec)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, UnicodeDecodeError):
            result.skip(line_no, f"unexpected shape: {exc}")
            return None
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
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
    except (RecursionError, UnicodeDecodeError):
        return True  # hostile nesting: consumed, then skipped as corrupt
    return True
