"""The CLI a person reads: session dates, narrow terminals, relative dates, --period,
"did you mean" for settings, and the task list's completion, hours and impact."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import CliRunner, install_fixture_logs
from tracker.cli.args import day, relative_day
from tracker.cli.table import fit_columns

WED = date(2026, 6, 3)


@pytest.fixture
def logs(home: Path) -> Path:
    install_fixture_logs(home)
    return home


def test_relative_days() -> None:
    assert relative_day("yesterday", WED) == date(2026, 6, 2)
    assert relative_day("Today", WED) == WED
    assert relative_day("7d", WED) == date(2026, 5, 27)
    assert relative_day("2w", WED) == date(2026, 5, 20)
    assert relative_day("last-week", WED) is None  # a period: --period last-week
    assert day("1d") == date.today() - timedelta(days=1)


def test_fit_columns_leaves_out_in_order() -> None:
    headers, rows = ["A", "Bbbbbbbb", "C"], [["1", "2", "3"]]
    assert fit_columns(headers, rows, [1], None) == (headers, [["1", "2", "3"]], [])
    assert fit_columns(headers, rows, [1], 8) == (["A", "C"], [["1", "3"]], ["Bbbbbbbb"])


def test_session_dates_and_a_narrow_terminal(cli: CliRunner, logs: Path) -> None:
    wide = cli("usage", "session", "--since", "2026-06-01", "--until", "2026-06-02", "--timezone", "UTC",
               env={"COLUMNS": "250"}, check_rc=0).stdout  # fmt: skip
    header = wide.splitlines()[0].split()
    assert header[:3] == ["Session", "Start", "Tool"] and "Cache" in header
    assert "2026-06-01 09:" in wide or "2026-06-02 " in wide
    narrow = cli("usage", "session", "--since", "2026-06-01", "--until", "2026-06-02", "--timezone", "UTC",
                 env={"COLUMNS": "80"}, check_rc=0).stdout  # fmt: skip
    lines = narrow.splitlines()
    table = lines[: lines.index("")]
    assert max(len(line) for line in table) <= 80, narrow
    assert "Cache read" not in lines[0] and "Total tokens" in lines[0] and "Cost" in lines[0]
    assert "Narrow terminal: Input, Output, Cache write, Cache read" in narrow
    assert [line.split()[-1] for line in table if line.startswith("Total")] == [
        line.split()[-1] for line in wide.splitlines() if line.startswith("Total")
    ]  # the same total cost


def test_usage_period_and_errors(cli: CliRunner, logs: Path) -> None:
    proc = cli("usage", "daily", "--period", "last-week", "--no-import", check_rc=0)
    assert "No usage recorded" in proc.stdout or "Total" in proc.stdout
    assert cli("usage", "daily", "--period", "last-week", "--since", "7d").returncode == 2
    assert cli("usage", "daily", "--since", "yesterday", "--no-import").returncode == 0


def test_config_did_you_mean(cli: CliRunner) -> None:
    proc = cli("config", "set", "notify.weekly_reprot_day", "3")
    assert proc.returncode == 2
    assert "unknown setting 'notify.weekly_reprot_day'; did you mean notify.weekly_report_day or " in proc.stderr
    proc = cli("config", "get", "timezone")
    assert proc.returncode == 2 and "did you mean general.timezone" in proc.stderr
    assert "config list" in cli("config", "set", "zzzz", "1").stderr


def test_task_list_shows_completion_hours_and_impact(cli: CliRunner) -> None:
    cli("task", "add", "Fix invoices", "--done-on", "2026-06-02", "--done-at", "16:30", "--timezone", "UTC",
        "--hours-saved", "1.5", "--impact", "Finance closes a day earlier", check_rc=0)  # fmt: skip
    cli("task", "add", "Plan the export", "--open", check_rc=0)
    out = cli("task", "list", "--timezone", "UTC", env={"COLUMNS": "200"}, check_rc=0).stdout
    header = out.splitlines()[0]
    assert [h in header for h in ("Completed", "Hours saved", "Impact")] == [True, True, True]
    fixed = next(line for line in out.splitlines() if "Fix invoices" in line)
    assert "2026-06-02 16:30" in fixed and "1.5 h" in fixed and "Finance closes a day earlier" in fixed
    planned = next(line for line in out.splitlines() if "Plan the export" in line)
    assert " open " in planned
