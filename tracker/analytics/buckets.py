"""How finely a chart cuts a period: hours for a day or two, days up to six weeks, weeks beyond.

One rule for the dashboard and the PDF, so a one-day period is never a single bar and a
quarter is never ninety slivers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeVar

Bucket = Literal["hour", "day", "week"]
HOURLY_MAX_DAYS = 2
DAILY_MAX_DAYS = 45

T = TypeVar("T")


def bucket_for(since: date, until: date) -> Bucket:
    """≤ 2 days: hourly; ≤ 45 days: daily; longer: weekly (both ends inclusive)."""
    days = (until - since).days + 1
    if days <= HOURLY_MAX_DAYS:
        return "hour"
    if days <= DAILY_MAX_DAYS:
        return "day"
    return "week"


@dataclass(frozen=True)
class Slot:
    """One bar: ``first``..``last`` (local days, inclusive), and for hourly slots the hour."""

    first: date
    last: date
    hour: int | None = None

    @property
    def label(self) -> str:
        """The tick under the bar: ``Fri 03`` at midnight, ``14:00``, ``Oct 03``, ``15-21 Sep``."""
        if self.hour == 0:
            return self.first.strftime("%a %d")  # midnight names the day
        if self.hour is not None:
            return f"{self.hour:02d}:00"
        if self.first == self.last:
            return self.first.strftime("%b %d")
        return week_label(self.first, self.last)

    @property
    def long_label(self) -> str:
        """What the hover read-out names: ``Fri 2025-10-03 14:00-15:00``, ``Mon 15 - Sun 21 Sep 2025``."""
        if self.hour is not None:
            return f"{self.first:%a %Y-%m-%d} {self.hour:02d}:00–{(self.hour + 1) % 24:02d}:00"
        if self.first == self.last:
            return f"{self.first:%a %Y-%m-%d}"
        return f"{self.first:%a %d %b} – {self.last:%a %d %b %Y}"


def week_label(first: date, last: date) -> str:
    """``15-21 Sep``, or ``29 Sep-5 Oct`` across a month."""
    if first.month == last.month:
        return f"{first.day}–{last.day} {last:%b}"
    return f"{first.day} {first:%b}–{last.day} {last:%b}"


def slots(since: date, until: date, bucket: Bucket | None = None) -> list[Slot]:
    """Every slot of the period in order; weeks run Monday to Sunday, cut at the period's ends."""
    bucket = bucket or bucket_for(since, until)
    if until < since:
        return []
    out: list[Slot] = []
    if bucket == "hour":
        day = since
        while day <= until:
            out.extend(Slot(day, day, h) for h in range(24))
            day += timedelta(days=1)
    elif bucket == "day":
        out = [Slot(since + timedelta(days=i), since + timedelta(days=i)) for i in range((until - since).days + 1)]
    else:
        first = since
        while first <= until:
            sunday = first + timedelta(days=6 - first.weekday())
            out.append(Slot(first, min(sunday, until)))
            first = sunday + timedelta(days=1)
    return out


def tick_step(series: Sequence[Slot]) -> int | None:
    """Label every 3rd hour of one day, every 6th of two (midnight names the day); else None
    (the axis picks its own spacing)."""
    if not series or series[0].hour is None:
        return None
    return 3 if len(series) <= 24 else 6


def slot_index(series: Sequence[Slot], day: date, hour: int = 0) -> int | None:
    """Which slot holds ``day`` (at ``hour`` for hourly slots); None outside the period."""
    if not series or not series[0].first <= day <= series[-1].last:
        return None
    if series[0].hour is not None:
        return (day - series[0].first).days * 24 + hour
    if series[0].first == series[0].last and series[-1].first == series[-1].last:
        return (day - series[0].first).days
    for i, s in enumerate(series):
        if s.first <= day <= s.last:
            return i
    return None  # pragma: no cover - the range check above covers every day


def fold(
    series: Sequence[Slot],
    items: Iterable[tuple[date, int, T]],
    add: Callable[[T | None, T], T],
) -> list[T | None]:
    """Sum ``(day, hour, value)`` items into their slots with ``add(current, value)``."""
    out: list[T | None] = [None] * len(series)
    for day, hour, value in items:
        i = slot_index(series, day, hour)
        if i is not None:
            out[i] = add(out[i], value)
    return out
