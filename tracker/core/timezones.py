"""Time zones: the user's zone by IANA name, and its UTC offsets over a span of time.

Stored timestamps are UTC milliseconds. Grouping by local day happens at query time;
``offset_segments`` lets the store do that grouping in SQL with a CASE over the few
offset changes (DST) inside the queried span.
"""

from __future__ import annotations

import os
import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.core.errors import UsageError

MS_PER_DAY = 86_400_000


def local_zone_name() -> str:
    """The system's IANA zone name (``TZ`` first, then what tzlocal reads: ``/etc/localtime``,
    ``timedatectl``'s files, the Windows registry, macOS' setting), or ``UTC``.

    On Windows ``ZoneInfo`` needs the ``tzdata`` package (a dependency there): the OS ships no
    IANA database.
    """
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and _is_zone(tz):
        return tz
    import tzlocal  # deferred: ~50 ms, and only a first run without a configured zone asks

    try:
        with warnings.catch_warnings():  # it warns when two system files disagree; it still answers
            warnings.simplefilter("ignore")
            name = tzlocal.get_localzone_name()
    except (LookupError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return "UTC"
    return name if name and _is_zone(name) else "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def get_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin") from None


def _offset_ms(zone: ZoneInfo, ms: int) -> int:
    instant = datetime.fromtimestamp(ms / 1000, UTC)
    off = instant.astimezone(zone).utcoffset()
    return int(off.total_seconds() * 1000) if off is not None else 0


def offset_segments(zone: ZoneInfo, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """``[(until_ms, offset_ms), ...]`` covering ``[start_ms, end_ms]``; the last has no end.

    Offsets change at most a few times a year, so a daily walk finds each change and a
    bisection pins it to the millisecond.
    """
    segments: list[tuple[int, int]] = []
    current = _offset_ms(zone, start_ms)
    t = start_ms
    while t < end_ms:
        nxt = min(t + MS_PER_DAY, end_ms)
        off = _offset_ms(zone, nxt)
        if off != current:
            lo, hi = t, nxt  # offset(lo) == current, offset(hi) != current
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset_ms(zone, mid) == current:
                    lo = mid
                else:
                    hi = mid
            segments.append((hi, current))
            current = _offset_ms(zone, hi)
            t = hi
        else:
            t = nxt
    segments.append((2**62, current))
    return segments


def local_day_start_ms(day: date, zone: ZoneInfo) -> int:
    """UTC milliseconds of local midnight starting ``day`` in ``zone``."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    return int(local.timestamp() * 1000)


def day_from_ordinal_ms(local_ms: int) -> date:
    """The calendar day of a millisecond count already shifted into local time."""
    return date(1970, 1, 1) + timedelta(days=local_ms // MS_PER_DAY)
