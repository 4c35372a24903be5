"""Usage timestamps: the inlined fast path answers exactly as ``iso_to_ms`` + the range check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from tracker.sources.normalize import timestamp_ok
from tracker.sources.timestamps import iso_to_ms, usage_ts_ms


def reference(value: object) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        ms = iso_to_ms(value)
    except ValueError:
        return None
    return ms if timestamp_ok(ms) else None


def test_common_shapes() -> None:
    assert usage_ts_ms("2025-06-01T12:00:00.123Z") == 1748779200123
    assert usage_ts_ms("2025-06-01T14:00:00.123+02:00") == 1748779200123
    assert usage_ts_ms("2025-06-01T12:00:00") == 1748779200000  # no zone: UTC
    assert usage_ts_ms("1999-12-31T23:59:59.999Z") is None  # before 2000
    assert usage_ts_ms("2100-01-01T00:00:00Z") is None
    assert usage_ts_ms("0001-01-01T00:00:00+14:00") is None  # before year 1
    for odd in ("", "soon", 5, None, b"2025-06-01T12:00:00Z", "2025-06-01T12:00:00.123Zjunk"):
        assert usage_ts_ms(odd) is None


_instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2110, 1, 1))
_zones = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7, minutes=-30)), None])


@given(instant=_instants, zone=_zones, spec=st.sampled_from(["milliseconds", "microseconds", "seconds", "auto"]))
def test_equals_the_reference_on_iso_strings(instant: datetime, zone: timezone | None, spec: str) -> None:
    value = instant.replace(tzinfo=zone).isoformat(timespec=spec)
    if zone is UTC and spec == "milliseconds":
        value = value.replace("+00:00", "Z")  # what the tools write
    assert usage_ts_ms(value) == reference(value)


@given(st.text(max_size=40))
def test_equals_the_reference_on_any_text(value: str) -> None:
    assert usage_ts_ms(value) == reference(value)
