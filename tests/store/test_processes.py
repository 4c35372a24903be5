"""Real processes on one data folder: started together (fresh and old schema), behind a
stalled import, on a read-only folder and on a full disk. Reads answer, a second import is
told who runs, failures are one line, and the totals stay exact."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, CliRunner, install_fixture_logs, usage_json
from tests.helpers.loggen import LogWriter
from tracker.store.schema import migrate

DAYS = ("--since", "2026-06-01", "--until", "2026-06-02", "--timezone", "UTC")
FIXTURE_DAYS = {"2026-06-01": 64688, "2026-06-02": 15}
RUNNING = "another Tokenworth import is running (pid {pid}); try again when it finishes"


def env_for(home: Path, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    return env | {"HOME": str(home), "TOKENWORTH_DATA_DIR": str(data_dir), "TZ": "UTC"}


def spawn(home: Path, data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(home, data_dir),
        cwd=REPO,
    )


def days(data: dict[str, object]) -> dict[str, int]:
    rows = data["rows"]
    assert isinstance(rows, list)
    return {r["period"]: r["total_tokens"] for r in rows}


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("schema", ["fresh", "old"])
def test_processes_started_together_never_fail_and_totals_stay_exact(
    cli: CliRunner, home: Path, data_dir: Path, tmp_path: Path, schema: str
) -> None:
    install_fixture_logs(home)
    if schema == "old":  # a store of an older version: the first process to open it migrates
        data_dir.mkdir(mode=0o700)
        old = sqlite3.connect(data_dir / "tokenworth.sqlite3", isolation_level=None)
        migrate(old, target=1)
        old.close()
    writers = [spawn(home, data_dir, "import"), spawn(home, data_dir, "import"), spawn(home, data_dir, "usage", "daily", "--json", *DAYS)]  # fmt: skip
    report = tmp_path / "r.json"
    readers = [
        (spawn(home, data_dir, "usage", "daily", "--no-import", "--json", *DAYS), None),
        (spawn(home, data_dir, "report", "--format", "json", *DAYS[:4], "--out", str(report)), report),
        (spawn(home, data_dir, "sources", "--json"), None),
    ]
    imported = 0
    for p in writers:
        out, err = p.communicate(timeout=300)
        if p.returncode == 0:
            imported += 1
        else:  # a second import at the same moment is told, in one line, and changes nothing
            assert one_line(err) == f"tokenworth: {RUNNING}".format(pid=_pid_in(err)), err
    for p, written in readers:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "Traceback" not in err
        json.loads(written.read_text() if written else out)  # a whole document, whatever it saw
    assert imported >= 1
    cli("import", check_rc=0)
    assert days(usage_json(cli, "daily", "--no-import", *DAYS)) == FIXTURE_DAYS
    conn = sqlite3.connect(data_dir / "tokenworth.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT dedup_key) FROM events").fetchone() == (5, 5)


def _pid_in(err: str) -> int:
    return int(err.split("(pid ", 1)[1].split(")", 1)[0])


STALLED_IMPORT = """
import os, signal, sys
from pathlib import Path
from tracker.core.paths import DataPaths
from tracker.services.context import Context

ctx = Context(DataPaths(Path(sys.argv[1])), Path(sys.argv[2]), {})
conn = ctx.writer().write_connection()  # what 'tokenworth import' holds while it imports
conn.execute("BEGIN IMMEDIATE")
conn.execute("DELETE FROM events")  # inside the uncommitted write: no reader may see it
print("inside", flush=True)
os.kill(os.getpid(), signal.SIGSTOP)  # Ctrl+Z in the middle of the import's transaction
"""


def test_behind_a_stalled_import_reads_answer_and_writers_are_told(
    cli: CliRunner, home: Path, data_dir: Path, tmp_path: Path
) -> None:
    install_fixture_logs(home)
    cli("import", check_rc=0)
    before = usage_json(cli, "daily", "--no-import", *DAYS)
    stalled = subprocess.Popen(
        [sys.executable, "-c", STALLED_IMPORT, str(data_dir), str(home)],
        stdout=subprocess.PIPE,
        text=True,
        env=env_for(home, data_dir),
        cwd=REPO,
    )
    try:
        assert stalled.stdout is not None and stalled.stdout.readline().strip() == "inside"
        # Readers: WAL snapshots, no write, no wait on the lock (it used to be 30 s, then a traceback).
        assert usage_json(cli, "daily", "--no-import", *DAYS) == before
        out = tmp_path / "r.json"
        cli("report", "--format", "json", *DAYS[:4], "--out", str(out), check_rc=0)
        assert json.loads(out.read_text())["totals"]["total_tokens"] == sum(FIXTURE_DAYS.values())
        # Writers that import: told at once who runs, in one line.
        csv = FIXTURES / "trackers" / "jira.csv"
        for args in (("import",), ("task", "import", str(csv))):
            proc = cli(*args)
            assert proc.returncode != 0  # 3 once cli/main maps StoreError
            assert one_line(proc.stderr) == "tokenworth: " + RUNNING.format(pid=stalled.pid), args
        # 'usage' without --no-import shows what is stored, and says why it did not import.
        usage = cli("usage", "daily", "--json", *DAYS, check_rc=0)
        assert json.loads(usage.stdout) == before
        assert one_line(usage.stderr) == (
            f"tokenworth: warning: another Tokenworth import is running (pid {stalled.pid}): "
            "showing what it has stored so far"
        )
    finally:
        stalled.kill()  # the lock dies with its process: never stale
        stalled.communicate()
    cli("import", check_rc=0)
    assert usage_json(cli, "daily", "--no-import", *DAYS) == before


def _without_dac_override(cmd: list[str]) -> list[str]:
    """Root ignores file modes; drop that power so a read-only folder is read-only."""
    if os.geteuid() != 0:
        return cmd
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip("running as root without capsh: file modes cannot be enforced")
    return [capsh, "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", shlex.join(cmd)]


def test_a_read_only_data_folder_can_still_be_reported_on(
    cli: CliRunner, home: Path, data_dir: Path, tmp_path: Path
) -> None:
    install_fixture_logs(home)
    cli("import", check_rc=0)
    expected = usage_json(cli, "daily", "--no-import", *DAYS)
    files = sorted(p.name for p in data_dir.iterdir())
    for p in data_dir.iterdir():
        p.chmod(0o400)
    data_dir.chmod(0o500)
    out = tmp_path / "r.json"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = _without_dac_override([sys.executable, "-m", "tracker", *args])
        return subprocess.run(cmd, capture_output=True, text=True, env=env_for(home, data_dir), cwd=REPO, timeout=120)

    try:
        usage = run("usage", "daily", "--no-import", "--json", *DAYS)
        assert usage.returncode == 0, usage.stderr
        assert json.loads(usage.stdout) == expected
        report = run("report", "--format", "json", *DAYS[:4], "--out", str(out))
        assert report.returncode == 0, report.stderr
        assert json.loads(out.read_text())["totals"]["total_tokens"] == sum(FIXTURE_DAYS.values())
        imp = run("import")
        assert imp.returncode != 0
        assert "cannot write" in one_line(imp.stderr)
        assert sorted(p.name for p in data_dir.iterdir()) == files  # nothing was created
    finally:
        data_dir.chmod(0o700)
        for p in data_dir.iterdir():
            p.chmod(0o600)


def test_a_full_disk_reads_fine_and_writes_fail_in_one_line(
    cli: CliRunner, home: Path, data_dir: Path, tmp_path: Path
) -> None:
    """A real full file system: a small tmpfs (needs root; skipped otherwise)."""
    install_fixture_logs(home)
    cli("import", check_rc=0)
    expected = usage_json(cli, "daily", "--no-import", *DAYS)
    mount = tmp_path / "small"
    mount.mkdir()
    size = sum(p.stat().st_size for p in data_dir.iterdir()) + 256 * 1024
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)]).returncode
    ):
        pytest.skip("cannot mount a small file system here")
    try:
        full = mount / "data"
        shutil.copytree(data_dir, full)
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:  # take every free block
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        there = {"TOKENWORTH_DATA_DIR": str(full)}
        usage = cli("usage", "daily", "--no-import", "--json", *DAYS, env=there, check_rc=0)
        assert json.loads(usage.stdout) == expected
        out = tmp_path / "r.json"
        cli("report", "--format", "json", *DAYS[:4], "--out", str(out), env=there, check_rc=0)  # fmt: skip
        add = cli("task", "add", "x" * 50_000, "--done", env=there)
        assert add.returncode != 0
        assert one_line(add.stderr) == f"tokenworth: the disk holding {full / 'tokenworth.sqlite3'} is full; free some space and try again"  # fmt: skip
        LogWriter(home, seed=3, content_bytes=2000).claude_session(datetime(2026, 6, 3, 9, tzinfo=UTC), turns=200)
        imp = cli("import", env=there)
        assert imp.returncode != 0
        assert one_line(imp.stderr) == f"tokenworth: the disk holding {full / 'tokenworth.sqlite3'} is full; free some space and try again"  # fmt: skip
        (mount / "filler").unlink()
        ok = sqlite3.connect(full / "tokenworth.sqlite3")
        assert ok.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert ok.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] == 0
        ok.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
