"""Read a home at the reader level the way the importer does, for any ``SourceSpec``.

Files are found by the platform's own discovery (``tracker.sources.discovery``: the spec's
roots, parts, patterns, skipped folders, one visit per file) and read by the platform's reader
for their part's kind: appended JSONL from byte 0 (block decoding, checked against line by line),
a DOCUMENT whole through ``sources.document`` (``.zst`` decompressed first), a SQLITE database
on ``sources.sqlite_db``'s read-only connection (one snapshot, the marks given). ``dedup`` then keeps
one event per key, the copy with the most tokens, as the store does; the rest turns events into
per day x model rows, ours or ccusage's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.sources import document
from tracker.sources.discovery import Found, discover
from tracker.sources.jsonl import read_incremental
from tracker.sources.spec import DocumentReader, JsonlReader, Kind, Part, SourceSpec, SqliteReader, spec_roots
from tracker.sources.sqlite_db import open_read_only

Key = tuple[str, str]  # (day, model)
Row = tuple[int, int, int, int]  # input, output, cache creation, cache read


# --- one file, by reader kind -------------------------------------------------------------


def read_jsonl(path: Path, reader: Any, cursor: Cursor | None = None) -> ReadResult:
    """Appended lines from ``cursor`` (the start when None); block decoding must agree with
    reading line by line."""
    cursor = cursor or Cursor(context=reader.start_context(path))
    fast = read_incremental(path, cursor, reader.parse_line, reader.needles, reader.line_format)
    if reader.line_format is not None:
        assert fast == read_incremental(path, cursor, reader.parse_line, reader.needles)
    return fast


def read_document(path: Path, reader: Any, data: bytes | None = None) -> ReadResult:
    """The whole file through the platform (``data``: these bytes handed to the reader as they are)."""
    if data is None:
        return document.read_document(path, cast(DocumentReader, reader))
    result = ReadResult(cursor=Cursor())
    reader.parse_document(path, data, result)
    return result


def read_database(reader: Any, path: Path, marks: Mapping[str, int] | None = None) -> tuple[ReadResult, dict[str, int]]:
    """One read of a database on the importer's read-only connection, in one snapshot; the
    reader's own result (``sources.sqlite_db.read_sqlite`` would recount ``lines_read``) and
    the marks for next time."""
    result = ReadResult(cursor=Cursor())
    with closing(open_read_only(path)) as db:
        db.execute("BEGIN")
        try:
            new_marks = cast(SqliteReader, reader).read_database(db, path, dict(marks or {}), result)
        finally:
            db.execute("ROLLBACK")
    return result, new_marks


def read_part(part: Part, path: Path) -> ReadResult:
    if part.kind is Kind.JSONL:
        return read_jsonl(path, cast(JsonlReader, part.reader))
    if part.kind is Kind.DOCUMENT:
        return read_document(path, part.reader)
    return read_database(part.reader, path)[0]


# --- a home or a folder, by discovery -----------------------------------------------------


def found(spec: SourceSpec, roots: Iterable[Path]) -> list[Found]:
    """The files discovery yields for ``spec`` below ``roots`` (none it could not use)."""
    out = list(discover(spec, list(roots)))
    assert all(f.error is None for f in out), [f.error for f in out if f.error]
    return out


def read_home(
    spec: SourceSpec, home: Path, env: dict[str, str] | None = None, platform: str = "linux"
) -> list[tuple[Path, ReadResult]]:
    """Every file of ``spec`` in ``home`` read by the part that claims it, in discovery order."""
    roots = spec_roots(spec, home, env or {}, platform=platform)
    return [(f.path, read_part(cast(Part, f.part), f.path)) for f in found(spec, roots)]


def read_tree(spec: SourceSpec, root: Path) -> list[ReadResult]:
    """Every file of ``spec`` below ``root`` (taken as one of its roots)."""
    return [read_part(cast(Part, f.part), f.path) for f in found(spec, [root])]


def claims(spec: SourceSpec, root: Path, path: Path) -> list[str]:
    """The part of ``spec`` that reads ``path`` below ``root`` (empty: none does)."""
    return [cast(Part, f.part).name for f in found(spec, [root]) if f.path == path]


# --- what the store keeps, per day x model ------------------------------------------------


def all_events(results: Iterable[tuple[Path, ReadResult]]) -> list[UsageEvent]:
    return [e for _, r in results for e in r.events]


def dedup(events: Iterable[UsageEvent]) -> dict[str, UsageEvent]:
    """One event per key, the copy with the most tokens, as the store keeps it."""
    best: dict[str, UsageEvent] = {}
    for e in events:
        prev = best.get(e.dedup_key)
        if prev is None or e.total_tokens > prev.total_tokens:
            best[e.dedup_key] = e
    return best


def stored(results: Iterable[ReadResult]) -> dict[str, UsageEvent]:
    """What the store keeps of several reads."""
    return dedup(e for r in results for e in r.events)


def counts(e: UsageEvent) -> tuple[int, int, int, int, int]:
    """(input, output, cache write, cache read, reasoning) of one stored request."""
    return e.input_tokens, e.output_tokens, e.cache_creation_tokens, e.cache_read_tokens, e.reasoning_tokens


def day(e: UsageEvent, zone: str = "UTC") -> str:
    return datetime.fromtimestamp(e.ts_ms / 1000, UTC if zone == "UTC" else ZoneInfo(zone)).strftime("%Y-%m-%d")


def daily(events: Iterable[UsageEvent]) -> dict[Key, list[int]]:
    """(UTC day, model) -> [input, output, cache read, reasoning]."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for e in events:
        row = out[(day(e), e.model)]
        row[0] += e.input_tokens
        row[1] += e.output_tokens
        row[2] += e.cache_read_tokens
        row[3] += e.reasoning_tokens
    return dict(out)


def per_day_model(
    events: Iterable[UsageEvent],
    *,
    output_without_reasoning: bool = False,
    cache_in_input: bool = False,
    zone: str = "UTC",
) -> dict[Key, Row]:
    """Our events per (day in ``zone``, model) in ccusage's columns; the flags apply ccusage's
    conventions (output without reasoning, the cache read left inside input)."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for e in events:
        row = out[(day(e, zone), e.model)]
        row[0] += e.input_tokens + (e.cache_read_tokens if cache_in_input else 0)
        row[1] += e.output_tokens - (e.reasoning_tokens if output_without_reasoning else 0)
        row[2] += e.cache_creation_tokens
        row[3] += e.cache_read_tokens
    return {k: (a, b, c, d) for k, (a, b, c, d) in out.items()}


def peer_view(events: Iterable[UsageEvent], *, cache_in_input: bool = False) -> dict[Key, Row]:
    """Our events as ccusage shows Gemini-family usage: output without reasoning."""
    return per_day_model(events, output_without_reasoning=True, cache_in_input=cache_in_input)


def ccusage_daily(doc: dict[str, Any]) -> dict[Key, Row]:
    """``ccusage <source> daily --json`` rows per (day, model)."""
    return {
        (row["date"], m["modelName"]): (
            m["inputTokens"],
            m["outputTokens"],
            m["cacheCreationTokens"],
            m["cacheReadTokens"],
        )
        for row in doc.get("daily", [])
        for m in row["modelBreakdowns"]
    }
