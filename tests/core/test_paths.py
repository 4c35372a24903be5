"""F12: the data folder is private to the user, and so is every file in it (real stat modes)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import CliRunner, install_fixture_logs
from tracker.core.errors import StoreError
from tracker.core.paths import DataPaths
from tracker.pricing import shared_cache


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> object:
    old = os.umask(0o022)  # what most desktops use: files 0644 unless we say otherwise
    yield
    os.umask(old)


def test_ensure_makes_a_private_folder_and_database(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data").ensure()
    assert mode(paths.root) == 0o700
    assert paths.database.is_file() and mode(paths.database) == 0o600


def test_ensure_tightens_an_older_world_readable_store(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir(mode=0o755)
    for name in ("tokenworth.sqlite3", "tokenworth.sqlite3-wal", "tokenworth.sqlite3-shm", "settings.json"):
        (root / name).write_bytes(b"")
        (root / name).chmod(0o644)
    DataPaths(root).ensure()
    assert mode(root) == 0o700
    assert {name: mode(root / name) for name in os.listdir(root)} == {
        "tokenworth.sqlite3": 0o600,
        "tokenworth.sqlite3-wal": 0o600,
        "tokenworth.sqlite3-shm": 0o600,
        "settings.json": 0o600,
    }


def test_ensure_leaves_a_folder_that_is_not_a_store_alone(tmp_path: Path) -> None:
    (shared := tmp_path / "shared").mkdir(mode=0o755)
    (shared / "notes.txt").write_text("mine")
    DataPaths(shared).ensure()
    assert mode(shared) == 0o755 and mode(shared / "notes.txt") == 0o644


@pytest.mark.parametrize("make", ["file", "missing-parent"])
def test_a_folder_that_cannot_be_made_is_a_store_error(tmp_path: Path, make: str) -> None:
    (afile := tmp_path / "afile").write_text("x")
    root = afile if make == "file" else afile / "below"
    with pytest.raises(StoreError, match=f"cannot use the data folder {root}: "):
        DataPaths(root).ensure()


def test_sqlite_files_made_by_the_cli_are_private(cli: CliRunner, home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)
    cli("import", check_rc=0)
    cli("config", "set", "general.timezone", "UTC", check_rc=0)
    cli("sources", check_rc=0)  # opening the store tightens a settings file another version wrote
    assert mode(data_dir) == 0o700
    made = {p.name: mode(p) for p in data_dir.iterdir() if p.is_file()}
    assert "tokenworth.sqlite3" in made and "settings.json" in made
    assert set(made.values()) == {0o600}, made


def test_price_cache_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache" / "tokenworth"
    monkeypatch.setenv(shared_cache.CACHE_DIR_ENV, str(folder))
    shared_cache.add("catalog-1", {"m": b"x"})
    assert mode(folder) == 0o700
    assert [mode(p) for p in folder.iterdir()] == [0o600]
    assert shared_cache.load("catalog-1") == {"m": b"x"}
    folder.chmod(0o755)
    shared_cache.add("catalog-1", {"n": b"y"})
    assert mode(folder) == 0o700


def test_an_atomic_write_never_replaces_a_device_or_a_socket(tmp_path: Path) -> None:
    """A rename over ``/dev/null`` as root replaced the device with a file; any writer that
    goes through ``atomic_write`` refuses a target that is not a regular file or a link."""
    import socket

    from tracker.core.atomic_write import write_text
    from tracker.core.errors import OutputError

    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(OutputError, match="not a regular file"):
            write_text(sock_path, "x")
        assert stat.S_ISSOCK(sock_path.lstat().st_mode)
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        write_text(fifo, "x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
