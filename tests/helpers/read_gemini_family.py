"""Read a home the way the importer will, at the reader level, for the Gemini and Qwen specs.

Files are found from the spec's own roots, parts and patterns; each is read with its
part's reader kind; events are then kept once per key, the copy with the most tokens
winning, as the store does.
"""

from __future__ import annotations

import fnmatch
import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.sources.jsonl import read_incremental
from tracker.sources.spec import DocumentReader, JsonlReader, Kind, Part, SourceSpec, spec_roots


def part_files(root: Path, part: Part) -> list[Path]:
    base = root / part.under if part.under else root
    out: list[Path] = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in part.skip_dirs)
        out.extend(Path(folder) / n for n in sorted(names) if any(fnmatch.fnmatch(n, p) for p in part.patterns))
    return out


def read_file(part: Part, path: Path) -> ReadResult:
    if part.kind is Kind.JSONL:
        reader = cast(JsonlReader, part.reader)
        cursor = Cursor(context=reader.start_context(path))
        fast = read_incremental(path, cursor, reader.parse_line, reader.needles, reader.line_format)
        if reader.line_format is not None:  # block decoding must agree with line by line
            assert fast == read_incremental(path, cursor, reader.parse_line, reader.needles)
        return fast
    assert part.kind is Kind.DOCUMENT
    doc = cast(DocumentReader, part.reader)
    result = ReadResult(cursor=Cursor())
    doc.parse_document(path, path.read_bytes(), result)
    return result


def read_home(spec: SourceSpec, home: Path, env: dict[str, str] | None = None) -> list[tuple[Path, ReadResult]]:
    out = []
    for root in spec_roots(spec, home, env or {}, platform="linux"):
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


def _day(e: UsageEvent) -> str:
    return datetime.fromtimestamp(e.ts_ms / 1000, UTC).strftime("%Y-%m-%d")


def daily(events: Iterable[UsageEvent]) -> dict[tuple[str, str], list[int]]:
    """(UTC day, model) -> [input, output, cache read, reasoning]."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for e in events:
        row = out[(_day(e), e.model)]
        row[0] += e.input_tokens
        row[1] += e.output_tokens
        row[2] += e.cache_read_tokens
        row[3] += e.reasoning_tokens
    return dict(out)


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
        for row in doc["daily"]
        for m in row["modelBreakdowns"]
    }


def peer_view(events: Iterable[UsageEvent], *, cache_in_input: bool = False) -> dict[tuple[str, str], Row]:
    """Our events as ccusage shows them: output without reasoning (and the cache left in input)."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for e in events:
        row = out[(_day(e), e.model)]
        row[0] += e.input_tokens + (e.cache_read_tokens if cache_in_input else 0)
        row[1] += e.output_tokens - e.reasoning_tokens
        row[2] += e.cache_creation_tokens
        row[3] += e.cache_read_tokens
    return {k: (a, b, c, d) for k, (a, b, c, d) in out.items()}
