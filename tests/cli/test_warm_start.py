"""The warm start (``cli.warm_start``): real CLI runs on real files; a run answered from the
cache loads no importer (``-X importtime`` lists every module a run loads), and every kind of
change makes the next run import and report the new numbers."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import CliRunner, install_fixture_logs
from tracker.cli.warm_start import MANIFEST, _day_ends, data_root

TIMED = {"PYTHONPROFILEIMPORTTIME": "1"}  # stderr lists the modules each run imports
ARGS = ("usage", "daily", "--json", "--timezone", "UTC")


def event(request: str, input_tokens: int, day: str = "2026-06-03") -> str:
    return json.dumps(
        {
            "type": "assistant",
            "timestamp": f"{day}T10:00:00Z",
            "requestId": request,
            "sessionId": "s",
            "message": {
                "id": f"m{request}",
                "model": "claude-sonnet-4-5-20250929",
                "usage": {"input_tokens": input_tokens, "output_tokens": 3},
            },
        }
    )


@pytest.fixture
def run(cli: CliRunner, home: Path) -> CliRunner:
    """``usage daily --json``: (rc, the report, whether the importer was loaded)."""
    install_fixture_logs(home)

    def usage(*extra: str, env: dict[str, str] | None = None, args: tuple[str, ...] = ARGS) -> tuple[int, dict, bool]:  # type: ignore[type-arg]  # the report's JSON
        proc = cli(*args, *extra, env={**TIMED, **(env or {})})
        assert proc.returncode in (0, 1), proc.stderr
        return proc.returncode, json.loads(proc.stdout), "tracker.services.importer" in proc.stderr

    return usage  # type: ignore[return-value]  # a narrower runner than CliRunner


def total(report: dict) -> int:  # type: ignore[type-arg]  # the report's JSON
    return int(report["totals"]["total_tokens"])


def test_a_second_identical_run_answers_without_the_importer(run: CliRunner, data_dir: Path) -> None:
    rc, first, imported = run()
    assert (rc, imported) == (0, True)
    assert (data_dir / MANIFEST).is_file()
    rc, second, imported = run()
    assert (rc, second, imported) == (0, first, False)
    manifest = (data_dir / MANIFEST).read_text()
    assert "claude-sonnet" not in manifest and str(data_dir) in manifest  # paths and stamps, no usage


def test_each_change_of_the_logs_makes_the_next_run_import(run: CliRunner, home: Path) -> None:
    _, first, _ = run()
    base = total(first)
    log = next((home / ".claude").rglob("*.jsonl"))
    with log.open("a") as f:  # a file grown
        f.write(event("r1", 7) + "\n")
    _, report, imported = run()
    assert imported and total(report) == base + 10
    _, again, imported = run()
    assert not imported and again == report
    (log.parent / "0000aaaa-new-session.jsonl").write_text(event("r2", 17) + "\n")  # a new file
    _, report, imported = run()
    assert imported and total(report) == base + 30
    project = home / ".claude" / "projects" / "-home-dev-other"  # a new folder
    project.mkdir()
    (project / "0000bbbb-session.jsonl").write_text(event("r3", 27) + "\n")
    _, report, imported = run()
    assert imported and total(report) == base + 60
    copy = log.with_suffix(".tmp")  # the same bytes in a new file (another inode) put in its place
    shutil.copy2(log, copy)
    copy.replace(log)
    _, report, imported = run()
    assert imported and total(report) == base + 60
    assert not run()[2]


def test_settings_zone_day_code_and_data_folder_changes_make_the_next_run_import(
    run: CliRunner, cli: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    _, first, _ = run()
    assert not run()[2]
    cli("config", "set", "pricing.overrides", '{"gpt-5-codex": {"input": 100, "output": 100}}', check_rc=0)
    _, repriced, imported = run()
    assert imported and repriced["totals"]["cost_usd"] > first["totals"]["cost_usd"]
    assert not run()[2]
    _, tokyo, imported = run("--timezone", "Asia/Tokyo")  # argparse: the last --timezone wins
    assert imported and tokyo["timezone"] == "Asia/Tokyo"
    assert run(env={"TZ": "Asia/Tokyo"})[2]  # another system zone: another "today"
    assert run(env={"COLUMNS": "60"})[2]  # any other environment
    assert run(args=("--data-dir", str(tmp_path / "other"), *ARGS))[2]  # another data folder
    manifest = json.loads((data_dir / MANIFEST).read_text())
    assert not run()[2]
    day_ended = {**manifest, "runs": {k: {**r, "until": r["from"]} for k, r in manifest["runs"].items()}}
    other_code = {**manifest, "code": "another version"}
    for edited in (day_ended, other_code):
        (data_dir / MANIFEST).write_text(json.dumps(edited))
        assert run()[2]


def test_a_stored_import_problem_or_new_usage_from_elsewhere_is_never_answered_warm(
    run: CliRunner, cli: CliRunner, home: Path, data_dir: Path
) -> None:
    _, first, _ = run()
    folder_named_like_a_log = home / ".claude" / "projects" / "-home-dev-shop" / "odd.jsonl"
    folder_named_like_a_log.mkdir()
    assert run() == (1, first, True)  # reported on every run, as before
    assert run() == (1, first, True)
    folder_named_like_a_log.rmdir()  # forgetting its error is a change: the cache is made once more
    assert [run()[2] for _ in range(3)] == [True, True, False]
    import sqlite3

    with sqlite3.connect(data_dir / "tokenworth.sqlite3") as conn:  # another process stored usage
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    assert run()[2]


def test_data_root_follows_resolve_data_paths(tmp_path: Path) -> None:
    from tracker.core.paths import resolve_data_paths

    env = {"TOKENWORTH_DATA_DIR": str(tmp_path / "env")}
    for argv, flag in (
        (["--data-dir", str(tmp_path / "a"), "usage"], str(tmp_path / "a")),
        ([f"--data-dir={tmp_path / 'b'}", "usage", "--data-dir", "x"], str(tmp_path / "b")),
        (["usage", "daily"], None),
        (["--tray", "usage"], None),
    ):
        assert data_root(argv, env) == str(resolve_data_paths(flag, env).root)
    assert data_root(["usage"], {"HOME": os.environ.get("HOME", "/")}) == str(resolve_data_paths(None, {}).root)
    assert data_root(["--data", "x", "usage"], env) is None  # abbreviated: argparse decides


def test_the_day_ends_at_the_first_midnight_of_the_system_or_report_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        now = datetime(2026, 6, 3, 20, 0, tzinfo=UTC).timestamp()
        assert _day_ends(now, "UTC") == datetime(2026, 6, 4, tzinfo=UTC).timestamp()
        # Tokyo (+9) is on the 4th already; its next midnight is 15:00 UTC on the 4th, after UTC's.
        assert _day_ends(now, "Asia/Tokyo") == datetime(2026, 6, 4, tzinfo=UTC).timestamp()
        assert _day_ends(now, "America/New_York") == datetime(2026, 6, 4, tzinfo=UTC).timestamp()
        monkeypatch.setenv("TZ", "America/New_York")  # -4: midnight is 04:00 UTC
        time.tzset()
        assert _day_ends(now, "UTC") == datetime(2026, 6, 4, tzinfo=UTC).timestamp()
        assert _day_ends(now, "America/New_York") == datetime(2026, 6, 4, 4, tzinfo=UTC).timestamp()
        # Kiritimati (+14) is at 10:00 on the 4th: its midnight (10:00 UTC on the 4th) comes after New York's.
        assert _day_ends(now, "Pacific/Kiritimati") == datetime(2026, 6, 4, 4, tzinfo=UTC).timestamp()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_run_is_remembered_as_of_its_start_and_as_its_settings_were_read(
    home: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings changed while the command ran, or a run that began before midnight, make the
    next run a full one: the manifest names what the report was made from."""
    import time

    from tracker.cli.warm_start import remember, stamps
    from tracker.core.paths import DataPaths
    from tracker.services.context import Context

    monkeypatch.setenv("TZ", "UTC")  # the system's midnight, too
    time.tzset()
    ctx = Context(DataPaths(data_dir).ensure(), home, {"HOME": str(home)})
    ctx.paths.settings.write_text("{}")  # written after the command read its settings (there were none)
    started = datetime(2026, 6, 3, 23, 59, tzinfo=UTC).timestamp()
    remember(ctx, ["usage", "daily"], started, "a-key", "UTC")
    manifest = json.loads((data_dir / MANIFEST).read_text())
    assert manifest["stamps"][0] is None and stamps(manifest["stamped"])[0] is not None
    (run,) = manifest["runs"].values()
    assert (run["from"], run["until"]) == (started, datetime(2026, 6, 4, tzinfo=UTC).timestamp())
    monkeypatch.undo()
    time.tzset()


def _deep(path: Path) -> None:
    path.write_text("[" * 200_000 + "]" * 200_000)  # past the JSON decoder's recursion limit


def _zeros(path: Path) -> None:
    path.symlink_to("/dev/zero")  # endless bytes


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # no writer: opening it to read would wait forever


def _huge(path: Path) -> None:
    path.write_bytes(b'{"runs": {}, "pad": "' + b"x" * (5 << 20) + b'"}')


def _list(path: Path) -> None:
    path.write_text('[{"runs": 1}]')


@pytest.mark.skipif(os.name != "posix", reason="the warm start answers on POSIX only")
@pytest.mark.parametrize("plant", [_deep, _zeros, _fifo, _huge, _list], ids=lambda f: f.__name__[1:])
def test_a_hostile_manifest_only_makes_a_full_run(run: CliRunner, data_dir: Path, plant) -> None:  # type: ignore[no-untyped-def]
    """Whatever lies where the manifest goes, a run imports and reports as without it (never
    hangs, floods memory or fails) and writes a manifest of its own, so the next run is warm;
    a pipe is left where it is (``atomic_write`` replaces no pipe): every run is a full one."""
    _, first, _ = run()
    manifest = data_dir / MANIFEST
    manifest.unlink()
    plant(manifest)
    assert run() == (0, first, True)
    if plant is _fifo:
        assert run() == (0, first, True)
        return
    assert manifest.is_file() and not manifest.is_symlink()
    assert run() == (0, first, False)
