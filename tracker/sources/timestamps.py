"""ISO-8601 timestamps from tool logs to UTC milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.sources.normalize import MAX_TS_MS, MIN_TS_MS


def iso_to_ms(value: str) -> int:
    """Parse ``2025-06-01T12:00:00.123Z`` (or with an offset) into UTC epoch milliseconds.

    A value without a zone is taken as UTC, which is what the tools write. Raises
    ``ValueError`` for anything else, an instant no calendar can hold included.
    """
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return int(dt.timestamp() * 1000)
    except (OverflowError, OSError) as exc:  # e.g. 0001-01-01T00:00:00+14:00 is before year 1
        raise ValueError(f"timestamp out of range: {value[:40]!r}") from exc


_fromisoformat = datetime.fromisoformat


def usage_ts_ms(value: object) -> int | None:
    """``value`` as the UTC milliseconds of a usage record, or None when it is not a
    readable timestamp inside the range usage can have (2000 to 2100)."""
    # Once per usage record of every log: ``iso_to_ms`` and ``timestamp_ok`` inlined, with
    # exactly their arithmetic (the float of ``timestamp()`` included, so results are equal).
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = _fromisoformat(value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        ts_ms = int(dt.timestamp() * 1000)
    except (ValueError, OverflowError, OSError):
        return None
    return ts_ms if MIN_TS_MS <= ts_ms < MAX_TS_MS else None
