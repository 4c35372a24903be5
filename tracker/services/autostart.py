"""Start at login, on all three platforms, from one module.

- Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/tokenworth.desktop``.
- macOS: a LaunchAgent, ``~/Library/LaunchAgents/com.tokenworth.tray.plist`` (read at login).
- Windows: the ``Tokenworth`` value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.

The entries are made from the templates in ``resources/autostart/`` (the same files the builds
ship), with the command that starts *this* Tokenworth: the bundle's executable when frozen,
the installed ``tokenworth`` script, or ``python -m tracker``. Each platform has ``enable``,
``disable`` and ``is_enabled``; failures raise ``AutostartError`` with a message for the user.
The shape follows ActivityWatch's ``aw_qt/autostart.py`` (one dispatcher over per-platform parts).
"""

from __future__ import annotations

import logging
import plistlib
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tracker.core import resources
from tracker.core.atomic_write import write_bytes
from tracker.core.errors import OutputError, TokenworthError

log = logging.getLogger(__name__)

DESKTOP_TEMPLATE = "autostart/tokenworth-autostart.desktop"
PLIST_TEMPLATE = "autostart/com.tokenworth.tray.plist"
LAUNCH_AGENT_LABEL = "com.tokenworth.tray"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"  # under HKEY_CURRENT_USER
RUN_VALUE = "Tokenworth"
PUBLIC_FILE = 0o644  # login managers read these as the user; nothing private in them

# Desktop Entry spec, "The Exec key": an argument holding one of these must be double-quoted.
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


class AutostartError(TokenworthError):
    """Start-at-login could not be set up or removed; the message says what and where."""


def launch_argv(data_dir: Path | None, *, frozen: bool | None = None, executable: str | None = None) -> list[str]:
    """The command that starts this Tokenworth in the tray."""
    exe = executable or sys.executable
    if resources.is_frozen() if frozen is None else frozen:
        parts = [exe]  # the bundle's own executable; there is no separate Python
    else:
        script = Path(exe).with_name("tokenworth.exe" if sys.platform == "win32" else "tokenworth")
        parts = [str(script)] if script.exists() else [exe, "-m", "tracker"]
    if data_dir is not None:
        parts += ["--data-dir", str(data_dir)]
    return [*parts, "--tray"]


def desktop_exec(argv: Sequence[str]) -> str:
    """``argv`` as a Desktop Entry ``Exec`` value: reserved characters quoted with double quotes
    (``"``, `````, ``$``, ``\\`` escaped inside), ``%`` doubled, then the string-value escape
    applied to backslashes (so a literal ``\\`` is written as four)."""
    out = []
    for arg in argv:
        if "\n" in arg or "\r" in arg:
            raise AutostartError(f"cannot start at login from a path with a line break: {arg!r}")
        if _RESERVED.search(arg) or not arg:
            arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        out.append(arg.replace("%", "%%"))
    return " ".join(out).replace("\\", "\\\\")


def render_desktop_entry(argv: Sequence[str]) -> str:
    """The XDG autostart entry: the template with its ``Exec`` line replaced."""
    template = _template(DESKTOP_TEMPLATE).decode("utf-8")
    lines = [f"Exec={desktop_exec(argv)}" if line.startswith("Exec=") else line for line in template.splitlines()]
    return "\n".join(lines) + "\n"


def render_launch_agent(argv: Sequence[str]) -> bytes:
    """The macOS LaunchAgent: the template with its ``ProgramArguments`` replaced."""
    agent = plistlib.loads(_template(PLIST_TEMPLATE))
    agent["Label"] = LAUNCH_AGENT_LABEL
    agent["ProgramArguments"] = list(argv)
    return plistlib.dumps(agent)


def windows_command(argv: Sequence[str]) -> str:
    """The ``Run`` value: one command line, quoted as Windows' argument parsing expects."""
    return subprocess.list2cmdline(list(argv))


def _template(name: str) -> bytes:
    try:
        return resources.resource_path(name).read_bytes()
    except OSError as exc:
        raise AutostartError(f"the start-at-login template is missing: {exc}") from None


class Autostart(Protocol):
    """One platform's login entry."""

    def enable(self, argv: Sequence[str]) -> None: ...
    def disable(self) -> None: ...
    def is_enabled(self) -> bool: ...
    def location(self) -> str: ...


@dataclass
class FileEntry:
    """A login entry that is a file (XDG autostart, macOS LaunchAgent)."""

    path: Path
    render: str  # "desktop" or "plist"

    def enable(self, argv: Sequence[str]) -> None:
        data = render_desktop_entry(argv).encode("utf-8") if self.render == "desktop" else render_launch_agent(argv)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(self.path, data, PUBLIC_FILE)
        except (OSError, OutputError) as exc:
            raise AutostartError(f"cannot set up start at login in {self.path.parent}: {exc}") from None

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise AutostartError(f"cannot remove the start-at-login entry {self.path}: {exc}") from None

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def location(self) -> str:
        return str(self.path)


class RunRegistry(Protocol):
    """The values of ``HKCU\\…\\Run`` (winreg on Windows; a dict in tests)."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


class WinRegRun:
    """``RunRegistry`` over winreg (imported only on Windows; mypy checks it for win32)."""

    def get(self, name: str) -> str | None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                value, _kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return str(value)

    def set(self, name: str, value: str) -> None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

    def delete(self, name: str) -> None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass


@dataclass
class RegistryEntry:
    """The Windows login entry: one value under ``HKCU\\…\\Run``."""

    registry: RunRegistry = field(default_factory=WinRegRun)

    def enable(self, argv: Sequence[str]) -> None:
        try:
            self.registry.set(RUN_VALUE, windows_command(argv))
        except OSError as exc:
            raise AutostartError(f"cannot set up start at login (HKCU\\{RUN_KEY}): {exc}") from None

    def disable(self) -> None:
        try:
            self.registry.delete(RUN_VALUE)
        except OSError as exc:
            raise AutostartError(f"cannot remove start at login (HKCU\\{RUN_KEY}): {exc}") from None

    def is_enabled(self) -> bool:
        try:
            return self.registry.get(RUN_VALUE) is not None
        except OSError:
            return False

    def location(self) -> str:
        return f"HKCU\\{RUN_KEY}\\{RUN_VALUE}"


def autostart_file(home: Path, env: Mapping[str, str]) -> Path:
    """The XDG autostart entry's path."""
    config = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return config / "autostart" / "tokenworth.desktop"


def launch_agent_file(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def for_platform(home: Path, env: Mapping[str, str], platform: str = sys.platform) -> Autostart:
    """The login entry of ``platform`` (``sys.platform`` values)."""
    if platform == "win32":
        return RegistryEntry()
    if platform == "darwin":
        return FileEntry(launch_agent_file(home), "plist")
    return FileEntry(autostart_file(home, env), "desktop")  # Linux, the BSDs: XDG desktops


def apply_autostart(
    enabled: bool,
    home: Path,
    env: Mapping[str, str],
    data_dir: Path | None = None,
    *,
    entry: Autostart | None = None,
) -> Path | None:
    """Make the login entry match the setting; returns the entry's file when one exists
    afterwards (None when disabled, on Windows, or when it failed). Called at every start and
    after the settings dialog, so a failure is logged, never raised: the app still opens."""
    entry = entry or for_platform(home, env)
    try:
        if enabled:
            entry.enable(launch_argv(data_dir))
        else:
            entry.disable()
    except AutostartError as exc:
        log.warning("%s", exc)
        return None
    return entry.path if isinstance(entry, FileEntry) and entry.is_enabled() else None
