"""packaging/linux/install.sh: the build lands in ~/.local/opt, the launcher entry and icons in
the XDG folders; the uninstall removes exactly that. Runs on a stand-in build (a script that
records how it was started), so it needs no PyInstaller run."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from tests.packaging.tools import require

REPO = Path(__file__).parents[2]
INSTALL = REPO / "packaging" / "linux" / "install.sh"


def fake_build(tmp_path: Path, record: Path) -> Path:
    build = tmp_path / "dist" / "tokenworth"
    shutil.copytree(REPO / "resources", build / "_internal" / "resources")
    exe = build / "tokenworth"
    exe.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    exe.chmod(0o755)
    return build


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")} | {"HOME": str(home)}
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, env=env, timeout=120)


def test_install_shows_in_the_launcher_and_uninstall_removes_exactly_that(tmp_path: Path) -> None:
    validate = require("desktop-file-validate", "desktop-file-utils")
    gio = require("gio", "libglib2.0-bin")
    home = tmp_path / "my home"  # a space: the entry's Exec must quote it
    (home / ".local" / "share" / "applications").mkdir(parents=True)
    (home / ".local" / "share" / "applications" / "other.desktop").write_text("not ours\n")
    before = tree(home)
    record = tmp_path / "argv.txt"
    build = fake_build(tmp_path, record)

    proc = run(home, str(build))
    assert proc.returncode == 0, proc.stderr
    share = home / ".local" / "share"
    entry = share / "applications" / "tokenworth.desktop"
    opt = home / ".local" / "opt" / "tokenworth"
    assert (opt / "tokenworth").is_file() and (home / ".local" / "bin" / "tokenworth").resolve() == opt / "tokenworth"
    for size in (16, 32, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "tokenworth.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "tokenworth.svg").is_file()
    assert (share / "metainfo" / "com.tokenworth.Tokenworth.metainfo.xml").is_file()
    checked = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    assert f'Exec="{opt}/tokenworth"' in entry.read_text().splitlines()

    subprocess.run([gio, "launch", str(entry)], check=True, timeout=60)  # what a launcher does
    deadline = time.monotonic() + 60  # waiting for the child to start, not a timing check
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert record.read_text() == "\n"  # started with no arguments: the window

    assert run(home, str(build)).returncode == 0  # a reinstall replaces, leaves no second copy
    proc = run(home, "--uninstall")
    assert proc.returncode == 0, proc.stderr
    assert tree(home) == before
    assert run(home, "--uninstall").returncode == 1  # nothing left to remove, and it says so


def test_a_home_the_entry_cannot_name_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    home = tmp_path / "price$HOME"
    home.mkdir()
    proc = run(home, str(fake_build(tmp_path, tmp_path / "argv.txt")))
    assert proc.returncode == 1 and "cannot name" in proc.stderr
    assert tree(home) == []


def test_without_a_build_it_says_how_to_make_one(tmp_path: Path) -> None:
    proc = run(tmp_path, str(tmp_path / "nothing"))
    assert proc.returncode == 1 and "run packaging/build.sh first" in proc.stderr
