"""Decoded OTLP records to a ``ReadResult``: the one step the receiver and the file formats share."""

from __future__ import annotations

from collections.abc import Collection

from tracker.core.reading import DocumentCursor, ReadResult
from tracker.sources.otlp.mapping import add_metric_points, map_records
from tracker.sources.otlp.records import Decoded


def usage_of(decoded: Decoded, *, off: Collection[str] = ()) -> ReadResult:
    """The usage events of ``decoded``, with its unusable parts skipped and the rest ignored."""
    result = ReadResult(DocumentCursor())
    for line_no, reason in decoded.problems:
        result.skip(line_no, reason)
    map_records(decoded.records, result, off=off)
    add_metric_points(result, decoded.metric_points)
    return result
