"""Reading helpers shared by the OpenClaw and pi tests: each reader kind as the importer calls
it, file claiming as discovery would do it, and the store's dedup (per key, the largest copy)."""

from __future__ import annotations

import fnmatch
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.sources.jsonl import read_incremental
from tracker.sources.spec import Kind, Part, SourceSpec


def read_jsonl(path: Path, reader: Any, cursor: Cursor | None = None) -> ReadResult:
    cursor = cursor or Cursor(context=reader.start_context(path))
    return read_incremental(path, cursor, reader.parse_line, reader.needles, reader.line_format)


def read_document(path: Path, reader: Any, data: bytes | None = None) -> ReadResult:
    r = ReadResult(cursor=Cursor())
    reader.parse_document(path, path.read_bytes() if data is None else data, r)
    return r


def read_db(path: Path, reader: Any, marks: dict[str, int] | None = None) -> tuple[ReadResult, dict[str, int]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        r = ReadResult(cursor=Cursor())
        return r, reader.read_database(db, path, marks or {}, r)
    finally:
        db.close()


def claims(spec: SourceSpec, root: Path, path: Path) -> list[str]:
    """The parts of ``spec`` that would read ``path`` below ``root``."""
    rel = path.relative_to(root)
    out = []
    for part in spec.parts:
        if part.under and rel.parts[: len(Path(part.under).parts)] != Path(part.under).parts:
            continue
        if any(d in part.skip_dirs for d in rel.parts[:-1]):
            continue
        if any(fnmatch.fnmatchcase(path.name, p) for p in part.patterns):
            out.append(part.name)
    return out


def read_part(part: Part, path: Path) -> ReadResult:
    if part.kind is Kind.JSONL:
        return read_jsonl(path, part.reader)
    if part.kind is Kind.DOCUMENT:
        return read_document(path, part.reader)
    return read_db(path, part.reader)[0]


def read_tree(spec: SourceSpec, root: Path) -> list[ReadResult]:
    """Every file below ``root`` read by the part that claims it (as the importer would)."""
    by_name = {p.name: p for p in spec.parts}
    results = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        for name in claims(spec, root, path):
            results.append(read_part(by_name[name], path))
    return results


def stored(results: Iterable[ReadResult]) -> dict[str, UsageEvent]:
    """What the store keeps: per key, the copy with the most tokens."""
    best: dict[str, UsageEvent] = {}
    for r in results:
        for e in r.events:
            prev = best.get(e.dedup_key)
            if prev is None or e.total_tokens > prev.total_tokens:
                best[e.dedup_key] = e
    return best


def counts(e: UsageEvent) -> tuple[int, int, int, int, int]:
    """(input, output, cache write, cache read, reasoning) of one stored request."""
    return e.input_tokens, e.output_tokens, e.cache_creation_tokens, e.cache_read_tokens, e.reasoning_tokens
