"""Render the SVG icons to the PNG sizes desktops ask for, and the Windows/macOS icon files.

    uv run python resources/icons/render.py

Writes ``hicolor/<N>x<N>/apps/tokenworth.png`` (the XDG icon-theme layout, so the Linux
install copies the tree as is), ``tray/<N>x<N>/<name>.png`` for each tray SVG,
``tokenworth.ico`` (Windows, PNG-compressed entries) and ``tokenworth.icns`` (macOS). The
outputs are committed; run this again after editing an SVG.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # rendering needs no screen

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
APP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
ICO_SIZES = (16, 24, 32, 48, 64, 256)
ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512}


def render(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO whose entries are PNGs (Windows Vista and later read them)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns(pngs: dict[bytes, bytes]) -> bytes:
    """An ICNS of PNG entries (the types macOS 10.7+ reads)."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # QImage text/SVG rendering wants a GUI application
    master = HERE / "tokenworth.svg"
    for size in APP_SIZES:
        out = HERE / "hicolor" / f"{size}x{size}" / "apps" / "tokenworth.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render(master, size))
    for svg in sorted((HERE / "tray").glob("*.svg")):
        for size in TRAY_SIZES:
            out = HERE / "tray" / f"{size}x{size}" / f"{svg.stem}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(render(svg, size))
    (HERE / "tokenworth.ico").write_bytes(ico({s: render(master, s) for s in ICO_SIZES}))
    (HERE / "tokenworth.icns").write_bytes(icns({k: render(master, s) for k, s in ICNS_TYPES.items()}))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
