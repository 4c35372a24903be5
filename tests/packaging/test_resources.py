"""The resource files: found by one function in a checkout, an installed wheel and a bundle;
icons at every size, generated from the SVG."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from tracker.core import resources

REPO = Path(__file__).parents[2]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_in_a_checkout_resources_are_the_source_tree_folder() -> None:
    assert resources.resources_dir() == REPO / "resources"
    assert resources.resource_path("tokenworth.desktop") == REPO / "resources" / "tokenworth.desktop"


def test_in_a_bundle_resources_come_from_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "tokenworth.desktop").write_text("[Desktop Entry]\n")
    # what PyInstaller's bootloader sets; there is no other way to be "frozen" in a test
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource_path("tokenworth.desktop") == tmp_path / "resources" / "tokenworth.desktop"


def test_a_missing_resource_names_where_it_looked() -> None:
    with pytest.raises(FileNotFoundError, match=r"'icons/nope.png' is missing \(looked in .*resources"):
        resources.resource_path("icons/nope.png")


def test_app_icon_at_every_size() -> None:
    pngs = resources.app_icon_pngs()
    assert [png_size(p) for p in pngs] == [(n, n) for n in resources.APP_ICON_SIZES]
    assert resources.APP_ICON_SIZES[0] == 16 and resources.APP_ICON_SIZES[-1] == 512


def test_tray_icons_at_every_size_and_state() -> None:
    for state in ("", *resources.TRAY_STATES):
        for n in resources.TRAY_ICON_SIZES:
            assert png_size(resources.tray_icon_png(n, state)) == (n, n)


def test_every_png_comes_from_an_svg_the_renderer_knows() -> None:
    """Nothing drawn by hand: each PNG's stem is an SVG's, and render.py writes each size."""
    icons = REPO / "resources" / "icons"
    svgs = {p.stem for p in icons.rglob("*.svg")}
    assert {p.stem for p in icons.rglob("*.png")} == svgs
    render = (icons / "render.py").read_text()
    assert str(resources.APP_ICON_SIZES) in render and str(resources.TRAY_ICON_SIZES) in render


def test_windows_and_macos_icon_files() -> None:
    ico = (REPO / "resources" / "icons" / "tokenworth.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count == 6
    sizes = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert sizes == [16, 24, 32, 48, 64, 256]
    icns = (REPO / "resources" / "icons" / "tokenworth.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
