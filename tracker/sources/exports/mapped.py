"""Any CSV, JSON or JSONL of usage through a field mapping: the agent platforms companies build.

A mapping names, for each field Tokenworth needs, the column (CSV) or key path (JSON, dotted:
``usage.input_tokens``) that holds it. Only ``timestamp`` is required; token kinds left out are
0. The rows count as exact usage under the mapping's source id, which may not be one of the
tools Tokenworth reads logs of (that usage would count twice). A row with a request id is kept
once per id; without one, once per identical row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import DocumentCursor, ReadResult
from tracker.core.settings_schema import USAGE_FIELDS
from tracker.sources.exports.format import ExportRead
from tracker.sources.normalize import add_usage

FIELDS = USAGE_FIELDS  # what a mapping can fill, in the order a dialog shows them
REQUIRED = "timestamp"
# Say whether input counts include cached tokens (OpenAI-style APIs) and whether output
# includes reasoning: the two ways usage records differ.
FLAGS = ("input_includes_cache", "reasoning_separate")
SOURCE_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


NOT_JSON: Mapping[str, Any] = {}  # the record of a JSONL line that is not JSON at all (told apart by identity)


class MappingError(ValueError):
    """A mapping that cannot be used (shown as is)."""


def check_source(source: str, log_sources: frozenset[str]) -> str:
    if not SOURCE_ID.fullmatch(source) or len(source) > 40:
        raise MappingError(f"source id {source!r}: lower-case letters, digits and hyphens, e.g. 'acme-agent'")
    if source in log_sources:
        raise MappingError(
            f"{source!r} is a tool Tokenworth reads logs of; its usage would count twice: name this export's tool"
        )
    return source


def saved_mapping(saved: Mapping[str, str], log_sources: frozenset[str]) -> tuple[dict[str, str], str, frozenset[str]]:
    """A saved mapping (the ``sources.usage_mappings`` setting's value) as (fields, source, flags)."""
    source = check_source(saved.get("source", ""), log_sources)
    flags = frozenset(f.strip() for f in saved.get("flags", "").split(",") if f.strip())
    if flags - set(FLAGS):
        raise MappingError(f"unknown flags {', '.join(sorted(flags - set(FLAGS)))}; known: {', '.join(FLAGS)}")
    fields = {k: v for k, v in saved.items() if k in FIELDS and v}
    return fields, source, flags


def rows_of(path: Path, text: str) -> Iterator[tuple[int, Mapping[str, Any] | None]]:
    """(line or row number, record) for every record of a CSV, JSON or JSONL file; None for one
    that is not an object."""
    stripped = text.lstrip()
    if path.suffix.lower() == ".jsonl" or (stripped.startswith("{") and "\n{" in stripped):
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    value = msgspec.json.decode(line)
                except msgspec.DecodeError:
                    yield n, NOT_JSON
                    continue
                yield n, value if isinstance(value, dict) else None
        return
    if stripped.startswith(("[", "{")):
        doc = msgspec.json.decode(text)  # a broken document is the caller's one error
        if isinstance(doc, dict):  # {"data": [...]}: the first list of objects in it
            doc = next((v for v in doc.values() if isinstance(v, list)), [doc])
        for n, value in enumerate(doc if isinstance(doc, list) else [], 1):
            yield n, value if isinstance(value, dict) else None
        return
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2):  # row 1 is the header
        yield n, row


def columns(path: Path, text: str) -> list[str]:
    """What a mapping can point at: the CSV header, or the key paths of the first records."""
    seen: dict[str, None] = {}
    for i, (_, record) in enumerate(rows_of(path, text)):
        if record is not None:
            for key in _paths(record):
                seen.setdefault(key)
        if i >= 20:
            break
    return list(seen)


def _paths(value: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for k, v in value.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _paths(v, f"{name}.")
        else:
            yield name


def _get(record: Mapping[str, Any], path: str) -> Any:
    if path in record:  # CSV columns and flat keys, dots and all
        return record[path]
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def parse_time(value: Any) -> int | None:
    """ISO 8601 (a naive time is UTC), or epoch seconds/milliseconds by magnitude, as epoch ms."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return int(moment.timestamp() * 1000)
        value = number
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value * 1000) if value < 10**11 else int(value)  # 10^11 s is the year 5138


def _number(value: Any) -> Any:
    """CSV cells are text: '1,234' and '12' become numbers; anything else is left to fail."""
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if not text:
            return 0
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return value
    return value


def read_mapped(
    path: Path, mapping: Mapping[str, str], source: str, flags: frozenset[str] = frozenset(), text: str | None = None
) -> ExportRead:
    """Read ``path`` (or its ``text``, already read) through ``mapping`` (field -> column or key
    path) as usage of ``source``."""
    out = ExportRead(format=f"mapped usage ({source})", source=source)
    if REQUIRED not in mapping:
        out.error = f"the mapping names no column for {REQUIRED}"
        return out
    try:
        if text is None:
            text = path.read_text(encoding="utf-8-sig")
        records = list(rows_of(path, text))
    except (OSError, UnicodeDecodeError, msgspec.DecodeError, csv.Error) as exc:
        out.error = f"{path}: cannot be read ({exc})"
        return out
    result = ReadResult(cursor=DocumentCursor())
    for n, record in records:
        out.rows_read += 1
        if record is NOT_JSON:
            result.skip(n, "not valid JSON")
            continue
        if record is None:
            result.skip(n, "not an object with fields")
            continue
        ts = parse_time(_get(record, mapping[REQUIRED]))
        if ts is None:
            result.skip(n, f"no readable time in {mapping[REQUIRED]!r}")
            continue

        def field(name: str, record: Mapping[str, Any] = record) -> Any:
            return _number(_get(record, mapping[name])) if name in mapping else 0

        def text_field(name: str, record: Mapping[str, Any] = record) -> str:
            value = _get(record, mapping[name]) if name in mapping else None
            return "" if value is None else str(value)

        tokens = [field(f) for f in FIELDS[2:7]]
        request = text_field("request_id")
        same_row = f"{source}:row:{ts}:{text_field('model')}:{text_field('session')}:{tokens}"
        key = f"{source}:{request}" if request else same_row
        cost = _number(text_field("cost_usd")) if text_field("cost_usd").strip() else None  # empty: unknown
        add_usage(
            result, n, source=source, key=key, session=text_field("session") or f"{path.name}",
            project=text_field("project"), model=text_field("model"), ts_ms=ts,
            input=tokens[0], output=tokens[1], cache_write_5m=tokens[2], cache_read=tokens[3], reasoning=tokens[4],
            input_includes_cache_read="input_includes_cache" in flags,
            input_includes_cache_write="input_includes_cache" in flags,
            reasoning_separate="reasoning_separate" in flags,
            tool_cost_usd=cost,
        )  # fmt: skip
    out.events = result.events
    out.skipped, out.skipped_count = list(result.skipped), result.skipped_count
    return out
