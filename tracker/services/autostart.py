"""Start at login: an XDG autostart entry on Linux; templates for Windows and macOS live in
``packaging/autostart``."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

ENTRY = """[Desktop Entry]
Type=Application
Name=Tokenworth
Comment=What your AI tokens were worth
Exec={command}
Icon=tokenworth
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def autostart_file(home: Path, env: Mapping[str, str]) -> Path:
    config = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return config / "autostart" / "tokenworth.desktop"


def launch_command(data_dir: Path | None) -> str:
    """How to start this Tokenworth in the tray (the installed script when there is one)."""
    script = Path(sys.executable).with_name("tokenworth")
    parts = [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]
    if data_dir is not None:
        parts += ["--data-dir", str(data_dir)]
    return " ".join(shlex.quote(p) for p in [*parts, "--tray"])


def apply_autostart(enabled: bool, home: Path, env: Mapping[str, str], data_dir: Path | None = None) -> Path | None:
    """Create or remove the login entry; returns its path when it exists afterwards."""
    if not sys.platform.startswith("linux"):
        return None  # see packaging/autostart for the Windows and macOS equivalents
    path = autostart_file(home, env)
    if not enabled:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(ENTRY.format(command=launch_command(data_dir)), encoding="utf-8")
    os.replace(tmp, path)
    return path
