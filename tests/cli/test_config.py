"""``tokenworth config`` in a real subprocess: typed printing, bounds, and damaged files kept."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner

DAMAGED = (
    '{"version": 1, "values": {"budget.daily_tokens": 5000, '
    '"pricing.overrides": {"claude-sonnet-4-5": {"input": 2.4}},}}'  # the trailing comma of F15
)


def test_a_value_out_of_bounds_is_refused_with_the_bounds(cli: CliRunner, data_dir: Path) -> None:
    proc = cli("config", "set", "notify.weekly_report_day", "9")
    assert proc.returncode == 2
    assert proc.stderr == "tokenworth: notify.weekly_report_day: expected a whole number from 0 to 6, got '9'\n"
    assert cli("config", "set", "notify.limit_percent", "500").returncode == 2
    assert not (data_dir / "settings.json").exists()
    assert cli("config", "set", "notify.weekly_report_day", "6", check_rc=0).stdout == "notify.weekly_report_day = 6\n"


def test_values_print_through_their_types(cli: CliRunner, data_dir: Path) -> None:
    assert cli("config", "get", "notify.end_of_day", check_rc=0).stdout == "17:30\n"
    assert cli("config", "set", "notify.quiet_hours", " 7:00 - 8:30", check_rc=0).stdout == (
        "notify.quiet_hours = 07:00-08:30\n"
    )
    assert cli("config", "set", "work.git_emails", "a@x.org, b@y.org,", check_rc=0).stdout == (
        "work.git_emails = a@x.org, b@y.org\n"
    )
    cli("config", "set", "pricing.overrides", '{"m": {"input": 2.40, "output": 12}}', check_rc=0)
    assert cli("config", "get", "pricing.overrides").stdout == '{"m": {"input": "2.40", "output": "12"}}\n'
    assert json.loads((data_dir / "settings.json").read_text())["values"] == {
        "notify.quiet_hours": "07:00-08:30",
        "pricing.overrides": {"m": {"input": "2.40", "output": "12"}},
        "work.git_emails": ["a@x.org", "b@y.org"],
    }
    assert cli("config", "unset", "notify.quiet_hours", check_rc=0).stdout == "notify.quiet_hours =  (default)\n"
    listing = cli("config", "list", check_rc=0).stdout
    assert "[Notifications]\n" in listing and "[Sources]\nsources.claude-code.enabled = true\n" in listing
    assert "    0 = Monday … 6 = Sunday. (a whole number from 0 to 6)\n" in listing
    assert "work.git_emails = a@x.org, b@y.org  (changed)\n" in listing
    entries = {e["name"]: e for e in json.loads(cli("config", "list", "--json", check_rc=0).stdout)}
    assert entries["notify.weekly_report_day"] | {"help": "", "label": ""} == {
        "name": "notify.weekly_report_day",
        "group": "Notifications",
        "type": "a whole number from 0 to 6",
        "value": 4,
        "default": 4,
        "changed": False,
        "label": "",
        "help": "",
    }
    assert entries["sources.codex.extra_paths"]["value"] == []


def test_a_damaged_file_keeps_its_budget_and_prices_through_a_config_set(cli: CliRunner, data_dir: Path) -> None:
    data_dir.mkdir()
    settings = data_dir / "settings.json"
    settings.write_text(DAMAGED)
    proc = cli("config", "set", "notify.spike_factor", "4")
    assert proc.returncode == 3, proc.stderr
    (copy,) = data_dir.glob("settings.json.bad-*")
    first, second = proc.stderr.splitlines()
    assert first.startswith(f"tokenworth: {settings} is damaged (not valid JSON: ") and str(copy) in first
    assert second.startswith("tokenworth: not changing notify.spike_factor: ") and "move it aside" in second
    assert settings.read_text() == DAMAGED == copy.read_text()
    got = cli("config", "get", "budget.daily_tokens")  # reading still works, on defaults, and says why
    assert (got.returncode, got.stdout) == (0, "0\n") and "is damaged" in got.stderr
    settings.rename(data_dir / "settings.mine.json")  # the user moves it aside: a fresh start is allowed
    cli("config", "set", "notify.spike_factor", "4", check_rc=0)
    assert copy.read_text() == DAMAGED


def test_values_null_and_a_newer_version_give_a_message_not_a_traceback(cli: CliRunner, data_dir: Path) -> None:
    data_dir.mkdir()
    settings = data_dir / "settings.json"
    settings.write_text('{"version": 1, "values": null}')
    proc = cli("sources")
    assert "Traceback" not in proc.stderr and '"values" is not an object' in proc.stderr
    newer = json.dumps({"version": 99, "values": {"budget.daily_tokens": 5000}})
    settings.write_text(newer)
    got = cli("config", "get", "budget.daily_tokens")
    assert got.returncode == 0 and got.stdout == "5000\n" and "newer Tokenworth (settings version 99" in got.stderr
    refused = cli("config", "set", "budget.daily_tokens", "1")
    assert refused.returncode == 3 and "update Tokenworth to change it" in refused.stderr
    assert settings.read_text() == newer
