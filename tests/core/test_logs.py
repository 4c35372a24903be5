"""The log file: where it is, who may read it, rotation, and never a crash for want of one."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from tests.conftest import CliRunner, install_fixture_logs
from tracker.core.logs import BACKUPS, setup_logging
from tracker.core.paths import DataPaths

log = logging.getLogger("tracker.tests")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_records_go_to_a_private_file_in_the_data_folder(tmp_path: Path, caplog) -> None:
    paths = DataPaths(tmp_path / "data")
    assert setup_logging(paths) == paths.log == tmp_path / "data" / "tokenworth.log"
    with caplog.at_level(logging.ERROR):
        try:
            log.info("imported %d files from %s", 3, "/home/dev/.claude")
            raise ValueError("boom")
        except ValueError:
            log.exception("background import failed")
    text = paths.log.read_text()
    assert " INFO tracker.tests " in text and "imported 3 files from /home/dev/.claude" in text
    assert (
        " ERROR tracker.tests " in text and "Traceback (most recent call last)" in text and "ValueError: boom" in text
    )
    assert (mode(paths.root), mode(paths.log)) == (0o700, 0o600)


def test_an_existing_world_readable_log_is_made_private(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path).ensure()
    paths.log.write_text("old\n")
    paths.log.chmod(0o644)
    setup_logging(paths)
    log.info("again")
    assert mode(paths.log) == 0o600 and paths.log.read_text().startswith("old\n")


def test_it_rotates_and_keeps_three_old_files(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    setup_logging(paths, max_bytes=2_000)
    for i in range(200):
        log.info("line %03d %s", i, "x" * 80)
    names = sorted(p.name for p in tmp_path.glob("tokenworth.log*"))
    assert names == ["tokenworth.log", *(f"tokenworth.log.{n}" for n in range(1, BACKUPS + 1))]
    assert all(mode(tmp_path / n) == 0o600 and (tmp_path / n).stat().st_size <= 2_000 for n in names)
    assert "line 199" in paths.log.read_text()


@pytest.mark.expect_log_warnings
def test_a_planted_symlink_is_not_followed(tmp_path: Path, capsys) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    paths = DataPaths(tmp_path / "data").ensure()
    paths.log.symlink_to(victim)
    assert setup_logging(paths) is None  # refused; warnings go to stderr instead
    log.warning("still said")
    assert victim.read_text() == "precious\n"
    assert "still said" in capsys.readouterr().err


@pytest.mark.expect_log_warnings
def test_an_unusable_data_folder_never_stops_the_program(tmp_path: Path, capsys) -> None:
    (tmp_path / "a-file").write_text("")
    assert setup_logging(DataPaths(tmp_path / "a-file" / "data")) is None  # mkdir fails: not a folder
    log.error("the import failed")
    assert "the import failed" in capsys.readouterr().err


def test_the_cli_logs_to_the_data_folder_and_sources_names_the_file(cli: CliRunner, home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)
    out = cli("sources", check_rc=0).stdout
    assert out.splitlines()[-1] == f"log: {data_dir / 'tokenworth.log'}"
    assert mode(data_dir / "tokenworth.log") == 0o600


def test_the_log_holds_no_content_from_the_logs_it_read(cli: CliRunner, home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)  # the fixtures hide SECRET-* markers in prompts, replies and tool output
    cli("import")
    cli("sources", check_rc=0)
    for path in data_dir.glob("tokenworth.log*"):
        assert "SECRET" not in path.read_text(errors="replace")
