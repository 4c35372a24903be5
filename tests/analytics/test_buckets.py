"""The bucket follows the span: hourly for a day or two, daily up to 45 days, weekly beyond."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.analytics.buckets import Slot, bucket_for, fold, slot_index, slots, week_label

D = date(2025, 10, 1)  # a Wednesday


@pytest.mark.parametrize(
    ("days", "bucket"), [(1, "hour"), (2, "hour"), (3, "day"), (30, "day"), (45, "day"), (46, "week"), (365, "week")]
)
def test_bucket_for(days: int, bucket: str) -> None:
    assert bucket_for(D, D + timedelta(days=days - 1)) == bucket


def test_hourly_slots() -> None:
    s = slots(D, D + timedelta(days=1))
    assert len(s) == 48
    assert s[0] == Slot(D, D, 0) and s[47] == Slot(D + timedelta(days=1), D + timedelta(days=1), 23)
    assert s[14].label == "14:00"
    assert s[24].label == "Thu 02"  # midnight names the day
    assert s[23].long_label == "Wed 2025-10-01 23:00–00:00"
    assert slot_index(s, D + timedelta(days=1), 5) == 29


def test_daily_slots() -> None:
    s = slots(D, D + timedelta(days=2))
    assert [x.label for x in s] == ["Oct 01", "Oct 02", "Oct 03"]
    assert s[2].long_label == "Fri 2025-10-03"
    assert slot_index(s, D - timedelta(days=1)) is None


def test_weekly_slots_run_monday_to_sunday_cut_at_the_period() -> None:
    s = slots(date(2025, 9, 20), date(2025, 10, 30), "week")  # Sat .. Thu
    assert s[0] == Slot(date(2025, 9, 20), date(2025, 9, 21))
    assert s[1] == Slot(date(2025, 9, 22), date(2025, 9, 28))
    assert s[2].label == "29 Sep–5 Oct"
    assert s[-1] == Slot(date(2025, 10, 27), date(2025, 10, 30))
    assert s[1].label == "22–28 Sep"
    assert slot_index(s, date(2025, 10, 1)) == 2
    assert len(slots(date(2025, 1, 1), date(2025, 12, 31))) == 53


def test_fold_sums_into_slots() -> None:
    s = slots(D, D + timedelta(days=60))
    out = fold(s, [(D, 0, 5), (D + timedelta(days=1), 0, 7), (D + timedelta(days=7), 0, 1), (date(2020, 1, 1), 0, 9)],
               lambda a, b: (a or 0) + b)  # fmt: skip
    assert out[:3] == [12, 1, None]


def test_week_label() -> None:
    assert week_label(date(2025, 9, 15), date(2025, 9, 21)) == "15–21 Sep"
