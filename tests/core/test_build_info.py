"""``code_stamp``: what names the installed code in the report cache, without package metadata."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.core import build_info


@pytest.fixture
def site_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site-packages"
    (folder / "genai_prices-0.2.3.dist-info").mkdir(parents=True)
    os.utime(folder, ns=(1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(folder), str(tmp_path / "not-on-the-path")])
    monkeypatch.setattr(site, "getusersitepackages", lambda: str(folder))
    monkeypatch.setattr(sys, "path", [str(tmp_path / "cwd"), str(folder)])
    build_info.code_stamp.cache_clear()
    yield folder
    build_info.code_stamp.cache_clear()


def test_an_upgrade_changes_the_stamp(site_folder: Path) -> None:
    before = build_info.code_stamp()
    assert before == f"{site_folder}:1000000000"  # only the site folders on the path, once each
    (site_folder / "genai_prices-0.2.3.dist-info").rename(site_folder / "genai_prices-0.2.4.dist-info")
    build_info.code_stamp.cache_clear()
    assert build_info.code_stamp() != before


def test_a_bundle_is_named_by_its_baked_id(site_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "build-id.txt").write_text("abc123def456.20261202T010203Z\n")
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # what PyInstaller's bootloader sets
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert build_info.code_stamp() == "frozen:abc123def456.20261202T010203Z"


def test_no_package_metadata_is_read() -> None:
    code = (
        "import sys; from tracker.core.build_info import code_stamp; code_stamp(); "
        "print('importlib.metadata' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
