"""Read a home the way the importer will, at the reader level, for any ``SourceSpec``.

Files are found from the spec's own roots, parts and patterns; each is read with its part's
reader kind (JSONL from byte 0, a DOCUMENT whole, a SQLITE database through a read-only
connection with the marks given); events are then kept once per key, the copy with the most
tokens winning, as the store does. Generic over reader kinds, so every source's tests can
use it (``read_gemini_family`` predates it and covers JSONL and DOCUMENT only).
"""

from __future__ import annotations

import fnmatch
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.sources.jsonl import read_incremental
from tracker.sources.spec import DocumentReader, JsonlReader, Kind, Part, SourceSpec, SqliteReader, spec_roots


def part_files(root: Path, part: Part) -> list[Path]:
    base = root / part.under if part.under else root
    out: list[Path] = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in part.skip_dirs)
        out.extend(Path(folder) / n for n in sorted(names) if any(fnmatch.fnmatch(n, p) for p in part.patterns))
    return out


def read_database(reader: SqliteReader, path: Path, marks: Mapping[str, int] | None = None) -> tuple[ReadResult, dict]:
    """One read of a database through a read-only connection, as the importer opens it."""
    result = ReadResult(cursor=Cursor())
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
        new_marks = reader.read_database(db, path, marks or {}, result)
    return result, new_marks


def read_file(part: Part, path: Path) -> ReadResult:
    if part.kind is Kind.JSONL:
        reader = cast(JsonlReader, part.reader)
        return read_incremental(
            path, Cursor(context=reader.start_context(path)), reader.parse_line, reader.needles, reader.line_format
        )
    if part.kind is Kind.SQLITE:
        return read_database(cast(SqliteReader, part.reader), path)[0]
    result = ReadResult(cursor=Cursor())
    cast(DocumentReader, part.reader).parse_document(path, path.read_bytes(), result)
    return result


def read_home(
    spec: SourceSpec, home: Path, env: dict[str, str] | None = None, platform: str = "linux"
) -> list[tuple[Path, ReadResult]]:
    out = []
    for root in spec_roots(spec, home, env or {}, platform=platform):
        for part in spec.parts:
            out.extend((p, read_file(part, p)) for p in part_files(root, part))
    return out


def dedup(events: Iterable[UsageEvent]) -> dict[str, UsageEvent]:
    """One event per key, the copy with the most tokens, as the store keeps it."""
    best: dict[str, UsageEvent] = {}
    for e in events:
        prev = best.get(e.dedup_key)
        if prev is None or e.total_tokens > prev.total_tokens:
            best[e.dedup_key] = e
    return best


def all_events(results: Iterable[tuple[Path, ReadResult]]) -> list[UsageEvent]:
    return [e for _, r in results for e in r.events]


def day(e: UsageEvent) -> str:
    return datetime.fromtimestamp(e.ts_ms / 1000, UTC).strftime("%Y-%m-%d")


Row = tuple[int, int, int, int]  # input, output, cache creation, cache read


def ccusage_daily(doc: dict[str, Any]) -> dict[tuple[str, str], Row]:
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


def per_day_model(
    events: Iterable[UsageEvent], *, output_without_reasoning: bool = False
) -> dict[tuple[str, str], Row]:
    """Our events per (UTC day, model) in ccusage's columns."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for e in events:
        row = out[(day(e), e.model)]
        row[0] += e.input_tokens
        row[1] += e.output_tokens - (e.reasoning_tokens if output_without_reasoning else 0)
        row[2] += e.cache_creation_tokens
        row[3] += e.cache_read_tokens
    return {k: (a, b, c, d) for k, (a, b, c, d) in out.items()}
