"""OpenTelemetry files as imports: the OTLP file exporter's JSON lines (one export request
per line, as the Collector's ``fileexporter`` writes them), GitHub Copilot's file exporter
(``COPILOT_OTEL_FILE_EXPORTER_PATH``: one SDK span or log per line) and Gemini CLI's telemetry
``outfile`` (SDK log records and spans, pretty-printed one after another).

One reader serves the three (a file may even mix them); the formats differ in what they
recognise and the name they report. Records are mapped by ``sources.otlp.mapping``: the same
call imported twice, or imported and received, is stored once; a call its tool's own logs hold
too is counted once (the import matches it to the log event: ``store.otlp_events``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tracker.sources.exports.format import ExportFormat, ExportRead
from tracker.sources.otlp.decode_json import file_records
from tracker.sources.otlp.read import usage_of

MAX_FILE_BYTES = 512 * 1024 * 1024  # read whole; a larger telemetry file is split by the user

_OTLP_KEYS = re.compile(rb'"resource(Logs|Spans|Metrics)"\s*:')
_SDK_TYPE = re.compile(rb'"type"\s*:\s*"(span|log|metric)"')
_GEMINI = re.compile(rb'"(hrTime|_spanContext|hrTimeObserved)"\s*:')


def _starts_object(head: bytes) -> bool:
    return head.lstrip()[:1] == b"{"


def recognises_otlp(path: Path, head: bytes) -> bool:
    return _starts_object(head) and _OTLP_KEYS.search(head) is not None


def recognises_copilot(path: Path, head: bytes) -> bool:
    return _starts_object(head) and _SDK_TYPE.search(head) is not None and b'"attributes"' in head


def recognises_gemini(path: Path, head: bytes) -> bool:
    return _starts_object(head) and _GEMINI.search(head) is not None and b'"attributes"' in head


def read_file(path: Path, name: str) -> ExportRead:
    """Every usage record of one OTLP file (never raises for bad content)."""
    out = ExportRead(format=name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            out.error = f"{path.name}: {size:,} bytes is more than an OTLP file import reads ({MAX_FILE_BYTES:,})"
            return out
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        out.error = f"{path.name}: not UTF-8 text, so not an OTLP JSON file"
        return out
    except OSError as exc:
        out.error = f"{path.name}: cannot be read ({exc.strerror or exc})"
        return out
    decoded = file_records(text)
    if not decoded.records and not decoded.metric_points:
        why = decoded.problems[0][1] if decoded.problems else "the file is empty"
        out.error = f"{path.name}: no OpenTelemetry records in it ({why})"
        return out
    result = usage_of(decoded)
    out.events = result.events
    out.rows_read = len(decoded.records)
    for skipped in result.skipped:
        out.skip(skipped.line_no, skipped.reason)
    out.skipped_count = result.skipped_count  # the reasons kept are bounded; the count is not
    sources = {e.source for e in out.events}
    out.source = sources.pop() if len(sources) == 1 else None
    out.notes = [f"{count:,} {what} not counted" for what, count in sorted(result.ignored.items())]
    if not out.events and not out.notes and decoded.records:
        out.notes.append("no per-call usage records in it (spans and logs without token counts)")
    return out


def make_formats() -> tuple[ExportFormat, ...]:
    """The three OTLP file formats."""

    def reader(name: str) -> Callable[[Path], ExportRead]:
        return lambda path: read_file(path, name)

    otlp, copilot, gemini = "OTLP JSON lines (file exporter)", "GitHub Copilot OTel file", "Gemini CLI telemetry file"
    return (
        ExportFormat(otlp, recognises_otlp, reader(otlp)),
        ExportFormat(copilot, recognises_copilot, reader(copilot)),
        ExportFormat(gemini, recognises_gemini, reader(gemini)),
    )


FORMATS = make_formats()
