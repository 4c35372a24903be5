"""Work logged after the fact: ``task add --done-on/--done-at`` lands in that day's period."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest

from tests.conftest import CliRunner
from tracker.core.errors import UsageError
from tracker.services.tasks import done_when


def listed(cli: CliRunner, *args: str) -> list[dict]:
    return json.loads(cli("task", "list", "--json", *args, check_rc=0).stdout)


def test_done_on_a_past_day_counts_in_that_days_period(cli: CliRunner) -> None:
    cli("task", "add", "Fix invoices", "--done-on", "2026-06-02", "--timezone", "Europe/Berlin", check_rc=0)
    cli("task", "add", "Late fix", "--done-on", "2026-06-02", "--done-at", "23:30", "--timezone", "Europe/Berlin",
        check_rc=0)  # fmt: skip
    berlin = listed(cli, "--since", "2026-06-02", "--until", "2026-06-02", "--timezone", "Europe/Berlin")
    assert [(t["title"], t["status"], t["completed_at"]) for t in berlin] == [
        ("Fix invoices", "done", "2026-06-02T12:00:00+02:00"),
        ("Late fix", "done", "2026-06-02T23:30:00+02:00"),
    ]
    assert listed(cli, "--since", "2026-06-03", "--timezone", "Europe/Berlin") == []
    # Half past eleven in Berlin is already the 3rd in Tokyo: each zone's own day.
    tokyo = listed(cli, "--since", "2026-06-03", "--until", "2026-06-03", "--timezone", "Asia/Tokyo")
    assert [t["title"] for t in tokyo] == ["Late fix"]


def test_a_completion_in_the_future_is_refused(cli: CliRunner) -> None:
    proc = cli("task", "add", "Time travel", "--done-on", "2099-01-01")
    assert proc.returncode == 2 and "in the future" in proc.stderr
    assert listed(cli) == []


def test_done_when_is_noon_unless_a_time_is_given_and_never_after_now() -> None:
    now = int(datetime(2026, 6, 5, 9, 0, tzinfo=UTC).timestamp() * 1000)
    assert done_when(date(2026, 6, 2), None, "UTC", now) == int(datetime(2026, 6, 2, 12, tzinfo=UTC).timestamp() * 1000)
    assert done_when(date(2026, 6, 5), None, "UTC", now) == now  # today, before noon: now
    assert done_when(None, time(8, 15), "UTC", now) == int(datetime(2026, 6, 5, 8, 15, tzinfo=UTC).timestamp() * 1000)
    with pytest.raises(UsageError, match="in the future"):
        done_when(None, time(10, 0), "UTC", now)
