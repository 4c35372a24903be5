"""ISO-8601 timestamps from tool logs to UTC milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_to_ms(value: str) -> int:
    """Parse ``2025-06-01T12:00:00.123Z`` (or with an offset) into UTC epoch milliseconds.

    A value without a zone is taken as UTC, which is what the tools write.
    """
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)
