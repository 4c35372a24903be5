"""Where the files in ``resources/`` (icons, the ``.desktop`` entry, autostart templates) are.

One answer for every way Tokenworth runs: a PyInstaller bundle unpacks them under
``sys._MEIPASS``; an installed wheel carries them inside the package (``tracker/resources``,
see the build backend's ``force-include``); a source checkout has them beside ``tracker/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)  # as resources/icons/render.py writes them
TRAY_ICON_SIZES = (16, 22, 24, 32, 48, 64)
TRAY_STATES = ("idle", "ok", "warn", "over")


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def candidates() -> list[Path]:
    """The folders that may hold ``resources/``, most specific first."""
    found: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if is_frozen() and bundle:
        found.append(Path(bundle) / "resources")
    found += [PACKAGE_DIR / "resources", PACKAGE_DIR.parent / "resources"]
    return found


def resources_dir() -> Path:
    """The first folder of :func:`candidates` that exists (the source tree's when none does)."""
    return next((d for d in candidates() if (d / "icons").is_dir()), candidates()[-1])


def resource_path(relative: str) -> Path:
    """``resources/<relative>`` wherever it is; raises ``FileNotFoundError`` naming where it looked."""
    for folder in candidates():
        path = folder / relative
        if path.exists():
            return path
    looked = ", ".join(str(d) for d in candidates())
    raise FileNotFoundError(f"resource {relative!r} is missing (looked in {looked})")


def app_icon_pngs() -> list[Path]:
    """The app icon at every rendered size (``QIcon.addFile`` each for a sharp window icon)."""
    return [resource_path(f"icons/hicolor/{n}x{n}/apps/tokenworth.png") for n in APP_ICON_SIZES]


def tray_icon_png(size: int = 64, state: str = "") -> Path:
    """The tray icon at ``size`` px: the base coin (``state=""``) that the tray draws its budget
    ring around, or a fixed state (``idle``, ``ok``, ``warn``, ``over``)."""
    name = f"tokenworth-tray-{state}" if state else "tokenworth-tray"
    return resource_path(f"icons/tray/{size}x{size}/{name}.png")
