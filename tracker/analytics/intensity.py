"""Calendar intensity as GitHub draws it: no usage, then four levels cut at the quartiles of
the days that had any, so a 6M day and a 60M day no longer look alike."""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections.abc import Iterable

LEVELS = 4


def quartile_cuts(values: Iterable[int]) -> list[float]:
    """The three cuts between the four levels, from the non-zero values (empty: none)."""
    active = sorted(v for v in values if v > 0)
    if len(active) < 2:
        return [float(v) for v in active[:1]] * (LEVELS - 1)
    return statistics.quantiles(active, n=LEVELS, method="inclusive")


def level(n: int, cuts: list[float]) -> int:
    """0 for no usage, else 1..4: how many cuts ``n`` is above, plus one."""
    if n <= 0:
        return 0
    if not cuts:
        return LEVELS
    return min(1 + bisect_left(cuts, n), LEVELS)
