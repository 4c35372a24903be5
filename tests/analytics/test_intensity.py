"""Calendar levels by quartile: each level holds about a quarter of the active days."""

from __future__ import annotations

from collections import Counter

from tracker.analytics.intensity import level, quartile_cuts


def test_levels_split_active_days_into_quarters() -> None:
    days = [6_000_000 + i * 675_000 for i in range(80)] + [0] * 20  # 6M .. 59M, 20 idle days
    cuts = quartile_cuts(days)
    counts = Counter(level(n, cuts) for n in days)
    assert counts[0] == 20
    assert [counts[k] for k in (1, 2, 3, 4)] == [20, 20, 20, 20]
    assert level(6_000_000, cuts) == 1 and level(59_325_000, cuts) == 4


def test_few_days() -> None:
    assert quartile_cuts([]) == []
    assert level(5, quartile_cuts([])) == 4
    assert level(5, quartile_cuts([5, 0])) == 1
    assert level(0, quartile_cuts([5])) == 0
    cuts = quartile_cuts([1, 100])
    assert level(1, cuts) == 1 and level(100, cuts) == 4
