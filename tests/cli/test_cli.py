"""The CLI end to end, in a subprocess, on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner, install_fixture_logs, usage_json

FIELDS = {
    "input_tokens",
    "output_tokens",
    "cache_creation_tokens",
    "cache_read_tokens",
    "reasoning_tokens",
    "total_tokens",
    "cost_usd",
    "unpriced_tokens",
}


@pytest.fixture
def logs(home: Path) -> Path:
    install_fixture_logs(home)
    return home


def test_help_lists_the_commands(cli: CliRunner) -> None:
    proc = cli("--help", check_rc=0)
    assert "usage: tokenworth" in proc.stdout and "import" in proc.stdout and "opens the app" in proc.stdout


def test_daily_json_has_the_documented_shape(cli: CliRunner, logs: Path) -> None:
    out = usage_json(cli, "daily", "--timezone", "UTC")
    assert out["timezone"] == "UTC"
    assert [r["period"] for r in out["rows"]] == ["2026-06-01", "2026-06-02"]
    for row in [*out["rows"], out["totals"]]:
        assert set(row) >= FIELDS
        for split in ("models", "sources"):
            for part in row[split].values():
                assert set(part) >= FIELDS
        assert row["total_tokens"] == (
            row["input_tokens"] + row["output_tokens"] + row["cache_creation_tokens"] + row["cache_read_tokens"]
        )
    assert out["totals"]["total_tokens"] == 33203 + 31500
    assert set(out["totals"]["sources"]) == {"claude-code", "codex"}
    assert out["totals"]["sources"]["codex"]["reasoning_tokens"] == 700
    assert out["totals"]["unpriced_tokens"] == 0 and out["warnings"] == []


def test_cost_is_exact_per_request(cli: CliRunner, logs: Path) -> None:
    out = usage_json(cli, "daily", "--timezone", "UTC", "--source", "codex")
    # gpt-5: 4000 in @1.25, 8000 cached @0.125, 900 out @10; gpt-5.1: 6000 @1.25, 12000 @0.125, 600 @10
    expected = (4000 * 1.25 + 8000 * 0.125 + 900 * 10 + 6000 * 1.25 + 12000 * 0.125 + 600 * 10) / 1e6
    assert out["totals"]["cost_usd"] == pytest.approx(expected, abs=1e-9)


def test_timezone_moves_requests_between_days(cli: CliRunner, logs: Path) -> None:
    berlin = usage_json(cli, "daily", "--timezone", "Europe/Berlin", "--source", "claude-code")
    utc = usage_json(cli, "daily", "--timezone", "UTC", "--source", "claude-code", "--no-import")
    # msg_01B at 23:59:59.5Z is June 2 in Berlin.
    assert [r["period"] for r in utc["rows"]] == ["2026-06-01", "2026-06-02"]
    assert berlin["rows"][1]["total_tokens"] == utc["rows"][1]["total_tokens"] + 16565
    assert berlin["totals"] == utc["totals"]


def test_weekly_monthly_and_session_periods(cli: CliRunner, logs: Path) -> None:
    weekly = usage_json(cli, "weekly", "--timezone", "UTC")
    assert [r["period"] for r in weekly["rows"]] == ["2026-W23"]
    monthly = usage_json(cli, "monthly", "--timezone", "UTC", "--no-import")
    assert [r["period"] for r in monthly["rows"]] == ["2026-06"]
    sessions = usage_json(cli, "session", "--timezone", "Asia/Tokyo", "--no-import")
    by_source = {r["source"]: r for r in sessions["rows"]}
    cx = by_source["codex"]
    assert cx["period"] == "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    assert cx["project"] == "/home/dev/shop" and cx["git_branch"] == "feature/cart"
    assert cx["first"] == "2026-06-01T19:00:09+09:00" and cx["last"] == "2026-06-01T19:03:00+09:00"
    assert set(cx["models"]) == {"gpt-5-codex", "gpt-5.1-codex-max"}
    assert by_source["claude-code"]["total_tokens"] == 33203
    projects = usage_json(cli, "project", "--no-import")
    assert [(r["period"], r["total_tokens"]) for r in projects["rows"]] == [("/home/dev/shop", 64703)]


def test_since_until_source_and_project_filters(cli: CliRunner, logs: Path) -> None:
    out = usage_json(cli, "daily", "--timezone", "UTC", "--since", "2026-06-02", "--until", "2026-06-02")
    assert [r["period"] for r in out["rows"]] == ["2026-06-02"]
    assert out["totals"]["total_tokens"] == 15
    assert usage_json(cli, "daily", "--project", "/home/dev")["totals"]["total_tokens"] == 64703
    assert usage_json(cli, "daily", "--project", "/home/dev/sho")["rows"] == []
    assert usage_json(cli, "daily", "--source", "codex")["totals"]["total_tokens"] == 31500


def test_human_table(cli: CliRunner, logs: Path) -> None:
    proc = cli("usage", "daily", "--timezone", "UTC", check_rc=0)
    assert "2026-06-01" in proc.stdout and "Total" in proc.stdout and "64,703" in proc.stdout
    assert "Times in UTC" in proc.stdout


def test_unknown_models_warn_and_are_listed_as_unpriced(cli: CliRunner, home: Path) -> None:
    folder = home / ".claude" / "projects" / "p"
    folder.mkdir(parents=True)
    line = {
        "type": "assistant",
        "timestamp": "2026-06-01T10:00:00Z",
        "requestId": "r1",
        "sessionId": "s",
        "message": {
            "id": "m1",
            "model": "acme-coder-9000",
            "usage": {"input_tokens": 100, "output_tokens": 50},
        },
    }
    (folder / "s.jsonl").write_text(json.dumps(line) + "\n")
    proc = cli("usage", "daily", "--json")
    out = json.loads(proc.stdout)
    assert out["totals"]["unpriced_tokens"] == 150 and out["totals"]["cost_usd"] == 0
    assert out["pricing"]["unpriced_models"] == {"acme-coder-9000": 150}
    assert "acme-coder-9000" in proc.stderr and "no known price" in proc.stderr
    cli("config", "set", "pricing.overrides", '{"acme-coder-9000": {"input": 1, "output": 2}}', check_rc=0)
    priced = usage_json(cli, "daily", "--no-import")
    assert priced["totals"]["unpriced_tokens"] == 0
    assert priced["totals"]["cost_usd"] == pytest.approx((100 * 1 + 50 * 2) / 1e6)


def test_exit_codes(cli: CliRunner, logs: Path) -> None:
    cli("import", check_rc=0)
    bad = logs / ".claude" / "projects" / "-home-dev-shop" / "bad.jsonl"
    bad.write_text('{"type":"assistant","message":{"id":\n')
    proc = cli("import", check_rc=1)
    assert "skipped 1 unusable line" in proc.stderr
    cli("import", check_rc=0)  # nothing new to skip this time
    assert cli("usage", "fortnightly").returncode == 2
    assert cli("usage", "daily", "--since", "tomorow").returncode == 2
    assert cli("usage", "daily", "--timezone", "Mars/Olympus").returncode == 2
    assert cli("usage", "daily", "--since", "2026-06-02", "--until", "2026-06-01").returncode == 2


def test_sources_lists_paths_counts_and_bad_lines(cli: CliRunner, logs: Path) -> None:
    bad = logs / ".claude" / "projects" / "-home-dev-shop" / "bad.jsonl"
    bad.write_text('{"ok":1}\n\x00\x00garbage\n')
    cli("import", check_rc=1)
    out = json.loads(cli("sources", "--json", check_rc=0).stdout)
    cc = next(s for s in out if s["name"] == "claude-code")
    assert cc["found"] == [str(logs / ".claude" / "projects")]
    assert cc["files"] == 2 and cc["events"] == 3 and cc["skipped_lines"] == 1
    assert cc["skipped_first"] == [[str(bad), 2, "not valid JSON (corrupt or truncated line)"]]
    text = cli("sources", check_rc=0).stdout
    assert f"{bad}:2: not valid JSON" in text and "Codex CLI" in text


def test_sources_says_where_it_looked_when_nothing_is_found(cli: CliRunner, home: Path) -> None:
    text = cli("sources", check_rc=0).stdout
    assert f"no logs found under {home / '.config' / 'claude' / 'projects'}" in text


def test_config_get_set_list_reset_and_validation(cli: CliRunner, data_dir: Path) -> None:
    assert cli("config", "get", "general.timezone", check_rc=0).stdout.strip() == ""
    cli("config", "set", "general.timezone", "Europe/Berlin", check_rc=0)
    assert cli("config", "get", "general.timezone").stdout.strip() == "Europe/Berlin"
    saved = json.loads((data_dir / "settings.json").read_text())
    assert saved["values"] == {"general.timezone": "Europe/Berlin"}
    proc = cli("config", "set", "general.timezone", "Nowhere/City")
    assert proc.returncode == 2 and "unknown time zone" in proc.stderr
    assert cli("config", "set", "budget.daily_tokens", "-5").returncode == 2
    assert cli("config", "set", "no.such", "1").returncode == 2
    bad_rate = cli("config", "set", "pricing.overrides", '{"m": {"inptu": 1}}')
    assert bad_rate.returncode == 2 and "unknown rate 'inptu'" in bad_rate.stderr
    listing = json.loads(cli("config", "list", "--json", check_rc=0).stdout)
    names = {s["name"] for s in listing}
    assert {"general.timezone", "pricing.overrides", "budget.daily_tokens", "budget.weekly_cost_usd"} <= names
    assert all(s["help"] and s["label"] for s in listing)
    cli("config", "reset", "general.timezone", check_rc=0)
    assert cli("config", "get", "general.timezone").stdout.strip() == ""


def test_timezone_setting_is_the_default_for_reports(cli: CliRunner, logs: Path) -> None:
    cli("config", "set", "general.timezone", "Europe/Berlin", check_rc=0)
    assert usage_json(cli, "daily")["timezone"] == "Europe/Berlin"


def test_data_dir_flag_beats_the_environment(cli: CliRunner, logs: Path, tmp_path: Path) -> None:
    other = tmp_path / "flagged"
    cli("--data-dir", str(other), "import", check_rc=0)
    assert (other / "tokenworth.sqlite3").exists()
    cli("--data-dir", str(other), "config", "set", "general.timezone", "UTC", check_rc=0)
    assert (other / "settings.json").exists()


def test_the_store_holds_no_prompt_or_code_content(cli: CliRunner, logs: Path, data_dir: Path) -> None:
    cli("import", check_rc=0)
    for f in data_dir.iterdir():
        assert b"SECRET" not in f.read_bytes(), f


def test_progress_goes_to_a_terminal_only(cli: CliRunner, logs: Path, home: Path, data_dir: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    proc = cli("import", check_rc=0)
    assert "Importing logs" not in proc.stderr  # not a terminal: no progress noise
    (data_dir / "tokenworth.sqlite3").unlink()
    leader, follower = pty.openpty()
    env = {**os.environ, "HOME": str(home), "TOKENWORTH_DATA_DIR": str(data_dir / "tty")}
    child = subprocess.run(
        [sys.executable, "-m", "tracker", "import"],
        capture_output=False,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
        timeout=60,
        check=False,
    )
    os.close(follower)
    assert child.returncode == 0
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert b"Importing logs" in seen and b"100%" in seen


def test_every_setting_name_is_declared_once() -> None:
    from tracker.core.settings_schema import SETTINGS

    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))


def test_a_warm_run_reads_the_rendered_report_until_usage_or_prices_change(
    cli: CliRunner, logs: Path, data_dir: Path
) -> None:
    import sqlite3

    first = cli("usage", "daily", "--json", "--timezone", "UTC", check_rc=0).stdout
    db = data_dir / "tokenworth.sqlite3"
    with sqlite3.connect(db) as conn:
        (rows,) = conn.execute("SELECT COUNT(*) FROM report_cache").fetchone()
        assert rows == 1
        conn.execute('UPDATE report_cache SET body = CAST(\'{"from": "cache"}\n\' AS BLOB)')  # mark the entry
    assert cli("usage", "daily", "--json", "--timezone", "UTC", check_rc=0).stdout == '{"from": "cache"}\n'
    # Another zone, format or price is another entry; new usage makes every entry stale.
    assert json.loads(cli("usage", "daily", "--json", "--timezone", "Asia/Tokyo").stdout)["timezone"] == "Asia/Tokyo"
    cli("config", "set", "pricing.overrides", '{"gpt-5-codex": {"input": 100, "output": 100}}', check_rc=0)
    repriced = json.loads(cli("usage", "daily", "--json", "--timezone", "UTC").stdout)
    assert repriced["totals"]["cost_usd"] > json.loads(first)["totals"]["cost_usd"]
    cli("config", "reset", "pricing.overrides", check_rc=0)
    log = next((logs / ".claude").rglob("*.jsonl"))
    with log.open("a") as f:
        f.write(
            json.dumps(
                {
                    "type": "assistant",
                    "timestamp": "2026-06-03T10:00:00Z",
                    "requestId": "rX",
                    "sessionId": "s",
                    "message": {
                        "id": "mX",
                        "model": "claude-sonnet-4-5-20250929",
                        "usage": {"input_tokens": 7, "output_tokens": 3},
                    },
                }
            )
            + "\n"
        )
    fresh = json.loads(cli("usage", "daily", "--json", "--timezone", "UTC").stdout)
    assert fresh["totals"]["total_tokens"] == json.loads(first)["totals"]["total_tokens"] + 10


def test_human_tables_for_every_period_fit_a_terminal(cli: CliRunner, logs: Path) -> None:
    from tracker.cli.usage_cmd import models_cell

    for period in ("daily", "weekly", "monthly", "session", "project"):
        proc = cli("usage", period, "--timezone", "UTC", check_rc=0)
        assert "Total" in proc.stdout and "64,703" in proc.stdout, period
        assert max(len(line) for line in proc.stdout.splitlines()) < 180, period
    assert cli("usage", "project", "--no-import").stdout.startswith("Project")
    many = [f"claude-model-{i}-20250101" for i in range(6)]
    assert models_cell(many) == "claude-model-0-20250101 +5 more"
    assert models_cell(["a", "b"]) == "a, b"
