"""The tray on a real headless desktop: Xvfb, a D-Bus session, a tray host (trayer) and a
notification server (dunst). Exactly the expected notifications arrive, and none twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner

NEEDED = ("dbus-daemon", "dunst", "dunstctl", "trayer")


@pytest.fixture
def desktop(x_display: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    missing = [p for p in NEEDED if shutil.which(p) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} needed for the tray test; .ci/run installs them")
        pytest.skip(f"not installed: {', '.join(missing)}")
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    address, bus_pid = bus[0], int(bus[1])
    env = {**os.environ, "DISPLAY": x_display, "DBUS_SESSION_BUS_ADDRESS": address, "QT_QPA_PLATFORM": "xcb"}
    rc = tmp_path / "dunstrc"
    rc.write_text("[global]\n    timeout = 0\n    history_length = 100\n")
    helpers = [
        subprocess.Popen(["dunst", "-config", str(rc)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(["trayer", "--edge", "bottom", "--widthtype", "request"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = subprocess.run(["dunstctl", "is-paused"], env=env, capture_output=True)
        if probe.returncode == 0:
            break
        time.sleep(0.1)
    try:
        yield env
    finally:
        for p in helpers:
            p.terminate()
            p.wait(10)
        os.kill(bus_pid, 15)


def notifications(env: dict[str, str]) -> list[str]:
    """Summaries of every notification shown so far (closing them moves them to the history)."""
    subprocess.run(["dunstctl", "close-all"], env=env, check=True)
    history = json.loads(subprocess.run(["dunstctl", "history"], env=env, capture_output=True, text=True,
                                        check=True).stdout)  # fmt: skip
    return sorted(n["summary"]["data"] for n in history["data"][0])


def claude_line(n: int, tokens: int = 1000) -> str:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return json.dumps({"type": "assistant", "timestamp": now, "sessionId": "s", "requestId": f"r{n}",
                       "message": {"id": f"m{n}", "model": "claude-sonnet-4-5-20250929",
                                   "usage": {"input_tokens": tokens, "output_tokens": 0}}}) + "\n"  # fmt: skip


def wait_for(check, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def start_tray(env: dict[str, str], home: Path, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    app_env = {k: v for k, v in env.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    app_env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir))
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "tracker", "--tray"], env=app_env, cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=out)  # fmt: skip


def test_budget_alerts_arrive_once_each(
    desktop: dict[str, str], cli: CliRunner, home: Path, data_dir: Path, tmp_path: Path
) -> None:
    cli("config", "set", "budget.daily_tokens", "10000", check_rc=0)
    cli("config", "set", "general.timezone", "UTC", check_rc=0)
    for rule in ("end_of_day", "weekly_report", "spike", "pace"):  # only the budget speaks in this test
        cli("config", "set", f"notify.rules.{rule}", "false", check_rc=0)
    log = home / ".claude" / "projects" / "p" / "s.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(claude_line(1) + claude_line(2))  # 20 % of the budget
    app = start_tray(desktop, home, data_dir, tmp_path / "app.log")
    try:
        db = data_dir / "tokenworth.sqlite3"
        assert wait_for(lambda: db.exists() and _count(db, "events") == 2), "first import"
        time.sleep(1.5)
        assert notifications(desktop) == []
        with log.open("a") as f:  # 85 %
            f.write("".join(claude_line(n) for n in range(3, 9)) + claude_line(9, 500))
        assert wait_for(lambda: "Daily budget 80% used" in notifications(desktop)), notifications(desktop)
        with log.open("a") as f:  # 105 %
            f.write(claude_line(10, 2000))
        assert wait_for(lambda: "Daily budget reached" in notifications(desktop)), notifications(desktop)
        time.sleep(2)
        assert notifications(desktop) == ["Daily budget 80% used", "Daily budget reached"]
        assert app.poll() is None, (tmp_path / "app.log").read_text()
    finally:
        app.terminate()
        app.wait(20)
    # A restart repeats nothing.
    again = start_tray(desktop, home, data_dir, tmp_path / "app.log")
    try:
        time.sleep(4)
        assert again.poll() is None
        assert notifications(desktop) == ["Daily budget 80% used", "Daily budget reached"]
    finally:
        again.terminate()
        again.wait(20)
    via = {row[0] for row in _rows(data_dir / "tokenworth.sqlite3", "SELECT delivered_via FROM notifications")}
    assert via == {"dbus"}


def test_a_second_launch_brings_the_first_forward(
    desktop: dict[str, str], home: Path, data_dir: Path, tmp_path: Path
) -> None:
    first = start_tray(desktop, home, data_dir, tmp_path / "first.log")
    try:
        assert wait_for(lambda: (data_dir / "tokenworth.sqlite3").exists())
        time.sleep(1)
        second = start_tray(desktop, home, data_dir, tmp_path / "second.log")
        assert second.wait(30) == 0
        assert "already running" in (tmp_path / "second.log").read_text()
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(20)


def _count(db: Path, table: str) -> int:
    try:
        return int(_rows(db, f"SELECT COUNT(*) FROM {table}")[0][0])  # noqa: S608 - test helper
    except Exception:
        return -1


def _rows(db: Path, sql: str) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()
