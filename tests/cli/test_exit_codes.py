"""Exit codes and messages: every failure is one line and the documented code, never a traceback.

0 ok · 1 done with skipped input · 2 usage error · 3 failure, nothing changed · 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, install_fixture_logs
from tracker.cli.args import day
from tracker.cli.main import EXIT_FAILURE, EXIT_INTERRUPTED, guarded
from tracker.core.errors import OutputError, UsageError
from tracker.core.paths import DataPaths

# (arguments, exit code); {tmp} is the test's temporary folder, {file} an existing file in it.
BAD_INPUT = [
    (["usage", "fortnightly"], 2),
    (["usage", "daily", "--since", "tomorow"], 2),
    (["usage", "daily", "--timezone", "Mars/Olympus"], 2),
    (["usage", "daily", "--source", "nope"], 2),
    (["usage", "daily", "--since", "2026-06-02", "--until", "2026-06-01"], 2),
    (["usage", "daily", "--since", "0001-01-01", "--until", "9999-12-31"], 2),
    (["usage", "daily", "--until", "9999-12-31", "--timezone", "Etc/GMT+12"], 2),
    (["task", "list", "--since", "0001-01-01", "--timezone", "Pacific/Kiritimati"], 2),
    (["report", "--format", "json", "--since", "0001-01-01", "--until", "9999-12-31", "--out", "{tmp}/r.json"], 2),
    (["report", "--out", "{tmp}/r.pdf"], 2),
    (["report", "--format", "pdf", "--period", "last-week", "--since", "2026-01-01", "--out", "{tmp}/r.pdf"], 2),
    (["report", "--format", "pdf", "--out", "/nonexistent/dir/r.pdf"], 3),
    (["report", "--format", "pdf", "--out", "{tmp}"], 3),
    (["report", "--format", "md", "--out", "/nonexistent/dir/r.md"], 3),
    (["report", "--format", "json", "--out", "/nonexistent/dir/r.json"], 3),
    (["report", "--format", "csv", "--out", "{file}"], 3),
    (["report", "--format", "csv", "--out", "/nonexistent/dir/r.zip"], 3),
    (["--data-dir", "/proc/1/nonexistent", "usage", "daily"], 3),
    (["--data-dir", "{file}", "usage", "daily"], 3),
    (["task", "import", "{tmp}/missing.csv"], 2),
    (["task", "import", "{tmp}"], 2),
    (["task", "done", "999"], 2),
    (["task", "done", "one"], 2),
    (["task", "add", ""], 2),
    (["config", "set", "no.such", "1"], 2),
    (["config", "get", "no.such"], 2),
    (["frobnicate"], 2),
]


@pytest.mark.parametrize(("args", "code"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_gives_one_line_and_the_documented_code(
    cli: CliRunner, tmp_path: Path, args: list[str], code: int
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    argv = [a.format(tmp=tmp_path, file=tmp_path / "a-file") for a in args]
    proc = cli(*argv)
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tokenworth"), proc.stderr
    assert "Traceback" not in proc.stderr and "page(s)" not in proc.stderr + proc.stdout


def test_empty_home_is_not_a_crash(cli: CliRunner) -> None:
    for args in (["sources"], ["usage", "daily"], ["import"]):
        proc = cli(*args, env={"HOME": ""})
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_damaged_database_is_one_line_and_exit_3(cli: CliRunner, home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)
    data_dir.mkdir()
    (data_dir / "tokenworth.sqlite3").write_bytes(b"this is not a database, just bytes" * 200)
    proc = cli("usage", "daily", "--no-import")
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tokenworth: "), proc.stderr


def test_an_unexpected_error_is_logged_and_named_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = DataPaths(tmp_path)

    def broken() -> int:
        raise ValueError("year 0 is out of range\nsecond line")

    with caplog.at_level(logging.ERROR, logger="tracker"):
        assert guarded("usage daily", paths, broken) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert err == (f"tokenworth: usage daily failed: ValueError: year 0 is out of range (details in {paths.log})\n")
    (record,) = caplog.records
    assert record.name == "tracker" and record.exc_info is not None and record.exc_info[0] is ValueError


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (OutputError("cannot write /x/r.pdf: No such file or directory"), 3, "cannot write /x/r.pdf: No such file"),
        (UsageError("--since is after --until"), 2, "--since is after --until"),
    ],
)
def test_known_errors_keep_their_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], error: Exception, code: int, line: str
) -> None:
    def fail() -> int:
        raise error

    assert guarded("report", DataPaths(tmp_path), fail) == code
    err = capsys.readouterr().err
    assert err.startswith(f"tokenworth: {line}") and err.count("\n") == 1 and "details in" not in err


def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from tracker.cli.main import guarded\n"
        "from tracker.core.paths import DataPaths\n"
        "def work():\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(30)\n"
        "    return 0\n"
        f"sys.exit(guarded('import', DataPaths(Path({str(tmp_path)!r})), work))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60, env=dict(os.environ)
    )
    assert proc.returncode == EXIT_INTERRUPTED == 130, proc.stderr
    assert proc.stderr == "tokenworth: interrupted\n"


def test_help_documents_the_exit_codes(cli: CliRunner) -> None:
    out = cli("--help", check_rc=0).stdout
    assert "exit codes" in out.lower()
    for text in ("0 ok", "1 done, some input skipped", "2 usage error", "3 failure, nothing changed"):
        assert text in out
    readme = (REPO / "README.md").read_text()
    assert "`3` failure, nothing changed" in readme


def test_the_cli_modules_load_no_qt() -> None:
    """The PDF's QApplication belongs to reports/pdf.py; the CLI layer stays Qt-free."""
    script = (
        "import sys, pkgutil, importlib, tracker.cli\n"
        "for m in pkgutil.iter_modules(tracker.cli.__path__):\n"
        "    importlib.import_module('tracker.cli.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_date_arguments_say_what_is_wrong() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="2025-13-01 is not a day of the calendar"):
        day("2025-13-01")
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected a date as YYYY-MM-DD, today, .*; got 'tomorow'"):
        day("tomorow")
    with pytest.raises(argparse.ArgumentTypeError, match=r"outside the dates Tokenworth handles \(0001-01-02 to"):
        day("0001-01-01")
    assert day("9999-12-30") == date(9999, 12, 30) and day("0001-01-02") == date(1, 1, 2)
