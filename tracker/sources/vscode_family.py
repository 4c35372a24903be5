"""Where VS Code-family editors keep extension data, as data every extension source shares.

An extension's files live in ``<user dir>/globalStorage/<extension id>/``. The user dir is
``<config>/<editor>/User`` on the desktop (``~/.config`` on Linux, ``~/Library/Application
Support`` on macOS, ``%APPDATA%`` on Windows) and ``~/<server>/data/User`` on a machine
reached by a remote window (SSH, WSL, containers).
"""

from __future__ import annotations

from tracker.sources.spec import Root

# Desktop editors built on VS Code, by the folder name each uses under the config dir.
EDITORS = (
    "Code",
    "Code - Insiders",
    "Code - OSS",
    "VSCodium",
    "VSCodium - Insiders",
    "Cursor",
    "Windsurf",
    "Windsurf - Next",
    "Trae",
    "Positron",
    "Kiro",
)
# Remote-host server folders in the home folder (Linux and macOS hosts).
SERVERS = (
    ".vscode-server",
    ".vscode-server-insiders",
    ".vscodium-server",
    ".cursor-server",
    ".windsurf-server",
)


def extension_roots(extension_id: str) -> tuple[Root, ...]:
    """The ``globalStorage/<extension_id>`` folder under every editor and server, per OS."""
    desktop = tuple(Root(f"{{config}}/{editor}/User/globalStorage/{extension_id}") for editor in EDITORS)
    remote = tuple(
        Root(f"~/{server}/data/User/globalStorage/{extension_id}", platforms=("linux", "darwin")) for server in SERVERS
    )
    return desktop + remote
