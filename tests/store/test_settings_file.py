"""The settings file never loses a user's values: damaged, newer, wrong-typed, renamed, concurrent."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.core import settings_schema as schema
from tracker.store.settings_file import SettingsFile, SettingsFileError

EVERY = schema.declarations({"claude-code": "Claude Code", "codex": "Codex"})
USER_VALUES = '"budget.daily_tokens": 5000, "pricing.overrides": {"claude-sonnet-4-5": {"input": 2.4}}'
STAMP = datetime(2026, 6, 1, 9, 30, 0)


def open_file(path: Path, **kw: object) -> SettingsFile:
    return SettingsFile(path, EVERY, now=lambda: STAMP, **kw)  # type: ignore[arg-type] # renamed only


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "settings.json"


def bad_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob("settings.json.bad-*"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"version": 1, "values": {' + USER_VALUES + ",}}", "not valid JSON"),  # a trailing comma
        ('{"version": 1, "values": null}', '"values" is not an object'),
        ('{"version": 1, "values": [1, 2]}', '"values" is not an object'),
        ("[1, 2, 3]", '"values" is not an object'),
        ('{"version": "one", "values": {}}', "\"version\" is 'one'"),
        ("[" * 200_000, "not valid JSON"),  # deep nesting
        ('{"version": 1, "values": {"app.autostart": tr', "not valid JSON"),  # half-written
        ("", "not valid JSON"),
    ],
)
def test_a_damaged_file_is_kept_aside_reported_and_never_written_over(path: Path, text: str, reason: str) -> None:
    path.write_text(text, encoding="utf-8")
    settings = open_file(path)
    assert settings.value(schema.TOKEN_BUDGETS["daily"]) == 0  # defaults for now
    (copy,) = bad_copies(path)
    assert copy.name == "settings.json.bad-20260601-093000" and copy.read_text(encoding="utf-8") == text
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    (problem,) = settings.problems
    assert f"{path} is damaged ({reason}" in problem and str(copy) in problem
    with pytest.raises(SettingsFileError, match=r"not changing notify.spike_factor: .* is damaged; fix it, or move"):
        settings.set("notify.spike_factor", "4")
    with pytest.raises(SettingsFileError):
        settings.unset("budget.daily_tokens")
    assert path.read_text(encoding="utf-8") == text  # the user's file, byte for byte
    assert open_file(path).bad_copy == copy and bad_copies(path) == [copy]  # one copy, however often it is read


def test_invalid_utf8_is_damage_too(path: Path) -> None:
    path.write_bytes(b'{"version": 1, "values": {"general.timezone": "\xff\xfe"}}')
    settings = open_file(path)
    assert not settings.writable and bad_copies(path)[0].read_bytes() == path.read_bytes()


def test_once_the_damaged_file_is_moved_aside_settings_can_change(path: Path) -> None:
    path.write_text('{"values": {' + USER_VALUES + ",}}", encoding="utf-8")
    open_file(path)
    path.rename(path.with_name("mine.json"))
    settings = open_file(path)
    settings.set("notify.spike_factor", "4")
    assert json.loads(path.read_text())["values"] == {"notify.spike_factor": "4"}


def test_a_newer_version_is_read_but_never_written(path: Path) -> None:
    text = json.dumps({"version": 99, "values": {"budget.daily_tokens": 5000, "app.new_thing": {"x": 1}}})
    path.write_text(text)
    settings = open_file(path)
    assert settings.value(schema.TOKEN_BUDGETS["daily"]) == 5000  # read-only use is fine
    assert any("written by a newer Tokenworth (settings version 99, this one knows 1)" in p for p in settings.problems)
    with pytest.raises(SettingsFileError, match=r"is from a newer Tokenworth \(settings version 99\); update"):
        settings.set("budget.daily_tokens", "1")
    assert path.read_text() == text and not bad_copies(path)


def test_a_wrong_typed_value_is_reported_and_kept_while_the_others_are_used(path: Path) -> None:
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "values": {
                    "budget.daily_tokens": "lots",
                    "notify.weekly_report_day": 9,
                    "budget.weekly_cost_usd": "12.50",
                    "pricing.overrides": {"claude-sonnet-4-5": {"input": 2.4}},
                },
            }
        )
    )
    settings = open_file(path)
    assert settings.value(schema.TOKEN_BUDGETS["daily"]) == 0
    assert settings.value(schema.WEEKLY_REPORT_DAY) == 4
    assert settings.value(schema.COST_BUDGETS["weekly"]) == Decimal("12.50")
    assert settings.value(schema.PRICE_OVERRIDES) == {"claude-sonnet-4-5": {"input": Decimal("2.4")}}
    (problem,) = settings.problems
    (copy,) = bad_copies(path)
    assert "budget.daily_tokens: expected a whole number from 0 to 1000000000000000, got 'lots'" in problem
    assert "notify.weekly_report_day: expected a whole number from 0 to 6, got 9" in problem
    assert f"kept as written, a copy is at {copy}" in problem
    settings.set("notify.spike_factor", "4")  # another setting: the wrong values stay as the user wrote them
    assert json.loads(path.read_text())["values"] == {
        "budget.daily_tokens": "lots",
        "budget.weekly_cost_usd": "12.50",
        "notify.spike_factor": "4",
        "notify.weekly_report_day": 9,
        "pricing.overrides": {"claude-sonnet-4-5": {"input": "2.4"}},
    }
    settings.set("notify.weekly_report_day", "5")  # changing the wrong one replaces it
    assert json.loads(path.read_text())["values"]["notify.weekly_report_day"] == 5
    assert "notify.weekly_report_day" not in settings.problems[0]


def test_renamed_settings_migrate_and_the_new_name_wins(path: Path) -> None:
    renamed = {"notify.spike_multiplier": "notify.spike_factor", "app.tray": "app.close_to_tray"}
    path.write_text(
        json.dumps({"values": {"notify.spike_multiplier": "5", "app.tray": True, "app.close_to_tray": False}})
    )
    settings = open_file(path, renamed=renamed)
    assert settings.problems == []
    assert settings.value(schema.SPIKE_FACTOR) == Decimal(5)
    assert settings.value(schema.CLOSE_TO_TRAY) is False  # already under the new name: that value wins
    settings.set("app.autostart", "true")
    assert json.loads(path.read_text())["values"] == {
        "app.autostart": True,
        "app.close_to_tray": False,
        "notify.spike_factor": "5",
    }


def test_settings_of_a_removed_source_and_unknown_names_are_kept(path: Path) -> None:
    path.write_text(json.dumps({"values": {"sources.gone.enabled": False, "sources.gone.extra_paths": ["/x"],
                                           "general.theme": "dark"}}))  # fmt: skip
    settings = open_file(path)
    assert settings.problems == [f"{path}: unknown setting 'general.theme' (kept as written)"]
    settings.set("sources.codex.enabled", "false")
    assert json.loads(path.read_text())["values"] == {
        "general.theme": "dark",
        "sources.codex.enabled": False,
        "sources.gone.enabled": False,
        "sources.gone.extra_paths": ["/x"],
    }
    assert open_file(path).value(schema.source_enabled("codex")) is False


def test_writes_are_atomic_private_and_replace_a_planted_link(path: Path, tmp_path: Path) -> None:
    settings = open_file(path)
    settings.set("general.timezone", "UTC")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temporary file left
    victim = tmp_path / "victim.json"
    victim.write_text('{"values": {}}')
    os.symlink(victim, tmp_path / "planted")
    os.replace(tmp_path / "planted", path)  # a link planted where the settings file was
    settings.set("general.timezone", "Europe/Berlin")
    assert victim.read_text() == '{"values": {}}' and not path.is_symlink()
    assert open_file(path).value(schema.TIMEZONE) == "Europe/Berlin"


def test_a_change_keeps_what_another_process_wrote_meanwhile(path: Path) -> None:
    app, cli = open_file(path), open_file(path)
    cli.set("budget.daily_tokens", "5000")
    app.set("notify.spike_factor", "4")  # the app read the file before the CLI's change
    assert json.loads(path.read_text())["values"] == {"budget.daily_tokens": 5000, "notify.spike_factor": "4"}
    assert app.value(schema.TOKEN_BUDGETS["daily"]) == 5000


def test_typed_puts_are_checked_and_stored_in_the_files_form(path: Path) -> None:
    settings = open_file(path)
    settings.put(schema.CSV_MAPPINGS, {"sheet": {"title": "Name"}})
    settings.put(schema.GIT_FOLDERS, ("~/src", "/work"))
    with pytest.raises(schema.SettingError):
        settings.put(schema.WEEKLY_REPORT_DAY, 9)
    assert json.loads(path.read_text())["values"] == {
        "work.csv_mappings": {"sheet": {"title": "Name"}},
        "work.git_folders": ["~/src", "/work"],
    }
    settings.unset("work.git_folders")
    assert open_file(path).value(schema.GIT_FOLDERS) == () and settings.is_default("work.git_folders")


UNREADABLE_CHECK = """
import sys
from pathlib import Path
from tests.store.test_settings_file import open_file
from tracker.store.settings_file import SettingsFileError
settings = open_file(Path(sys.argv[1]))
print(settings.problems[0])
try:
    settings.set("budget.daily_tokens", "1")
except SettingsFileError as exc:
    print("refused:", exc)
"""


def test_an_unreadable_file_is_not_written_over(path: Path) -> None:
    """Run where permissions apply: as root, in a child without the override capabilities."""
    path.write_text('{"values": {"budget.daily_tokens": 5000}}')
    path.chmod(0)
    argv = [sys.executable, "-c", UNREADABLE_CHECK, str(path)]
    if os.geteuid() == 0:
        assert shutil.which("setpriv"), "setpriv (util-linux) makes permissions apply to root"
        argv = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *argv]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr
    assert "cannot be read" in out.stdout and "refused:" in out.stdout
    path.chmod(0o600)
    assert json.loads(path.read_text()) == {"values": {"budget.daily_tokens": 5000}}  # untouched
