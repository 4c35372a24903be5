"""What every importable file format provides, and what reading one produces.

A format recognises its files from their first bytes (the header row of a CSV, the first keys
of a JSON document) and reads the whole file. Reading never raises for bad content: a row that
cannot be used is a ``SkippedLine`` with a reason, a file that cannot be used at all sets
``error``. Events are exact usage a tool would have logged (Cursor's per-request CSV, OTLP
records, another machine's bundle) and are stored like log events, keyed so a re-import
replaces rather than adds; provider figures (a console's bill, premium requests) go to
``store.provider`` beside the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.core.provider_rows import ProviderRow
from tracker.core.records import SkippedLine, UsageEvent

HEAD_BYTES = 64 * 1024  # what a format sees to recognise its files


@dataclass
class ExportRead:
    """Everything one read of one export file produced."""

    format: str  # the format's name, e.g. "Cursor usage CSV (2025 headers)"
    source: str | None = None  # the source id its events count under ('cursor', 'otel' …)
    events: list[UsageEvent] = field(default_factory=list)
    provider_rows: list[ProviderRow] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)
    skipped_count: int = 0
    rows_read: int = 0
    error: str | None = None  # the file could not be used at all (nothing from it is stored)
    notes: list[str] = field(default_factory=list)  # what the user should know (estimates, units)

    def skip(self, line_no: int, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < 200:
            self.skipped.append(SkippedLine(line_no, reason))


@dataclass(frozen=True)
class ExportFormat:
    """One importable format."""

    name: str  # shown: "Cursor usage CSV", "Anthropic Console usage CSV" …
    # The file's first HEAD_BYTES (and its name): True when this format reads it.
    recognises: Callable[[Path, bytes], bool]
    read: Callable[[Path], ExportRead]
    # Said when a file looks like this format's family but is not readable, e.g. a cost CSV
    # handed in where usage was expected; empty for most formats.
    hint: str = ""
